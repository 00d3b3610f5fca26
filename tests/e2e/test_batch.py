"""Unattended runs end to end: a batch with a broken area among good ones,
unchanged re-runs skipped, a run killed mid-way, a run over its time limit,
and the same batch on a local Dask cluster."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SHIPPED_AREAS
from workbook.cli import main

pytestmark = pytest.mark.slow

GOOD = ("lambeth", "city-of-london")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def partials(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if ".partial-" in p.name or ".old-" in p.name]


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """``workbook batch`` over two good areas and one whose data file is truncated."""
    tmp = tmp_path_factory.mktemp("batch")
    broken_data = tmp / "broken.csv"
    broken_data.write_text("month,area_code,area_name,category,count\n2023-01,E09000022,Lambeth,Burglary,4\n2023-02,E09")
    broken = tmp / "broken-area.yml"
    broken.write_text(
        "name: Broken\nshort_name: Broken\nareas: [{code: E09000022, name: Lambeth}]\n"
        f"data: {{path: {broken_data}, format: tidy, description: a truncated file}}\n"
        "population: {path: data/population/london_borough_population_components_mid2011_mid2024.csv, "
        "description: ONS}\n"
    )
    schedule = tmp / "schedule.yml"
    schedule.write_text(
        "runs:\n"
        f"  - area: lambeth\n    period: '{SHIPPED_AREAS['lambeth']}'\n"
        "  - area: broken-area.yml\n"
        f"  - area: city-of-london\n    period: '{SHIPPED_AREAS['city-of-london']}'\n"
    )
    out = tmp / "reports"
    argv = ["-q", "batch", str(schedule), "--output", str(out), "--workers", "2", "--no-progress"]
    proc = subprocess.run([sys.executable, "-m", "workbook.cli", *argv], capture_output=True, text=True, cwd=tmp)
    return {"tmp": tmp, "out": out, "schedule": schedule, "proc": proc, "argv": argv, "broken_data": broken_data}


def test_good_areas_are_published_and_the_broken_one_is_named(batch):
    proc, out = batch["proc"], batch["out"]
    assert proc.returncode == 1, proc.stderr
    for area in GOOD:
        report = out / area / SHIPPED_AREAS[area]
        assert (report / "assessment.html").stat().st_size > 10_000
        assert (report / "manifest.json").exists() and (report / "tables" / "ytd_comparison.csv").exists()
    assert sorted(p.name for p in out.iterdir()) == ["_logs", "city-of-london", "lambeth"]
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["area", "period", "status", "seconds", "report", "error"]
    row = next(line for line in lines if "broken-area.yml" in line)
    assert row.split()[1:3] == ["latest", "failed"]
    assert f"{batch['broken_data']}, line 3: row has 2 fields but the header has 5" in row  # the cut-off row
    assert lines[-1].startswith("3 runs in ") and "(2 done, 1 failed)" in lines[-1]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("workbook: error:")]
    assert len(errors) == 1 and "broken-area.yml" in errors[0] and str(batch["broken_data"]) in errors[0]
    assert "Traceback" not in proc.stderr


def test_each_run_has_its_own_log_and_the_batch_a_summary(batch):
    (log_dir,) = (batch["out"] / "_logs").iterdir()
    logs = sorted(p.name for p in log_dir.glob("*.log"))
    assert logs == ["broken-area_latest.log", "city-of-london_2020-12.log", "lambeth_2023-11.log"]
    lambeth = (log_dir / "lambeth_2023-11.log").read_text()
    assert "lambeth 2023-11: executing assessment.ipynb" in lambeth and "city-of-london" not in lambeth
    assert str(batch["broken_data"]) in (log_dir / "broken-area_latest.log").read_text()
    summary = pd.read_csv(log_dir / "summary.csv", keep_default_na=False)
    assert summary["status"].tolist() == ["done", "failed", "done"]
    assert summary.loc[1, "report"] == "" and summary.loc[0, "report"].endswith("lambeth/2023-11/assessment.html")


def test_an_unchanged_rerun_is_skipped_and_force_is_needed_to_redo_it(batch):
    lambeth = batch["out"] / "lambeth" / "2023-11"
    before = snapshot(lambeth)
    schedule = batch["tmp"] / "again.yml"
    schedule.write_text("- {area: lambeth, period: '2023-11'}\n")
    started = time.perf_counter()
    rc = main(["-q", "batch", str(schedule), "--output", str(batch["out"]), "--no-progress"])
    assert rc == 0
    assert time.perf_counter() - started < 15
    assert snapshot(lambeth) == before
    (log_dir,) = sorted((batch["out"] / "_logs").iterdir(), key=lambda p: p.stat().st_mtime)[-1:]
    assert pd.read_csv(log_dir / "summary.csv")["status"].tolist() == ["skipped"]


def test_a_killed_run_leaves_the_previous_report_and_the_next_run_sweeps_up(batch, tmp_path):
    """SIGKILL a forced re-run once it is mid-way (its kernel has written tables
    into the temporary folder): the published report is untouched; the next
    run removes the dead run's temporary folder."""
    out = tmp_path / "reports"
    shutil.copytree(batch["out"] / "lambeth", out / "lambeth")
    report = out / "lambeth" / "2023-11"
    before = snapshot(report)
    cmd = [sys.executable, "-m", "workbook.cli", "-q", "assess", "--area", "lambeth", "--period", "2023-11",
           "--output", str(out), "--force"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if any((p / "tables").is_dir() and any((p / "tables").iterdir()) for p in partials(out)):
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)  # the run and its kernel, as a job scheduler or the OOM killer would
    finally:
        proc.wait()
    left = partials(out)
    assert left, "a SIGKILLed run cannot tidy up: its temporary folder should still be there"
    assert snapshot(report) == before  # readers still see the whole previous report
    assert sorted(p.name for p in (out / "lambeth").iterdir() if not p.name.startswith(".")) == ["2023-11"]

    # the next run (unchanged, so skipped) sweeps the dead run's folder away
    assert main(["-q", "assess", "--area", "lambeth", "--period", "2023-11", "--output", str(out)]) == 0
    assert partials(out) == []
    assert snapshot(report) == before


def test_a_run_over_its_time_limit_is_stopped_and_reported(batch, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(batch["out"] / "city-of-london", out / "city-of-london")
    before = snapshot(out)
    schedule = tmp_path / "s.yml"
    schedule.write_text("- {area: city-of-london, period: '2020-12'}\n")
    proc = subprocess.run([sys.executable, "-m", "workbook.cli", "-q", "batch", str(schedule), "--output", str(out),
                           "--force", "--timeout", "3", "--no-progress"], capture_output=True, text=True)
    assert proc.returncode == 1
    row = next(line for line in proc.stdout.splitlines() if line.startswith("city-of-london"))
    assert "timed out" in row and "stopped after 3 s, the run's time limit" in row
    assert {k: v for k, v in snapshot(out).items() if not k.startswith("_logs/")} == before
    assert partials(out) == []


def test_a_dask_cluster_runs_the_batch(batch, tmp_path):
    import distributed

    from workbook.config.schedule import ScheduledRun
    from workbook.run.batch import run_batch

    runs = [ScheduledRun("city-of-london", "2020-12"), ScheduledRun(str(batch["tmp"] / "broken-area.yml"))]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_batch(runs, output_root=tmp_path / "reports", scheduler=cluster.scheduler_address, progress=False)
    assert [o.status for o in result.outcomes] == ["done", "failed"]
    html = result.outcomes[0].report_path
    assert html == tmp_path / "reports" / "city-of-london" / "2020-12" / "assessment.html"
    assert "City of London: Partnership Strategic Assessment 2020/21" in html.read_text()
    assert str(batch["broken_data"]) in result.outcomes[1].error
