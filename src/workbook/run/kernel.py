"""Starting, retrying and shutting down the notebook kernel.

A run starts its kernel early (:func:`start_kernel`), before the runner reads
and checks the data, and the kernel imports the notebook's libraries while it
starts: on a machine with two or more cores the kernel's start-up and imports
(about 2 s) then overlap the runner's own work instead of following it.
"""

from __future__ import annotations

import ast
import contextvars
import json
import logging
import os
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from workbook.core.errors import KernelStartError, RunError, RunTimeoutError

logger = logging.getLogger(__name__)

KERNEL_START_RETRIES = 2
# The kernel's own log shows errors only: its start-up warning about TCP on
# localhost is not the reader's concern and broke the quiet mode's silence.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)
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
                self.workbook_clients: list[Any] = []  # closed with the kernel (nbclient leaves them open when it does not own the manager)
                holder = _kernel_managers.get()
                if holder is not None:
                    holder.append(self)

            def client(self, **kwargs: Any) -> Any:
                kc = super().client(**kwargs)
                self.workbook_clients.append(kc)
                return kc

            async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
                # Stopping at once needs no interrupt first (jupyter_client sends one, and the
                # idle kernel logs "KeyboardInterrupt caught in kernel" on the run's stderr).
                if now and not restart and self.has_kernel and self.owns_kernel:
                    self.shutting_down = True
                    await self.provisioner.kill()
                    await self.provisioner.wait()
                    await self.cleanup_resources()
                    return
                await super().shutdown_kernel(now=now, restart=restart)

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

    for kc in getattr(km, "workbook_clients", ()):
        try:
            kc.stop_channels()
        except Exception as exc:  # noqa: BLE001
            logger.debug("kernel client: %s", exc)
    try:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    except Exception as exc:  # noqa: BLE001 - tidying up must not hide the run's own error
        logger.debug("kernel shutdown after failure: %s", exc)
        _kill_kernel(km)


def notebook_imports(notebook: Path) -> list[str]:
    """The import statements of a notebook's code cells, in order, once each.

    Examples
    --------
    >>> from workbook.core.paths import NOTEBOOKS_DIR
    >>> notebook_imports(NOTEBOOKS_DIR / "monitoring.ipynb")[-1]
    'from workbook.present import monitoring'
    """
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    seen: list[str] = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # IPython magics: not ours to preload
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)) and (line := ast.unparse(node)) not in seen:
                seen.append(line)
    return seen


def start_kernel(kernel_name: str, *, cwd: Path, preload: Sequence[str] = ()) -> Any:
    """Launch a kernel now and return its manager without waiting for it.

    ``preload`` are import statements the kernel runs as it starts, in a
    namespace of their own (the notebook's names are untouched; its own
    imports then find the modules loaded).  A failing preload is only logged
    by the kernel: the notebook's cell that imports it reports the error.
    The history is kept in memory, as nbclient does for kernels it starts.

    Raises
    ------
    RunError
        No kernel called ``kernel_name`` is installed.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_core.utils import run_sync

    km = _kernel_manager_class()(kernel_name=kernel_name)
    args = [*KERNEL_ARGUMENTS, "--HistoryManager.hist_file=:memory:"]
    if preload:
        source = "\n".join(preload)
        code = f"exec(compile({source!r}, '<workbook preload>', 'exec'), {{}})"
        args.append(f"--IPKernelApp.exec_lines={json.dumps([code])}")
    try:
        run_sync(km.start_kernel)(extra_arguments=args, cwd=str(cwd))
    except NoSuchKernel as exc:
        raise RunError(f"no Jupyter kernel named {exc.args[0]!r}; install one with ipykernel") from None
    return km


@contextmanager
def started_kernel(kernel_name: str, *, cwd: Path, preload: Sequence[str] = ()) -> Iterator[Any]:
    """:func:`start_kernel`, stopped when the block ends however it ends
    (a run that stops before its notebook runs leaves no kernel behind)."""
    km = start_kernel(kernel_name, cwd=cwd, preload=preload)
    try:
        yield km
    finally:
        _shutdown_kernel(km)


def execute_with_retries(
    execute: Callable[..., Any],
    *,
    retries: int = KERNEL_START_RETRIES,
    run_timeout: float | None = None,
    what: str = "notebook",
    kernel: Any = None,
) -> Any:
    """Call ``execute(on_notebook_start=..., kernel_manager_class=...)`` (a
    wrapped :func:`papermill.execute_notebook`) with the run's safeguards.

    * ``kernel``, a manager from :func:`start_kernel`, is used by the first
      attempt (passed as ``km``); a retry starts a fresh kernel.  Every
      kernel is stopped when the call returns, at once: the outputs are in.

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
        hooks: dict[str, Any] = {}
        if kernel is not None and attempt == 1:
            managers.append(kernel)
            hooks["km"] = kernel

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
            result = execute(on_notebook_start=lambda **_: started.set(), kernel_manager_class=_kernel_manager_class(),
                             **hooks)
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
