"""Tests for workbook.present.explore: each explore notebook's sections, published like the reports'.

Figures that must come out are the published ones: Lambeth's all recorded crime
April to November 2023 is 24,269 against 22,582 a year earlier (the Met's borough
file, summed by hand; ``tests/e2e/test_assess.py`` sums it from the raw file too).
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

import pandas as pd
import pytest
from IPython.display import Markdown

from workbook.assessment.prepare import prepare_assessment, save_prepared
from workbook.config.parameters import RunParameters
from workbook.core.errors import ParameterError
from workbook.core.paths import NOTEBOOKS_DIR
from workbook.present import explore
from workbook.present.publisher import HTMLBlock

ALTS = re.compile(r'<img [^>]*alt="([^"]*)"')


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """``prepared(area, period)`` -> the path of the area's prepared assessment, as the runner saves it."""
    root = tmp_path_factory.mktemp("prepared")
    done: dict[tuple[str, str], Path] = {}

    def get(area: str, period: str) -> Path:
        if (area, period) not in done:
            path = root / f"{area}-{period}.pickle"
            save_prepared(prepare_assessment(area, period=period), path)
            done[area, period] = path
        return done[area, period]

    return get


@pytest.fixture
def report(prepared, tmp_path):
    """``report(chapter, area="lambeth", period="2023-11", output=True, **options)`` -> a started report,
    as the runner would start it (publishing into ``tmp_path/out`` when ``output``)."""

    def start(chapter: str, area: str = "lambeth", period: str = "2023-11", output: bool = True,
              **options) -> explore.ExploreReport:
        params = RunParameters.check(
            {"area": area, "period": period, "prepared": str(prepared(area, period)),
             "output_dir": str(tmp_path / "out") if output else "", **options},
            notebook=NOTEBOOKS_DIR / "explore" / f"{chapter}.ipynb")
        return explore.start_explore(params, chapter=chapter)

    return start


def published(tmp_path: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(tmp_path / "out" / "tables" / f"{name}.csv")


def markdown(items) -> str:
    return "\n".join(i.data for i in items if isinstance(i, Markdown))


def blocks(items) -> str:
    return "\n".join(i.html for i in items if isinstance(i, HTMLBlock))


SECTIONS = {
    "trends": ["monthly_counts", "control_charts"],
    "comparison": ["year_to_date"],
    "peers": ["peers"],
    "hotspots": ["hotspots"],
    "forecasts": ["forecasts"],
}


@pytest.mark.parametrize("chapter", list(SECTIONS))
def test_one_h1_from_the_title_and_every_section_opens_with_an_h2(report, chapter):
    rep = report(chapter)
    title = markdown(explore.title(rep))
    assert title.startswith("# London Borough of Lambeth: ") and "data to November 2023" in title.splitlines()[0]
    for section in [*SECTIONS[chapter], "provenance"]:
        items = getattr(explore, section)(rep)
        assert isinstance(items[0], Markdown) and items[0].data.startswith("## "), section
        assert not re.search(r"^# ", markdown(items), flags=re.MULTILINE), f"{section} makes a second h1"


def test_comparison_csv_has_the_published_all_crime_counts(report, tmp_path):
    rep = report("comparison")
    items = explore.year_to_date(rep)
    ytd = published(tmp_path, "ytd_comparison").set_index("category")
    assert (ytd.loc["All crime", "current"], ytd.loc["All crime", "previous"]) == (24269, 22582)
    assert ytd.loc["All crime", "difference"] == 24269 - 22582
    assert "Between April and November 2023 there were 24,269 crimes, an increase of 7% (1,687 more)" in markdown(items)
    # the chart draws every offence group but the total, from the same figures
    chart = published(tmp_path, "change_on_last_year").set_index("category")
    assert "All crime" not in chart.index and len(chart) == len(ytd) - 1
    assert chart["current"].sum() == 24269 and chart["previous"].sum() == 22582


def test_trends_monthly_counts_add_up_to_the_year_to_date(report, tmp_path):
    rep = report("trends", categories=["Robbery", "Theft from the person"])
    explore.monthly_counts(rep)
    monthly = published(tmp_path, "monthly_trends")
    assert list(monthly.columns) == ["month", "Robbery", "Theft from the person"]
    apr_nov = monthly[monthly["month"].between("2023-04", "2023-11")]
    explore.year_to_date(rep)  # a second route to the same counts: compare_periods, not the monthly pivot
    ytd = published(tmp_path, "ytd_comparison").set_index("category")
    assert apr_nov["Robbery"].sum() == ytd.loc["Robbery", "current"]
    assert apr_nov["Theft from the person"].sum() == ytd.loc["Theft from the person", "current"]


def test_control_charts_have_a_sentence_for_each_group(report, tmp_path):
    rep = report("trends", categories=["Robbery"])
    items = explore.control_charts(rep)
    summary = published(tmp_path, "control_charts")
    assert summary["category"].tolist() == ["Robbery"] and summary["latest_month"].tolist() == ["Nov 2023"]
    assert markdown(items).count("\n- Robbery: ") == 1


@pytest.mark.parametrize(("chapter", "section", "names"), [
    ("trends", "monthly_counts", ["monthly_trends"]),
    ("trends", "control_charts", ["control_charts"]),
    ("comparison", "year_to_date", ["change_on_last_year"]),
    ("peers", "peers", ["peer_rates", "peer_funnel"]),
    ("forecasts", "forecasts", ["forecasts"]),
])
def test_every_chart_has_a_sentence_of_alt_text_a_caption_and_its_data(report, tmp_path, chapter, section, names):
    rep = report(chapter)
    page = blocks(getattr(explore, section)(rep))
    alts = [html_lib.unescape(a) for a in ALTS.findall(page)]
    assert len(alts) == len(names)
    assert all(len(a.split()) >= 8 and a.endswith(".") for a in alts), alts
    assert page.count("<figcaption>") == len(names) and page.count("Show the data behind this chart") == len(names)
    for name in names:
        assert not published(tmp_path, name).empty


def test_forecasts_table_leaves_the_evidence_to_sentences_and_the_csv(report, tmp_path):
    rep = report("forecasts", categories=["Burglary", "Robbery"])
    items = explore.forecasts(rep)
    directions = published(tmp_path, "direction_of_travel")
    assert directions["category"].tolist() == ["Burglary", "Robbery"] and "evidence" in directions
    table = [i.html for i in items if isinstance(i, HTMLBlock)][1]
    assert "<caption>Direction of travel, Lambeth</caption>" in table and "Evidence" not in table
    assert [line[2:].split(":")[0] for line in markdown(items).splitlines() if line.startswith("- ")] == \
        ["Burglary", "Robbery"]


def test_by_district_only_when_asked_and_the_districts_add_up(report, tmp_path):
    assert explore.by_district(report("comparison", area="lambeth-southwark")) == []
    single = explore.by_district(report("comparison", by_district=True))
    assert "Lambeth is a single district, so there is no breakdown by district." in markdown(single)

    rep = report("comparison", area="lambeth-southwark", by_district=True)
    explore.year_to_date(rep)
    items = explore.by_district(rep)
    assert items[0].data == "## By district"
    ytd = published(tmp_path, "ytd_comparison").set_index("category")
    first = published(tmp_path, "by_district_01").set_index("area_name")
    category = first["category"].iloc[0]
    assert sorted(first.index) == ["Lambeth", "Southwark", "Total"]
    assert first.loc["Lambeth", "current"] + first.loc["Southwark", "current"] == first.loc["Total", "current"]
    assert first.loc["Total", "current"] == ytd.loc[category, "current"]  # one figure, published once


def test_hotspots_need_neighbourhoods(report, tmp_path):
    none = explore.hotspots(report("hotspots"))
    assert "are by district, not neighbourhood (LSOA), so there is no hotspot analysis" in markdown(none)
    assert not (tmp_path / "out" / "tables" / "top_neighbourhoods.csv").exists()

    items = explore.hotspots(report("hotspots", area="city-of-london", period="2020-12"))
    conc = published(tmp_path, "concentration").iloc[0]
    top = published(tmp_path, "top_neighbourhoods")
    assert conc["period"] == "April to December 2020" and conc["top_count"] <= conc["located_count"]
    assert len(top) == 10 and top["current"].is_monotonic_decreasing
    assert f"{round(100 * conc['share'])}% of located crime in City of London" in markdown(items)
    assert len(ALTS.findall(blocks(items))) == 1


def test_peers_say_why_there_are_none(report):
    items = explore.peers(report("peers", area="city-of-london", period="2020-12"))
    assert "No peer comparison for City of London: the police data cover only this partnership" in markdown(items)
    assert blocks(items) == ""


def test_provenance_names_the_chapters_own_parameters(report, tmp_path):
    explore.provenance(report("trends", categories=["Robbery", "Drugs"]))
    rows = published(tmp_path, "provenance").set_index("Item")["Value"]
    assert rows["Parameter: categories"] == "Robbery, Drugs" and rows["Parameter: area"] == "lambeth"


def test_nothing_is_written_without_an_output_dir(report, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rep = report("comparison", output=False)
    explore.year_to_date(rep)
    explore.provenance(rep)
    assert rep.publisher.tables_dir is None and rep.publisher.names == ["ytd_comparison", "change_on_last_year",
                                                                        "provenance"]
    assert list(tmp_path.iterdir()) == []


def test_unknown_categories_and_chapters_name_the_parameter(report):
    with pytest.raises(ParameterError, match=r"parameter 'categories': 'Robery' is not an offence group in the data"):
        report("trends", categories=["Robery"])
    params = RunParameters.check({"area": "lambeth"}, notebook=NOTEBOOKS_DIR / "explore" / "peers.ipynb")
    with pytest.raises(ParameterError, match="parameter 'chapter': no explore notebook 'peer'; expected one of trends"):
        explore.start_explore(params, chapter="peer")


def test_chart_rows_leave_out_groups_the_disclosure_rule_covers_for_the_partnership():
    from workbook.config.disclosure import DisclosureRule

    ytd = pd.DataFrame({"category": ["All crime", "Robbery", "Burglary"], "previous": [30, 10, 20],
                        "current": [33, 12, 21]})
    assert explore.change_chart_rows(ytd, rule=DisclosureRule())["category"].tolist() == ["Robbery", "Burglary"]
    strict = DisclosureRule(levels=["sub_area", "area"], all_categories=True)
    assert explore.change_chart_rows(ytd, rule=strict).empty
