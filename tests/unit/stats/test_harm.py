"""Tests for workbook.stats.harm: the weight table and harm-weighted counts.

Expected values are worked by hand from harm = count × weight, share =
harm / Σ harm and rate = harm / population × 1,000, and, for the shipped
table, from ONS's published figures: average weight = CSS × population /
offences.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.helpers.harm import HEADER, INPUTS, write_table
from workbook.core.errors import ValueInputError
from workbook.data.harm_weights import load_harm_weights
from workbook.stats.harm import harm_weighted


@pytest.fixture
def simple_weights(tmp_path):
    return load_harm_weights(
        write_table(
            tmp_path, HEADER + "category,weight\nBurglary,100\nRobbery,1000\nCriminal damage and arson,20\n"
        )
    )


def test_later_vintage_moves_each_group_weight_by_less_than_8_percent_as_documented():
    inputs = pd.read_csv(INPUTS)
    implied = (inputs["severity_score"] * inputs["population"] / inputs["offences"]).groupby(
        [inputs["vintage"], inputs["offence_group"]]
    ).first()
    change = (implied["css-ye-mar2022"] / implied["css-ye-mar2019"] - 1).abs()
    assert len(change) == 6
    assert change.max() < 0.08
    # Other crimes against society moves most: 64.8 against 70.4, about -7.9%
    assert change.idxmax() == "Other crimes against society"


# --- harm_weighted ---------------------------------------------------------------


def test_harm_share_and_rate_worked_by_hand(simple_weights):
    counts = pd.DataFrame(
        {"category": ["Burglary", "Robbery", "Criminal damage and arson"], "count": [30, 5, 50]}
    )
    out = harm_weighted(counts, weights=simple_weights, population=20_000)
    # harm: 30x100 = 3000, 5x1000 = 5000, 50x20 = 1000; total 9000
    assert out["harm"].tolist() == [3000.0, 5000.0, 1000.0]
    assert out["harm_share"].tolist() == pytest.approx([1 / 3, 5 / 9, 1 / 9])
    # rate per 1,000: 3000/20000x1000 = 150, 250, 50
    assert out["harm_rate"].tolist() == pytest.approx([150.0, 250.0, 50.0])
    assert out["weights_name"].unique().tolist() == ["test table"]
    assert out["weights_version"].unique().tolist() == ["0.1"]
    assert out.attrs["harm_weights"]["version"] == "0.1"


def test_rate_base_can_be_changed(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery"], "count": [2]})
    out = harm_weighted(counts, weights=simple_weights, population=40_000, per=1)
    # 2 x 1000 / 40,000 = 0.05 per resident
    assert out["harm_rate"].iloc[0] == pytest.approx(0.05)


def test_rows_of_one_category_are_added(simple_weights):
    counts = pd.DataFrame(
        {"category": ["Robbery", "Burglary", "Robbery"], "count": [2, 10, 3], "month": ["a", "a", "b"]}
    )
    out = harm_weighted(counts, weights=simple_weights)
    assert out["category"].tolist() == ["Robbery", "Burglary"]
    assert out["count"].tolist() == [5, 10]
    # 5 x 1000 = 5000 and 10 x 100 = 1000: shares 5/6 and 1/6
    assert out["harm_share"].tolist() == pytest.approx([5 / 6, 1 / 6])


def test_without_population_the_rate_is_empty(simple_weights):
    out = harm_weighted(pd.DataFrame({"category": ["Burglary"], "count": [4]}), weights=simple_weights)
    assert out["harm"].iloc[0] == 400.0
    assert math.isnan(out["harm_rate"].iloc[0])


def test_all_zero_counts_give_no_share(simple_weights):
    counts = pd.DataFrame({"category": ["Burglary", "Robbery"], "count": [0, 0]})
    out = harm_weighted(counts, weights=simple_weights)
    assert out["harm"].tolist() == [0.0, 0.0]
    assert out["harm_share"].isna().all()


def test_inputs_are_not_changed(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Robbery"], "count": [1, 2]})
    before = counts.copy()
    harm_weighted(counts, weights=simple_weights, population=1000)
    pd.testing.assert_frame_equal(counts, before)


# --- errors -------------------------------------------------------------------


def test_category_without_weight_is_named(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Drugs"], "count": [1, 2]})
    with pytest.raises(ValueInputError, match=r"no harm weight for category 'Drugs'.*'test table'"):
        harm_weighted(counts, weights=simple_weights)


def test_anti_social_behaviour_has_no_weight_and_says_why():
    counts = pd.DataFrame({"category": ["Anti-social behaviour", "Robbery"], "count": [500, 2]})
    with pytest.raises(ValueInputError, match="Anti-social behaviour.*not crimes"):
        harm_weighted(counts, weights=load_harm_weights())


@pytest.mark.parametrize("population", [0, -5, float("nan"), "1000", True])
def test_population_must_be_above_zero(simple_weights, population):
    with pytest.raises(ValueInputError, match="population must be a number above 0"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=simple_weights,
                      population=population)


def test_per_must_be_above_zero(simple_weights):
    with pytest.raises(ValueInputError, match="per must be a number above 0"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=simple_weights, per=0)


def test_negative_count_is_named(simple_weights):
    with pytest.raises(ValueInputError, match="count -3 for 'Burglary' is negative"):
        harm_weighted(
            pd.DataFrame({"category": ["Robbery", "Burglary"], "count": [1, -3]}), weights=simple_weights
        )


def test_missing_count_is_named(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Burglary"], "count": [1.0, float("nan")]})
    with pytest.raises(ValueInputError, match="for 'Burglary' is not a number"):
        harm_weighted(counts, weights=simple_weights)


def test_counts_need_category_and_count_columns(simple_weights):
    with pytest.raises(ValueInputError, match="no column 'count'"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "n": [1]}), weights=simple_weights)


def test_weights_without_name_and_version_are_refused():
    w = pd.DataFrame({"category": ["Robbery"], "weight": [1.0]})
    with pytest.raises(ValueInputError, match="no name or version"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=w)
