"""Each shipped area's report, opened in headless Chromium: WCAG 2.2 A/AA by
axe-core, nothing fetched from any host, one h1, real alt texts, en-GB."""

from __future__ import annotations

import shutil
import struct
import tempfile
from pathlib import Path

import pytest

from tests.browser.page_checks import (
    VIEWPORT,
    BrowserCheck,
    check_report_in_browser,
    describe_alt_text_problem,
)
from tests.conftest import SHIPPED_AREAS
from workbook.cli import DEFAULT_AREA
from workbook.run.products import EXPLORE_CHAPTERS

pytestmark = pytest.mark.slow

# every shipped area's assessment, the other two reports for one area each, and every explore report for
# Lambeth (with the City of London's hotspots: Lambeth's data have no neighbourhoods to chart)
REPORTS = [(area, "assessment") for area in SHIPPED_AREAS] + [("lambeth", "monitoring"), ("city-of-london", "monitoring"),
                                                              ("lambeth", "targets")] + [
    ("lambeth", f"explore-{chapter}") for chapter in EXPLORE_CHAPTERS] + [("city-of-london", "explore-hotspots")]
# Reports with nothing to chart: the page says why instead.
WITHOUT_CHARTS = {("lambeth", "explore-hotspots")}
# for a person to look at after a run
FIRST_SCREEN_COPY = Path(tempfile.gettempdir()) / "report-first-screen.png"


@pytest.fixture(scope="module", params=REPORTS, ids=[f"{a}-{p}" for a, p in REPORTS])
def checked(request, browser, shipped_report, tmp_path_factory) -> BrowserCheck:
    """Check one report (generated once per session) in the browser."""
    area, product = request.param
    out = tmp_path_factory.mktemp(f"browser-{area}-{product}")
    html_path = shipped_report(area, product) / f"{product}.html"
    check = check_report_in_browser(html_path, screenshot=out / f"{area}-{product}-first-screen.png", browser=browser)
    if area == DEFAULT_AREA and product == "assessment":
        shutil.copyfile(check.screenshot, FIRST_SCREEN_COPY)
    return check


def test_no_wcag_a_or_aa_violations(checked):
    assert not checked.violations, (
        f"axe-core {checked.axe_version} found WCAG A/AA violations in {checked.html_path}:\n"
        + checked.describe_violations()
    )


def test_page_fetches_nothing_from_any_host(checked):
    assert checked.outside_requests == ()


def test_exactly_one_h1(checked):
    assert checked.h1_count == 1


def test_language_is_british_english(checked):
    assert checked.lang == "en-GB"


def test_every_image_has_a_sentence_of_alt_text(request, checked):
    if request.node.callspec.params["checked"] in WITHOUT_CHARTS:
        assert checked.image_alts == ()
    else:
        assert checked.image_alts, "the report should carry at least one chart"
    problems = [(i, p) for i, alt in enumerate(checked.image_alts) if (p := describe_alt_text_problem(alt))]
    assert problems == []


def test_screenshot_is_the_first_screen(checked):
    png = checked.screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk
    assert (width, height) == VIEWPORT


BAD_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bad page</title>
<link rel="stylesheet" href="https://cdn.example.invalid/site.css"></head>
<body><main>
<h1>First title</h1><h1>Second title</h1>
<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=">
<img src="http://img.example.invalid/chart.png" alt="chart">
<p style="color:#bbbbbb">Pale grey text on white.</p>
</main></body></html>
"""


def test_checker_catches_a_bad_page(browser, tmp_path):
    """The checks above could pass by seeing nothing: a page with known faults must fail them."""
    page = tmp_path / "bad.html"
    page.write_text(BAD_PAGE, encoding="utf-8")
    check = check_report_in_browser(page, browser=browser)
    rules = {v.id for v in check.violations}
    assert {"html-has-lang", "image-alt", "color-contrast"} <= rules
    assert set(check.outside_requests) == {"https://cdn.example.invalid/site.css", "http://img.example.invalid/chart.png"}
    assert check.h1_count == 2 and check.lang is None and not check.passed
    assert [describe_alt_text_problem(a) is None for a in check.image_alts] == [False, False]
    contrast = next(v for v in check.violations if v.id == "color-contrast")
    assert contrast.nodes[0].target == "p" and "#bbbbbb" in contrast.nodes[0].failure_summary
