"""The performance report: targets, the latest month, year to date and what changed since the last report."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from tests.conftest import MPS_FILE
from workbook.assessment.monitor import analyse_monitoring, compare_reports, watched_categories
from workbook.assessment.prepare import prepare_assessment
from workbook.core.errors import PeriodError


def _raw_lambeth(months: list[str]) -> int:
    with open(MPS_FILE, newline="", encoding="utf-8-sig") as fh:
        return sum(int(r[m] or 0) for r in csv.DictReader(fh) if r["BoroughName"] == "Lambeth" for m in months)


@pytest.fixture(scope="module")
def lambeth():
    return analyse_monitoring(prepare_assessment("lambeth", period="2023-11"))


def test_year_to_date_for_the_watched_groups(lambeth):
    ytd = lambeth.ytd.set_index("category")
    months = [f"2023{m:02d}" for m in range(4, 12)]
    assert ytd.loc["All crime", "current"] == _raw_lambeth(months) == 24269
    assert ytd.loc["All crime", "previous"] == _raw_lambeth([f"2022{m:02d}" for m in range(4, 12)]) == 22582
    # the target on a subcategory gets its own row; the table holds the watched groups only
    assert set(ytd.index) == {"All crime", *watched_categories(lambeth.assessment)}
    assert "Residential burglary" in ytd.index


def test_what_changed_since_last_month(lambeth):
    c = lambeth.changes
    assert f"{lambeth.since:%Y-%m}" == "2023-10"
    moved = c[c["kind"] == "Target status changed"].set_index("item")
    assert moved.loc["Violence and sexual offences down 2% a year for three years from 2022/23",
                     ["before", "now"]].tolist() == ["at risk", "off track"]


def test_a_quarterly_report_compares_with_three_months_back():
    m = analyse_monitoring(prepare_assessment("lambeth", period="2023-11"), since="2023-08")
    assert f"{m.since:%Y-%m}" == "2023-08"
    with pytest.raises(PeriodError, match="not before this one's"):
        analyse_monitoring(prepare_assessment("lambeth", period="2023-11"), since="2023-11")


def test_compare_reports_finds_new_special_causes_and_moved_targets():
    now = pd.DataFrame({"category": ["Robbery", "Drugs", "Burglary"], "latest_month": ["Nov 2023"] * 3,
                        "latest_variation": ["special cause concern", "special cause improvement", "common cause"]})
    before = now.assign(latest_month="Oct 2023",
                        latest_variation=["common cause", "special cause improvement", "special cause concern"])
    t_now = pd.DataFrame({"name": ["A", "B"], "status": ["off track", "on track"]})
    t_before = pd.DataFrame({"name": ["A", "B"], "status": ["at risk", "on track"]})
    out = compare_reports(now, before, t_now, t_before)
    assert out.values.tolist() == [
        ["New special cause", "Robbery", "common cause (Oct 2023)", "special cause concern (Nov 2023)"],
        ["Target status changed", "A", "at risk", "off track"],
    ]
