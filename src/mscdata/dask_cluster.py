"""The Dask cluster a build or a validation runs on: ``--scheduler local|ADDRESS``.

``local`` starts a :class:`distributed.LocalCluster` of worker processes on this
machine (one per usable core unless ``workers`` says); an address (``tcp://host:8786``)
joins a running scheduler, started by the user's own means: SLURM through
dask-jobqueue, Kubernetes through dask-kubernetes, or ``dask scheduler`` and ``dask
worker`` by hand. Its workers must have mscdata installed and see the files the job
names at the same paths (a shared folder). Dask itself is an extra: ``pip install
'mscdata[dask]'``; nothing here imports it before a cluster is asked for.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from mscdata.errors import ClusterError

ALLOWED_FAILURES = 3  # workers lost while running one task before the job fails
CONNECT_SECONDS = 30  # to reach a scheduler given by address
# a local cluster's scheduler: no dashboard, and its HTTP server (health checks) on a free
# port rather than 8787, which another cluster of the user's may hold
LOCAL_SCHEDULER = {
    "allowed_failures": ALLOWED_FAILURES - 1,
    "dashboard": False,
    "dashboard_address": ":0",
}


def check_engine(scheduler: str, workers: int | None) -> None:
    """ClusterError, before a job starts, when it cannot run on Dask as asked: Dask not
    installed, no scheduler named, ``workers`` below 1 or given for a cluster that is
    not local."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'mscdata[dask]'") from None
    if workers is not None and scheduler != "local":
        raise ClusterError(
            "--workers (workers=) is the size of a local Dask cluster: use it with "
            "--scheduler local; a running cluster has the workers it has"
        )
    if not scheduler.strip():
        raise ClusterError("--scheduler is 'local' or a scheduler's address (tcp://host:8786)")
    if workers is not None and workers < 1:
        raise ClusterError(f"--workers (workers=) must be at least 1, not {workers}")


@contextlib.contextmanager
def dask_client(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A Dask client: of a new local cluster of ``workers`` processes (``"local"``; one
    per usable core when None), or of the scheduler at an address, with at least one
    worker, once :func:`check_engine` passed. ClusterError when the scheduler cannot be
    reached or has no workers, or the local workers do not start."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        try:
            cluster = LocalCluster(
                n_workers=workers or usable_cores(),
                threads_per_worker=1,  # parsing holds the interpreter: a process per core
                processes=True,
                silence_logs=40,  # logging.ERROR: Dask's own chatter stays off stderr
                scheduler_kwargs=LOCAL_SCHEDULER,
            )
        except (RuntimeError, OSError) as error:  # Dask: "Nanny failed to start."
            raise ClusterError(
                f"the local Dask cluster's worker processes did not start ({error}). Dask "
                "starts them afresh, importing the script that started the cluster again: "
                "in a script, call mscdata.build(scheduler='local') (or validate) under "
                "if __name__ == '__main__':"
            ) from None
        with cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError) as error:
            raise ClusterError(
                f"the Dask scheduler at {scheduler} has no workers (waited "
                f"{CONNECT_SECONDS} s): {error}"
            ) from None
        yield client


def task_result(future: Any, what: str) -> Any:
    """A task's result; mscdata's own errors as they were raised, the cluster's (a worker
    lost again and again, a worker without mscdata, a lost scheduler) as one
    ClusterError naming ``what`` the task did. The future is released either way."""
    from distributed import KilledWorker

    from mscdata.errors import MscdataError

    try:
        return future.result()
    except MscdataError:
        raise
    except KilledWorker:
        raise ClusterError(
            f"{what}: the Dask workers running it were lost again and again (out of "
            "memory, or killed); the job stops"
        ) from None
    except Exception as error:
        raise ClusterError(
            f"{what}: its Dask task failed: {type(error).__name__}: {error}"
        ) from None
    finally:
        future.release()


def usable_cores() -> int:
    """The cores this process may run on (its affinity), else the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on every platform
        return max(1, os.cpu_count() or 1)
