"""Starting, retrying and shutting down the notebook kernel."""

from __future__ import annotations

import contextvars
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from workbook.core.errors import RunError

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    pass
from workbook.core.errors import KernelStartError, RunTimeoutError

logger = logging.getLogger(__name__)

KERNEL_START_RETRIES = 2
RETRY_WAIT_SECONDS = (0.5, 2.0)  # a random wait in this range (times the attempt) spreads out retries


_kernel_managers: contextvars.ContextVar[list | None] = contextvars.ContextVar("workbook_kernel_managers", default=None)


def _kernel_manager_class() -> type:
    """An AsyncKernelManager that tells the current run about itself, so the
    run's time limit can stop its kernel."""
    from jupyter_client.manager import AsyncKernelManager

    global _TrackedKernelManager
    if _TrackedKernelManager is None:

        class TrackedKernelManager(AsyncKernelManager):
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                holder = _kernel_managers.get()
                if holder is not None:
                    holder.append(self)

        _TrackedKernelManager = TrackedKernelManager
    return _TrackedKernelManager


_TrackedKernelManager: type | None = None


def _kill_kernel(km: Any) -> None:
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _shutdown_kernel(km: Any) -> None:
    """Make sure a kernel is gone after a failed start or a stop."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km._async_shutdown_kernel)(now=True)
    except Exception as exc:  # noqa: BLE001 - tidying up must not hide the run's own error
        logger.debug("kernel shutdown after failure: %s", exc)
        _kill_kernel(km)


def execute_with_retries(
    execute: Callable[..., Any],
    *,
    retries: int = KERNEL_START_RETRIES,
    run_timeout: float | None = None,
    what: str = "notebook",
) -> Any:
    """Call ``execute(on_notebook_start=..., kernel_manager_class=...)`` (a
    wrapped :func:`papermill.execute_notebook`) with the run's safeguards.

    * A kernel that fails before it is ready (the port races papermill is
      known for under parallel runs) is retried up to ``retries`` times.
    * With ``run_timeout``, a run still going after that many seconds has its
      kernel killed, and :class:`RunTimeoutError` says so.

    Returns
    -------
    object
        What ``execute`` returned (papermill's executed notebook).

    Raises
    ------
    KernelStartError
        The kernel failed to start on every attempt.
    RunTimeoutError
        The run's time limit was reached.

    Examples
    --------
    >>> calls = []
    >>> def flaky(*, on_notebook_start, kernel_manager_class):
    ...     calls.append(1)
    ...     if len(calls) == 1:
    ...         raise RuntimeError("Kernel died before replying to kernel_info")
    ...     on_notebook_start(notebook=None)
    ...     return "executed"
    >>> execute_with_retries(flaky, retries=2), len(calls)
    ('executed', 2)
    """
    from jupyter_client.kernelspec import NoSuchKernel

    deadline = None if run_timeout is None else time.monotonic() + run_timeout
    attempt = 0
    while True:
        attempt += 1
        started = threading.Event()
        timed_out = threading.Event()
        managers: list = []
        token = _kernel_managers.set(managers)

        def on_timeout() -> None:
            timed_out.set()
            for km in managers:
                _kill_kernel(km)

        timer = None
        if deadline is not None:
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), on_timeout)
            timer.daemon = True
            timer.start()
        try:
            result = execute(on_notebook_start=lambda **_: started.set(), kernel_manager_class=_kernel_manager_class())
            if timed_out.is_set():  # the kill landed after the last cell: the report is complete
                logger.info("%s finished as its time limit was reached", what)
            return result
        except NoSuchKernel as exc:
            raise RunError(f"{what}: no Jupyter kernel named {exc.args[0]!r}; install one with ipykernel") from None
        except Exception as exc:
            if timed_out.is_set():
                raise RunTimeoutError(f"{what}: stopped after {run_timeout:g} s, the run's time limit") from None
            if started.is_set() or _is_execution_error(exc):
                raise
            if attempt > retries:
                raise KernelStartError(
                    f"{what}: the kernel failed to start {attempt} times ({type(exc).__name__}: {_first_line(exc)})"
                ) from exc
            wait = random.uniform(*RETRY_WAIT_SECONDS) * attempt
            logger.warning("%s: kernel failed to start (%s: %s); retrying in %.1f s", what, type(exc).__name__,
                           _first_line(exc), wait)
            time.sleep(wait)
        finally:
            if timer is not None:
                timer.cancel()
            _kernel_managers.reset(token)
            for km in managers:
                _shutdown_kernel(km)


def _is_execution_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "PapermillExecutionError"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""
