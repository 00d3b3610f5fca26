"""Anti-social behaviour incidents are not crimes: kept out of every crime total, and reported on their own."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import COL_TIDY
from workbook.assessment.analyse import analyse_assessment
from workbook.assessment.incidents import analyse_incidents
from workbook.assessment.prepare import prepare_assessment


def _raw(months: tuple[str, str], *, asb: bool) -> int:
    """Counts straight from the shipped City of London file, April to December."""
    d = pd.read_csv(COL_TIDY, dtype={"month": str})
    d = d[(d["month"] >= months[0]) & (d["month"] <= months[1])]
    is_asb = d["crime_type"] == "Anti-social behaviour"
    return int(d.loc[is_asb if asb else ~is_asb, "count"].sum())


@pytest.fixture(scope="module")
def city():
    a = prepare_assessment("city-of-london", period="2020-12")
    return a, analyse_assessment(a)


def test_all_crime_excludes_asb_incidents(city):
    a, r = city
    ytd = r.ytd.set_index("category")
    assert "Anti-social behaviour" not in ytd.index
    assert ytd.loc["All crime", "current"] == _raw(("2020-04", "2020-12"), asb=False) == 3237
    assert ytd.loc["All crime", "previous"] == _raw(("2019-04", "2019-12"), asb=False)
    assert "Anti-social behaviour" not in a.main_categories
    assert "Anti-social behaviour" not in r.monthly.columns
    assert not a.data["category"].eq("Anti-social behaviour").any()


def test_asb_has_its_own_rows(city):
    _, r = city
    row = r.incidents.ytd.set_index("category").loc["Anti-social behaviour"]
    assert (row["previous"], row["current"]) == (_raw(("2019-04", "2019-12"), asb=True), _raw(("2020-04", "2020-12"), asb=True))
    assert (row["previous"], row["current"]) == (920, 523)
    assert row["difference"] == -397
    assert list(r.incidents.xmr) == ["Anti-social behaviour"]
    assert len(r.incidents.xmr["Anti-social behaviour"].to_frame()) == 36


def test_no_asb_in_the_data_means_no_asb_chapter():
    assert analyse_incidents(prepare_assessment("lambeth", period="2023-11")) is None
