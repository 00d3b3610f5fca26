"""Tests for workbook.run.products: every parameterised notebook is a product the runner can publish."""

from __future__ import annotations

import pytest

from workbook.config.parameters import read_parameters
from workbook.core.errors import ParameterError
from workbook.present.explore import CHAPTERS
from workbook.run.products import EXPLORE_CHAPTERS, PRODUCTS, explore_product, get_product


def test_the_reports_keep_their_folders():
    assert [(p.name, p.folder("2023-11"), p.report_name) for p in PRODUCTS.values()][:3] == [
        ("assessment", "2023-11", "assessment.html"),
        ("monitoring", "2023-11-monitoring", "monitoring.html"),
        ("targets", "2023-11-targets", "targets.html"),
    ]


@pytest.mark.parametrize("chapter", EXPLORE_CHAPTERS)
def test_each_explore_notebook_is_a_product_beside_the_others(chapter):
    p = explore_product(chapter)
    assert p is get_product(f"explore-{chapter}")
    assert p.notebook.is_file() and p.notebook.parent.name == "explore"
    assert (p.folder("2023-11"), p.report_name, p.title) == (
        f"2023-11-explore-{chapter}", f"explore-{chapter}.html", f"Explore: {chapter}")
    declared = read_parameters(p.notebook)
    # what the runner passes: the prepared assessment, and the folder the tables go to
    assert {"area", "period", "data_path", "output_dir", "prepared"} <= set(declared)


def test_the_chapters_are_the_ones_present_explore_writes():
    assert tuple(CHAPTERS) == EXPLORE_CHAPTERS


def test_an_unknown_chapter_lists_the_chapters():
    with pytest.raises(ParameterError) as exc:
        explore_product("hotspot")
    assert exc.value.name == "chapter"
    assert str(exc.value) == ("parameter 'chapter': no explore notebook 'hotspot'; "
                              "expected one of trends, comparison, peers, hotspots, forecasts")
