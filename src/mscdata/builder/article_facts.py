"""Every article of a package with the MSC facts its text states (:mod:`mscdata.facts`).

Facts are read where an article's rows are made (:func:`mscdata.builder.stored_records.stored_form`,
in the worker processes of a bulk file or the tasks of a Dask cluster) and again after a
merge of formats (:func:`mscdata.builder.merge.merge_records`: the merged article holds
more text than any of its sources); whatever facts an article came with are replaced.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

FACTS_READ_BY = "facts_read_by"  # the record store's fact: facts_fingerprint() of its build


def with_facts(article: Any) -> dict[str, Any]:
    """An Article model's data (``model_dump()``; or that data itself, which is not
    copied), its ``msc_facts`` those :func:`mscdata.facts.extract` reads from it."""
    from mscdata.facts import extract

    data = article if isinstance(article, dict) else article.model_dump()
    data["msc_facts"] = [fact.model_dump() for fact in extract(data)]
    return data


@functools.lru_cache(maxsize=1)
def facts_fingerprint() -> str:
    """What reads the facts, as 16 hex digits: a digest of the extractor's code and
    lexicons (``mscdata/facts``) and of the schema's terms. A record store keeps the one
    its facts were read with; an update by another extractor is refused (the facts of
    the records already stored would not be read again)."""
    import hashlib
    import json

    import mscdata.facts
    from mscdata.schema_rules import FACT_TERMS

    folder = Path(mscdata.facts.__file__).parent
    digest = hashlib.sha256(json.dumps(FACT_TERMS, sort_keys=True).encode())
    for path in sorted([*folder.glob("*.py"), *folder.glob("lexicons/*.yaml")]):
        digest.update(f"\0{path.name}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:16]
