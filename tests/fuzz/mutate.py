"""Mutations of an input's bytes: what a damaged download, a careless edit, a wrong
encoding or a hostile author does to a file. Each mutator takes a ``random.Random`` and
bytes and returns new bytes; :func:`mutate` stacks a few."""

from __future__ import annotations

import codecs
import gzip
import random
from collections.abc import Callable

MAX_BYTES = 2 << 20  # a mutated input is cut to this size

TOKENS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"&",
    b"&amp;",
    b"&e;",
    b"&#0;",
    b"&#xD800;",
    b"&#99999999;",
    b"<!--",
    b"-->",
    b"<![CDATA[",
    b"]]>",
    b"<?xml",
    b"?>",
    b'<!DOCTYPE x [<!-- c --><!ENTITY e "boom">]>',
    b'<!DOCTYPE PubmedArticleSet SYSTEM "x.dtd">',
    b'<?xml version="1.0" encoding="utf-16"?>',
    b'<?xml version="1.0" encoding="foo"?>',
    b'<?xml version="1.0" encoding="rot13"?>',
    b'<?xml version="1.0" encoding="punycode"?>',
    b'<?xml version="1.0" encoding="ISO-8859-1"?>',
    b'encoding="hex"',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\x00",
    b"\xed\xa0\x80",
    b"\xc3",
    b"\xff",
    b"\r\n",
    b"\r",
    b"\n\n",
    b"\t",
    b" ",
    b",",
    b";",
    b"|",
    b'"',
    b"99999999999999999999",
    b"-1",
    b"0",
    b"13",
    b"2013",
    b"Feb 30",
    b"<Year>",
    b"</Year>",
    b"<Month>",
    b"<Day>",
    b"</Day>",
    b"<PMID>",
    b"</PMID>",
    b"<PubmedArticle>",
    b"</PubmedArticle>",
    b"<DeleteCitation>",
    b"</PubmedArticleSet>",
    b"<Author>",
    b"<Keyword>",
    b"<AbstractText Label='X'>",
    b"<sup>",
    b"</sup>",
    b"<i>",
    b"<article>",
    b"<front>",
    b"<article-meta>",
    b"<contrib>",
    b"<fig>",
    b"<ref>",
    b"<xref>",
    b"PMID- ",
    b"AU  - ",
    b"FAU - ",
    b"TI  - ",
    b"DP  - ",
    b"AID - ",
    b"      ",
    b"Author information",
    b"Keywords: ",
    b"Key Words: ",
    b"doi: ",
    b"PMID: ",
    b"PMCID: ",
    b"Send to",
    b"Skip to main page content",
    b"Skip to main content",
    b"Abstract",
    b"et al.",
    b"Free PMC article",
    b"References",
    b"Figures",
    b"\xe2\x80\xa8",
    b"\xc2\xa0",
    b"https://pubmed.ncbi.nlm.nih.gov/1/",
    b"10.1000/x",
    b"PMC1",
]
# long runs that make backtracking regexes and quadratic loops show themselves
RUNS = [b"0", b"9,", b" ", b"a", b"A, ", b", ", b"-", b".", b"\n", b"<i>", b"x;", b"Aa "]
TEXT_CODECS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig"]


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.choice([1, 2, 8, 64, 512, 4096]))


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 4, 16])):
        at = rng.randrange(len(out))
        out[at] = rng.randrange(256) if rng.random() < 0.5 else out[at] ^ (1 << rng.randrange(8))
    return bytes(out)


def insert_token(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(TOKENS) + data[at:]


def delete_span(rng: random.Random, data: bytes) -> bytes:
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def duplicate_span(rng: random.Random, data: bytes) -> bytes:
    start, end = _span(rng, data)
    return data[:end] + data[start:end] * rng.choice([1, 2, 10, 100]) + data[end:]


def cut(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def long_run(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(RUNS) * rng.choice([100, 5_000, 50_000, 200_000]) + data[at:]


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    tag = rng.choice([b"i", b"sup", b"p", b"sec", b"AbstractText", b"x"])
    depth = rng.choice([50, 500, 5_000, 50_000])
    at = rng.randrange(len(data) + 1)
    opening, closing = b"<" + tag + b">", b"</" + tag + b">"
    return data[:at] + opening * depth + closing * depth + data[at:]


def many_children(rng: random.Random, data: bytes) -> bytes:
    child = rng.choice(
        [
            b"<Keyword>k</Keyword>",
            b"<Author><LastName>A</LastName></Author>",
            b"<kwd>k</kwd>",
            b"OT  - k\n",
            b"k; ",
            b"<ref><mixed-citation>r</mixed-citation></ref>",
        ]
    )
    at = rng.randrange(len(data) + 1)
    return data[:at] + child * rng.choice([10, 1_000, 20_000]) + data[at:]


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    start, end = sorted(rng.randrange(len(lines) + 1) for _ in range(2))
    middle = lines[start:end]
    rng.shuffle(middle)
    return b"\n".join(lines[:start] + middle + lines[end:])


def reencode(rng: random.Random, data: bytes) -> bytes:
    codec = rng.choice(TEXT_CODECS)
    text = data.decode("utf-8", "replace")
    return (
        codecs.encode(text, codec, "replace")
        if rng.random() < 0.8
        else data + text.encode(codec, "replace")
    )


def gzip_wrap(rng: random.Random, data: bytes) -> bytes:
    packed = bytearray(gzip.compress(data, mtime=0))
    damage = rng.random()
    if damage < 0.3 and len(packed) > 20:
        packed[rng.randrange(10, len(packed))] ^= 0xFF
    elif damage < 0.5:
        del packed[rng.randrange(len(packed) + 1) :]
    elif damage < 0.6:
        packed += b"trailing garbage"
    return bytes(packed)


def splice_with(other: bytes) -> Callable[[random.Random, bytes], bytes]:
    def splice(rng: random.Random, data: bytes) -> bytes:
        return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]

    return splice


MUTATORS: list[tuple[Callable[[random.Random, bytes], bytes], int]] = [
    (flip_bytes, 20),
    (insert_token, 25),
    (delete_span, 10),
    (duplicate_span, 8),
    (cut, 8),
    (long_run, 6),
    (deep_nesting, 3),
    (many_children, 3),
    (shuffle_lines, 5),
    (reencode, 4),
]
_FUNCTIONS = [f for f, _ in MUTATORS]
_WEIGHTS = [w for _, w in MUTATORS]


def mutate(rng: random.Random, data: bytes, other: bytes = b"") -> bytes:
    """``data`` after one to four stacked mutations (rarely spliced with ``other`` or
    wrapped in gzip, intact or damaged), at most :data:`MAX_BYTES` long."""
    for _ in range(rng.choice([1, 1, 2, 3, 4])):
        data = rng.choices(_FUNCTIONS, _WEIGHTS)[0](rng, data)[:MAX_BYTES]
    if other and rng.random() < 0.05:
        data = splice_with(other)(rng, data)[:MAX_BYTES]
    if rng.random() < 0.05:
        data = gzip_wrap(rng, data)
    return data
