"""Load a data package into typed records: ``mscdata.load()`` and :class:`Dataset`.

Reading uses only the standard library's csv module and the field types declared in
the descriptor, so loading is fast and needs neither frictionless nor pandas
(``to_pandas`` imports pandas when called).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.errors import PackageError

if TYPE_CHECKING:
    import pandas

    from mscdata.models import Article

_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}
_PANDAS_DTYPES = {"integer": "Int64", "boolean": "boolean", "number": "Float64", "string": "string"}


def _convert(value: str, field: dict[str, Any]) -> Any:
    if value in field.get("missingValues", [""]):
        return None
    kind = field.get("type", "string")
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError(f"not a boolean: {value!r}")
    if kind == "list":
        return [
            _convert(item, {"type": field.get("itemType", "string")})
            for item in value.split(field.get("delimiter", ","))
        ]
    return value


def read_table(base: Path, resource: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Typed rows of a CSV resource as (row number, row), the header being row 1."""
    fields = resource["schema"]["fields"]
    missing = resource["schema"].get("missingValues", [""])
    typed = [{**f, "missingValues": missing} for f in fields]
    path = base / resource["path"]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header != [f["name"] for f in fields]:
            raise PackageError(f"{path}: header {header} does not match the schema's fields")
        for row_number, cells in enumerate(reader, start=2):
            if len(cells) != len(typed):
                raise PackageError(
                    f"{path}: row {row_number}: {len(cells)} cells, expected {len(typed)}"
                )
            try:
                pairs = zip(typed, cells, strict=True)
                yield row_number, {f["name"]: _convert(c, f) for f, c in pairs}
            except ValueError as error:
                raise PackageError(f"{path}: row {row_number}: {error}") from None


def count_rows(base: Path, resource: dict[str, Any]) -> int:
    """Number of data rows of a CSV resource."""
    with (base / resource["path"]).open(encoding="utf-8", newline="") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def nest_rows(tables: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Typed rows of every table nested back into one dict per article, in table order.

    Children are attached to their parent row by key, in position order; rows whose
    parent is missing are left out (validation reports them as foreign-key errors).
    """
    from mscdata.package import table_schemas
    from mscdata.records import join_abstract

    document = table_schemas()
    store: dict[str, dict[tuple, dict[str, Any]]] = {}
    for resource in document["resources"]:
        key_names = resource["schema"]["primaryKey"]
        parent_keys = set(key_names[:-1]) if resource["path"] else set()
        store[resource["name"]] = {
            tuple(row[k] for k in key_names): {
                k: v for k, v in row.items() if v is not None and k not in parent_keys
            }
            for row in tables.get(resource["name"], [])
        }
    by_path = {tuple(r["path"]): r["name"] for r in document["resources"]}
    children = [r for r in document["resources"] if r["path"]]
    for resource in sorted(children, key=lambda r: -len(r["path"])):
        parent = store[by_path[tuple(resource["path"][:-1])]]
        slot = resource["path"][-1]
        for item in parent.values():
            item.setdefault(slot, [])
        for key, item in sorted(store[resource["name"]].items(), key=lambda kv: kv[0][-1]):
            if key[:-1] in parent:
                parent[key[:-1]][slot].append(item)
    articles = list(store[document["resources"][0]["name"]].values())
    for article in articles:
        article["abstract"] = join_abstract(article.get("abstract_sections", []))
    return articles


class Dataset:
    """A loaded mscdata package: typed tables, Article models, and lookups."""

    def __init__(self, path: Path, descriptor: dict[str, Any], tables: dict[str, list[dict]]):
        self.path = path
        self.descriptor = descriptor
        self.tables = tables
        self.articles: list[Article] = self._assemble()
        self._by_id = {a.id: a for a in self.articles}
        self._by_pmid = {a.pmid: a for a in self.articles if a.pmid}
        self._by_doi = {a.doi.lower(): a for a in self.articles if a.doi}
        self._by_pmcid = {a.pmcid.upper(): a for a in self.articles if a.pmcid}

    @property
    def version(self) -> str | None:
        """The data package's version."""
        return self.descriptor.get("version")

    def _assemble(self) -> list[Article]:
        from mscdata.models import Article

        return [Article.model_validate(data) for data in nest_rows(self.tables)]

    def __len__(self) -> int:
        return len(self.articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __getitem__(self, article_id: str) -> Article:
        return self._by_id[article_id]

    def __repr__(self) -> str:
        return f"<mscdata.Dataset {self.path} version={self.version} articles={len(self)}>"

    def get(self, article_id: str) -> Article | None:
        """The article with this key (``pmid:26237144``), or None."""
        return self._by_id.get(article_id)

    def by_pmid(self, pmid: str | int) -> Article | None:
        """The article with this PMID, or None."""
        return self._by_pmid.get(str(pmid))

    def by_doi(self, doi: str) -> Article | None:
        """The article with this DOI (case-insensitive, ``doi:``/URL prefix allowed), or None."""
        from mscdata.identifiers import clean_doi

        return self._by_doi.get(clean_doi(doi).lower())

    def by_pmcid(self, pmcid: str) -> Article | None:
        """The article with this PMCID (``PMC1234567``), or None."""
        return self._by_pmcid.get(pmcid.upper())

    def to_pandas(self, table: str | None = None) -> pandas.DataFrame | dict[str, pandas.DataFrame]:
        """One table as a DataFrame, or all of them by name, with nullable dtypes.

        Needs pandas (``pip install mscdata[pandas]``).
        """
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("to_pandas() needs pandas: pip install 'mscdata[pandas]'") from None
        resources = {r["name"]: r for r in self.descriptor["resources"]}
        if table is not None and table not in resources:
            raise KeyError(f"no table {table!r}; tables: {', '.join(resources)}")

        def frame(name: str) -> pandas.DataFrame:
            fields = resources[name]["schema"]["fields"]
            columns = [f["name"] for f in fields]
            df = pd.DataFrame(self.tables.get(name, []), columns=columns)
            for f in fields:
                if f["type"] in _PANDAS_DTYPES:
                    df[f["name"]] = df[f["name"]].astype(_PANDAS_DTYPES[f["type"]])
            return df

        if table is not None:
            return frame(table)
        return {name: frame(name) for name in resources}


def load(path: str | os.PathLike | None = None, *, sha256: str | None = None) -> Dataset:
    """Load a data package (default: the package bundled with mscdata): a folder, a
    descriptor, a release zip URL (downloaded, checked against the SHA-256 mscdata
    ships or ``sha256``, and cached; see :func:`mscdata.download`) or a
    ``datapackage.json`` URL.

    Raises :class:`mscdata.PackageError` when the package cannot be read.
    """
    from mscdata.validation import read_descriptor

    if isinstance(path, str) and path.startswith(("http://", "https://")):
        if path.split("?", 1)[0].lower().endswith(".zip"):
            from mscdata.downloads import download

            return load(download(url=path, sha256=sha256))
        import tempfile

        from mscdata.fetch_package import fetch

        with tempfile.TemporaryDirectory(prefix="mscdata-load-") as folder:
            return load(fetch(path, Path(folder)))
    descriptor_path, descriptor = read_descriptor(path)
    base = descriptor_path.parent
    tables: dict[str, list[dict]] = {}
    for resource in descriptor["resources"]:
        try:
            tables[resource["name"]] = [row for _, row in read_table(base, resource)]
        except (OSError, KeyError) as error:
            raise PackageError(
                f"{descriptor_path}: resource {resource.get('name')!r} cannot be read: {error}"
            ) from None
    from pydantic import ValidationError

    try:
        return Dataset(descriptor_path, descriptor, tables)
    except ValidationError as error:
        raise PackageError(f"{descriptor_path}: records do not match the schema: {error}") from None
