"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import math
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.forecast.methods import COMBINATION_MEMBERS
from workbook.forecast.results import ForecastResult
from workbook.forecast.intervals import _conformal_halfwidth
from workbook.forecast.direction import assess_direction
from workbook.forecast.backtest import backtest_series, choose_method
from workbook.forecast.series import forecast_series

SEASON = np.array([10, 0, -5, 5, 15, 20, 10, 0, -10, -15, -20, -10], dtype=float)  # April first; sums to 10


def monthly(values, start="2019-04-01") -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def seasonal(n: int, *, level=100.0, slope=0.0, noise=0.0, seed=0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return monthly(level + slope * t + SEASON[t % 12] + rng.normal(0, noise, n) if noise else
                   level + slope * t + SEASON[t % 12])


# --- Point forecasts ------------------------------------------------------------------------------


def test_seasonal_naive_repeats_last_year():
    y = seasonal(48, slope=1.0)
    fc = forecast_series(y, method="seasonal_naive", calibration_origins=12)
    assert fc.forecast.tolist() == y.iloc[-12:].tolist()
    assert fc.forecast.index[0] == pd.Timestamp("2023-04-01")


def test_regression_continues_an_exact_trend_and_season():
    # y_t = 100 + 2t + season(t); t = 48 .. 59 continues the line exactly
    y = seasonal(48, slope=2.0)
    fc = forecast_series(y, method="regression", calibration_origins=1)
    t = np.arange(48, 60)
    np.testing.assert_allclose(fc.forecast.to_numpy(), 100 + 2 * t + SEASON[t % 12], atol=1e-8)


@pytest.mark.parametrize("method", ["ets", "arima", "stl_ets"])
def test_models_recover_a_near_noiseless_seasonal_pattern(method):
    y = seasonal(48, noise=1.0, seed=3)
    fc = forecast_series(y, method=method, calibration_origins=1)  # intervals not under test here
    truth = 100 + SEASON[np.arange(48, 60) % 12]
    assert fc.method == method and fc.reason is None
    assert np.max(np.abs(fc.forecast.to_numpy() - truth)) < 3.0  # within 3 crimes of ~100


def test_combination_is_the_equal_weight_mean_of_its_members():
    y = seasonal(48, slope=0.5, noise=4, seed=5)
    members = [forecast_series(y, method=m, calibration_origins=1).forecast for m in COMBINATION_MEMBERS]
    comb = forecast_series(y, method="combination", calibration_origins=1)
    np.testing.assert_allclose(comb.forecast.to_numpy(), np.mean(members, axis=0))
    assert set(COMBINATION_MEMBERS) == {"seasonal_naive", "ets", "stl_ets", "regression"}


def test_counts_are_never_forecast_negative():
    # falls by 2.5 a month from 110 (17.5 in month 36): the regression line reaches zero within the year
    y = monthly(110 - 2.5 * np.arange(36) + SEASON[np.arange(36) % 12] / 4)
    fc = forecast_series(y, method="regression", calibration_origins=12)
    assert fc.forecast.min() == 0.0
    for level in fc.levels:
        assert fc.lower[level].min() >= 0.0 and fc.upper[level].min() >= 0.0


# --- Intervals ------------------------------------------------------------------------------------


def test_conformal_halfwidth_rank():
    e = np.arange(1, 20) * np.where(np.arange(19) % 2, 1, -1)  # |e| = 1 .. 19, n = 19
    # 95%: ceil(20 x 0.95) = 19th smallest = 19; 80%: ceil(20 x 0.8) = 16th = 16
    assert _conformal_halfwidth(e, 95) == 19
    assert _conformal_halfwidth(e, 80) == 16
    # too few errors for the rank: clamped to the largest
    assert _conformal_halfwidth(np.array([1.0, -3.0, 2.0]), 95) == 3


def test_intervals_are_nested_symmetric_and_to_frame_has_the_columns():
    y = seasonal(72, noise=5, seed=7)
    fc = forecast_series(y, method="seasonal_naive")
    assert "empirical" in fc.interval_method
    assert ((fc.lower[95] <= fc.lower[80]) & (fc.upper[80] <= fc.upper[95])).all()
    np.testing.assert_allclose((fc.upper[95] - fc.forecast).to_numpy(),
                               (fc.forecast - fc.lower[95]).to_numpy())
    frame = fc.to_frame()
    assert list(frame.columns) == ["month", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
                                   "method"]
    assert (frame["method"] == "seasonal_naive").all() and len(frame) == 12


def test_intervals_reuse_a_matching_backtest():
    y = seasonal(72, noise=5, seed=8)
    own = forecast_series(y, method="seasonal_naive")
    bt = backtest_series(y, origins=36, methods=("seasonal_naive",))
    reused = forecast_series(y, method="seasonal_naive", backtest=bt)
    for level in (80, 95):
        np.testing.assert_allclose(reused.upper[level].to_numpy(), own.upper[level].to_numpy())


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


# --- Fallbacks ------------------------------------------------------------------------------------


def test_short_series_falls_back_to_seasonal_naive_with_reason():
    y = seasonal(20, noise=2, seed=1)
    fc = forecast_series(y)  # combination asked for
    assert fc.method == "seasonal_naive" and fc.requested_method == "combination"
    assert "20 months" in fc.reason and "fewer than 30" in fc.reason
    assert fc.forecast.tolist() == y.iloc[-12:].tolist()
    assert "seasonal naive widths" in fc.interval_method


def test_fewer_than_12_months_uses_the_mean_with_a_normal_interval():
    y = monthly([10, 12, 14, 16, 18, 20])
    fc = forecast_series(y, horizon=3)
    assert fc.method == "naive_mean" and "6 months" in fc.reason
    assert fc.forecast.tolist() == [15.0, 15.0, 15.0]
    # sd = sqrt(70 / 5) x sqrt(1 + 1/6) = 4.0415 (above the Poisson floor sqrt(15) = 3.873);
    # 95%: 15 +/- 1.95996 x 4.0415 = 15 +/- 7.921
    assert fc.lower[95].iloc[0] == pytest.approx(15 - 7.9212, abs=1e-3)
    assert fc.upper[95].iloc[0] == pytest.approx(15 + 7.9212, abs=1e-3)


def test_sparse_series_falls_back_to_seasonal_naive():
    rng = np.random.default_rng(4)
    values = np.where(rng.random(40) < 0.7, 0, rng.integers(1, 3, 40))
    y = monthly(values)
    fc = forecast_series(y, method="ets")
    zeros = int((values[-36:] == 0).sum())
    assert fc.method == "seasonal_naive"
    assert f"{zeros} of the last 36 months are zero" in fc.reason
    assert fc.lower[95].min() >= 0


@pytest.mark.parametrize("y, match", [
    (monthly([5, -1, 3]), "-1 for 2019-05"),
    (monthly([5, np.nan, 3]), "2019-05 is missing"),
    (pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2020-01-01", "2020-03-01"])), "consecutive months"),
    (pd.Series([1.0, 2.0]), "DatetimeIndex"),
])
def test_bad_series_are_refused(y, match):
    with pytest.raises(ValueInputError, match=match):
        forecast_series(y)


def test_bad_options_are_refused():
    y = seasonal(36)
    with pytest.raises(ValueInputError, match="method"):
        forecast_series(y, method="prophet")
    with pytest.raises(ValueInputError, match="levels"):
        forecast_series(y, levels=(95, 100))


# --- Backtest -------------------------------------------------------------------------------------


def test_backtest_mase_and_wape_by_hand():
    # y_t = 100 + t: seasonal naive is always 12 too low, and the in-sample seasonal naive MAE is 12,
    # so MASE = 1.
    # 3 origins (2023-12 to 2024-02, the last of 60 months from 2019-04): 1 + 2 + 3 = 6 errors of 12;
    # actuals 157 + 158 + 159 + 158 + 159 + 159 = 950; WAPE = 72 / 950.
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"))
    table = bt.to_frame().set_index("method")
    assert table.loc["seasonal_naive", "mase"] == pytest.approx(1.0)
    assert table.loc["seasonal_naive", "wape"] == pytest.approx(72 / 950)
    assert table.loc["seasonal_naive", "n_errors"] == 6
    # a straight line is fitted exactly
    assert table.loc["regression", "mase"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["regression", "relative_mase"] == pytest.approx(0.0, abs=1e-9)
    # too few earlier errors to calibrate any interval: coverage is not claimed
    assert table.loc["seasonal_naive", "n_intervals"] == 0
    assert math.isnan(table.loc["seasonal_naive", "coverage_95"])
    assert bt.origins.strftime("%Y-%m").tolist() == ["2023-12", "2024-01", "2024-02"]


def test_backtest_origins_as_months_and_subset():
    y = seasonal(60, noise=3, seed=2)
    bt = backtest_series(y, origins=["2022-03-01", "2022-06-01"], methods=("seasonal_naive",))
    assert bt.origins.strftime("%Y-%m").tolist() == ["2022-03", "2022-06"]
    assert len(bt.subset(["2022-06-01"]).errors) == 12
    with pytest.raises(ValueInputError, match="training data"):
        backtest_series(y, origins=["2020-01-01"], methods=("seasonal_naive",))


def test_backtest_interval_coverage_is_close_to_nominal_on_an_exchangeable_series():
    # Poisson noise around a fixed seasonal pattern: seasonal naive errors are exchangeable, so conformal
    # intervals should cover about 80% and 95%.
    rng = np.random.default_rng(11)
    t = np.arange(120)
    y = monthly(rng.poisson(60 + SEASON[t % 12]))
    bt = backtest_series(y, origins=70, methods=("seasonal_naive",))
    row = bt.to_frame().iloc[0]
    assert row["n_intervals"] > 400
    assert 0.72 <= row["coverage_80"] <= 0.88
    assert 0.90 <= row["coverage_95"] <= 0.99
    assert 0.85 <= row["total_coverage_95"] <= 1.0


def test_choose_method_prefers_the_combination_unless_clearly_beaten():
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"))
    choice = choose_method(bt)  # no combination tested: the lowest MASE wins
    assert choice.method == "regression" and "lowest MASE" in choice.reason
    assert choice.to_frame().set_index("method")["chosen"].to_dict() == {"seasonal_naive": False,
                                                                          "regression": True}


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


# --- Plot -----------------------------------------------------------------------------------------


def test_plot_labels_every_element():
    y = seasonal(40, noise=3, seed=9)
    fc = forecast_series(y, method="seasonal_naive", calibration_origins=12)
    ax = fc.plot(target=95.0)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["Recorded", "95% prediction interval", "80% prediction interval",
                      "Forecast (seasonal naive)", "Target"]
    assert ax.get_ylim()[0] == 0
    plt.close(ax.figure)
