"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbook.data.cache import CACHE_ENV, clear_memory_cache, load_source_cached, source_cache_key
from workbook.run.batch import BatchResult, RunOutcome, run_batch
from workbook.config.schedule import ScheduledRun, all_configured_runs, parse_schedule, read_schedule
from workbook.config.generate import list_london_boroughs, write_london_borough_configs
from workbook.config.area import load_area_config
from workbook.core.errors import ConfigError, DataError, RunError
from workbook.data.sources import load_source
from workbook.core.errors import KernelStartError, RunTimeoutError
from workbook.run.kernel import _kernel_managers
from workbook.run.manifest import build_manifest, is_up_to_date, read_manifest
from workbook.run.publish import host_tag, partial_prefix, publish_dir, sweep_stale_partials
from tests.conftest import COL_TIDY, MPS_FILE

# --------------------------------------------------------------------------- schedules


def test_schedule_of_runs_with_and_without_periods(tmp_path):
    path = tmp_path / "schedule.yml"
    path.write_text(
        "runs:\n"
        "  - area: lambeth\n    period: '2023-11'\n"
        "  - area: city-of-london\n"
        "  - area: areas/mine.yml\n    data: downloads/police\n"
    )
    runs = read_schedule(path)
    assert runs == [
        ScheduledRun("lambeth", "2023-11"),
        ScheduledRun("city-of-london", None),
        ScheduledRun(str(tmp_path / "areas/mine.yml"), None, str(tmp_path / "downloads/police")),
    ]


def test_all_expands_to_every_configured_area():
    runs = parse_schedule([{"area": "all", "period": "2023-11"}])
    assert [r.area for r in runs] == ["city-of-london", "lambeth", "lambeth-southwark"]
    assert {r.period for r in runs} == {"2023-11"}
    assert [r.area for r in all_configured_runs()] == ["city-of-london", "lambeth", "lambeth-southwark"]


@pytest.mark.parametrize(("text", "message"), [
    ("", "schedule is empty"),
    ("runs: [\n", "YAML syntax error at line 2"),
    ("runs:\n  - area: lambeth\n    perod: '2023-11'\n", "key 'runs.0.perod': unknown key"),
    ("runs:\n  - period: '2023-11'\n", "key 'runs.0.area': required"),
    ("runs:\n  - area: lambeth\n    period: 2023-11-01\n", "key 'runs.0.period': expected a month as text"),
    ("runs:\n  - area: lambeth\n    period: 2023.11\n", "got float 2023.11"),
    ("areas: [lambeth]\n", "key 'areas': unknown key"),
    ("runs: lambeth\n", "expected a list of runs, found str"),
    ("runs: []\n", "schedule lists no runs"),
])
def test_bad_schedules_name_the_key(tmp_path, text, message):
    path = tmp_path / "s.yml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as exc:
        read_schedule(path)
    assert str(path) in str(exc.value)


def test_missing_schedule_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read schedule"):
        read_schedule(tmp_path / "none.yml")


# --------------------------------------------------------------------------- London boroughs


def test_32_london_borough_configs_are_generated_and_valid(tmp_path):
    boroughs = list_london_boroughs()
    assert len(boroughs) == 32
    assert boroughs["code"].tolist() == [f"E090000{n:02d}" for n in range(2, 34)]
    paths = write_london_borough_configs(tmp_path)
    assert len(paths) == 32 and len(set(paths)) == 32
    southwark = load_area_config(tmp_path / "southwark.yml")
    assert southwark.slug == "southwark" and southwark.area_codes == ["E09000028"]
    assert southwark.name == "London Borough of Southwark"
    assert load_area_config(tmp_path / "westminster.yml").name == "City of Westminster"
    # unchanged content is not rewritten
    before = paths[0].stat().st_mtime_ns
    time.sleep(0.01)
    write_london_borough_configs(tmp_path)
    assert paths[0].stat().st_mtime_ns == before


def test_every_generated_borough_is_in_the_mps_file(tmp_path):
    codes = set(load_source(MPS_FILE, format="mps_borough")["area_code"])
    for path in write_london_borough_configs(tmp_path):
        assert set(load_area_config(path).area_codes) <= codes


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


def test_batch_of_broken_runs_reports_each_and_keeps_going(tmp_path):
    """Local worker processes: every run fails at validation, each is named, none stops the others."""
    runs = [ScheduledRun("nowhere"), ScheduledRun("lambeth", "2031-01"), ScheduledRun("city-of-london", "2020-13")]
    result = run_batch(runs, output_root=tmp_path, workers=2, progress=False)
    assert [o.status for o in result.outcomes] == ["failed"] * 3
    errors = [o.error for o in result.outcomes]
    assert errors[0].startswith("parameter 'area': no area 'nowhere'")
    assert errors[1].startswith("parameter 'period': '2031-01': ")
    assert errors[2] == "parameter 'period': period '2020-13' is not a month; expected YYYY-MM, e.g. 2023-11"
    logs = sorted(p.name for p in result.log_dir.glob("*.log"))
    assert logs == ["city-of-london_2020-13.log", "lambeth_2031-01.log", "nowhere_latest.log"]
    assert "no area 'nowhere'" in (result.log_dir / "nowhere_latest.log").read_text()
    summary = pd.read_csv(result.log_dir / "summary.csv")
    assert summary["status"].tolist() == ["failed"] * 3
    assert not any(p.suffix == ".html" for p in tmp_path.rglob("*"))


def test_dask_scheduler_runs_the_batch(tmp_path):
    """The same batch handed to a local Dask cluster (no home-made scheduler)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        result = run_batch([ScheduledRun("nowhere"), ScheduledRun("lambeth", "1999-01")], output_root=tmp_path,
                           scheduler=cluster.scheduler_address, progress=False)
    assert result.workers == cluster.scheduler_address
    assert [o.status for o in result.outcomes] == ["failed", "failed"]
    assert "no area 'nowhere'" in result.outcomes[0].error
    assert "no area 'nowhere'" in (result.log_dir / "nowhere_latest.log").read_text()
    assert "the data run from 2010-04 to 2023-11" in result.outcomes[1].error


def test_unreachable_dask_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setattr("workbook.run.batch.DASK_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(ConfigError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        run_batch([ScheduledRun("lambeth")], output_root=tmp_path, scheduler="tcp://127.0.0.1:1", progress=False)


# --------------------------------------------------------------------------- temporary folders


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sweep_removes_only_folders_of_dead_processes(tmp_path):
    report = tmp_path / "2023-11"
    report.mkdir()
    (report / "assessment.html").write_text("good")
    dead = tmp_path / f"{partial_prefix('2023-11', pid=_dead_pid())}abc"
    live = tmp_path / f"{partial_prefix('2023-11')}def"  # this process: still running
    other_host = tmp_path / ".2023-11.partial-otherhost-1-ghi"
    for d in (dead, live, other_host):
        d.mkdir()
        (d / "assessment.ipynb").write_text("{}")
    removed = sweep_stale_partials(tmp_path)
    assert removed == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other_host.name, "2023-11"])
    assert (report / "assessment.html").read_text() == "good"


def test_sweep_restores_a_backup_left_between_two_renames(tmp_path):
    backup = tmp_path / f".2023-11.old-{host_tag()}-{_dead_pid()}"
    backup.mkdir()
    (backup / "assessment.html").write_text("previous")
    sweep_stale_partials(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["2023-11"]
    assert (tmp_path / "2023-11" / "assessment.html").read_text() == "previous"


def test_an_old_unowned_partial_is_swept_but_a_new_one_is_not(tmp_path):
    old, new = tmp_path / ".2023-11.partial-abc", tmp_path / ".2023-10.partial-def"
    old.mkdir()
    new.mkdir()
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert sweep_stale_partials(tmp_path) == [old]
    assert new.exists()


def test_publish_swaps_in_the_new_report_whole(tmp_path):
    dest, new = tmp_path / "2023-11", tmp_path / ".2023-11.partial-x"
    for d, text in ((dest, "old"), (new, "new")):
        (d / "tables").mkdir(parents=True)
        (d / "assessment.html").write_text(text)
        (d / "tables" / "t.csv").write_text(text)
    publish_dir(new, dest)
    assert [p.name for p in tmp_path.iterdir()] == ["2023-11"]
    assert (dest / "assessment.html").read_text() == "new" and (dest / "tables" / "t.csv").read_text() == "new"


def test_publish_into_an_empty_place(tmp_path):
    new = tmp_path / ".p"
    new.mkdir()
    (new / "f").write_text("x")
    publish_dir(new, tmp_path / "2023-11")
    assert (tmp_path / "2023-11" / "f").read_text() == "x" and not new.exists()


# --------------------------------------------------------------------------- manifest


def _manifest(**change):
    base = dict(slug="lambeth", period="2023-11", parameters={"data_path": "", "kernel_name": "python3"},
                inputs={"config": {"path": "config/areas/lambeth.yml", "sha256": "a" * 64},
                        "data.path": {"path": "data/mps/x.csv", "sha256": "b" * 64}},
                code={"sha256": "c" * 64})
    return build_manifest(**(base | change))


def test_manifest_key_changes_with_inputs_code_and_parameters():
    key = _manifest()["key"]
    assert _manifest()["key"] == key
    assert _manifest(period="2023-10")["key"] != key
    assert _manifest(parameters={"data_path": "/x.csv", "kernel_name": "python3"})["key"] != key
    assert _manifest(inputs={"config": {"path": "config/areas/lambeth.yml", "sha256": "d" * 64},
                             "data.path": {"path": "data/mps/x.csv", "sha256": "b" * 64}})["key"] != key
    assert _manifest(code={"sha256": "e" * 64})["key"] != key


def test_up_to_date_needs_the_same_key_and_a_complete_report(tmp_path):
    m = _manifest()
    assert not is_up_to_date(tmp_path, m)  # no manifest
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    assert not is_up_to_date(tmp_path, m)  # no report
    (tmp_path / "assessment.html").write_text("<html>")
    assert is_up_to_date(tmp_path, m)
    assert not is_up_to_date(tmp_path, _manifest(period="2023-10"))
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) is None and not is_up_to_date(tmp_path, m)


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


# --------------------------------------------------------------------------- parsed-data cache


def test_cached_table_equals_the_loaders_and_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    clear_memory_cache()
    first = load_source_cached(COL_TIDY, format="tidy")
    pd.testing.assert_frame_equal(first, load_source(COL_TIDY, format="tidy"))
    files = list((tmp_path / "parsed").glob("*.parquet"))
    assert len(files) == 1
    clear_memory_cache()
    again = load_source_cached(COL_TIDY, format="tidy")  # read back from parquet
    pd.testing.assert_frame_equal(again, first)
    assert again.dtypes.to_dict() == first.dtypes.to_dict()


def test_cache_key_follows_the_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    clear_memory_cache()
    src = tmp_path / "data.csv"
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,1\n2023-02,E09000022,Burglary,2\n")
    assert int(load_source_cached(src)["count"].sum()) == 3
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,1\n2023-02,E09000022,Burglary,5\n")
    assert int(load_source_cached(src)["count"].sum()) == 6
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,-1\n")
    with pytest.raises(DataError, match="count '-1' is negative"):
        load_source_cached(src)


def test_a_damaged_or_unwritable_cache_is_never_fatal(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    clear_memory_cache()
    key = source_cache_key(COL_TIDY, format="tidy")
    (tmp_path / "parsed").mkdir()
    (tmp_path / "parsed" / f"{key}.parquet").write_bytes(b"not parquet")
    assert int(load_source_cached(COL_TIDY, format="tidy")["count"].sum()) == 31824
    clear_memory_cache()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert int(load_source_cached(COL_TIDY, format="tidy")["count"].sum()) == 31824
    assert not list((tmp_path / "elsewhere" / "parsed").glob("*.parquet"))
