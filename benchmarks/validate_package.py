"""Benchmark: `mscdata validate` against `frictionless validate` on a large package with
planted errors of every kind.

    python benchmarks/validate_package.py [FILE] [--copies N] [--workdir DIR]

1. builds a package from FILE (default: the 30,000 real MEDLINE records of
   ../shared/corpus/peers/pubmed-xml/pubmed20n0014.xml.gz, about 625,000 rows);
2. tiles it to at least 1,000,000 rows: copy k of every table (k = 1..N-1) keeps the
   real rows with each article's PMID raised by k x 200,000,000, so keys stay unique;
3. plants errors of every kind frictionless knows (types, constraints, keys, cells,
   rows, labels, encoding, hash and bytes) and the semantic ones it cannot see
   (position gaps, impossible and partial dates, completeness), and updates the
   descriptor's hash and bytes of every other file;
4. validates the package with each contender in its own child process, one after
   the other: mscdata (fast engine) and frictionless (``Package.validate()``, as
   ``frictionless validate`` does), reporting seconds, rows/s and peak RSS;
5. checks that mscdata finds every planted error and every error frictionless
   finds, and prints the rows/s ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    from benchmarks.peak_rss import CHILD, peaks_mib
except ImportError:  # run as a script: benchmarks/ itself is on the path
    from peak_rss import CHILD, peaks_mib

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILE = ROOT.parent / "shared" / "corpus" / "peers" / "pubmed-xml" / "pubmed20n0014.xml.gz"
PMID_STEP = 200_000_000  # PMIDs stay within the schema's nine digits for up to 4 copies

_CHILD = {
    "mscdata": """
import json, sys
import mscdata
report = mscdata.validate(sys.argv[1])
print(json.dumps([[e.type, e.resource, e.row, e.field] for e in report.errors]))
""",
    "frictionless": """
import json, sys
from pathlib import Path
from mscdata.validator.frictionless_checks import frictionless_issues
path = Path(sys.argv[1]) / "datapackage.json"
issues = frictionless_issues(path, json.loads(path.read_text(encoding="utf-8")))
print(json.dumps([[e.type, e.resource, e.row, e.field] for e in issues]))
""",
}

# ------------------------------------------------------------------ package making


def build(source: Path, out: Path) -> None:
    sources = out.parent / "sources"
    sources.mkdir(parents=True)
    shutil.copy(source, sources / source.name)
    (sources / "manifest.yaml").write_text(f"sources:\n  - file: {source.name}\n")
    command = [sys.executable, "-m", "mscdata.cli", "build", "--sources", str(sources)]
    subprocess.run(
        [*command, "--out", str(out), "--no-validate"],
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def shifted(key: str, copy: int) -> str:
    """An article key of copy ``copy``: its PMID (or PMC number) raised, else suffixed."""
    if not copy:
        return key
    prefix, _, number = key.partition(":")
    if prefix == "pmid":
        return f"pmid:{int(number) + copy * PMID_STEP}"
    if prefix == "pmc":
        return f"pmc:PMC{int(number[3:]) + copy * PMID_STEP}"
    return f"{key}.copy{copy}"


def tile(package: Path, copies: int) -> dict[str, list[list[str]]]:
    """Every table of the package repeated ``copies`` times with distinct article keys."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    tables = {}
    for resource in descriptor["resources"]:
        rows = read_csv(package / resource["path"])
        header, body = rows[0], rows[1:]
        key = header.index("id" if resource["name"] == "articles" else "article_id")
        pmid = header.index("pmid") if resource["name"] == "articles" else None
        tiled = [header]
        for copy in range(copies):
            for row in body:
                row = list(row)
                row[key] = shifted(row[key], copy)
                if pmid is not None and row[pmid]:
                    row[pmid] = str(int(row[pmid]) + copy * PMID_STEP)
                tiled.append(row)
        tables[resource["name"]] = tiled
    return tables


# ------------------------------------------------------------------ planted errors


class Planter:
    """Plants errors in the tables and remembers where each should be reported."""

    def __init__(self, tables: dict[str, list[list[str]]], seed: int = 14) -> None:
        self.tables = tables
        self.random = random.Random(seed)
        self.used: set[tuple[str, int]] = set()
        self.expected: list[tuple[str, str, int | None, str | None]] = []

    def column(self, table: str, name: str) -> int:
        return self.tables[table][0].index(name)

    def pick(self, table: str, *conditions: tuple[str, object]) -> int:
        """A random unused data row (index in the table) meeting the conditions: a
        column's value, or a callable on it."""
        rows = self.tables[table]
        columns = [(self.column(table, name), test) for name, test in conditions]
        candidates = [
            i
            for i in range(1, len(rows))
            if (table, i) not in self.used
            and all(
                test(rows[i][c]) if callable(test) else rows[i][c] == test for c, test in columns
            )
        ]
        index = self.random.choice(candidates)
        self.used.add((table, index))
        return index

    def cell(self, table: str, field: str, value: str, kind: str, *conditions) -> int:
        index = self.pick(table, *conditions)
        self.tables[table][index][self.column(table, field)] = value
        self.expected.append((kind, table, index + 1, field))
        return index

    def append(self, table: str, row: list[str], kind: str, field: str | None) -> None:
        self.tables[table].append(row)
        self.expected.append((kind, table, len(self.tables[table]), field))


def plant(tables: dict[str, list[list[str]]]) -> tuple[Planter, dict[str, object]]:
    """Errors of every kind; returns the planter and the descriptor-level plants."""
    p = Planter(tables)
    filled = bool  # a non-empty cell
    # types (integer, boolean, string/uri)
    p.cell("articles", "publication_year", "20x3", "type-error", ("publication_year", filled))
    p.cell("mesh_headings", "descriptor_major_topic", "Y", "type-error")
    p.cell("provenance", "source_url", "not a uri", "type-error")
    # constraints: required, pattern (ASCII and Unicode), enum, maximum, minimum
    p.cell("mesh_headings", "descriptor", "", "constraint-error")
    p.cell("articles", "doi", "10.1/x", "constraint-error", ("doi", filled))
    p.cell("articles", "doi", "10.1234/ab\u00a0cd", "constraint-error", ("doi", filled))
    p.cell("linked_articles", "relation", "cited_by", "constraint-error")
    p.cell("articles", "publication_month", "13", "constraint-error", ("publication_month", filled))
    p.cell("substances", "position", "0", "constraint-error", ("position", "1"))
    # keys: unique + primary key repeated, composite primary key, foreign keys
    article = tables["articles"][p.pick("articles")]
    p.append("articles", list(article), "unique-error", "id")
    p.expected.append(("primary-key", "articles", len(tables["articles"]), "id"))
    author = tables["authors"][p.pick("authors")]
    p.append("authors", list(author), "primary-key", "article_id, position")
    keyword = list(tables["keywords"][1])
    keyword[0], keyword[1] = "pmid:999999999", "1"
    p.append("keywords", keyword, "foreign-key", "article_id")
    affiliation = list(tables["affiliations"][1])
    affiliation[p.column("affiliations", "author_position")] = "999"
    p.append("affiliations", affiliation, "foreign-key", "article_id, author_position")
    # cells and rows: extra cell, missing cell, blank row
    index = p.pick("grants")
    tables["grants"][index].append("surplus")
    p.expected.append(("extra-cell", "grants", index + 1, None))
    index = p.pick("identifiers")
    tables["identifiers"][index].pop()
    p.expected.append(("missing-cell", "identifiers", index + 1, "origin"))
    p.append("accessions", [], "blank-row", None)
    p.expected.append(
        ("primary-key", "accessions", len(tables["accessions"]), "article_id, position")
    )
    # labels
    tables["linked_articles"][0][p.column("linked_articles", "citation")] = "cite"
    p.expected.append(("incorrect-label", "linked_articles", 1, "citation"))
    # semantics frictionless cannot see
    rows = tables["mesh_headings"]
    last = 0
    while last == 0 or ("mesh_headings", last) in p.used:
        last = p.pick("mesh_headings")
        while last + 1 < len(rows) and rows[last + 1][0] == rows[last][0]:
            last += 1  # the parent's last heading: raising its position leaves a gap
    p.used.add(("mesh_headings", last))
    rows[last][1] = str(int(rows[last][1]) + 1)
    p.expected.append(("position-gap", "mesh_headings", last + 1, "position"))
    index = p.pick("articles", ("publication_year", filled), ("publication_day", filled))
    row = tables["articles"][index]
    row[p.column("articles", "publication_month")] = "2"
    row[p.column("articles", "publication_day")] = "30"
    p.expected.append(("date-invalid", "articles", index + 1, "publication_day"))
    index = p.pick("articles", ("publication_year", filled), ("publication_day", filled))
    tables["articles"][index][p.column("articles", "publication_month")] = ""
    p.expected.append(("partial-date", "articles", index + 1, "publication_day"))
    flagged = {
        r[0]
        for r in tables["articles"][1:]
        if r[p.column("articles", "keywords_complete")] == "true"
    }
    p.cell("keywords", "complete", "false", "completeness", ("article_id", flagged.__contains__))
    return p, {"encoding": "abstract_sections", "integrity": "investigators"}


def write_package(base: Path, out: Path, tables, planted: dict[str, object]) -> int:
    """Write the planted tables with a descriptor whose hash and bytes fit every file
    but the one planted with wrong ones; returns the number of data rows."""
    descriptor = json.loads((base / "datapackage.json").read_text(encoding="utf-8"))
    out.mkdir(parents=True)
    rows = 0
    for resource in descriptor["resources"]:
        path = out / resource["path"]
        write_csv(path, tables[resource["name"]])
        rows += len(tables[resource["name"]]) - 1
        if resource["name"] == planted["encoding"]:
            data = path.read_bytes()
            at = data.index(b" a", len(data) // 2) + 1  # inside a sentence mid-file
            path.write_bytes(data[:at] + b"\xff" + data[at:])
        data = path.read_bytes()
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        if resource["name"] == planted["integrity"]:
            resource["bytes"] += 1
            resource["hash"] = "sha256:" + "0" * 64
    (out / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    return rows


# ------------------------------------------------------------------ running


def integrity_holds(package: Path, error: tuple) -> bool:
    """Whether a hash-count or byte-count error is wrong: the file's bytes and SHA-256
    are those the descriptor declares."""
    if error[0] not in ("hash-count", "byte-count"):
        return False
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == error[1])
    data = (package / resource["path"]).read_bytes()
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return resource["bytes"] == len(data) and resource["hash"] == digest


def run(name: str, package: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{os.environ.get('PYTHONPATH', '')}"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, _CHILD[name], str(package)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    lines = done.stdout.strip().split("\n")
    errors = {tuple(e) for e in json.loads(lines[0])}
    rss, _ = peaks_mib(done.stdout)
    return {"name": name, "seconds": seconds, "rss_mib": rss, "errors": errors}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--copies", type=int, default=2, help="tiles of the real rows (1-4)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the packages here")
    args = parser.parse_args()
    if not args.file.exists():
        print(f"{args.file}: not found", file=sys.stderr)
        return 2
    if not 1 <= args.copies <= 4:
        parser.error("--copies must be 1 to 4")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="mscdata-bench-"))
    try:
        base = work / "built"
        if not (base / "datapackage.json").exists():
            print(f"building a package from {args.file.name} …", flush=True)
            build(args.file, base)
        tables = tile(base, args.copies)
        planter, planted = plant(tables)
        package = work / "planted"
        shutil.rmtree(package, ignore_errors=True)
        rows = write_package(base, package, tables, planted)
        planter.expected.append(("encoding-error", planted["encoding"], None, None))
        planter.expected += [
            ("hash-count", planted["integrity"], None, None),
            ("byte-count", planted["integrity"], None, None),
        ]
        print(f"package: {rows} rows in {len(tables)} tables, {len(planter.expected)} planted")
        results = [run("mscdata", package), run("frictionless", package)]
        false_alarms = {e for e in results[1]["errors"] if integrity_holds(package, e)}
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    ours, theirs = results[0]["errors"], results[1]["errors"]
    print(f"{'contender':<14}{'seconds':>9}{'rows/s':>11}{'peak RSS MiB':>14}{'errors':>8}")
    for r in results:
        print(
            f"{r['name']:<14}{r['seconds']:>9.2f}{rows / r['seconds']:>11.0f}"
            f"{r['rss_mib']:>14.0f}{len(r['errors']):>8}"
        )
    ratio = results[1]["seconds"] / results[0]["seconds"]
    print(f"mscdata / frictionless: {ratio:.1f}x rows/s")
    missed_planted = [e for e in planter.expected if e not in ours]
    missed_reference = sorted(theirs - ours - false_alarms, key=str)
    print("planted error                                              mscdata  frictionless")
    for kind, table, row, field in planter.expected:
        where = f"{table} row {row}" if row else table
        print(
            f"  {kind:<16} {where:<26} {field or '':<14}"
            f"{'found' if (kind, table, row, field) in ours else 'MISSED':>7}"
            f"{'found' if (kind, table, row, field) in theirs else '-':>14}"
        )
    for error in sorted(false_alarms, key=str):
        print(
            f"frictionless false alarm: {error[0]} on {error[1]}: the file's size and "
            "SHA-256 match the descriptor (frictionless stopped reading at the bad byte)"
        )
    print(f"errors frictionless found that mscdata did not: {len(missed_reference)}")
    for error in missed_reference[:20]:
        print(f"  {error}")
    ok = not missed_planted and not missed_reference and ratio >= 10
    print("PASS" if ok else "FAIL", "(every planted and every frictionless error found, >= 10x)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
