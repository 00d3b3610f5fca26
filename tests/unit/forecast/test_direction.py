"""Tests for workbook.forecast.direction: the rule on hand-made forecasts and series, its validation, and
Lambeth's vehicle crime."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from tests.conftest import MPS_FILE
from tests.helpers.forecast import drifting_counts, monthly
from workbook.core.errors import ValueInputError
from workbook.data.mps import load_mps_borough
from workbook.forecast.direction import assess_direction, label_directions, validate_directions
from workbook.forecast.results import ForecastResult
from workbook.forecast.series import forecast_series


def flat_forecast(history: pd.Series, point: float, half12: float) -> ForecastResult:
    """A 12-month forecast of ``point`` a month whose 12-month total has 80% half-width ``half12``."""
    f = pd.date_range(history.index[-1] + pd.offsets.MonthBegin(1), periods=12, freq="MS")
    return ForecastResult(method="combination", requested_method="combination", reason=None, history=history,
                          forecast=pd.Series(point, index=f),
                          lower={80: pd.Series(point - 10, index=f), 95: pd.Series(point - 20, index=f)},
                          upper={80: pd.Series(point + 10, index=f), 95: pd.Series(point + 20, index=f)},
                          levels=(80, 95), interval_method="test", scale=1.0,
                          total_halfwidths={12: {80: half12, 95: 2 * half12}})


HISTORY = monthly([100.0] * 24)  # last 12 months total 1,200


# --- The rule on hand-made forecasts --------------------------------------------------------------


def test_a_rise_whose_whole_interval_is_above_last_year_is_increasing():
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 106, 48))  # total 1,272 (1,224 to 1,320)
    assert (d.label, d.forecast_label, d.outside_normal_variation) == ("increasing", "increasing", True)
    assert (d.lower, d.upper, d.level) == (1224, 1320, 80)
    assert d.change_pct == pytest.approx(6.0)
    assert d.change_lower_pct == pytest.approx(2.0) and d.change_upper_pct == pytest.approx(10.0)
    assert d.sentence == ("Expected to rise about 6% over the next 12 months (from 1,200 to 1,272; 80% prediction "
                          "interval 1,224 to 1,320). The whole interval is above the last 12 months' total, so the "
                          "direction is increasing.")


def test_an_interval_that_includes_last_year_is_no_clear_change():
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 97, 84))  # 1,164 (1,080 to 1,248) contains 1,200
    assert d.label == "no clear change" and not d.outside_normal_variation
    assert d.sentence.startswith("Expected to fall about 3% over the next 12 months")
    assert "includes the last 12 months' total, so there is no clear change" in d.sentence


def test_a_fall_whose_whole_interval_is_below_is_decreasing():
    d = assess_direction(HISTORY, flat_forecast(HISTORY, 90, 60))  # 1,080 (1,020 to 1,140) < 1,200
    assert d.label == "decreasing"
    # at the 95% level the interval is 960 to 1,200: touching last year's total is not a clear change
    assert assess_direction(HISTORY, flat_forecast(HISTORY, 90, 60), level=95).label == "no clear change"


@pytest.mark.parametrize("trend", ["Increasing", "decreasing", "no significant change", "cannot be calculated",
                                   SimpleNamespace(direction="decreasing", slope=-1.0)])
def test_the_trend_is_shown_beside_the_label_and_never_changes_it(trend):
    for point, half, label in ((106, 48, "increasing"), (97, 84, "no clear change"), (90, 60, "decreasing")):
        d = assess_direction(HISTORY, flat_forecast(HISTORY, point, half), trend=trend)
        assert d.label == label
        assert ("shown for context and not used in the label" in d.sentence
                or "trend cannot be calculated" in d.sentence)


def test_direction_refuses_a_forecast_that_does_not_follow_the_series_or_a_bad_trend():
    other = flat_forecast(monthly([100.0] * 24, start="2018-04-01"), 106, 48)
    with pytest.raises(ValueInputError, match="start in"):
        assess_direction(HISTORY, other)
    with pytest.raises(ValueInputError, match="trend label"):
        assess_direction(HISTORY, flat_forecast(HISTORY, 106, 48), trend="sideways")
    with pytest.raises(ValueInputError, match="level 90"):
        assess_direction(HISTORY, flat_forecast(HISTORY, 106, 48), level=90)


def test_label_directions_is_strict_at_the_edges():
    assert label_directions([100, 100, 100], [100, 90, 101], [110, 100, 120]).tolist() == [
        "no clear change", "no clear change", "increasing"]


# --- The rule on real forecasts of hand-made series -----------------------------------------------


def test_a_clear_step_up_is_increasing_and_flat_noise_is_no_clear_change():
    # 100 crimes a month for 4.5 years, then 200 for the last six months: the last 12 months recorded
    # 1,800; the combination expects about 2,200 (seasonal naive, one of its members, repeats 1,800), and
    # its whole 80% interval (about 1,830 to 2,570) lies above 1,800.
    months = pd.date_range("2019-01-01", periods=60, freq="MS")
    step = pd.Series([100.0] * 54 + [200.0] * 6, index=months)
    d = assess_direction(step, forecast_series(step))
    assert d.last_12_months == 1800 and d.label == "increasing" and d.lower > 1800
    # Poisson noise around a fixed seasonal pattern: nothing to see
    rng = np.random.default_rng(5)
    season = 1 + 0.15 * np.cos(2 * np.pi * np.arange(60) / 12)
    flat = pd.Series(rng.poisson(200 * season).astype(float), index=months)
    d = assess_direction(flat, forecast_series(flat))
    assert d.label == "no clear change" and d.lower < d.last_12_months < d.upper


def test_mostly_no_clear_change_on_drifting_series_without_a_real_change():
    # 20 series whose level only drifts at random: the rule should rarely claim a direction.
    labels = []
    for seed in range(20):
        y = drifting_counts(60, level=150, seed=seed, drift_sd=0.01)
        labels.append(assess_direction(y, forecast_series(y, method="seasonal_naive")).label)
    assert labels.count("no clear change") >= 18


# --- Validation ---------------------------------------------------------------------------------


def test_validate_directions_counts_what_followed_each_label():
    t = pd.DataFrame({"previous": [100.0, 100, 100, 100, 100, 200],
                      "actual": [120.0, 104, 95, 112, 101, 150],
                      "lower_80": [105.0, 101, 90, 90, 80, 100], "upper_80": [130.0, 120, 110, 115, 99, 190]})
    v = validate_directions(t).set_index("label")
    # increasing: 2 (both followed by a rise; one of 20%, one of 4%)
    assert v.loc["increasing", ["n", "right", "followed_by_large_change"]].tolist() == [2, 1.0, 0.5]
    # decreasing: 2 (100 -> 101 rose; 200 -> 150 fell by 25%)
    assert v.loc["decreasing", ["n", "right", "followed_by_fall", "median_change"]].tolist() == [2, 0.5, 0.5,
                                                                                                -0.12]
    # no clear change: 2 (-5%, +12%): half followed by a change beyond 10%
    assert v.loc["no clear change", ["n", "share", "followed_by_large_change", "right"]].tolist() == [
        2, pytest.approx(1 / 3), 0.5, 0.5]
    with pytest.raises(ValueInputError, match="expected columns"):
        validate_directions(t.drop(columns=["previous"]))


# --- Lambeth's vehicle crime (the embedded Met file to 2023-11) -----------------------------------


def test_lambeth_vehicle_crime_rising_three_years_is_no_longer_decreasing():
    mps = load_mps_borough(MPS_FILE)
    sel = (mps["area_name"] == "Lambeth") & (mps["category"] == "Vehicle crime")
    y = mps.loc[sel].groupby("month")["count"].sum().astype(float)
    y.index = pd.DatetimeIndex(y.index, freq="MS")
    # 12-month totals to November 2021, 2022 and 2023, as recorded
    assert [y[:end].iloc[-12:].sum() for end in ("2021-11", "2022-11", "2023-11")] == [2695, 2708, 2834]
    d = assess_direction(y, forecast_series(y), trend="decreasing")  # what the five-year trend said
    assert d.label != "decreasing"
    assert d.label == "no clear change" and d.lower < 2834 < d.upper
    assert d.trend_label == "decreasing"
    assert "Five-year trend, shown for context and not used in the label: decreasing." in d.sentence
