"""Tests for workbook.stats.spc: one small hand-made series per rule, each worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.stats.trend import compute_recent_trend

# --- recent trend ----------------------------------------------------------------------------


def test_recent_trend_perfect_line_by_hand():
    # 10..50 weighted 1/x: sum w = 0.228333, sum w t = 0.271667, sum w t^2 = 0.728333,
    # Sxx = 0.728333 - 0.271667^2/0.228333 = 0.405107; slope 10 (exact line); se = 1/sqrt(Sxx) = 1.5711;
    # z = 6.365, p ~ 2e-10 < 0.002.
    t = compute_recent_trend(pd.Series([5, 10, 20, 30, 40, 50]), polarity="lower_is_better")
    assert t.points == 5
    assert t.slope == pytest.approx(10)
    assert t.p_value == pytest.approx(2 * 0.5 * math.erfc(10 / 1.571134 / math.sqrt(2)), rel=1e-4)
    assert t.p_value < 0.002
    assert t.stable
    assert t.direction == "increasing"
    assert t.assessment == "increasing and getting worse"


def test_recent_trend_decreasing_and_better():
    t = compute_recent_trend([50, 40, 30, 20, 10], polarity="lower_is_better")
    assert t.direction == "decreasing"
    assert t.assessment == "decreasing and getting better"
    assert t.slope == pytest.approx(-10)


def test_recent_trend_flat_series_is_no_change():
    # 20, 22, 19, 21, 20: slope about 0 with se about 1.4.
    t = compute_recent_trend([20, 22, 19, 21, 20])
    assert t.direction == "no significant change"
    assert t.p_value > 0.5


def test_recent_trend_leave_one_out_catches_one_outlier():
    # 100, 100, 100, 100, 400 with weights 1/100 x4 and 1/400: sum w = 0.0425, sum w t = 0.07,
    # Sxx = 0.18 - 0.07^2/0.0425 = 0.064706; Sxy = 10 - 0.07 * 5/0.0425 = 1.764706;
    # slope = 27.27, z = 27.27 * sqrt(0.064706) = 6.94: significant, but leaving the 400 out gives
    # a slope of 0, so the sign is not stable.
    t = compute_recent_trend([100, 100, 100, 100, 400])
    assert t.slope == pytest.approx(1.764706 / 0.064706, rel=1e-5)
    assert t.p_value < 0.002
    assert t.leave_one_out_slopes[-1] == 0
    assert not t.stable
    assert t.direction == "no significant change"


def test_recent_trend_with_denominators_uses_rates():
    # Constant count, shrinking population: rate rises 10, 12.5, 16.67, 25, 50 per 1,000.
    t = compute_recent_trend([100] * 5, denominators=[10_000, 8_000, 6_000, 4_000, 2_000])
    assert t.direction == "increasing"
    assert compute_recent_trend([100] * 5, denominators=[10_000] * 5).slope == pytest.approx(0)


def test_recent_trend_cannot_be_calculated():
    assert compute_recent_trend([1, 2, 3, 4]).direction == "cannot be calculated"
    gap = compute_recent_trend([1, 2, np.nan, 4, 5])
    assert gap.direction == "cannot be calculated"
    assert "missing" in gap.reason
    with pytest.raises(ValueInputError, match="whole numbers"):
        compute_recent_trend([1, 2, -3, 4, 5])
    with pytest.raises(ValueInputError, match="points must be a whole number of 3 or more"):
        compute_recent_trend([1, 2, 3], points=2)
