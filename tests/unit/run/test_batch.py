"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbook.config.schedule import ScheduledRun
from workbook.core.errors import ConfigError, KernelStartError
from workbook.run.batch import BatchResult, RunOutcome, run_batch

# --------------------------------------------------------------------------- summary


def test_summary_table_names_every_run_and_counts_failures():
    result = BatchResult(
        (
            RunOutcome("lambeth", "2023-11", "done", 14.04, Path("out/lambeth/2023-11/assessment.html")),
            RunOutcome("city-of-london", "2020-12", "skipped", 0.5, Path("out/city-of-london/2020-12/assessment.html")),
            RunOutcome("broken", "latest", "failed", 0.2, error="x.csv, line 3: count '-1' is negative"),
            RunOutcome("slow", "2023-11", "timed out", 60.0, error="stopped after 60 s"),
        ),
        log_dir=Path("out/_logs/b"),
        seconds=75.0,
    )
    assert not result.ok
    assert [o.area for o in result.failed] == ["broken", "slow"]
    frame = result.to_frame()
    assert list(frame.columns) == ["area", "period", "status", "seconds", "report", "error", "log"]
    assert frame["seconds"].tolist() == [14.0, 0.5, 0.2, 60.0]
    text = result.summary_text()
    assert re.search(r"^broken +latest +failed +0\.2 +x\.csv, line 3: count '-1' is negative$", text, re.M)
    assert text.splitlines()[-1] == "4 runs in 75.0 s (1 done, 1 skipped, 1 failed, 1 timed out); logs in out/_logs/b"


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("workbook.run.batch.DASK_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        run_batch([ScheduledRun("lambeth")], output_root=tmp_path, scheduler="tcp://127.0.0.1:1", progress=False)


# --------------------------------------------------------------------------- kernel start and time limit


def test_kernel_start_failures_are_retried_then_reported(monkeypatch):
    from workbook.run.kernel import execute_with_retries

    monkeypatch.setattr("workbook.run.kernel.RETRY_WAIT_SECONDS", (0.0, 0.0))

    calls = []

    def never_starts(**hooks):
        calls.append(1)
        raise RuntimeError("Kernel died before replying to kernel_info")

    with pytest.raises(KernelStartError, match=r"x: the kernel failed to start 3 times \(RuntimeError: Kernel died"):
        execute_with_retries(never_starts, retries=2, what="x")
    assert len(calls) == 3


def test_errors_after_the_kernel_started_are_not_retried():
    from workbook.run.kernel import execute_with_retries

    calls = []

    def fails_in_a_cell(*, on_notebook_start, kernel_manager_class):
        calls.append(1)
        on_notebook_start(notebook=None)
        raise ValueError("a cell failed")

    with pytest.raises(ValueError, match="a cell failed"):
        execute_with_retries(fails_in_a_cell, retries=2)
    assert len(calls) == 1
