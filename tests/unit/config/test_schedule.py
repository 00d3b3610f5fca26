"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.config.schedule import ScheduledRun, all_configured_runs, parse_schedule, read_schedule
from workbook.core.errors import ConfigError
from workbook.run.batch import run_batch

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
    assert [r.area for r in runs] == ["central-bedfordshire", "city-of-london", "lambeth", "lambeth-southwark"]
    assert {r.period for r in runs} == {"2023-11"}
    assert [r.area for r in all_configured_runs()] == ["central-bedfordshire", "city-of-london", "lambeth", "lambeth-southwark"]


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
