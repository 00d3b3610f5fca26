"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.helpers.forecast import seasonal
from workbook.core.errors import ValueInputError
from workbook.forecast.results import ForecastResult


def test_total_uses_backtest_totals_or_adds_bounds():
    f = pd.date_range("2024-04-01", periods=12, freq="MS")
    base = dict(method="ets", requested_method="ets", reason=None, history=seasonal(36),
                forecast=pd.Series(10.0, index=f), lower={95: pd.Series(7.0, index=f)},
                upper={95: pd.Series(13.0, index=f)}, levels=(95,), interval_method="test", scale=2.0)
    # 8 totals of the first 3 months: RMS = sqrt((4 + 1 + 0 + 0 + 1 + 4 + 9 + 9) / 8) = sqrt(3.5);
    # no degrees of freedom given, so 8 (one per total): t(0.975, 8) = 2.306004; scale 2
    fc = ForecastResult(**base, total_errors={3: np.array([2.0, -1, 0, 0, 1, -2, 3, -3])})
    t = fc.total(3)
    assert t.point == 30.0
    assert t.upper[95] == pytest.approx(30 + 2.0 * 2.306004 * math.sqrt(3.5), rel=1e-6)
    assert t.lower[95] == pytest.approx(30 - 2.0 * 2.306004 * math.sqrt(3.5), rel=1e-6)
    # totals from overlapping origins spanning 3 non-overlapping periods: t(0.975, 3) = 3.182446
    fc3 = ForecastResult(**base, total_errors={3: np.array([2.0, -1, 0, 0, 1, -2, 3, -3])}, total_df={3: 3.0})
    assert fc3.total(3).upper[95] == pytest.approx(30 + 2.0 * 3.182446 * math.sqrt(3.5), rel=1e-6)
    # no totals for 12 months: the monthly bounds are added (perfect correlation)
    t12 = fc.total()
    assert (t12.point, t12.lower[95], t12.upper[95]) == (120.0, 84.0, 156.0)
    with pytest.raises(ValueInputError):
        fc.total(13)
