"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from workbook.core.errors import RunError, RunTimeoutError
from workbook.run.kernel import _kernel_managers


def test_a_run_over_its_time_limit_has_its_kernel_stopped():
    """A stand-in kernel (a sleeping process) is killed when the limit is reached."""
    from workbook.run.kernel import execute_with_retries

    class FakeKernelManager:
        has_kernel = False

        def __init__(self, pid):
            self.provisioner = type("P", (), {"pid": pid})()

    procs = []

    def slow(*, on_notebook_start, kernel_manager_class):
        proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        procs.append(proc)
        _kernel_managers.get().append(FakeKernelManager(proc.pid))
        on_notebook_start(notebook=None)
        proc.wait()
        raise RuntimeError("Kernel died")

    started = time.monotonic()
    with pytest.raises(RunTimeoutError, match=r"lambeth 2023-11: stopped after 0.5 s, the run's time limit"):
        execute_with_retries(slow, run_timeout=0.5, what="lambeth 2023-11")
    assert time.monotonic() - started < 10
    assert procs[0].poll() is not None  # the "kernel" is gone
    assert issubclass(RunTimeoutError, RunError)


# --------------------------------------------------------------------------- starting the kernel early


def _kernel_pid(km) -> int:
    return km.provisioner.pid


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_the_kernel_imports_the_notebooks_libraries_as_it_starts(tmp_path):
    """The preload runs in a namespace of its own: modules loaded, the notebook's names untouched."""
    from jupyter_core.utils import run_sync

    from workbook.core.paths import NOTEBOOKS_DIR
    from workbook.run.kernel import notebook_imports, started_kernel

    preload = notebook_imports(NOTEBOOKS_DIR / "monitoring.ipynb")
    assert preload == ["from IPython.display import display",
                       "from workbook.config.parameters import notebook_parameters",
                       "from workbook.present.formats import headline_figures",
                       "from workbook.present import monitoring"]
    with started_kernel("python3", cwd=tmp_path, preload=preload) as km:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        outputs = []
        reply = run_sync(kc.execute_interactive)(
            "import sys, os; print('workbook.present.monitoring' in sys.modules, 'monitoring' in dir(), os.getcwd())",
            output_hook=lambda msg: outputs.append(msg["content"].get("text", "")), timeout=60)
        assert reply["content"]["status"] == "ok"
        assert "".join(outputs).split() == ["True", "False", str(tmp_path)]
        pid = _kernel_pid(km)
    time.sleep(0.2)
    assert not _alive(pid)  # stopped when the block ended


def test_a_run_that_stops_before_its_notebook_leaves_no_kernel(tmp_path):
    from workbook.run.kernel import started_kernel

    with pytest.raises(ValueError, match="bad period"):
        with started_kernel("python3", cwd=tmp_path) as km:
            pid = _kernel_pid(km)
            assert _alive(pid)
            raise ValueError("bad period")
    time.sleep(0.2)
    assert not _alive(pid)


def test_an_unknown_kernel_is_the_one_line_error(tmp_path):
    from workbook.run.kernel import start_kernel

    with pytest.raises(RunError, match=r"no Jupyter kernel named 'no-such-kernel'; install one with ipykernel"):
        start_kernel("no-such-kernel", cwd=tmp_path)


def test_the_first_attempt_uses_the_started_kernel_and_a_retry_starts_its_own(monkeypatch):
    from workbook.run.kernel import execute_with_retries

    monkeypatch.setattr("workbook.run.kernel.RETRY_WAIT_SECONDS", (0.0, 0.0))
    started = object()
    seen = []

    def flaky(**hooks):
        seen.append(hooks.get("km"))
        if len(seen) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")
        hooks["on_notebook_start"](notebook=None)
        return "executed"

    stopped = []
    monkeypatch.setattr("workbook.run.kernel._shutdown_kernel", stopped.append)
    assert execute_with_retries(flaky, retries=2, kernel=started) == "executed"
    assert seen == [started, None]
    assert stopped == [started]  # the failed kernel is stopped before the retry
