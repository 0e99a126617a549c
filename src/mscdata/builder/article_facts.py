"""Every article of a package with the MSC facts its text states (:mod:`mscdata.facts`).

Facts are read where an article's rows are made (:func:`mscdata.builder.stored_records.stored_form`,
in the worker processes of a bulk file or the tasks of a Dask cluster) and again after a
merge of formats (:func:`mscdata.builder.merge.merge_records`: the merged article holds
more text than any of its sources); whatever facts an article came with are replaced.
"""

from __future__ import annotations

from typing import Any


def with_facts(article: Any) -> dict[str, Any]:
    """An Article model's data (``model_dump()``; or that data itself, which is not
    copied), its ``msc_facts`` those :func:`mscdata.facts.extract` reads from it."""
    from mscdata.facts import extract

    data = article if isinstance(article, dict) else article.model_dump()
    data["msc_facts"] = [fact.model_dump() for fact in extract(data)]
    return data
