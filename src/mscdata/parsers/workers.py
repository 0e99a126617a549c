"""Worker processes for bulk reading, under whatever start method the platform uses.

Workers start the platform's default way (``fork`` on Linux before Python 3.14,
``forkserver`` from 3.14, ``spawn`` on macOS and Windows), or as the program chose with
:func:`multiprocessing.set_start_method`. Nothing here relies on ``fork``: what a worker
runs is found by module path, and what it is sent is pickled, so the results are the
same under every method. :func:`check_sendable` turns an ``apply`` that cannot travel
(a lambda, a nested function) into one clear line before any worker starts.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any

from mscdata.errors import ParseError

_ADVICE = "pass a function defined at the top level of a module, or workers=1"


def worker_context() -> Any:
    """The multiprocessing context to start workers in: the program's default."""
    import multiprocessing

    return multiprocessing.get_context()


def inherit(*modules: str) -> None:
    """Import ``modules`` in this process before workers start, when they start by
    ``fork``: each worker then inherits them instead of importing its own (about 0.2 s
    of CPU each for the models). Other start methods import them in each worker anyway."""
    if worker_context().get_start_method() == "fork":
        import importlib

        for module in modules:
            importlib.import_module(module)


def check_sendable(apply: Any) -> None:
    """Raise TypeError, in one line, when ``apply`` cannot be run in worker processes."""
    name = getattr(apply, "__qualname__", None) or type(apply).__name__
    try:
        pickle.dumps(apply)
    except Exception as error:  # PicklingError, AttributeError, TypeError: all one cause
        reason = " ".join(str(error).split()) or type(error).__name__
        raise TypeError(
            f"apply={name} cannot be sent to worker processes ({reason}); {_ADVICE}"
        ) from None
    method = worker_context().get_start_method()
    in_main = getattr(apply, "__module__", None) == "__main__"
    if in_main and method != "fork" and not _main_importable():
        raise TypeError(
            f"apply={name} is defined in an interactive session or stdin, which worker "
            f"processes started by {method!r} cannot import; {_ADVICE}"
        )


def _main_importable() -> bool:
    """Whether a worker not forked from this process can import ``__main__`` again
    (it is run with ``-m``, or from a file)."""
    main = sys.modules.get("__main__")
    if getattr(getattr(main, "__spec__", None), "name", None):
        return True
    path = getattr(main, "__file__", None)
    return bool(path) and os.path.isfile(path)


def broken_pool(source: str) -> ParseError:
    """The error for a worker that died while reading ``source``: one line, naming the
    likely causes (a ParseError: the source could not be read; not a bug of mscdata)."""
    method = worker_context().get_start_method()
    return ParseError(
        f"a worker process stopped abruptly (killed, out of memory, or, with workers "
        f"started by {method!r}, a main script read from stdin or running its work "
        "outside `if __name__ == '__main__':`); pass workers=1 to read in this process",
        source=source,
    )
