"""End to end: the CLI runs the notebook and publishes a report folder."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import MPS_FILE
from workbook.cli import main

pytestmark = pytest.mark.slow

# An independent mapping from the Met's categories to police.uk's, written
# here rather than read from the package, so the report is checked against
# the raw file by a second route.
MPS_MAJOR_TO_POLICE_UK = {
    "VIOLENCE AGAINST THE PERSON": "Violence and sexual offences",
    "SEXUAL OFFENCES": "Violence and sexual offences",
    "ROBBERY": "Robbery",
    "BURGLARY": "Burglary",
    "DRUG OFFENCES": "Drugs",
    "POSSESSION OF WEAPONS": "Possession of weapons",
    "PUBLIC ORDER OFFENCES": "Public order",
    "ARSON AND CRIMINAL DAMAGE": "Criminal damage and arson",
    "VEHICLE OFFENCES": "Vehicle crime",
}


def _raw_ytd(borough: str, months: list[str]) -> dict[str, int]:
    totals: dict[str, int] = {}
    with open(MPS_FILE, newline="") as fh:
        for row in csv.DictReader(fh):
            if row["BoroughName"] != borough:
                continue
            cat = MPS_MAJOR_TO_POLICE_UK.get(row["MajorText"])
            if row["MajorText"] == "THEFT":
                cat = {"BICYCLE THEFT": "Bicycle theft", "SHOPLIFTING": "Shoplifting", "OTHER THEFT": "Other theft",
                       "THEFT FROM THE PERSON": "Theft from the person"}[row["MinorText"]]
            if cat is None:
                cat = "Other crime"
            n = sum(int(row[m] or 0) for m in months)
            totals[cat] = totals.get(cat, 0) + n
            totals["All crime"] = totals.get("All crime", 0) + n
    return totals


@pytest.fixture(scope="module")
def lambeth_report(shipped_report) -> Path:
    return shipped_report("lambeth")


def test_report_folder_contents(lambeth_report):
    assert (lambeth_report / "assessment.html").stat().st_size > 10_000
    assert (lambeth_report / "assessment.ipynb").exists()
    tables = {p.name for p in (lambeth_report / "tables").glob("*.csv")}
    assert {"context.csv", "ytd_comparison.csv", "monthly_trends.csv", "control_charts.csv", "peer_rates.csv",
            "peer_funnel.csv"} <= tables


def test_ytd_counts_equal_the_raw_file(lambeth_report):
    ytd = pd.read_csv(lambeth_report / "tables" / "ytd_comparison.csv").set_index("category")
    current = _raw_ytd("Lambeth", [f"2023{m:02d}" for m in range(4, 12)])
    previous = _raw_ytd("Lambeth", [f"2022{m:02d}" for m in range(4, 12)])
    assert ytd["current"].to_dict() == current
    assert ytd["previous"].to_dict() == previous
    assert ytd.loc["All crime", "current"] == 24269  # the raw file's Lambeth total, Apr-Nov 2023


def test_html_is_a_report_not_a_notebook(lambeth_report):
    html = (lambeth_report / "assessment.html").read_text()
    assert html.count("<h1") == 1 and 'lang="en-GB"' in html
    assert "prepare_assessment" not in html and "In&nbsp;[" not in html  # no code, no prompts
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "Between April and November 2023 there were 7,253 violence and sexual offences" in html
    assert '<a href="#crime-this-year-to-date">' in html


def test_bad_period_fails_before_anything_is_written(tmp_path, capsys):
    assert main(["assess", "--area", "lambeth", "--period", "2024-05", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "assessment period April to May 2024 needs 2024-04, but the data run from 2010-04 to 2023-11" in err
    assert not any(tmp_path.rglob("*.html"))


def test_failing_cell_names_the_cell_and_keeps_the_previous_report(tmp_path, capsys):
    import json

    from workbook.core.errors import RunError
    from workbook.core.paths import NOTEBOOKS_DIR
    from workbook.run.assess import run_assessment

    first = run_assessment("lambeth", period="2023-11", output_root=tmp_path)
    before = first.html_path.read_bytes()
    nb = json.loads((NOTEBOOKS_DIR / "assessment.ipynb").read_text())
    nb["cells"].append({"id": "deliberate-failure", "cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "raise RuntimeError('deliberate failure')"})
    broken = NOTEBOOKS_DIR / "_broken_test.ipynb"
    broken.write_text(json.dumps(nb))
    try:
        with pytest.raises(RunError, match=r"cell \d+ .*failed with RuntimeError: deliberate failure"):
            run_assessment("lambeth", period="2023-11", output_root=tmp_path, notebook=broken)
    finally:
        broken.unlink()
    assert first.html_path.read_bytes() == before
    leftovers = [p.name for p in (tmp_path / "lambeth").iterdir()]
    assert leftovers == ["2023-11"]


def test_data_option_runs_on_a_users_download(tmp_path):
    """--data: the City of London config run on a police.uk folder as downloaded."""
    import shutil

    from workbook.core.paths import DATA_DIR

    month_dir = tmp_path / "download" / "2019-06"
    month_dir.mkdir(parents=True)
    shutil.copy(DATA_DIR / "police_uk/city_of_london/raw/2019-06-city-of-london-street.csv", month_dir)
    # one month of data cannot make a year-on-year comparison: a clear error, not an empty report
    rc = main(["assess", "--area", "city-of-london", "--data", str(tmp_path / "download"), "--output", str(tmp_path / "out")])
    assert rc == 2
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


@pytest.mark.parametrize(("area", "period", "expected_h1"), [
    ("lambeth-southwark", "2023-11", "Lambeth and Southwark: Partnership Strategic Assessment 2023/24"),
    ("city-of-london", "2020-12", "City of London: Partnership Strategic Assessment 2020/21"),
])
def test_other_shipped_areas(shipped_report, area, period, expected_h1):
    html = (shipped_report(area) / "assessment.html").read_text()
    assert re.search(rf"<h1[^>]*>{re.escape(expected_h1)}</h1>", html)


def test_console_script_is_installed(tmp_path):
    exe = Path(sys.executable).with_name("workbook")
    proc = subprocess.run([str(exe), "areas"], capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": ""})
    assert proc.returncode == 0 and proc.stdout.split() == ["central-bedfordshire", "city-of-london", "lambeth", "lambeth-southwark"]


def test_ytd_table_has_significance_and_rates(lambeth_report):
    ytd = pd.read_csv(lambeth_report / "tables" / "ytd_comparison.csv").set_index("category")
    assert {"p_value", "significant", "rr_lower_95", "rr_upper_95", "rate_per_1000", "rate_lower_95"} <= set(ytd.columns)
    # 24,269 offences in 8 months among 318,738 residents (mid-2023), annualised (x 12/8) so the
    # rate compares with 12-month peer rates (issue 13.4; it was the 8-month count over a year's population)
    assert ytd.loc["All crime", "rate_per_1000"] == pytest.approx(24269 / 318738 * 1000 * 12 / 8)
    # burglary per 1,000 households from the census nearest the period: 134,700 at the 2021 Census
    # (it was 130,017 at the 2011 Census), annualised like the rest
    assert ytd.loc["Burglary", "rate_per_1000"] == pytest.approx(1495 / 134_700 * 1000 * 12 / 8)
    assert ytd.loc["Burglary", "rate_base"] == "households (2021 Census)"
    html = (lambeth_report / "assessment.html").read_text()
    for heading in ("Is the latest month unusual?", "How the area compares with its peers"):
        assert heading in html
    spc = pd.read_csv(lambeth_report / "tables" / "control_charts.csv")
    assert set(spc["latest_variation"]) <= {"common cause", "special cause concern", "special cause improvement",
                                            "special cause neutral"}


BEFORE_RESTRUCTURE = Path(__file__).parent / "fixtures" / "lambeth_2023-11_before_restructure"


def test_monthly_trends_are_identical_to_the_report_made_before_the_stage_packages(lambeth_report):
    """Moving the library into stage packages changed no published figure: the monthly
    trend table is byte for byte the one the flat package wrote (commit 12014c6)."""
    before = (BEFORE_RESTRUCTURE / "monthly_trends.csv").read_bytes()
    assert (lambeth_report / "tables" / "monthly_trends.csv").read_bytes() == before


def test_year_to_date_differs_from_before_the_move_only_by_annualised_rates(lambeth_report):
    """The year-to-date table is the one written before the move (commit 12014c6) in every
    count, change and test; its rates are now annualised (x 12/8 for April to November)
    and burglary is per 2021-Census household (Lambeth 134,700) instead of 2011's (130,017)."""
    before = pd.read_csv(BEFORE_RESTRUCTURE / "ytd_comparison.csv").set_index("category")
    now = pd.read_csv(lambeth_report / "tables" / "ytd_comparison.csv").set_index("category")
    same = ["previous", "current", "difference", "pct_change", "rate_ratio", "rr_lower_95", "rr_upper_95",
            "p_value", "significant"]
    pd.testing.assert_frame_equal(now[same], before[same])
    assert (now["rate_months"] == 8).all()
    residents = before["rate_base"] == "residents"
    for col in ("rate_per_1000", "rate_lower_95", "rate_upper_95"):
        assert now.loc[residents, col].to_numpy() == pytest.approx(before.loc[residents, col].to_numpy() * 12 / 8)
    assert now.loc["Violence and sexual offences", "rate_per_1000"] == pytest.approx(7253 / 318_738 * 1000 * 1.5, rel=1e-3)
    assert now.loc["Burglary", "rate_base"] == "households (2021 Census)"
    assert now.loc["Burglary", "rate_per_1000"] == pytest.approx(now.loc["Burglary", "current"] / 134_700 * 1000 * 1.5)
