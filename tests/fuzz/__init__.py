"""mscdata's fuzz harness: real inputs mutated, broken packages, every public reader.

``python -m tests.fuzz --minutes 15`` runs a long campaign and saves each new failure
under ``tests/data/fuzz/``; ``tests/test_fuzz.py`` runs a short one and replays every
saved input.
"""
