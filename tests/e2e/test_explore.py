"""End to end: ``workbook explore <chapter>`` runs each explore notebook through the runner into its own
report folder: one self-contained page for readers and every table as CSV."""

from __future__ import annotations

import html as html_lib
import json
import re

import pandas as pd
import pytest

from tests.e2e.test_assess import _raw_ytd
from workbook.cli import main

pytestmark = pytest.mark.slow

# The CSVs each report must hold (a chart's data are written under the chart's name).
TABLES = {
    "trends": {"monthly_trends", "control_charts", "provenance"},
    "comparison": {"ytd_comparison", "change_on_last_year", "provenance"},
    "peers": {"peer_rates", "peer_funnel", "provenance"},
    "hotspots": {"provenance"},  # the Met's borough file has no neighbourhoods
    "forecasts": {"forecasts", "direction_of_travel", "provenance"},
}
CHARTS = {"trends": 2, "comparison": 1, "peers": 2, "hotspots": 0, "forecasts": 1}
H1 = {"trends": "monthly trends", "comparison": "this year against last", "peers": "rates against similar areas",
      "hotspots": "where crime concentrates", "forecasts": "the next 12 months"}


@pytest.mark.parametrize("chapter", list(TABLES))
def test_each_explore_report_is_a_page_with_its_tables(shipped_report, chapter):
    folder = shipped_report("lambeth", f"explore-{chapter}")
    assert folder.name == f"2023-11-explore-{chapter}"
    assert {p.name for p in folder.iterdir()} == {f"explore-{chapter}.html", f"explore-{chapter}.ipynb",
                                                  "manifest.json", "tables"}
    assert {p.stem for p in (folder / "tables").glob("*.csv")} == TABLES[chapter]
    page = (folder / f"explore-{chapter}.html").read_text()
    assert re.findall(r"<h1[^>]*>([^<]*)</h1>", page) == [
        f"London Borough of Lambeth: {H1[chapter]}, data to November 2023"]
    assert f"<title>London Borough of Lambeth: Explore: {chapter} November 2023</title>" in page
    assert 'lang="en-GB"' in page and "<h2" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "prepare_assessment" not in page and "notebook_parameters" not in page and "Analyst notes" not in page
    alts = [html_lib.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', page)]
    assert len(alts) == page.count("<img") == CHARTS[chapter]
    assert all(len(a.split()) >= 8 for a in alts)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["product"] == f"explore-{chapter}"


def test_explore_comparison_has_the_assessments_year_to_date(shipped_report):
    ytd = pd.read_csv(shipped_report("lambeth", "explore-comparison") / "tables" / "ytd_comparison.csv")
    ytd = ytd.set_index("category")
    assert (ytd.loc["All crime", "current"], ytd.loc["All crime", "previous"]) == (24269, 22582)
    assert ytd["current"].to_dict() == _raw_ytd("Lambeth", [f"2023{m:02d}" for m in range(4, 12)])
    assessment = pd.read_csv(shipped_report("lambeth") / "tables" / "ytd_comparison.csv").set_index("category")
    pd.testing.assert_frame_equal(ytd[["previous", "current", "difference"]],
                                  assessment[["previous", "current", "difference"]])


def test_hotspots_report_for_an_area_with_neighbourhoods(shipped_report):
    folder = shipped_report("city-of-london", "explore-hotspots")
    assert {p.stem for p in (folder / "tables").glob("*.csv")} == {"concentration", "top_neighbourhoods",
                                                                  "provenance"}
    top = pd.read_csv(folder / "tables" / "top_neighbourhoods.csv")
    assert len(top) == 10 and top["current"].is_monotonic_decreasing


def test_options_reach_the_notebook_and_its_manifest(tmp_path):
    rc = main(["-q", "explore", "trends", "--area", "lambeth", "--period", "2023-11", "--output", str(tmp_path),
               "--categories", "Robbery", "Theft from the person"])
    assert rc == 0
    folder = tmp_path / "lambeth" / "2023-11-explore-trends"
    monthly = pd.read_csv(folder / "tables" / "monthly_trends.csv")
    assert list(monthly.columns) == ["month", "Robbery", "Theft from the person"]
    # the monthly counts give the raw file's year to date
    raw = _raw_ytd("Lambeth", [f"2023{m:02d}" for m in range(4, 12)])
    apr_nov = monthly[monthly["month"].between("2023-04", "2023-11")]
    assert apr_nov["Robbery"].sum() == raw["Robbery"]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["categories"] == ["Robbery", "Theft from the person"]


def test_unknown_chapter_is_one_line_listing_the_chapters(tmp_path, capsys):
    assert main(["explore", "hotspot", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [("workbook: error: parameter 'chapter': no explore notebook 'hotspot'; "
                    "expected one of trends, comparison, peers, hotspots, forecasts")]
    assert not any(tmp_path.iterdir())


def test_an_option_the_chapter_does_not_take_is_refused_before_a_kernel_starts(tmp_path, capsys):
    assert main(["explore", "trends", "--by-district", "--output", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [("workbook: error: parameter 'by_district': trends.ipynb declares no such parameter; it declares "
                    "area, period, data_path, categories, output_dir, prepared")]
    assert not any(tmp_path.iterdir())


def test_an_unknown_category_names_the_parameter(tmp_path, capsys, monkeypatch):
    def no_notebook(*args, **kwargs):
        raise AssertionError("the notebook ran: the category should be refused as soon as the data are read")

    monkeypatch.setattr("workbook.run.assess.execute_with_retries", no_notebook)
    rc = main(["explore", "forecasts", "--area", "lambeth", "--period", "2023-11", "--categories", "Robery",
               "--output", str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "workbook: error: parameter 'categories': 'Robery' is not an offence group in the data" in err
    assert not any(tmp_path.rglob("*.html"))
