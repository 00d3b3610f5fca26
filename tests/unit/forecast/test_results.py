"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.forecast import seasonal
from workbook.core.errors import ValueInputError
from workbook.forecast.results import ForecastResult


def test_total_uses_its_calibrated_halfwidth_or_adds_bounds():
    f = pd.date_range("2024-04-01", periods=12, freq="MS")
    base = dict(method="ets", requested_method="ets", reason=None, history=seasonal(36),
                forecast=pd.Series(10.0, index=f), lower={95: pd.Series(7.0, index=f)},
                upper={95: pd.Series(13.0, index=f)}, levels=(95,), interval_method="test", scale=2.0)
    fc = ForecastResult(**base, total_halfwidths={3: {95: 4.5}, 12: {95: 40.0}})
    t = fc.total(3)
    assert (t.point, t.lower[95], t.upper[95]) == (30.0, 25.5, 34.5)
    assert fc.total().lower[95] == 80.0 and fc.total().upper[95] == 160.0
    # the lower bound of a count is never negative
    assert ForecastResult(**base, total_halfwidths={12: {95: 500.0}}).total().lower[95] == 0.0
    # no calibrated half-width for 6 months: the monthly bounds are added (perfect correlation)
    t6 = fc.total(6)
    assert (t6.point, t6.lower[95], t6.upper[95]) == (60.0, 42.0, 78.0)
    assert t6.interval_method.startswith("sum of monthly bounds")
    with pytest.raises(ValueInputError):
        fc.total(13)
