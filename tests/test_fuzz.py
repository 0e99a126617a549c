"""The fuzz harness in the test suite: a short campaign of mutated real inputs and broken
packages, every saved regression input replayed, and hypothesis driving the mutators.
The long run is ``python -m tests.fuzz --minutes 15``."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.mutate import MUTATORS, mutate
from fuzz.runner import PACKAGE_SHARE, REGRESSIONS, campaign, regression_inputs, replay
from fuzz.seeds import load_seeds
from fuzz.targets import FORMATS, MODES, install_audit_hook, run_parser

SHORT_RUN_SEED = 20261128
SHORT_RUN_INPUTS = 3000
SEEDS = load_seeds()


@pytest.fixture(scope="module", autouse=True)
def audit_hook():
    install_audit_hook()


@pytest.mark.slow
def test_a_short_campaign_finds_nothing():
    # two child processes share the cases (the same cases as one would run)
    summary = campaign(SHORT_RUN_SEED, inputs=SHORT_RUN_INPUTS, timeout=60, workers=2)
    report = "\n".join(summary.lines())
    assert sum(summary.tried.values()) == SHORT_RUN_INPUTS, report
    packages = sum(
        random.Random(f"{SHORT_RUN_SEED}:{index}").random() < PACKAGE_SHARE
        for index in range(SHORT_RUN_INPUTS)
    )  # the cases that make_case turns into packages: each ran once
    assert summary.tried["package"] == packages > 100, report
    assert summary.tried["parser"] == SHORT_RUN_INPUTS - packages, report
    assert not summary.failures, (
        f"{report}\nreproduce one with: python -m tests.fuzz --seed {SHORT_RUN_SEED} --case N"
    )


@pytest.mark.parametrize("path", regression_inputs(), ids=lambda p: str(p.relative_to(REGRESSIONS)))
def test_saved_failures_stay_fixed(path: Path):
    failure = replay(path)
    assert failure is None, f"{failure.signature}\n{failure.detail}"


def test_every_mutator_changes_or_keeps_bytes_deterministically():
    data = SEEDS[0].data
    for mutator, _ in MUTATORS:
        first = mutator(random.Random(7), data)
        assert first == mutator(random.Random(7), data), mutator.__name__
        assert isinstance(first, bytes)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SEEDS),
    st.randoms(use_true_random=False),
    st.sampled_from(FORMATS),
    st.sampled_from(MODES),
)
def test_hypothesis_mutations_of_real_inputs(seed, rng, fmt, mode):
    data = mutate(rng, seed.data, SEEDS[0].data)
    with tempfile.TemporaryDirectory(prefix="mscdata-fuzz-") as folder:
        failure = run_parser(data, mode, fmt, Path(folder))
    assert failure is None, f"{seed.name} as {fmt} ({mode}): {failure.signature}\n{failure.detail}"
