"""Exceptions raised by mscdata: each says what was expected, what was found, and where."""

from __future__ import annotations


class MscdataError(Exception):
    """Base class of every error mscdata raises on purpose."""


class ParseError(MscdataError, ValueError):
    """A source could not be read as any supported format, or is malformed.

    ``source`` names the file (or ``<text>``), ``line`` the 1-based line when known.
    """

    def __init__(self, reason: str, *, source: str | None = None, line: int | None = None):
        self.reason = reason
        self.source = source
        self.line = line
        where = source or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple:
        # pickled with its keywords: a ParseError from a worker process (a pool, a Dask
        # task) names its source as it did there
        if type(self).__init__ is not ParseError.__init__:  # a subclass made its own way
            return super().__reduce__()
        return (_remade, (type(self), (self.reason,), {"source": self.source, "line": self.line}))


class PackageError(MscdataError):
    """A data package cannot be read at all (missing, unreadable or malformed descriptor)."""


class BuildError(MscdataError):
    """A data package could not be built; the previous package is left untouched."""


class ClusterError(MscdataError):
    """A Dask cluster cannot be used as asked: Dask not installed, a scheduler that cannot
    be reached or has no workers, worker processes that do not start."""


class FetchError(MscdataError):
    """Records could not be fetched: NCBI refused the request, or a batch still failed
    after every retry (``ids`` names what is missing)."""

    def __init__(self, reason: str, *, ids: list[str] | None = None):
        self.reason = reason
        self.ids = list(ids or [])
        shown = ", ".join(self.ids[:10]) + (" …" if len(self.ids) > 10 else "")
        super().__init__(f"{reason}" + (f" (ids: {shown})" if self.ids else ""))

    def __reduce__(self) -> tuple:
        if type(self).__init__ is not FetchError.__init__:  # a subclass made its own way
            return super().__reduce__()
        return (_remade, (type(self), (self.reason,), {"ids": self.ids}))


def _remade(kind: type, args: tuple, keywords: dict) -> Exception:
    """An error unpickled: made again with the keywords it was made with."""
    return kind(*args, **keywords)


class MissingPmidWarning(UserWarning):
    """A page read without its address prints no PMID: the article is keyed by its DOI
    or PMCID, and a PubMed address (``url=``) would supply the PMID."""

    def __init__(self, source: str, key: str):
        self.source, self.key = source, key
        super().__init__(self.advice("url='https://pubmed.ncbi.nlm.nih.gov/<PMID>/'"))

    def __reduce__(self) -> tuple:
        return (type(self), (self.source, self.key))  # from a worker (a Dask task)

    def advice(self, how: str) -> str:
        """The message, naming ``how`` the address is given (``url=``, ``--url``)."""
        return (
            f"{self.source}: the page prints no PMID, so the article is keyed {self.key}; "
            f"pass {how} to supply it"
        )


class TopicError(MscdataError):
    """A topic cannot be used: unknown, or its file breaks the topic schema (located by
    file and line)."""
