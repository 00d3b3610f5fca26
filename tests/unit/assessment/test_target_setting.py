"""Target setting: baselines from the data, trajectories as the plans compute them, chances from the forecast."""

from __future__ import annotations

import csv

import pytest

from tests.conftest import MPS_FILE
from workbook.assessment.prepare import prepare_assessment
from workbook.assessment.target_setting import probability_at_most, propose_targets, trajectory_table


def _raw(borough: str, major: str, months: list[str]) -> int:
    with open(MPS_FILE, newline="", encoding="utf-8-sig") as fh:
        return sum(int(r[m] or 0) for r in csv.DictReader(fh)
                   if r["BoroughName"] == borough and r["MajorText"] == major for m in months)


FY_2022 = [f"2022{m:02d}" for m in range(4, 13)] + [f"2023{m:02d}" for m in range(1, 4)]


def test_baseline_is_the_last_complete_financial_year_from_the_data():
    o = propose_targets(prepare_assessment("lambeth", period="2023-11"), categories=["Burglary"])[0]
    assert o.baseline_year == "2022/23" and o.baseline == _raw("Lambeth", "BURGLARY", FY_2022) == 2171
    compound = o.options[(o.options["method"] == "compound") & (o.options["rate"] == -8)]
    assert compound["target"].tolist() == pytest.approx([2171 * 0.92, 2171 * 0.92 ** 2, 2171 * 0.92 ** 3])
    linear = o.options[(o.options["method"] == "linear") & (o.options["rate"] == -8)]
    assert linear["target"].tolist() == pytest.approx([2171 * 0.92, 2171 * 0.84, 2171 * 0.76])
    # a stricter reduction is never more likely to be met
    for year, g in o.options[o.options["method"] == "compound"].groupby("year"):
        chances = g.sort_values("rate")["probability_met"].tolist()  # -8, -5, -2
        assert chances == sorted(chances), year


def test_trajectory_table_by_district_as_the_plans_publish_it():
    t = trajectory_table(prepare_assessment("lambeth-southwark", period="2023-11"), category="Robbery", rate=-8)
    rows = t.set_index("area")
    assert rows.loc["Lambeth", "2022/23"] == _raw("Lambeth", "ROBBERY", FY_2022)
    assert rows.loc["Southwark", "2022/23"] == _raw("Southwark", "ROBBERY", FY_2022)
    assert rows.loc["Total", "2022/23"] == rows.loc["Lambeth", "2022/23"] + rows.loc["Southwark", "2022/23"]
    # -8% a year for three years compounds to -22.1%, not -24% (DOMAIN.md)
    assert rows["3 yr %"].round(1).tolist() == [-22.1, -22.1, -22.1]
    assert rows.loc["Lambeth", "2023/24"] == round(rows.loc["Lambeth", "2022/23"] * 0.92)


def test_probability_from_the_interval():
    assert probability_at_most(100, 100, 90, 110) == pytest.approx(0.5)
    assert probability_at_most(90, 100, 90, 110) == pytest.approx(0.025, abs=1e-4)
