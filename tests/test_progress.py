"""Progress of long jobs: shown on a terminal (stderr), never on stdout, never when stderr
is not a terminal or with --quiet; the library is silent unless given ``progress=``."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pty
import re
import socket
import subprocess
import sys
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mscdata
from mscdata.cli import _write_articles, main
from mscdata.progress import SILENT, Progress, Task, TerminalProgress, terminal_progress
from mscdata.resources import table_schemas

from conftest import SEED, SEED_URL

RECORD = (
    "<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article><Journal><JournalIssue>"
    "<PubDate><Year>2000</Year></PubDate></JournalIssue></Journal>"
    "<ArticleTitle>Title {pmid}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
)
RECORDS = 300  # more than one batch of records between two updates (256)

TABLES = len(table_schemas()["resources"])  # the package's tables


def _draining(end: int, shown: bytearray) -> threading.Thread:
    """A started thread copying what the pseudo-terminal's ``end`` receives into
    ``shown`` until the other end is closed."""

    def drain() -> None:
        while True:
            try:
                data = os.read(end, 1 << 16)
            except OSError:  # the other end is closed (EIO)
                return
            if not data:
                return
            shown.extend(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    return reader


def on_terminal(*args: str, timeout: float = 60) -> tuple[int, bytes, str]:
    """Run the command with stderr on a pseudo-terminal: (exit code, stdout, what the
    terminal received)."""
    main, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "mscdata.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=secondary,
        )
    finally:
        os.close(secondary)
    shown = bytearray()
    reader = _draining(main, shown)
    try:
        stdout, _ = process.communicate(timeout=timeout)
    finally:
        process.kill()
        reader.join(timeout=10)
        os.close(main)
    return process.returncode, stdout, shown.decode("utf-8", "replace")


def cli_on_terminal(monkeypatch, *args: str) -> tuple[int, str, str]:
    """Run the command in this process with sys.stderr on a pseudo-terminal: (exit
    code, stdout, what the terminal received)."""
    main_end, secondary = pty.openpty()
    terminal = os.fdopen(secondary, "w", encoding="utf-8")
    shown = bytearray()
    reader = _draining(main_end, shown)
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", terminal)
    try:
        code = main(list(args))
    finally:
        terminal.close()
        reader.join(timeout=10)
        os.close(main_end)
    return code, stdout.getvalue(), shown.decode("utf-8", "replace")


@pytest.fixture
def bulk_sources(tmp_path):
    """A sources folder holding one gzipped PubMed XML file of RECORDS records."""
    records = "".join(RECORD.format(pmid=n) for n in range(1, RECORDS + 1))
    folder = tmp_path / "sources"
    folder.mkdir()
    xml = f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{records}</PubmedArticleSet>\n'
    (folder / "bulk.xml.gz").write_bytes(gzip.compress(xml.encode(), mtime=0))
    (folder / "manifest.yaml").write_text("sources:\n  - file: bulk.xml.gz\n", encoding="utf-8")
    return folder


def test_build_on_a_terminal_shows_records_bytes_and_rates(bulk_sources, tmp_path):
    code, stdout, shown = on_terminal(
        "build", "--sources", str(bulk_sources), "--out", str(tmp_path / "out")
    )
    assert code == 0, shown
    assert stdout.decode().startswith("built and validated: ")
    assert "reading bulk.xml.gz" in shown
    assert f"{RECORDS} records" in shown  # the records read, counted in batches
    assert re.search(r"\d+(\.\d+)?[kM]?B/s", shown)  # bytes read a second
    assert re.search(r"records, \d[\d,]*/s", shown)  # records read a second
    assert "merging formats" in shown
    assert f"{RECORDS}/{RECORDS}" in shown and "writing tables" in shown  # articles of a known N
    assert "validating" in shown and "resources" in shown
    assert "Traceback" not in shown


def test_build_is_quiet_with_quiet_or_off_a_terminal(bulk_sources, tmp_path, monkeypatch, capfd):
    args = ["build", "--sources", str(bulk_sources), "--out"]
    code, stdout, shown = cli_on_terminal(monkeypatch, *args, str(tmp_path / "a"), "--quiet")
    assert code == 0 and shown == "" and stdout.startswith("built and validated")
    monkeypatch.undo()
    assert main([*args, str(tmp_path / "b")]) == 0  # stderr is a file here
    assert capfd.readouterr().err == ""
    assert (tmp_path / "a" / "articles.csv").read_bytes() == (
        tmp_path / "b" / "articles.csv"
    ).read_bytes()


def test_parse_shows_progress_on_stderr_and_leaves_stdout_unchanged(
    bulk_sources, monkeypatch, capfd
):
    source = str(bulk_sources / "bulk.xml.gz")
    code, stdout, shown = cli_on_terminal(monkeypatch, "parse", source)
    assert code == 0
    assert "reading bulk.xml.gz" in shown and f"{RECORDS} records" in shown
    assert "writing JSON" in shown and f"{RECORDS}/{RECORDS}" in shown
    quiet_code, quiet_stdout, quiet_shown = cli_on_terminal(monkeypatch, "parse", source, "-q")
    assert quiet_code == 0 and quiet_shown == ""
    monkeypatch.undo()
    capfd.readouterr()
    assert main(["parse", source]) == 0
    piped = capfd.readouterr()
    assert piped.err == ""
    articles = mscdata.parse(source)
    expected = json.dumps(
        [a.model_dump(mode="json") for a in articles], ensure_ascii=False, indent=2
    )
    assert stdout == quiet_stdout == piped.out == expected + "\n"


def test_validate_and_release_show_progress_on_a_terminal(built_package, tmp_path, monkeypatch):
    code, stdout, shown = cli_on_terminal(monkeypatch, "validate", str(built_package))
    assert code == 0 and stdout.startswith("valid: ")
    assert "validating" in shown and f"{TABLES}/{TABLES}" in shown and "resources" in shown
    code, stdout, shown = cli_on_terminal(
        monkeypatch, "release", "--package", str(built_package), "--out", str(tmp_path / "d")
    )
    assert code == 0 and stdout.startswith("wrote ")
    assert "zipping datapackage" in shown and "100%" in shown
    code, _, shown = cli_on_terminal(monkeypatch, "validate", str(built_package), "--quiet")
    assert code == 0 and shown == ""


def test_download_shows_the_bytes_downloaded(file_server, built_package, tmp_path, monkeypatch):
    from mscdata.remote.release import archive_bytes

    root, base = file_server
    data = archive_bytes(built_package)[1]
    (root / "package.zip").write_bytes(data)
    monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path / "cache"))
    digest = hashlib.sha256(data).hexdigest()
    code, stdout, shown = cli_on_terminal(
        monkeypatch, "download", "--url", f"{base}/package.zip", "--sha256", digest
    )
    assert code == 0, shown
    assert "downloading package.zip" in shown and "100%" in shown
    assert os.path.isdir(stdout.strip())


class Recorder(Progress):
    """A progress display that records what it is shown."""

    shown = True

    def __init__(self) -> None:
        self.tasks: list[RecordedTask] = []
        self.notes: list[str] = []

    def task(self, label: str, total: float | None = None, unit: str = "records") -> Task:
        task = RecordedTask(label, total, unit)
        self.tasks.append(task)
        return task

    def note(self, message: str) -> None:
        self.notes.append(message)

    def named(self, start: str) -> RecordedTask:
        return next(t for t in self.tasks if t.labels[0].startswith(start))


class RecordedTask(Task):
    shown = True

    def __init__(self, label: str, total: float | None, unit: str) -> None:
        self.labels = [label]
        self.total, self.unit = total, unit
        self.done = self.records = 0
        self.steps: list[int] = []
        self.closed = False

    def update(self, amount: int = 0, *, records: int = 0) -> None:
        self.done += amount
        self.records += records
        self.steps.append(amount)

    def describe(self, label: str) -> None:
        self.labels.append(label)

    def close(self) -> None:
        self.closed = True


def test_build_reports_every_byte_and_record_of_each_stage(bulk_sources, tmp_path):
    seen = Recorder()
    mscdata.build(bulk_sources, tmp_path / "out", progress=seen)
    reading = seen.named("reading")
    size = (bulk_sources / "bulk.xml.gz").stat().st_size
    assert (reading.unit, reading.total, reading.done) == ("B", size, size)
    assert reading.records == RECORDS
    merging = seen.named("merging formats")
    assert merging.total is None and merging.unit == "articles"
    written = seen.named("writing tables")
    assert written.total == written.done == RECORDS and written.unit == "articles"
    checked = seen.named("validating")
    assert checked.total == checked.done == TABLES and checked.unit == "resources"
    assert all(task.closed for task in seen.tasks)


def test_the_fast_engine_counts_each_resource_as_it_is_checked(built_package):
    seen = Recorder()
    assert mscdata.validate(built_package, progress=seen).valid
    [task] = seen.tasks
    assert task.total == task.done == TABLES and task.steps.count(1) == TABLES


def test_the_frictionless_engine_counts_each_resource(built_package):
    seen = Recorder()
    assert mscdata.validate(built_package, engine="frictionless", progress=seen).valid
    [task] = seen.tasks
    assert task.total == task.done == TABLES
    assert any(label.endswith("articles (frictionless)") for label in task.labels)


def test_read_counts_the_bytes_of_a_source_in_memory_and_on_disk():
    for source in (SEED, SEED.read_bytes()):
        seen = Recorder()
        result = mscdata.read(source, url=SEED_URL, progress=seen)
        [task] = seen.tasks
        assert task.done == task.total == SEED.stat().st_size
        assert task.records == len(result.articles) == 1


def test_a_retry_says_when_and_why(tmp_path):
    from mscdata.remote.cache import ResponseCache
    from mscdata.remote.eutils import EutilsClient, RetriesExhausted

    with socket.socket() as unused:  # a port nothing listens on once it is closed
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    seen = Recorder()
    client = EutilsClient(
        base_url=f"http://127.0.0.1:{port}",
        cache=ResponseCache(tmp_path / "cache"),
        attempts=3,
        backoff=0.01,
        timeout=1.0,
        progress=seen,
    )
    with client, pytest.raises(RetriesExhausted):
        client.request("efetch.fcgi", {"db": "pubmed", "id": "1"}, lambda body: body)
    assert len(seen.notes) == 2
    assert re.fullmatch(r"retry 1/2 in 0 s: Connect\w+: .+", seen.notes[0])
    assert seen.notes[1].startswith("retry 2/2 in 0 s: ")


def test_release_counts_the_bytes_zipped(built_package, tmp_path):
    from mscdata.remote.release import release

    seen = Recorder()
    release(built_package, tmp_path / "dist", progress=seen)
    [task] = seen.tasks
    size = sum(p.stat().st_size for p in built_package.iterdir() if p.is_file())
    assert task.done == task.total == size


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_display_only_on_a_terminal_and_not_when_quiet():
    assert terminal_progress(stream=io.StringIO()) is SILENT
    assert terminal_progress(quiet=True, stream=FakeTerminal()) is SILENT
    shown = terminal_progress(stream=FakeTerminal())
    assert isinstance(shown, TerminalProgress)
    with shown.task("reading x", total=2048, unit="B") as task:
        task.update(1024, records=3)
        task.update(1024)
    with shown.task("reading y", total=None, unit="B") as task:
        task.update(10, records=1)
    shown.note("retry 1/5 in 4 s: HTTP 429")
    text = shown.stream.getvalue()
    assert "reading x" in text and "2.00k/2.00k" in text and "3 records, " in text
    assert "1 record, " in text  # no plural for one
    assert "retry 1/5 in 4 s: HTTP 429\n" in text


def test_the_library_is_silent_by_default(bulk_sources, tmp_path, capfd):
    mscdata.build(bulk_sources, tmp_path / "out")
    mscdata.read(SEED, url=SEED_URL)
    assert capfd.readouterr() == ("", "")


def test_importing_mscdata_progress_imports_no_display_library():
    code = "import sys, mscdata.progress; print('tqdm' in sys.modules, 'rich' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert done.stdout.split() == [b"False", b"False"]


class _Dumped:
    def __init__(self, data: object) -> None:
        self.data = data

    def model_dump(self, mode: str) -> object:
        return self.data


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.dictionaries(st.text(), _JSON, max_size=4), max_size=4))
def test_articles_are_written_as_json_dump_writes_them(items):
    out = io.StringIO()
    stdout, sys.stdout = sys.stdout, out
    try:
        _write_articles([_Dumped(item) for item in items], SILENT)
    finally:
        sys.stdout = stdout
    assert out.getvalue() == json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def test_fetch_shows_records_and_each_retry_with_its_reason(tmp_path, monkeypatch):
    from conftest import shared_path
    from eutils_server import FakeEutils

    pmids = ["19008416", "18927361", "18787170"]
    with FakeEutils(shared_path("corpus", "peers")) as server:
        server.faults.extend(["429"])
        monkeypatch.setenv("MSCDATA_EUTILS_URL", server.url)
        monkeypatch.setenv("MSCDATA_CACHE_DIR", str(tmp_path / "cache"))
        code, stdout, shown = cli_on_terminal(monkeypatch, "fetch", *pmids, "--no-pmc")
    assert code == 0 and stdout.startswith("fetched 3 of 3 PubMed records")
    assert re.search(r"retry 1/5 in [12] s: HTTP 429\r?\n", shown)  # backoff 1 s + jitter
    assert "fetching PubMed" in shown and "3/3" in shown
