"""mscdata's errors survive pickling (a worker process, a Dask task) with their message,
source, line and ids."""

from __future__ import annotations

import pickle

import pytest

from mscdata.errors import BuildError, FetchError, MissingPmidWarning, ParseError, TopicError
from mscdata.topics.selection import SelectionFailed


@pytest.mark.parametrize(
    "error",
    [
        ParseError("malformed XML", source="pubmed21n0001.xml.gz", line=12),
        ParseError("no PMID", source="page.html"),
        ParseError("empty"),
        SelectionFailed("cannot write", source="out.xml"),
        FetchError("NCBI refused the request", ids=["1", "2"]),
        FetchError("no answer"),
        BuildError("the built package is invalid"),
        TopicError("unknown topic 'x'"),
        MissingPmidWarning("page.html", "doi:10.1000/x"),
    ],
)
def test_an_error_unpickled_is_the_same_error(error):
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert str(again) == str(error)
    assert vars(again) == vars(error)
