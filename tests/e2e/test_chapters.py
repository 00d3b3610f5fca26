"""The full assessment's chapters in the shipped areas' reports."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

LAMBETH_HEADINGS = (
    "Summary", "Context", "Crime this year to date", "Monthly trends", "Is the latest month unusual?",
    "How the area compares with its peers", "Harm", "Choosing the priorities", "Local indicators", "The plan",
    "Methods and data", "Accessibility",
)


def test_lambeth_has_every_chapter(shipped_report):
    d = shipped_report("lambeth")
    html = (d / "assessment.html").read_text()
    for heading in LAMBETH_HEADINGS:
        assert f">{heading}</h2>" in html, heading
    tables = {p.stem for p in (d / "tables").glob("*.csv")}
    assert {"harm", "priority_matrix", "priority_decisions", "local_indicators", "measures_of_success", "action_plan", "spending_plan",
            "provenance"} <= tables
    # the summary leads with the plan-style sentence, figures computed from the data
    assert ("Between April and November 2023 there were 24,269 crimes, an increase of 7% (1,687 more) on the "
            "same period last year.") in html
    # illustrative inputs are labelled wherever they show
    assert html.count("Illustrative data.") >= 3
    local = pd.read_csv(d / "tables" / "local_indicators.csv")
    assert local["source"].str.startswith("ILLUSTRATIVE").all()
    # the matrix shows the recommendation and the analyst's override side by side
    m = pd.read_csv(d / "tables" / "priority_matrix.csv").set_index("category")
    assert m.loc["Bicycle theft", "override"] == "exclude" and m.loc["Bicycle theft", "decision"] == "exclude"
    assert m.loc["Violence and sexual offences", "recommendation"] == "include"  # statutory
    # spending adds up: 360,000 this year, 365,000 last year, -5,000
    sp = pd.read_csv(d / "tables" / "spending_plan.csv").set_index("level")
    assert sp.loc["total", "amount"] == 360000 and sp.loc["total", "difference"] == -5000
    # the action due 30 Sep 2023 and still in progress is overdue at the end of November 2023
    acts = pd.read_csv(d / "tables" / "action_plan.csv").set_index("owner")
    assert acts.loc["Community safety analyst", "overdue"].startswith("Overdue by 61 days")
    assert acts.loc["Violence Reduction Lead", "overdue"] == "No"
    prov = pd.read_csv(d / "tables" / "provenance.csv").set_index("Item")
    assert prov.loc["Parameter: area", "Value"] == "lambeth"
    assert prov.loc["Parameter: period", "Value"] == "2023-11"


def test_lambeth_southwark_district_rows_add_up(shipped_report):
    d = shipped_report("lambeth-southwark")
    files = sorted((d / "tables").glob("by_district_*.csv"))
    assert len(files) >= 7  # six main categories and sexual offences
    for f in files:
        t = pd.read_csv(f).set_index("area_name")
        assert set(t.index) == {"Lambeth", "Southwark", "Total"}
        for col in ("previous", "current", "difference"):
            parts = pd.to_numeric(t.loc[["Lambeth", "Southwark"], col])
            assert parts.sum() == pd.to_numeric(t.loc["Total", col]), (f.name, col)
    ytd = pd.read_csv(d / "tables" / "ytd_comparison.csv").set_index("category")
    # the district tables' totals are the partnership's year-to-date counts
    for f in files:
        t = pd.read_csv(f)
        cat = t["category"].iloc[0]
        if cat in ytd.index:
            assert int(t.set_index("area_name").loc["Total", "current"]) == int(ytd.loc[cat, "current"])


def test_city_of_london_has_hotspots(shipped_report):
    d = shipped_report("city-of-london")
    html = (d / "assessment.html").read_text()
    assert ">Neighbourhood hotspots</h2>" in html
    top = pd.read_csv(d / "tables" / "top_neighbourhoods.csv")
    assert len(top) == 10 and top["classification"].isin(
        ["persistent hotspot", "emerging hotspot", "intermittent hotspot", "former hotspot", "not a hotspot",
         "not classified"]).all()
    # the top neighbourhood's count equals the raw aggregate's, April to December 2020
    from tests.conftest import COL_TIDY

    raw = pd.read_csv(COL_TIDY)
    crimes = raw[raw["crime_type"] != "Anti-social behaviour"]  # ASB incidents are not crimes (issue 12.5)
    ytd = crimes[(crimes["month"] >= "2020-04") & (crimes["month"] <= "2020-12")].groupby("lsoa_code")["count"].sum()
    first = top.iloc[0]
    assert first["current"] == ytd.loc[first["lsoa_code"]] == ytd.max()
    assert "no peer comparison" in html.lower()


def test_forecasts_and_targets_tables(shipped_report):
    d = shipped_report("lambeth")
    f = pd.read_csv(d / "tables" / "forecasts.csv")
    assert list(f.columns) == ["area_code", "category", "month", "forecast", "lower_80", "upper_80", "lower_95",
                               "upper_95", "method"]
    assert f.groupby("category").size().eq(12).all() and f["month"].iloc[0] == "2023-12"
    assert (f[["forecast", "lower_80", "lower_95"]] >= 0).all().all()
    assert ((f["lower_95"] <= f["lower_80"]) & (f["lower_80"] <= f["forecast"]) & (f["forecast"] <= f["upper_80"])
            & (f["upper_80"] <= f["upper_95"])).all()
    t = pd.read_csv(d / "tables" / "targets.csv").set_index("category")
    # residential burglary 2022/23 from the raw file is the baseline; the target is 5% below it
    import csv

    from tests.conftest import MPS_FILE

    months = [f"2022{m:02d}" for m in range(4, 13)] + [f"2023{m:02d}" for m in range(1, 4)]
    with open(MPS_FILE, newline="") as fh:
        base = sum(int(r[m] or 0) for r in csv.DictReader(fh) if r["BoroughName"] == "Lambeth"
                   and r["MinorText"] in ("DOMESTIC BURGLARY", "RES BURGLARY OF A HOME",
                                          "RES BURGLARY OF UNCONNECTED BUILDING") for m in months)
    row = t.loc["Residential burglary"]
    assert row["baseline_value"] == base
    assert row["target"] == pytest.approx(base * 0.95)
    assert row["status"] in {"on track", "at risk", "off track"} and row["months_elapsed"] == 8
    html = (d / "assessment.html").read_text()
    assert ">Direction of travel</h2>" in html and ">Targets</h2>" in html


def test_direction_of_travel_states_the_rule_it_applies(shipped_report):
    """The chapter's rule is the one the labels follow (it once named ARIMA and a trend override that were gone)."""
    from workbook.forecast.direction import DIRECTION_LEVEL
    from workbook.forecast.methods import COMBINATION_MEMBERS, METHOD_LABELS

    d = shipped_report("lambeth")
    html = (d / "assessment.html").read_text()
    chapter = html[html.index(">Direction of travel</h2>"):html.index(">Targets</h2>")]
    for member in COMBINATION_MEMBERS:
        assert METHOD_LABELS[member] in chapter
    assert "ARIMA" not in chapter and "trend is significant" not in chapter
    assert f"whole {DIRECTION_LEVEL}% prediction interval" in chapter and "does not change it" in chapter
    # the evidence is a sentence per group under the table, and a column of the CSV
    dirs = pd.read_csv(d / "tables" / "direction_of_travel.csv")
    assert "evidence" in dirs and len(dirs) == 6
    for _, r in dirs.iterrows():
        assert f"{r['category']}: {r['direction']}. {r['evidence']}" in chapter.replace("&#x27;", "'").replace("&#39;", "'")
    # the labels follow the stated rule: the 80% interval of next year's total (as % change on the last 12
    # months) wholly above zero is increasing, wholly below is decreasing
    assert ((dirs["direction"] == "increasing") == (dirs["change_lower_pct"] > 0)).all()
    assert ((dirs["direction"] == "decreasing") == (dirs["change_upper_pct"] < 0)).all()
