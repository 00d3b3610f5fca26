"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from tests.helpers.forecast import monthly
from workbook.core.errors import ValueInputError
from workbook.forecast.direction import assess_direction
from workbook.forecast.results import ForecastResult

# --- Direction of travel --------------------------------------------------------------------------


def flat_forecast(history: pd.Series, point: float, lower: float, upper: float) -> ForecastResult:
    f = pd.date_range(history.index[-1] + pd.offsets.MonthBegin(1), periods=12, freq="MS")
    return ForecastResult(method="combination", requested_method="combination", reason=None, history=history,
                          forecast=pd.Series(point, index=f), lower={80: pd.Series(lower, index=f),
                                                                      95: pd.Series(lower, index=f)},
                          upper={80: pd.Series(upper, index=f), 95: pd.Series(upper, index=f)},
                          levels=(80, 95), interval_method="test", scale=1.0)


HISTORY = monthly([100.0] * 24)  # last 12 months total 1,200


def test_rise_outside_normal_variation_is_increasing():
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 106, 102, 110))  # total 1,272 (1,224 to 1,320)
    assert (d.label, d.forecast_label, d.outside_normal_variation) == ("increasing", "increasing", True)
    assert d.change_pct == pytest.approx(6.0)
    assert d.sentence == ("Expected to rise about 6% over the next 12 months (from 1,200 to 1,272); "
                          "the rise is outside the range of normal variation.")


def test_change_within_normal_variation_is_stable():
    # 1,164 (1,080 to 1,248) contains 1,200
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 97, 90, 104))
    assert d.label == "stable" and not d.outside_normal_variation
    assert d.sentence.startswith("Expected to fall about 3% over the next 12 months")
    assert "within the range of normal variation" in d.sentence


def test_fall_outside_normal_variation_is_decreasing():
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 90, 85, 95))  # upper 1,140 < 1,200
    assert d.label == "decreasing"


@pytest.mark.parametrize("forecast, trend, label", [
    ((106, 102, 110), "Increasing", "increasing"),                # agree
    ((97, 90, 104), "increasing and getting worse", "increasing"),  # forecast stable, trend significant
    ((106, 102, 110), "no significant change", "increasing"),     # trend stable: forecast stands
    ((106, 102, 110), "Decreasing", "stable"),                    # disagree: mixed evidence
    ((90, 85, 95), "cannot be calculated", "decreasing"),          # no trend: forecast stands
])
def test_direction_combines_forecast_and_recent_trend(forecast, trend, label):
    d = assess_direction(HISTORY, flat_forecast(HISTORY, *forecast), trend=trend)
    assert d.label == label


def test_direction_accepts_a_trend_result_object():
    trend = SimpleNamespace(direction="decreasing", slope=-1.0)
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 106, 102, 110), trend=trend)
    assert d.trend_label == "decreasing" and d.label == "stable"
    assert "evidence is mixed" in d.sentence
    assert d.to_frame().loc[0, "label"] == "stable"


def test_direction_needs_a_forecast_that_follows_the_series():
    other = flat_forecast(monthly([100.0] * 24, start="2018-04-01"), 106, 102, 110)
    with pytest.raises(ValueInputError, match="start in"):
        assess_direction(HISTORY, other)
    with pytest.raises(ValueInputError, match="trend label"):
        assess_direction(HISTORY, flat_forecast(HISTORY, 106, 102, 110), trend="sideways")
