"""Tests for workbook.stats.spc: one small hand-made series per rule and per precedence conflict, each
worked by hand, then NHSRplotthedots' own test data and a real Lambeth series."""

from __future__ import annotations

import logging

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data.sources import load_source
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
    # neither side); moving ranges 13 x 4 + 28 = 80/14 = 5.714.  The 28 is over 3.267 x 5.714
    # = 18.67, so it is screened out: mean moving range 52/13 = 4, upper limit 12 + 10.64 = 22.64
    # (27.2 = 12 + 2.66 x 80/14 without the screening).
    s = monthly([8, 12] * 7 + [40])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == 12
    assert r.mean_moving_range == 4
    assert r.upper == pytest.approx(22.64)
    assert compute_xmr(s, polarity="lower_is_better", screen_outliers=False).upper == pytest.approx(
        12 + 2.66 * 80 / 14
    )
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
    # the mean); MR 80/14 = 5.714, the 28 screened out -> 52/13 = 4; lower limit 36 - 10.64 = 25.36
    # (20.8 = 36 - 2.66 x 80/14 without the screening).
    s = monthly([40, 36] * 7 + [8])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == 36
    assert r.lower == pytest.approx(25.36)
    assert compute_xmr(s, polarity="lower_is_better", screen_outliers=False).lower == pytest.approx(
        36 - 2.66 * 80 / 14
    )
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
        (monthly([1, 2, 3]), {"baseline": 1},
         "baseline must be at least 12 points and at most the series' 3"),
        (monthly(range(15)), {"baseline": 11}, "baseline must be at least 12 points"),
        (monthly(range(15)), {"baseline": ("2022-04-01", "2023-02-01")}, "holds 11 points; at least 12"),
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


# --- NHSRplotthedots' defaults: precedence, screening, short series, the reference's own fixtures ---
#
# The reference is NHSRplotthedots 0.2.2 (github.com/nhs-r-community/NHSRplotthedots, commit 050b07d):
# R/ptd_spc_standard.R (limits and screening), R/ptd_calculate_point_type.R (rules, precedence, labels),
# R/ptd_add_short_group_warnings.R (short series).


def column(result, name) -> list:
    return result.to_frame()[name].tolist()


def test_outside_limits_outranks_a_trend():
    # 22, 18 x4 then 4, 15, 17, 19, 21, 23, 25: the last 7 rise in six steps (a trend), and the 4
    # is also below the lower limit.  Sum 160 + 124 = 284, mean 18.933; moving ranges 4 x 7 + 14
    # + 11 + 2 x 5 = 63, /14 = 4.5 (none reaches 3.267 x 4.5 = 14.70); limits 18.933 -/+ 11.97
    # = (6.963, 30.903); two-thirds lines 10.953 and 26.913 (nothing between them and a limit).
    # The trend says rising (a concern, lower is better); outside the limits says low
    # (improvement) and wins: "Below LCL" in the reference.
    s = monthly([22, 18] * 4 + [4, 15, 17, 19, 21, 23, 25])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(284 / 15)
    assert r.mean_moving_range == pytest.approx(4.5)
    assert r.lower == pytest.approx(284 / 15 - 2.66 * 4.5)
    assert fired(r, "beyond_limits") == [8]
    assert fired(r, "trend") == list(range(8, 15))
    t = r.to_frame()
    assert t["trend"].iloc[8] == 1 and t["beyond_limits"].iloc[8] == -1
    assert t["rule"].iloc[8] == "beyond_limits"
    assert t["variation"].iloc[8] == "special cause improvement"
    assert (t["variation"].iloc[9:] == "special cause concern").all()


def test_trend_outranks_two_in_three():
    # 22, 18 x4 then 9, 10, 16, 18, 20, 22, 24: a rising trend of 7 whose first two points are close
    # to the lower limit.  Sum 160 + 119 = 279, mean 18.6; moving ranges 28 + 9 + 1 + 6 + 2 x 4 = 52,
    # /14 = 3.714 (3.267 x 3.714 = 12.13: none screened); limits 18.6 -/+ 9.88 = (8.72, 28.48);
    # lower two-thirds line 18.6 - 6.587 = 12.013.  9 and 10 lie between 8.72 and 12.013, and
    # 18, 9, 10 (and 9, 10, 16) are all below the mean: two in three, low.  The trend is rising.
    # The reference types them "7 Point Trend (Increasing)": a concern when lower is better (the
    # old rules let two in three win and called them improvements).
    s = monthly([22, 18] * 4 + [9, 10, 16, 18, 20, 22, 24])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(18.6)
    assert r.mean_moving_range == pytest.approx(52 / 14)
    assert r.to_frame()["lower_two_thirds"].iloc[0] == pytest.approx(18.6 - 2 / 3 * 2.66 * 52 / 14)
    assert fired(r, "two_in_three") == [8, 9]
    assert fired(r, "trend") == list(range(8, 15))
    assert fired(r, "beyond_limits") == [] and fired(r, "shift") == []
    assert column(r, "rule")[8:10] == ["trend", "trend"]
    assert column(r, "variation")[8:] == ["special cause concern"] * 7


def test_two_in_three_outranks_a_shift():
    # 24, 20 x4 then 10, 15, 9, 15, 14, 15, 14.  Sum 176 + 92 = 268, mean 17.867: the first 8 are
    # above it (a shift, high) and the last 7 below it (a shift, low).  Moving ranges 28 + 10 + 5 +
    # 6 + 6 + 1 + 1 + 1 = 58, /14 = 4.143 (none screened); lower limit 17.867 - 11.02 = 6.847,
    # lower two-thirds line 17.867 - 7.347 = 10.52: 10 and 9 are close, and 10, 15, 9 are all
    # below the mean.  Both rules read the side of the mean, so the label is the same either way
    # (improvement); the reference names the points "2 in 3 Below CL", not "7 Points Below CL".
    s = monthly([24, 20] * 4 + [10, 15, 9, 15, 14, 15, 14])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(268 / 15)
    assert r.mean_moving_range == pytest.approx(58 / 14)
    assert fired(r, "two_in_three") == [8, 10]
    assert fired(r, "shift") == list(range(15))
    assert column(r, "rule")[8:] == ["two_in_three", "shift", "two_in_three"] + ["shift"] * 4
    assert column(r, "variation")[:8] == ["special cause concern"] * 8
    assert column(r, "variation")[8:] == ["special cause improvement"] * 7


def test_trend_outranks_a_shift_and_turns_at_the_peak():
    # 6, 18, 6, 18, then 9 rising to 15 and falling back to 9, then 18, 6.  Sum 225, mean 11.842;
    # moving ranges 12 x 3 + 9 + 1 x 12 + 9 + 12 = 78, /18 = 4.333 (none screened); limits
    # 11.842 -/+ 11.527 = (0.315, 23.369), two-thirds lines 4.158 and 19.527: nothing beyond them.
    # 12, 13, 14, 15, 14, 13, 12 (points 7-13) are 7 above the mean: a shift, high.  9 -> 15
    # (points 4-10) is a rising trend and 15 -> 9 (points 10-16) a falling one.  The trend wins
    # over the shift, and the peak takes the direction of the step to its right (the next point is
    # in a trend too): falling.  Lower is better: rising points are concerns, falling ones
    # improvements, although 14, 13, 12 after the peak are above the mean.
    s = monthly([6, 18, 6, 18, 9, 10, 11, 12, 13, 14, 15, 14, 13, 12, 11, 10, 9, 18, 6])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(225 / 19)
    assert r.mean_moving_range == pytest.approx(78 / 18)
    assert fired(r, "shift") == list(range(7, 14))
    assert column(r, "trend") == [0] * 4 + [1] * 6 + [-1] * 7 + [0, 0]
    assert column(r, "variation")[4:10] == ["special cause concern"] * 6
    assert column(r, "variation")[10:17] == ["special cause improvement"] * 7
    assert set(column(r, "rule")[4:17]) == {"trend"}


def test_a_level_step_between_two_trends_reads_as_falling():
    # As the test above with the peak held for two months (15, 15).  Sum 240, mean 12: the two 12s
    # sit on the mean, so no run of 7 on one side.  9 -> 15 (points 4-10) rises, 15 -> 9 (points
    # 11-17) falls.  Point 10 is in a trend and so is the next point, so the reference reads the
    # step to its right, which is level, and `ifelse(sdy == 1, "In", "De")` makes it
    # "7 Point Trend (Decreasing)".  Reproduced as the reference does it.
    s = monthly([6, 18, 6, 18, 9, 10, 11, 12, 13, 14, 15, 15, 14, 13, 12, 11, 10, 9, 18, 6])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == 12
    assert fired(r, "shift") == []
    assert column(r, "trend") == [0] * 4 + [1] * 6 + [-1] * 8 + [0, 0]


def test_screening_a_large_moving_range_narrows_the_limits_and_flags_a_point():
    # 10, 12 alternating with 30 at point 7 and 20 at the end.  Sum 70 + 72 + 30 + 20 = 192, mean
    # 12.8.  Moving ranges: eleven of 2, two of 20 (into and out of the 30) and 8 (12 -> 20): 70/14
    # = 5.  3.267 x 5 = 16.335, so both 20s are screened: mean moving range (22 + 8)/12 = 2.5 and
    # limits 12.8 -/+ 6.65 = (6.15, 19.45): the final 20 is above the upper limit.  Unscreened the
    # limits are 12.8 -/+ 13.3 = (-0.5, 26.1) and the upper two-thirds line 21.667: the 20 is common
    # cause.  (Points 0-6 are 7 below the mean, a shift, either way.)
    s = monthly([10, 12, 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12, 20])
    r = compute_xmr(s, polarity="lower_is_better")
    assert r.mean == pytest.approx(12.8)
    assert r.mean_moving_range == pytest.approx(2.5)
    assert r.screened_moving_ranges == 2
    assert r.upper == pytest.approx(19.45)
    assert r.lower == pytest.approx(6.15)
    assert np.flatnonzero(r.to_frame()["moving_range_screened"]).tolist() == [7, 8]
    assert fired(r, "beyond_limits") == [7, 14]
    assert r.variation == "special cause concern"
    unscreened = compute_xmr(s, polarity="lower_is_better", screen_outliers=False)
    assert unscreened.mean_moving_range == pytest.approx(5.0)
    assert unscreened.upper == pytest.approx(26.1)
    assert unscreened.screened_moving_ranges == 0
    assert fired(unscreened, "beyond_limits") == [7]
    assert unscreened.variation == "common cause"
    assert fired(r, "shift") == fired(unscreened, "shift") == list(range(7))


def test_screening_uses_only_the_baseline_moving_ranges():
    # Baseline 10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12: ranges 2, 2, 2, 2, 20, 20, 2, 2, 2,
    # 2, 2 = 58/11 = 5.273; 3.267 x 5.273 = 17.23 screens both 20s -> 18/9 = 2.  Mean (10 x 6 +
    # 12 x 5 + 30)/12 = 150/12 = 12.5.  The jump to 50 after the baseline enters neither figure.
    s = monthly([10, 12, 10, 12, 10, 30, 10, 12, 10, 12, 10, 12, 50, 12])
    r = compute_xmr(s, polarity="lower_is_better", baseline=12)
    assert r.mean == pytest.approx(12.5)
    assert r.mean_moving_range == pytest.approx(2.0)
    assert r.screened_moving_ranges == 2
    assert np.flatnonzero(r.to_frame()["moving_range_screened"]).tolist() == [5, 6]


def test_short_series_follows_the_chart_length_not_the_baseline(caplog):
    # The reference warns when a chart (facet and rebase group) has fewer than 13 points, whatever
    # fix_after_n_points is; it refuses fix_after_n_points below 12.
    s = monthly([12, 8] * 6 + [22, 21, 23])
    with caplog.at_level(logging.WARNING, logger="workbook.stats.spc"):
        r = compute_xmr(s, polarity="lower_is_better", baseline=12)
    assert r.baseline_points == 12
    assert r.too_few_points is False
    assert caplog.text == ""


def test_lambeth_robbery_2021_rising_trend_is_a_concern():
    # Lambeth's robberies (Robbery of business property + of personal property) by month from the
    # Met's borough file (data/mps/MPS_Borough_Level_Crime_Historical.csv), the 36 months to
    # November 2023 as the assessment charts them.  Sum 4,447, mean 123.53; moving ranges sum 752,
    # /35 = 21.486 (largest 55 < 3.267 x 21.486 = 70.19: none screened); limits 123.53 -/+ 57.15 =
    # (66.38, 180.68); lower two-thirds line 85.43.
    # Jan-Sep 2021 (54, 59, 63, 77, 87, 95, 102, 157, 164) rise in 8 steps: a trend.  Dec 2020 -
    # Jul 2021 are 8 below the mean: a shift.  Jan-Mar 2021 are below the lower limit.
    # The reference: Jan-Mar "Below LCL" (improvement, outside the limits outranks the trend);
    # Apr-Jul 2021 (77, 87, 95, 102) "7 Point Trend (Increasing)", a concern, although they are
    # below the mean (the old rules called them improvements from the shift).
    met = load_source(DATA_DIR / "mps" / "MPS_Borough_Level_Crime_Historical.csv")
    robbery = (
        met[(met["area_name"] == "Lambeth") & (met["category"] == "Robbery")]
        .groupby("month")["count"].sum()
        .loc["2020-12-01":"2023-11-01"]
        .astype(float)
    )
    assert len(robbery) == 36 and robbery.sum() == 4447
    assert robbery.loc["2021-04-01":"2021-07-01"].tolist() == [77, 87, 95, 102]
    r = compute_xmr(robbery, polarity="lower_is_better")
    assert r.mean == pytest.approx(4447 / 36)
    assert r.mean_moving_range == pytest.approx(752 / 35)
    assert r.screened_moving_ranges == 0
    t = r.to_frame()
    spring = t.loc["2021-04-01":"2021-07-01"]
    assert (spring["value"] < r.mean).all()
    assert (spring["shift"] == -1).all() and (spring["trend"] == 1).all()
    assert spring["rule"].tolist() == ["trend"] * 4
    assert spring["variation"].tolist() == ["special cause concern"] * 4
    winter = t.loc["2021-01-01":"2021-03-01"]
    assert winter["rule"].tolist() == ["beyond_limits"] * 3
    assert winter["variation"].tolist() == ["special cause improvement"] * 3
    assert t.loc["2020-12-01", "variation"] == "special cause improvement"  # shift only
    assert t.loc["2021-08-01":"2021-09-01", "variation"].tolist() == ["special cause concern"] * 2


# NHSRplotthedots' own test data (tests/testthat/test-ptd_spc_standard.R): set.seed(123); rnorm(20),
# dated 2020-01-02 onwards.  The values are R's, printed to 8 decimal places.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]


def test_reproduces_nhsrplotthedots_spc_standard_snapshots():
    # tests/testthat/_snaps/ptd_spc_standard.md, "it returns expected values": r1 the data as it
    # is; r2 with y[15] (R counts from 1) set to 10 and screen_outliers = TRUE; r3 the same with
    # screen_outliers = FALSE.  The snapshot prints mean_col, lpl, upl, relative_to_mean and
    # outside_limits / close_to_limits (all FALSE in the printed rows); the summary snapshot
    # ("it outputs expected content") gives 20 common cause points for r1.
    idx = pd.date_range("2020-01-02", periods=20, freq="D")
    y = pd.Series(RNORM_123, index=idx)
    r1 = compute_xmr(y, polarity="higher_is_better")
    assert r1.mean == pytest.approx(0.1416238, abs=5e-8)
    assert r1.lower == pytest.approx(-3.01138, abs=5e-6)
    assert r1.upper == pytest.approx(3.294627, abs=5e-7)
    sides = [-1, -1, 1, -1, -1, 1, 1, -1, -1, -1, 1, 1, 1, -1, -1]
    assert np.sign(y - r1.mean).astype(int).tolist()[:15] == sides
    assert (r1.to_frame()["variation"] == "common cause").all()

    y10 = y.copy()
    y10.iloc[14] = 10.0
    r2 = compute_xmr(y10, polarity="higher_is_better")
    assert r2.mean == pytest.approx(0.6694159, abs=5e-8)
    assert r2.lower == pytest.approx(-2.383666, abs=5e-7)
    assert r2.upper == pytest.approx(3.722497, abs=5e-7)
    sides = [-1, -1, 1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, -1]
    assert np.sign(y10 - r2.mean).astype(int).tolist()[:14] == sides
    r3 = compute_xmr(y10, polarity="higher_is_better", screen_outliers=False)
    assert r3.lower == pytest.approx(-4.596625, abs=5e-7)
    assert r3.upper == pytest.approx(5.935457, abs=5e-7)


def test_reproduces_nhsrplotthedots_two_in_three_opposite_sides():
    # tests/testthat/test-ptd_spc_standard.R: 1, -1 repeated 8 times with the 15th and 16th
    # points set to 5.5 and -5.5; expected point_type of the last two: common_cause (default
    # improvement_direction "increase").  By hand: mean 0; ranges 2 x 13 + 6.5 + 11 = 43.5, /15 =
    # 2.9; 11 >= 3.267 x 2.9 = 9.47 is screened -> 32.5/14 = 2.321; limits -/+ 6.175, two-thirds
    # lines -/+ 4.117: both points are close to a limit, but on opposite sides of the mean.
    data = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    r = compute_xmr(pd.Series(data, index=pd.date_range("2020-01-02", periods=16, freq="D")),
                    polarity="higher_is_better")
    assert r.mean == 0
    assert r.mean_moving_range == pytest.approx(32.5 / 14)
    t = r.to_frame()
    assert t["upper_two_thirds"].iloc[0] < 5.5 < r.upper
    assert t["variation"].iloc[-2:].tolist() == ["common cause", "common cause"]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # tests/testthat/test-ptd_calculate_point_type.R, "ptd_seven_point_trend works as expected"
        # (end points of a trend), with ptd_part_of_seven_trend spreading each end over its 7 points.
        ([1, 2, 3, 3, 4, 5, 6], [0] * 7),
        ([1, 2, 3, 4, 5, 6, 7], [1] * 7),
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], [0] + [1] * 7 + [0]),
        ([7, 6, 5, 4, 3, 2, 1], [-1] * 7),
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], [0] + [-1] * 7 + [0]),
    ],
)
def test_reproduces_nhsrplotthedots_seven_point_trend_cases(values, expected):
    assert column(compute_xmr(monthly(values), polarity="no_judgement"), "trend") == expected


def test_reproduces_nhsrplotthedots_seven_points_one_side_cases():
    # ptd_seven_point_one_side_mean(c(rep(1, 8), -1)) == c(0, 0, 0, 0, 0, 0, 1, 1, 0), so points
    # 1-8 are part of a run; c(rep(1, 6), -1) gives none.  Eight 2s then -16: mean 0.
    assert fired(compute_xmr(monthly([2] * 8 + [-16]), polarity="no_judgement"), "shift") == list(range(8))
    # Six 2s then -12: mean 0, a run of 6: no shift.
    assert fired(compute_xmr(monthly([2] * 6 + [-12]), polarity="no_judgement"), "shift") == []


def test_no_judgement_labels_neutral_with_a_direction():
    # The rising trend of test_trend_outranks_two_in_three with no judgement: the reference's
    # special_cause_neutral_high for a rising trend.
    s = monthly([22, 18] * 4 + [9, 10, 16, 18, 20, 22, 24])
    t = compute_xmr(s, polarity="no_judgement").to_frame()
    assert t["variation"].iloc[8:].tolist() == ["special cause neutral"] * 7
    assert t["direction"].iloc[8:].tolist() == ["high"] * 7
    higher = compute_xmr(s, polarity="higher_is_better").to_frame()
    assert higher["variation"].iloc[8] == "special cause improvement"
