"""One CSV reader: dialect, encoding and compression read the same way everywhere."""

from __future__ import annotations

import csv
import gzip

from mscdata.validator.csv_checks import read_header
from mscdata.validator.csv_files import csv_options, csv_rows, header_labels, text_rows

_TEXT = '\ufeffid;"two\nlines";title\n"a;1";2;x\n'
_DIALECT = {"delimiter": ";"}


def test_rows_of_a_file_with_its_dialect_encoding_and_compression(tmp_path) -> None:
    plain, packed = tmp_path / "t.csv", tmp_path / "t.csv.gz"
    plain.write_text(_TEXT, encoding="utf-8")
    packed.write_bytes(gzip.compress(_TEXT.encode("utf-8")))
    expected = [["id", "two\nlines", "title"], ["a;1", "2", "x"]]
    with csv_rows({"dialect": _DIALECT}, [plain]) as rows:
        assert list(rows) == expected
    with csv_rows({"dialect": _DIALECT, "compression": "gz"}, [packed]) as rows:
        assert list(rows) == expected


def test_every_header_reader_gives_the_same_labels(tmp_path) -> None:
    """The loader's and describe's reader (files) and the fast validator's (bytes)."""
    path = tmp_path / "t.csv"
    path.write_text(_TEXT, encoding="utf-8")
    labels = ["id", "two\nlines", "title"]
    assert header_labels({"dialect": _DIALECT}, path) == labels
    assert read_header(_TEXT.encode("utf-8").removeprefix(b"\xef\xbb\xbf"), _DIALECT) == labels
    assert text_rows(_TEXT.removeprefix("\ufeff"), _DIALECT)[0] == labels


def test_header_labels_of_what_cannot_be_read_is_none(tmp_path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"caf\xe9,x\n")
    assert header_labels({}, latin) is None
    assert header_labels({}, tmp_path / "missing.csv") is None
    assert header_labels({}, tmp_path) is None  # a folder, not a regular file


def test_dialect_options() -> None:
    assert csv_options(None) == csv_options({})
    assert csv_options({"quoteChar": ""})["quoting"] == csv.QUOTE_NONE
    options = csv_options({"doubleQuote": False, "escapeChar": "\\", "skipInitialSpace": True})
    assert (options["doublequote"], options["escapechar"], options["skipinitialspace"]) == (
        False,
        "\\",
        True,
    )
