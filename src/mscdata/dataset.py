"""Load a data package into typed records: ``mscdata.load()`` and :class:`Dataset`.

Reading uses only the standard library's csv module and the field types declared in
the descriptor, so loading is fast and needs neither frictionless nor pandas
(``to_pandas`` imports pandas when called).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mscdata.errors import PackageError
from mscdata.wording import counted

if TYPE_CHECKING:
    import pandas

    from mscdata.models import Article

_PANDAS_DTYPES = {"integer": "Int64", "boolean": "boolean", "number": "Float64", "string": "string"}


def check_keys(where: Path, descriptor: dict[str, Any], tables: dict[str, list[dict]]) -> None:
    """Every mscdata resource's primary key declared with mscdata's types, never empty
    and never repeated, as :func:`mscdata.builder.article_rows.nest` needs; PackageError naming
    the row."""
    from mscdata.resources import table_schemas

    declared = {
        r["name"]: r["schema"]["fields"] for r in descriptor["resources"] if r.get("name") in tables
    }
    for expected in table_schemas()["resources"]:
        name = expected["name"]
        if name not in tables:
            continue
        wanted = {f["name"]: f["type"] for f in expected["schema"]["fields"]}
        found = {f["name"]: f.get("type", "any") for f in declared[name]}
        key = expected["schema"]["primaryKey"]
        for field_name in key:
            if found.get(field_name) != wanted[field_name]:
                raise PackageError(
                    f"{where}: resource {name!r}: key field {field_name!r} must be of type "
                    f"{wanted[field_name]!r}, found {found.get(field_name)!r}"
                )
        seen: set[tuple] = set()
        for number, row in enumerate(tables[name], start=2):
            value = tuple(row[k] for k in key)
            problem = "has an empty cell" if None in value else "repeats" if value in seen else ""
            if problem:
                key_text = ", ".join(key)
                raise PackageError(
                    f"{where}: resource {name!r}: row {number}: the key ({key_text}) {problem}"
                )
            seen.add(value)


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
        from mscdata.builder.article_rows import nest
        from mscdata.models import Article

        return [Article.model_validate(data) for data in nest(self.tables)]

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
        resources = {r["name"]: r for r in self.descriptor["resources"] if r["name"] in self.tables}
        if table is not None and table not in resources:
            raise KeyError(f"no table {table!r}; tables: {', '.join(resources)}")

        def frame(name: str) -> pandas.DataFrame:
            fields = resources[name]["schema"]["fields"]
            columns = [f["name"] for f in fields]
            df = pd.DataFrame(self.tables.get(name, []), columns=columns)
            for f in fields:
                if f.get("type") in _PANDAS_DTYPES:
                    df[f["name"]] = df[f["name"]].astype(_PANDAS_DTYPES[f["type"]])
            return df

        if table is not None:
            return frame(table)
        return {name: frame(name) for name in resources}


def _located(issue: Any) -> str:
    """A validation issue as one line: resource, field, message."""
    where = " ".join(
        part
        for part in (
            f"resource {issue.resource!r}" if issue.resource else "",
            f"field {issue.field!r}" if issue.field else "",
        )
        if part
    )
    return f"{where}: {issue.message}" if where else issue.message


def load(path: str | os.PathLike | None = None, *, sha256: str | None = None) -> Dataset:
    """Load a data package (default: the package bundled with mscdata): a folder, a
    descriptor, a release zip URL (downloaded, checked against the SHA-256 mscdata
    ships or ``sha256``, and cached; see :func:`mscdata.download`), a
    ``datapackage.json`` URL, or a storage URL (``s3://bucket/mscdata``, as
    :func:`mscdata.upload` publishes; the file system's own configuration applies).

    Every file is reached through :mod:`mscdata.validator.package_files` (no URL, nothing
    outside the package, no special file); the descriptor and its Table Schemas pass
    the checks ``validate`` makes of them (:mod:`mscdata.validator.schema_checks`, the fields
    of the mscdata schema version) before :mod:`mscdata.validator.csv_tables` reads the tables.
    Raises :class:`mscdata.PackageError`, naming the resource, the row and the
    reason, when the package cannot be read.
    """
    from mscdata.resources import table_schemas
    from mscdata.storage_urls import is_storage_url, local_path
    from mscdata.validator.csv_tables import read_table
    from mscdata.validator.package_files import guard_package, resource_label
    from mscdata.validator.schema_checks import schema_issues
    from mscdata.validator.validation import _check_descriptor, read_descriptor

    path = local_path(path)  # file:// addresses are folders
    if isinstance(path, str) and (path.startswith(("http://", "https://")) or is_storage_url(path)):
        if path.split("?", 1)[0].lower().endswith(".zip") and not is_storage_url(path):
            from mscdata.remote.downloads import download

            return load(download(url=path, sha256=sha256))
        import tempfile

        from mscdata.validator.fetch_package import fetch

        with tempfile.TemporaryDirectory(prefix="mscdata-load-") as folder:
            return load(fetch(path, Path(folder)))
    descriptor_path, descriptor = read_descriptor(path)
    base = descriptor_path.parent
    guarded = guard_package(base, descriptor, urls=False)
    descriptor = guarded.descriptor
    if guarded.problems:
        name, reason = guarded.problems[0]
        raise PackageError(f"{descriptor_path}: resource {name!r} cannot be read: {reason}")
    # the checks validate makes of the descriptor and its schemas, before any table
    problems = _check_descriptor(descriptor, table_schemas())[0] or schema_issues(descriptor)
    if problems:
        raise PackageError(f"{descriptor_path}: {_located(problems[0])}")
    tables: dict[str, list[dict]] = {}
    names = {r["name"] for r in table_schemas()["resources"]}
    for index, resource in enumerate(descriptor["resources"]):
        label = resource_label(resource, index)
        if label in tables or not isinstance(resource.get("name"), str):
            raise PackageError(f"{descriptor_path}: resource {label!r} has no name of its own")
        if label not in names and not isinstance(resource.get("schema"), dict):
            continue  # not a table (e.g. the package's notes): nothing to load
        try:
            tables[label] = read_table(resource, label, guarded.files[index])
        except PackageError as error:
            raise PackageError(f"{descriptor_path}: {error}") from None
    check_keys(descriptor_path, descriptor, tables)
    from pydantic import ValidationError

    try:
        return Dataset(descriptor_path, descriptor, tables)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PackageError(
            f"{descriptor_path}: records do not match the mscdata models "
            f"({counted(error.error_count(), 'error')}; first: {where}: {first['msg']})"
        ) from None
