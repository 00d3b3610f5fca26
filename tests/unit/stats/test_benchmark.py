"""Tests for workbook.stats.benchmark, with values worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.stats.benchmark import compare_to_benchmark, rank_among_peers

# --- rank_among_peers ------------------------------------------------------------------------


def _peer_rates():
    return pd.DataFrame(
        {"area": ["Bucks", "Peer 1", "Peer 2", "Peer 3", "Peer 4"], "rate": [6.0, 4.0, 9.0, 6.0, 10.0]}
    )


# --- compare_to_benchmark --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "upper", "polarity", "expected"),
    [
        (8.0, 10.0, "lower_is_better", "similar"),
        (9.5, 11.0, "lower_is_better", "worse"),
        (7.0, 8.5, "lower_is_better", "better"),
        (9.5, 11.0, "higher_is_better", "better"),
        (7.0, 8.5, "higher_is_better", "worse"),
        (9.5, 11.0, "no_judgement", "higher"),
        (7.0, 8.5, "no_judgement", "lower"),
        (9.0, 11.0, "lower_is_better", "similar"),  # benchmark on the lower limit is inside
        (7.0, 9.0, "lower_is_better", "similar"),  # and on the upper limit
    ],
)
def test_fingertips_rule_against_a_benchmark_of_9(lower, upper, polarity, expected):
    assert compare_to_benchmark(lower, upper, 9.0, polarity=polarity) == expected


def test_second_tier_at_998():
    # 95% interval (9.5, 11) excludes 9; 99.8% interval (8.9, 11.8) includes it -> worse at 95% only.
    lib = "lower_is_better"
    assert compare_to_benchmark(9.5, 11.0, 9.0, polarity=lib, lower_998=8.9, upper_998=11.8) == "worse (95%)"
    tier = compare_to_benchmark(9.5, 11.0, 9.0, polarity=lib, lower_998=9.2, upper_998=11.8)
    assert tier == "worse (99.8%)"
    hib = "higher_is_better"
    assert compare_to_benchmark(5.0, 6.0, 9.0, polarity=hib, lower_998=4.5, upper_998=6.6) == "worse (99.8%)"
    nj = "no_judgement"
    assert compare_to_benchmark(8.0, 10.0, 9.0, polarity=nj, lower_998=7.0, upper_998=11.0) == "similar"


def test_vectorised_with_a_series_keeps_the_index_and_marks_missing():
    idx = pd.Index(["Aylesbury", "Chiltern & South Bucks", "Wycombe", "Suppressed"])
    lo = pd.Series([10.0, 5.0, 7.0, np.nan], index=idx)
    hi = pd.Series([12.0, 6.5, 9.5, np.nan], index=idx)
    out = compare_to_benchmark(lo, hi, 8.0, polarity="lower_is_better")
    assert out.index.equals(idx)
    assert out.tolist() == ["worse", "better", "similar", "not compared"]


def test_compare_bad_inputs():
    with pytest.raises(ValueInputError, match="polarity must be one of"):
        compare_to_benchmark(1, 2, 1.5, polarity="lower")
    with pytest.raises(ValueInputError, match="rate_lower 3 is above rate_upper 2"):
        compare_to_benchmark(3, 2, 1.5, polarity="lower_is_better")
    with pytest.raises(ValueInputError, match="both lower_998 and upper_998"):
        compare_to_benchmark(1, 2, 1.5, polarity="lower_is_better", lower_998=0.5)


def test_rank_lower_is_better():
    rates = _peer_rates()
    before = rates.copy()
    r = rank_among_peers(rates, area="Bucks", polarity="lower_is_better")
    pd.testing.assert_frame_equal(rates, before)
    # 4 < 6 = 6 < 9 < 10: ranks 1, 2, 2, 4, 5; mean (6+4+9+6+10)/5 = 7.
    assert r["area"].tolist() == ["Peer 1", "Bucks", "Peer 3", "Peer 2", "Peer 4"]
    assert r["rank"].tolist() == [1, 2, 2, 4, 5]
    focal = r.loc[r["is_focal"]].iloc[0]
    assert focal["position"] == "2 of 5"
    assert focal["peer_average"] == 7.0
    assert focal["difference_from_average"] == -1.0


def test_rank_higher_is_better_and_neutral():
    r = rank_among_peers(_peer_rates(), area="Bucks", polarity="higher_is_better")
    assert r["area"].iloc[0] == "Peer 4"
    assert r.loc[r["is_focal"], "rank"].item() == 3
    n = rank_among_peers(_peer_rates(), area="Peer 2", polarity="no_judgement")
    assert n.loc[n["is_focal"], "position"].item() == "2 of 5"


def test_rank_custom_columns_and_errors():
    t = _peer_rates().rename(columns={"area": "csp", "rate": "per_1000"})
    r = rank_among_peers(t, area="Peer 4", polarity="lower_is_better", area_col="csp", rate_col="per_1000")
    assert r.loc[r["is_focal"], "rank"].item() == 5
    with pytest.raises(ValueInputError, match="'Nowhere' is not in the rates table"):
        rank_among_peers(_peer_rates(), area="Nowhere", polarity="lower_is_better")
    dup = pd.concat([_peer_rates(), _peer_rates().iloc[[0]]])
    with pytest.raises(ValueInputError, match="more than once"):
        rank_among_peers(dup, area="Bucks", polarity="lower_is_better")
    gap = _peer_rates().assign(rate=[6.0, np.nan, 9.0, 6.0, 10.0])
    with pytest.raises(ValueInputError, match="missing or not a number for \\['Peer 1'\\]"):
        rank_among_peers(gap, area="Bucks", polarity="lower_is_better")
