"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from tests.helpers.forecast import SEASON, monthly, seasonal
from workbook.core.errors import ValueInputError
from workbook.forecast.backtest import backtest_series
from workbook.forecast.methods import COMBINATION_MEMBERS
from workbook.forecast.series import forecast_series

# --- Point forecasts ------------------------------------------------------------------------------


def test_seasonal_naive_repeats_last_year():
    y = seasonal(48, slope=1.0)
    fc = forecast_series(y, method="seasonal_naive")
    assert fc.forecast.tolist() == y.iloc[-12:].tolist()
    assert fc.forecast.index[0] == pd.Timestamp("2023-04-01")


def test_regression_continues_an_exact_trend_and_season():
    # y_t = 100 + 2t + season(t); t = 48 .. 59 continues the line exactly
    y = seasonal(48, slope=2.0)
    fc = forecast_series(y, method="regression")
    t = np.arange(48, 60)
    np.testing.assert_allclose(fc.forecast.to_numpy(), 100 + 2 * t + SEASON[t % 12], atol=1e-8)


@pytest.mark.parametrize("method", ["ets", "arima", "stl_ets"])
def test_models_recover_a_near_noiseless_seasonal_pattern(method):
    y = seasonal(48, noise=1.0, seed=3)
    fc = forecast_series(y, method=method)
    truth = 100 + SEASON[np.arange(48, 60) % 12]
    assert fc.method == method and fc.reason is None
    assert np.max(np.abs(fc.forecast.to_numpy() - truth)) < 3.0  # within 3 crimes of ~100


def test_combination_is_the_equal_weight_mean_of_its_members():
    y = seasonal(48, slope=0.5, noise=4, seed=5)
    members = [forecast_series(y, method=m).forecast for m in COMBINATION_MEMBERS]
    comb = forecast_series(y, method="combination")
    np.testing.assert_allclose(comb.forecast.to_numpy(), np.mean(members, axis=0))
    assert set(COMBINATION_MEMBERS) == {"seasonal_naive", "ets", "stl_ets", "regression"}


def test_counts_are_never_forecast_negative():
    # falls by 2.5 a month from 110 (17.5 in month 36): the regression line reaches zero within the year
    y = monthly(110 - 2.5 * np.arange(36) + SEASON[np.arange(36) % 12] / 4)
    fc = forecast_series(y, method="regression")
    assert fc.forecast.min() == 0.0
    for level in fc.levels:
        assert fc.lower[level].min() >= 0.0 and fc.upper[level].min() >= 0.0


def test_intervals_are_nested_symmetric_and_to_frame_has_the_columns():
    y = seasonal(72, noise=5, seed=7)
    fc = forecast_series(y, method="seasonal_naive")
    assert "conformal" in fc.interval_method
    assert ((fc.lower[95] <= fc.lower[80]) & (fc.upper[80] <= fc.upper[95])).all()
    np.testing.assert_allclose((fc.upper[95] - fc.forecast).to_numpy(),
                               (fc.forecast - fc.lower[95]).to_numpy())
    frame = fc.to_frame()
    assert list(frame.columns) == ["month", "forecast", "lower_80", "upper_80", "lower_95", "upper_95",
                                   "method"]
    assert (frame["method"] == "seasonal_naive").all() and len(frame) == 12


def test_backtest_intervals_are_those_the_forecast_would_have_given_then():
    y = seasonal(72, noise=5, seed=8)
    bt = backtest_series(y, origins=["2023-03-01"], methods=("seasonal_naive", "combination"))
    for method in ("seasonal_naive", "combination"):
        then = forecast_series(y[:"2023-03-01"], method=method)
        rows = bt.errors.loc[bt.errors["method"] == method].sort_values("horizon")
        for level in (80, 95):
            np.testing.assert_allclose(rows[f"lower_{level}"].to_numpy(), then.lower[level].to_numpy())
            np.testing.assert_allclose(rows[f"upper_{level}"].to_numpy(), then.upper[level].to_numpy())
        total = bt.totals.set_index("method").loc[method]
        assert total["upper_95"] == pytest.approx(then.total().upper[95])
        assert total["previous"] == y["2022-04-01":"2023-03-01"].sum()


def test_beyond_the_calibrated_horizon_intervals_are_normal_approximations():
    y = seasonal(60, noise=5, seed=2)
    fc = forecast_series(y, method="seasonal_naive", horizon=18)
    assert "normal approximation" in fc.interval_method and "18 months ahead" in fc.interval_method
    assert fc.total(12).interval_method.startswith("sum of monthly bounds")


# --- Fallbacks ------------------------------------------------------------------------------------


def test_short_series_falls_back_to_seasonal_naive_with_reason():
    y = seasonal(20, noise=2, seed=1)
    fc = forecast_series(y)  # combination asked for
    assert fc.method == "seasonal_naive" and fc.requested_method == "combination"
    assert "20 months" in fc.reason and "fewer than 30" in fc.reason
    assert fc.forecast.tolist() == y.iloc[-12:].tolist()
    assert "conformal" in fc.interval_method
    # 20 months hold year-on-year comparisons of totals of up to 8 months; longer totals add monthly bounds
    assert sorted(fc.total_halfwidths) == list(range(1, 9))
    assert fc.total(8).interval_method.startswith("conformal")
    assert fc.total(12).interval_method.startswith("sum of monthly bounds")


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


# --- Plot -----------------------------------------------------------------------------------------


def test_plot_labels_every_element():
    y = seasonal(40, noise=3, seed=9)
    fc = forecast_series(y, method="seasonal_naive")
    ax = fc.plot(target=95.0)
    labels = ax.get_legend_handles_labels()[1]
    assert labels == ["Recorded", "95% prediction interval", "80% prediction interval",
                      "Forecast (seasonal naive)", "Target"]
    assert ax.get_ylim()[0] == 0
    plt.close(ax.figure)
