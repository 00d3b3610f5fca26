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
