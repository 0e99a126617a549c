"""A fuzz campaign: cases made from (campaign seed, case number) alone, run in a child
process that a watchdog kills when one case hangs; every new failure is saved as a
permanent regression input under ``tests/data/fuzz/``."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import resource
import shutil
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .mutate import mutate
from .packages import SECRET, make_package, make_special
from .seeds import ROOT, load_seeds
from .targets import FORMATS, MODES, Failure, install_audit_hook, run_package, run_parser

REGRESSIONS = ROOT / "tests" / "data" / "fuzz"
PACKAGE_SHARE = 0.06  # validating a package costs about 50 parser inputs
MEMORY_LIMIT = 4 << 30  # a case needing more is a failure (MemoryError), not a dead machine


@dataclass
class Case:
    """One materialised input, ready to run or to save."""

    index: int
    target: str  # "parser" or "package"
    description: str
    work: Path
    data: bytes = b""
    mode: str = "bytes"
    format: str | None = None
    package: Path | None = None
    specials: list[dict[str, str]] = field(default_factory=list)
    frictionless: bool = False

    def run(self) -> Failure | None:
        if self.target == "parser":
            return run_parser(self.data, self.mode, self.format, self.work)
        assert self.package is not None
        return run_package(self.package, self.work / SECRET, self.frictionless)

    def save(self, folder: Path, failure: Failure, campaign: tuple[int, int]) -> Path:
        """Keep this case as a regression input; return where."""
        digest = hashlib.sha256(self.data or self.description.encode()).hexdigest()[:12]
        note = {
            "target": self.target,
            "description": self.description,
            "kind": failure.kind,
            "signature": failure.signature,
            "campaign": list(campaign),
        }
        if self.target == "parser":
            place = folder / "inputs" / f"{failure.kind}-{digest}"
            place.parent.mkdir(parents=True, exist_ok=True)
            place.with_suffix(".bin").write_bytes(self.data)
            note |= {"mode": self.mode, "format": self.format}
            place.with_suffix(".json").write_text(json.dumps(note, indent=1) + "\n")
            return place.with_suffix(".bin")
        assert self.package is not None
        place = folder / "packages" / f"{failure.kind}-{campaign[0]}-{campaign[1]}"
        shutil.rmtree(place, ignore_errors=True)
        place.mkdir(parents=True)
        if self.package.suffix == ".zip":
            shutil.copyfile(self.package, place / self.package.name)
        else:
            for path in sorted(self.package.iterdir()):
                if path.is_file() and not path.is_symlink():
                    shutil.copyfile(path, place / path.name)
        note |= {"specials": self.specials, "frictionless": self.frictionless}
        (place / "fuzz-case.json").write_text(json.dumps(note, indent=1) + "\n")
        return place


def make_case(campaign_seed: int, index: int, seeds: list, work: Path) -> Case:
    """Case ``index`` of a campaign: the same every time for the same seeds."""
    rng = random.Random(f"{campaign_seed}:{index}")
    if rng.random() < PACKAGE_SHARE:
        target, specials, description = make_package(rng, work)
        return Case(
            index,
            "package",
            description,
            work,
            package=target,
            specials=specials,
            frictionless=rng.random() < 0.2,
        )
    seed, other = rng.choice(seeds), rng.choice(seeds)
    data = mutate(rng, seed.data, other.data)
    fmt, mode = rng.choice(FORMATS), rng.choice(MODES)
    return Case(
        index, "parser", f"{seed.name} as {fmt or 'detected'} ({mode})", work, data, mode, fmt
    )


def replay(path: Path) -> Failure | None:
    """Run a saved regression input (a ``.bin`` file or a package folder) again."""
    with tempfile.TemporaryDirectory(prefix="mscdata-fuzz-") as folder:
        work = Path(folder)
        if path.is_file():
            note = json.loads(path.with_suffix(".json").read_text())
            return run_parser(path.read_bytes(), note["mode"], note["format"], work)
        note = json.loads((path / "fuzz-case.json").read_text())
        secret = work / SECRET
        secret.parent.mkdir(parents=True)
        secret.write_text("id\nSECRET-CONTENT\n", encoding="utf-8")
        zips = sorted(path.glob("*.zip"))
        if zips:
            return run_package(zips[0], secret, note["frictionless"])
        package = work / "package"
        shutil.copytree(path, package, ignore=shutil.ignore_patterns("fuzz-case.json"))
        for special in note["specials"]:
            make_special(package, special, secret)
        return run_package(package, secret, note["frictionless"])


def regression_inputs(folder: Path = REGRESSIONS) -> list[Path]:
    """Every saved regression input."""
    return sorted((folder / "inputs").glob("*.bin")) + sorted(
        p for p in (folder / "packages").glob("*") if (p / "fuzz-case.json").is_file()
    )


def _known_signatures(folder: Path) -> set[str]:
    notes = [*(folder / "inputs").glob("*.json"), *(folder / "packages").glob("*/fuzz-case.json")]
    return {json.loads(note.read_text())["signature"] for note in notes}


def _worker(connection, campaign_seed: int, start: int, save_to: str | None, step: int = 1) -> None:
    """Child process: run cases ``start``, ``start + step``, … telling the parent about each."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    install_audit_hook()
    seeds = load_seeds()
    known = _known_signatures(Path(save_to)) if save_to else set()
    index = start
    while True:
        connection.send(("start", index))
        with tempfile.TemporaryDirectory(prefix="mscdata-fuzz-") as folder:
            try:
                case = make_case(campaign_seed, index, seeds, Path(folder))
            except Exception as error:  # a bug of the harness, not of mscdata: say so
                failure = _harness_failure(error)
                connection.send(("done", index, "harness", failure, None, 0.0))
                index += step
                continue
            began = time.monotonic()
            failure = case.run()
            seconds = time.monotonic() - began
            saved = None
            if failure is not None and save_to and failure.signature not in known:
                known.add(failure.signature)
                saved = str(case.save(Path(save_to), failure, (campaign_seed, index)))
        connection.send(("done", index, case.target, failure, saved, seconds))
        index += step


@dataclass
class Summary:
    """What a campaign tried and found."""

    seed: int
    tried: Counter = field(default_factory=Counter)
    failures: list[tuple[int, Failure, str | None]] = field(default_factory=list)
    seconds: float = 0.0
    slowest: list[tuple[float, int]] = field(default_factory=list)  # (seconds, case)

    def lines(self) -> list[str]:
        total = sum(self.tried.values())
        shown = ", ".join(f"{n} {target}" for target, n in sorted(self.tried.items()))
        out = [
            f"fuzz seed {self.seed}: {total} inputs ({shown}) in {self.seconds:.0f} s, "
            f"{len(self.failures)} failures, "
            f"{len({f.signature for _, f, _ in self.failures})} distinct; slowest cases: "
            + ", ".join(f"{index} ({seconds:.1f} s)" for seconds, index in self.slowest)
        ]
        for index, failure, saved in self.failures:
            out.append(f"  case {index}: {failure.signature}" + (f" -> {saved}" if saved else ""))
        return out


@dataclass
class _Lane:
    """A child process running every ``step``-th case of the campaign from ``index`` on."""

    index: int  # the next case this lane runs
    child: multiprocessing.process.BaseProcess | None = None
    receiver: Connection | None = None
    current: int = 0  # the case the child said it started
    heard: float = 0.0  # when the child last said something


def campaign(
    seed: int,
    *,
    inputs: int | None = None,
    minutes: float | None = None,
    save_to: Path | None = None,
    timeout: float = 30.0,
    progress=None,
    workers: int = 1,
) -> Summary:
    """Run cases ``0..inputs-1`` (or until ``minutes`` pass) of campaign ``seed``, in
    ``workers`` child processes at once (lane k runs cases k, k + workers, …): the cases
    are the same whatever the number of workers."""
    context = multiprocessing.get_context()  # the platform's method: _worker is importable
    summary = Summary(seed)
    began = time.monotonic()
    deadline = began + minutes * 60 if minutes else None
    save = str(save_to) if save_to else None

    def wanted(index: int) -> bool:
        return (inputs is None or index < inputs) and (
            deadline is None or time.monotonic() < deadline
        )

    def start(lane: _Lane) -> None:
        if not wanted(lane.index):
            return
        receiver, sender = context.Pipe(duplex=False)
        lane.child = context.Process(
            target=_worker, args=(sender, seed, lane.index, save, workers), daemon=True
        )
        lane.child.start()
        sender.close()
        lane.receiver, lane.current, lane.heard = receiver, lane.index, time.monotonic()

    def stop(lane: _Lane) -> None:
        assert lane.child is not None and lane.receiver is not None
        lane.child.kill()
        lane.child.join()
        lane.receiver.close()
        lane.child = lane.receiver = None

    lanes = [_Lane(k) for k in range(workers)]
    for lane in lanes:
        start(lane)
    while running := [lane for lane in lanes if lane.receiver is not None]:
        first_due = min(lane.heard for lane in running) + timeout
        ready = wait([lane.receiver for lane in running], max(0.0, first_due - time.monotonic()))
        for lane in running:
            if lane.receiver not in ready:
                if time.monotonic() - lane.heard > timeout:
                    _lost(summary, seed, lane.current, "hang", save_to)
                    stop(lane)
                    lane.index = lane.current + workers
                    start(lane)
                continue
            try:
                message = lane.receiver.recv()
            except EOFError:
                lane.child.join(5)
                _lost(summary, seed, lane.current, f"died-{lane.child.exitcode}", save_to)
                stop(lane)
                lane.index = lane.current + workers
                start(lane)
                continue
            lane.heard = time.monotonic()
            if message[0] == "start":
                lane.current = message[1]
                if not wanted(lane.current):
                    stop(lane)
                continue
            _record(summary, message, progress)
            lane.index = message[1] + workers
            if not wanted(lane.index):
                stop(lane)
    summary.seconds = time.monotonic() - began
    return summary


def _record(summary: Summary, message: tuple, progress) -> None:
    """Count a finished case (a child's "done" message) in the summary."""
    _, done, target, failure, saved, seconds = message
    summary.tried[target] += 1
    summary.slowest = sorted([*summary.slowest, (seconds, done)], reverse=True)[:3]
    if failure is not None:
        summary.failures.append((done, failure, saved))
    if progress is not None:
        progress(summary)


def _lost(summary: Summary, seed: int, index: int, kind: str, save_to: Path | None) -> None:
    """Record case ``index`` that hung or killed its process (made again to save it)."""
    with tempfile.TemporaryDirectory(prefix="mscdata-fuzz-") as folder:
        try:
            case = make_case(seed, index, load_seeds(), Path(folder))
        except Exception as error:
            summary.tried["harness"] += 1
            summary.failures.append((index, _harness_failure(error), None))
            return
        failure = Failure(kind, f"{kind}:{case.target}", case.description)
        saved = str(case.save(save_to, failure, (seed, index))) if save_to else None
    summary.tried[case.target] += 1
    summary.failures.append((index, failure, saved))


def _harness_failure(error: Exception) -> Failure:
    detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    return Failure("harness-error", f"harness-error:{type(error).__name__}", detail[-4000:])
