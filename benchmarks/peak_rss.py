"""Peak memory of a benchmark's child process, measured from inside the child.

``CHILD`` is the ``python -c`` program each contender runs under: it executes the
contender's code (its first argument) and prints ``RSS <own> <workers>`` in KiB. The
child's own peak is Linux's VmHWM, which belongs to the process image; ``ru_maxrss``
would carry over the RSS of the parent the child was forked from. The workers' peak
is the largest ``ru_maxrss`` among the child's own children.
"""

from __future__ import annotations

CHILD = """
import resource, sys
code = sys.argv.pop(1)
exec(compile(code, "<benchmark>", "exec"))
try:
    with open("/proc/self/status") as status:
        own = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("RSS", own, workers)
"""


def peaks_mib(stdout: str) -> tuple[float, float]:
    """(own, workers) peak RSS in MiB from a child's output."""
    line = next(line for line in stdout.splitlines() if line.startswith("RSS "))
    _, own, workers = line.split()
    return int(own) / 1024, int(workers) / 1024
