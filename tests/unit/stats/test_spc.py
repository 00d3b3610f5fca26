"""Tests for workbook.stats.spc: one small hand-made series per rule, each worked by hand."""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.stats.spc import compute_xmr

RULES = ["beyond_limits", "two_in_three", "shift", "trend"]


def monthly(values) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2022-04-01", periods=len(values), freq="MS"), dtype=float)


def fired(result, rule) -> list[int]:
    """Positions where a rule flags a point."""
    return np.flatnonzero(result.to_frame()[rule].to_numpy() != 0).tolist()


def assert_only(result, rule, positions):
    for r in RULES:
        assert fired(result, r) == (positions if r == rule else []), r


def test_no_rule_fires_on_stable_alternating_series():
    # 10, 12, 9, 11 repeated: mean 157/15 = 10.467; moving ranges 2,3,2,1 x3 + 2,3 = 29/14 = 2.0714;
    # limits 10.467 +/- 5.510 = (4.957, 15.977); two-thirds lines at 6.794 and 14.140: nothing reaches them;
    # sides alternate, so no run.
    s = monthly([10, 12, 9, 11] * 3 + [10, 12, 9])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(157 / 15)
    assert r.mean_moving_range == pytest.approx(29 / 14)
    assert r.upper == pytest.approx(157 / 15 + 2.66 * 29 / 14)
    assert r.lower == pytest.approx(4.957, abs=1e-3)
    assert_only(r, None, [])
    t = r.to_frame()
    assert (t["variation"] == "common cause").all()
    assert not t["special_cause"].any()
    assert t["signal"].isna().all()
    assert r.too_few_points is False
    assert r.variation == "common cause"


def test_point_beyond_upper_limit():
    # Seven 8s, seven 12s alternating, then 40: mean 180/15 = 12 (the 12s sit on the mean, on
    # neither side); moving ranges 13 x 4 + 28 = 80/14 = 5.714; upper limit 12 + 15.2 = 27.2.
    s = monthly([8, 12] * 7 + [40])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == 12
    assert r.upper == pytest.approx(12 + 2.66 * 80 / 14)
    assert_only(r, "beyond_limits", [14])
    t = r.to_frame()
    assert t["beyond_limits"].iloc[14] == 1
    assert t["variation"].iloc[14] == "special cause concern"
    assert t["direction"].iloc[14] == "high"
    assert (t["variation"].iloc[:14] == "common cause").all()
    # The same point is an improvement when higher is better, neutral with no judgement.
    assert compute_xmr(s, polarity="higher_is_better").variation == "special cause improvement"
    assert compute_xmr(s, polarity="no_judgement").variation == "special cause neutral"


def test_point_beyond_lower_limit():
    # The mirror image of the test above: 40, 36 alternating then 8. Mean 540/15 = 36 (the 36s on
    # the mean); MR 80/14 = 5.714; lower limit 36 - 15.2 = 20.8.
    s = monthly([40, 36] * 7 + [8])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == 36
    assert r.lower == pytest.approx(36 - 2.66 * 80 / 14)
    assert_only(r, "beyond_limits", [14])
    assert r.to_frame()["beyond_limits"].iloc[14] == -1
    assert r.variation == "special cause improvement"


def test_shift_of_seven_above_the_mean():
    # 14, 8 x4 then 12, 13, 12, 13, 12, 13, 12: mean 175/15 = 11.667; the last 7 are all above it
    # (the 8 before them is below). MR (6 x 7 + 4 + 1 x 6)/14 = 52/14 = 3.714; limits
    # 11.667 +/- 9.880 and two-thirds lines 11.667 +/- 6.587 (18.25, 5.08): nothing beyond.
    s = monthly([14, 8] * 4 + [12, 13, 12, 13, 12, 13, 12])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(175 / 15)
    assert r.mean_moving_range == pytest.approx(52 / 14)
    assert_only(r, "shift", list(range(8, 15)))
    t = r.to_frame()
    assert (t["shift"].iloc[8:] == 1).all()
    assert (t["variation"].iloc[8:] == "special cause concern").all()


def test_six_on_one_side_is_not_a_shift():
    # 14, 8 x5 then 12, 13, 12, 13, 12, 13: mean (70 + 40 + 75)/16 = 11.5625; the last six are
    # above it and the 8 before them is below, so the run is 6 long: no shift.
    s = monthly([14, 8] * 5 + [12, 13, 12, 13, 12, 13])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(185 / 16)
    assert fired(r, "shift") == []


def test_rising_trend_of_seven():
    # 12, 9, 15, 9, 15, 9, 10, 11, 12, 13, 14, 15, 9, 15, 9: points 5..11 rise 9 -> 15 in six steps.
    # mean 177/15 = 11.8 (the run crosses it, so no shift); MR 51/14 = 3.643; limits 11.8 +/- 9.69,
    # two-thirds lines 11.8 +/- 6.46 = (5.34, 18.26): nothing beyond.
    s = monthly([12, 9, 15, 9, 15, 9, 10, 11, 12, 13, 14, 15, 9, 15, 9])
    r = compute_xmr(s, polarity="higher_is_better")
    assert r.mean == pytest.approx(11.8)
    assert r.mean_moving_range == pytest.approx(51 / 14)
    assert_only(r, "trend", list(range(5, 12)))
    t = r.to_frame()
    # A rising run is an improvement when higher is better, even for its points below the mean.
    assert (t["variation"].iloc[5:12] == "special cause improvement").all()
    assert t["value"].iloc[5] < r.mean


def test_falling_trend_and_equal_values_break_a_trend():
    falling = monthly([12, 15, 9, 15, 9, 15, 14, 13, 12, 11, 10, 9, 15, 9, 15])
    r = compute_xmr(falling, polarity="lower_is_better")
    assert fired(r, "trend") == list(range(5, 12))
    assert (r.to_frame()["trend"].iloc[5:12] == -1).all()
    assert (r.to_frame()["variation"].iloc[5:12] == "special cause improvement").all()
    # 9, 10, 11, 11, 12, 13, 14, 15: a repeated value breaks the run into 3 and 5 points.
    flat_step = monthly([12, 9, 15, 9, 15, 9, 10, 11, 11, 12, 13, 14, 15, 9, 15, 9])
    assert fired(compute_xmr(flat_step, polarity="lower_is_better"), "trend") == []


def test_two_of_three_beyond_two_thirds():
    # 8, 12 alternating to position 10, then 25, 13, 25, 8.  Sum 8*7 + 12*5 + 13 + 50 = 179,
    # mean 11.933; MR (4 x 10 + 17 + 12 + 12 + 17)/14 = 98/14 = 7; upper limit 11.933 + 18.62 = 30.553;
    # upper two-thirds line 11.933 + 12.413 = 24.347.  25, 13, 25 are all above the mean and two of
    # them (positions 11 and 13) lie between the two-thirds line and the limit.
    s = monthly([8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 25, 13, 25, 8])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(179 / 15)
    assert r.mean_moving_range == pytest.approx(7.0)
    t = r.to_frame()
    assert t["upper_two_thirds"].iloc[0] == pytest.approx(179 / 15 + 2 / 3 * 2.66 * 7)
    assert_only(r, "two_in_three", [11, 13])
    assert t["variation"].iloc[[11, 13]].tolist() == ["special cause concern"] * 2
    assert t["variation"].iloc[12] == "common cause"


def test_baseline_first_n_points_fixes_the_limits():
    # First 12: 12, 8 alternating -> mean 10, MR 4 -> limits 10 +/- 10.64 = (-0.64, 20.64).
    # 22, 21, 23 afterwards are beyond the fixed upper limit.
    s = monthly([12, 8] * 6 + [22, 21, 23])
    r = compute_xmr(s, polarity="lower_is_better", baseline=12)
    assert r.mean == 10
    assert r.mean_moving_range == 4
    assert r.upper == pytest.approx(20.64)
    assert r.baseline_points == 12
    t = r.to_frame()
    assert (t["mean"] == 10).all()  # never re-based
    assert t["in_baseline"].tolist() == [True] * 12 + [False] * 3
    assert_only(r, "beyond_limits", [12, 13, 14])
    # Without a baseline the step moves the mean to 186/15 = 12.4 and widens the limits
    # (MR (4 x 11 + 14 + 1 + 2)/14 = 61/14): upper 12.4 + 11.59 = 23.99, so no point is beyond it.
    unfixed = compute_xmr(s, polarity="lower_is_better")
    assert unfixed.upper == pytest.approx(186 / 15 + 2.66 * 61 / 14)
    assert fired(unfixed, "beyond_limits") == []


def test_baseline_as_a_date_range_matches_first_n():
    s = monthly([12, 8] * 6 + [22, 21, 23])
    by_dates = compute_xmr(s, polarity="lower_is_better", baseline=("2022-04-01", "2023-03-01"))
    by_n = compute_xmr(s, polarity="lower_is_better", baseline=12)
    pd.testing.assert_frame_equal(by_dates.to_frame(), by_n.to_frame())


def test_fewer_than_13_points_warns_and_flags(caplog):
    s = monthly([5, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8])
    with caplog.at_level(logging.WARNING, logger="workbook.stats.spc"):
        r = compute_xmr(s, polarity="no_judgement")
    assert r.too_few_points is True
    assert "only 12 points" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="workbook.stats.spc"):
        r13 = compute_xmr(monthly([5, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 5]), polarity="no_judgement")
    assert r13.too_few_points is False
    assert caplog.text == ""


def test_inputs_are_not_changed_and_index_is_kept():
    s = monthly([10, 12, 9, 11] * 4)
    before = s.copy()
    r = compute_xmr(s, polarity="lower_is_better")
    pd.testing.assert_series_equal(s, before)
    assert r.to_frame().index.equals(s.index)


@pytest.mark.parametrize(
    ("values", "kwargs", "fragment"),
    [
        (monthly([1, 2, np.nan, 4]), {}, "missing or infinite value at Timestamp\\('2022-06-01"),
        (monthly([1]), {}, "at least 2 points"),
        (monthly([1, 2, 3]), {"baseline": 1}, "baseline must be between 2 and the 3 points"),
        (monthly([1, 2, 3]), {"baseline": ("2030-01-01", "2030-12-01")}, "holds none"),
        (monthly([1, 2, 3]), {"baseline": "12"}, "number of points or a \\(start, end\\) pair"),
        (pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2022-03-01", "2022-01-01", "2022-02-01"])), {},
         "time order"),
        (pd.Series(["a", "b"]), {}, "must be numeric"),
    ],
)
def test_xmr_bad_inputs(values, kwargs, fragment):
    with pytest.raises(ValueInputError, match=fragment):
        compute_xmr(values, polarity="lower_is_better", **kwargs)
    with pytest.raises(ValueInputError, match="polarity must be one of"):
        compute_xmr(monthly([1, 2, 3]), polarity="down")


def test_plot_uses_distinct_markers_and_returns_axes():
    s = monthly([8, 12] * 7 + [40])
    fig, ax = plt.subplots()
    try:
        out = compute_xmr(s, polarity="lower_is_better").plot(ax=ax, title="Burglary", ylabel="count")
        assert out is ax
        labels = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "special cause concern" in labels and "common cause" in labels
        markers = {c.get_label(): c.get_paths()[0].vertices.shape[0] for c in ax.collections}
        assert markers["special cause concern"] != markers["common cause"]
    finally:
        plt.close(fig)
