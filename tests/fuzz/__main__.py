"""Command line of the fuzz harness: ``python -m tests.fuzz --minutes N``."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from .runner import REGRESSIONS, campaign, make_case, regression_inputs, replay
from .seeds import load_seeds
from .targets import install_audit_hook


def _one_case(seed: int, index: int) -> int:
    install_audit_hook()
    with tempfile.TemporaryDirectory(prefix="mscdata-fuzz-") as folder:
        case = make_case(seed, index, load_seeds(), Path(folder))
        print(f"case {index} of seed {seed}: {case.target}: {case.description}")
        failure = case.run()
    print(f"{failure.signature}\n{failure.detail}" if failure else "handled")
    return 1 if failure else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fuzz",
        description="Fuzz mscdata's parsers, validate and load with mutated real inputs; "
        "each new failure is saved under tests/data/fuzz/ as a regression input.",
    )
    parser.add_argument("--minutes", type=float, help="run for this long")
    parser.add_argument("--inputs", type=int, help="run this many cases (default: 2000)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="campaign seed")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a case hangs")
    parser.add_argument("--workers", type=int, default=1, help="child processes at once")
    parser.add_argument("--no-save", action="store_true", help="do not save failures")
    parser.add_argument("--replay", action="store_true", help="replay the saved inputs only")
    parser.add_argument("--case", type=int, help="run case N of --seed here and show the outcome")
    args = parser.parse_args(argv)
    if args.case is not None:
        return _one_case(args.seed, args.case)
    if args.replay:
        failed = 0
        for path in regression_inputs():
            failure = replay(path)
            failed += failure is not None
            print(
                f"{'FAIL' if failure else 'ok  '} {path}"
                + (f": {failure.signature}" if failure else "")
            )
        return 1 if failed else 0
    inputs = args.inputs if args.inputs or args.minutes else 2000
    last = [time.monotonic()]

    def progress(summary) -> None:
        if time.monotonic() - last[0] > 30:
            last[0] = time.monotonic()
            print(
                f"… {sum(summary.tried.values())} inputs, {len(summary.failures)} failures",
                file=sys.stderr,
                flush=True,
            )

    summary = campaign(
        args.seed,
        inputs=inputs,
        minutes=args.minutes,
        timeout=args.timeout,
        save_to=None if args.no_save else REGRESSIONS,
        progress=progress,
        workers=args.workers,
    )
    print("\n".join(summary.lines()))
    return 1 if summary.failures else 0


if __name__ == "__main__":
    sys.exit(main())
