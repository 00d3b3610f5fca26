"""Tests for workbook.forecast.intervals: conformal quantiles, scales, and coverage on seeded synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.helpers.forecast import drifting_counts, monthly
from workbook.core.errors import ValueInputError
from workbook.forecast.backtest import backtest_series
from workbook.forecast.intervals import (
    calibrate_intervals,
    calibration_quantiles,
    conformal_quantile,
    load_calibration,
    total_scales,
)
from workbook.forecast.series import forecast_series

# --- Pieces, by hand ------------------------------------------------------------------------------


def test_conformal_quantile_rank():
    e = np.arange(1, 20) * np.where(np.arange(19) % 2, 1, -1)  # |e| = 1 .. 19, n = 19
    # 95%: ceil(20 x 0.95) = 19th smallest = 19; 80%: ceil(20 x 0.8) = 16th = 16
    assert conformal_quantile(e, 95) == 19
    assert conformal_quantile(e, 80) == 16
    # too few errors for the rank: clamped to the largest
    assert conformal_quantile(np.array([1.0, -3.0, 2.0]), 95) == 3
    with pytest.raises(ValueInputError):
        conformal_quantile([np.nan], 95)


def test_total_scales_are_seasonal_naive_errors_of_k_month_totals():
    # 36 months: 10 a month in year 1; 12 in year 2 except 20 in its sixth month (index 17); 13 in year 3.
    x = np.r_[np.full(12, 10.0), np.full(12, 12.0), np.full(12, 13.0)]
    x[17] = 20.0
    s = total_scales(x, 12)
    # Year-on-year changes d_i = x_i - x_(i-12): year 2 eleven 2s and one 10 (20 - 10); year 3 eleven 1s and
    # one -7 (13 - 20).  s_1 = mean |d| = (22 + 10 + 11 + 7) / 24.
    assert s[0] == pytest.approx(50 / 24)
    # s_12: the 13 changes of 12-month totals ending in months 23 .. 35 are sums of 12 consecutive d:
    # 32; then 31, 30, 29, 28, 27 (a year-2 2 swapped for a year-3 1); then 10 (the 10 leaves, the -7
    # arrives: 27 - 10 - 7 ... = 10), 9, 8, 7, 6, 5, 4.  Mean 226 / 13.
    assert s[11] == pytest.approx(226 / 13)
    # s_2: changes of 2-month totals ending in months 13 .. 35 are d_(i-1) + d_i (23 of them):
    # 4, 4, 4, 4, 12, 12, 4, 4, 4, 4, 4, 3, 2, 2, 2, 2, -6, -6, 2, 2, 2, 2, 2; absolute sum 93
    assert s[1] == pytest.approx(93 / 23)
    # too short for a k-month comparison (fewer than k + 12 months): NaN; k = 1 always defined
    short = total_scales(x[:20], 12)
    assert np.isnan(short[8:]).all() and np.isfinite(short[:8]).all()
    # 0, 5, 0, 5, ...: every year-on-year change is 0, so s_1 falls back to the mean absolute
    # month-to-month change (5) and s_k to k x s_1
    flat = total_scales(np.tile([0.0, 5.0], 18), 3)
    assert flat[0] == pytest.approx(5.0) and flat[2] == pytest.approx(15.0)


def test_calibrate_intervals_by_hand():
    # horizon 1: |scaled errors| 1..19 (scale 1); totals scaled by 2.  horizon 2: too few errors.
    e = pd.DataFrame({"method": "m", "horizon": [1] * 19 + [2] * 5, "actual": np.r_[np.arange(1.0, 20), np.ones(5)],
                      "forecast": 0.0, "scale": 1.0, "total_actual": np.r_[np.arange(1.0, 20), np.ones(5)],
                      "total_forecast": 0.0, "total_scale": 2.0, "series": np.arange(24) % 3})
    t = calibrate_intervals(e, levels=(80, 95), min_errors=10)
    assert t[["kind", "horizon", "level", "quantile", "n_errors", "n_series"]].values.tolist() == [
        ["month", 1, 80, 16.0, 19, 3], ["month", 1, 95, 19.0, 19, 3],
        ["total", 1, 80, 8.0, 19, 3], ["total", 1, 95, 9.5, 19, 3]]


def test_calibration_quantiles_interpolate_levels_and_refuse_gaps():
    t = pd.DataFrame({"method": "m", "kind": "total", "horizon": [1, 1, 2, 2], "level": [80, 90, 80, 90],
                      "quantile": [1.0, 2.0, 3.0, 5.0]})
    q = calibration_quantiles(t, "m", kind="total", horizon=2, levels=(80, 85, 90))
    assert q[85].tolist() == [1.5, 4.0]
    assert calibration_quantiles(t, "m", kind="total", horizon=2, levels=(95,)) is None
    assert calibration_quantiles(t, "other", kind="total", horizon=2, levels=(80,)) is None


def test_shipped_table_widens_with_the_horizon():
    # Measured on the London series: errors grow with the horizon, and a 12-month total's scaled error
    # (scaled by its own s_12) is not smaller than a single month's.
    t = load_calibration()
    for kind in ("month", "total"):
        q = calibration_quantiles(t, "combination", kind=kind, horizon=12, levels=(80, 95))
        for level in (80, 95):
            assert np.all(np.diff(q[level]) >= -1e-9) and q[level][-1] > q[level][0]
    assert set(t["calibrated_until"]) == {"2023-11"}


def test_forecast_intervals_are_the_table_quantiles_times_the_series_scales():
    y = drifting_counts(60, level=200, seed=3)
    fc = forecast_series(y, method="seasonal_naive")
    q = calibration_quantiles(load_calibration(), "seasonal_naive", kind="month", horizon=12, levels=(80,))[80]
    np.testing.assert_allclose((fc.upper[80] - fc.forecast).to_numpy(), fc.scale * q)
    x = y.to_numpy()[-36:]
    assert fc.scale == pytest.approx(np.mean(np.abs(x[12:] - x[:-12])))
    qt = calibration_quantiles(load_calibration(), "seasonal_naive", kind="total", horizon=12, levels=(95,))[95]
    t = fc.total()
    assert t.upper[95] - t.point == pytest.approx(total_scales(x, 12)[11] * qt[11])
    assert "conformal" in fc.interval_method and "outcomes to 2023-11" in fc.interval_method


# --- Coverage where the truth is known ------------------------------------------------------------


def _pooled(seeds, levels, *, calibration=None):
    frames, totals = [], []
    for seed, level in zip(seeds, levels):
        y = drifting_counts(96, level=level, seed=seed)
        bt = backtest_series(y, methods=("seasonal_naive", "regression"), calibration=calibration)
        frames.append(bt.errors.assign(series=seed, size=level))
        totals.append(bt.totals.assign(series=seed, size=level))
    return pd.concat(frames, ignore_index=True), pd.concat(totals, ignore_index=True)


@pytest.fixture(scope="module")
def synthetic():
    """60 series from one process (Poisson around a seasonal level with a random-walk drift), 10 to 1,000
    crimes a month: a table calibrated on 30 of them, and the other 30 backtested with it."""
    sizes = np.geomspace(10, 1000, 30)
    errors, _ = _pooled(range(100, 130), sizes, calibration=pd.DataFrame())
    table = calibrate_intervals(errors, levels=(80, 95))
    errors, totals = _pooled(range(200, 230), sizes, calibration=table)
    return table, errors, totals


def test_conformal_intervals_cover_at_their_nominal_rate_on_new_series(synthetic):
    # Calibrated on 30 series, forecasting 30 others from every origin: 80% and 95% intervals should cover
    # about 80% and 95% of months and of 12-month totals, for small and large series alike (the scales
    # carry the size).
    _, errors, totals = synthetic
    assert errors["series"].nunique() == 30 and len(totals) == 30 * 2 * 49
    for method in ("seasonal_naive", "regression"):
        for size in ("small", "large"):
            part = errors.loc[(errors["method"] == method)
                              & ((errors["size"] < 100) if size == "small" else (errors["size"] >= 100))]
            tot = totals.loc[(totals["method"] == method)
                             & ((totals["size"] < 100) if size == "small" else (totals["size"] >= 100))]
            for level, lo, hi in ((80, 0.75, 0.85), (95, 0.92, 0.98)):
                inside = (part["actual"] >= part[f"lower_{level}"]) & (part["actual"] <= part[f"upper_{level}"])
                assert lo <= inside.mean() <= hi, (method, size, level, inside.mean())
                t_in = (tot["actual"] >= tot[f"lower_{level}"]) & (tot["actual"] <= tot[f"upper_{level}"])
                assert lo - 0.03 <= t_in.mean() <= hi + 0.02, (method, size, level, "total", t_in.mean())


def test_summed_monthly_bounds_would_not_cover_totals_at_the_nominal_rate(synthetic):
    # Why totals have their own quantiles: on the same series, the 12-month total's own interval covers
    # about 80%, while +/- q_1 x sqrt(12) x the monthly scale (months' errors taken as independent) covers
    # far less, because the drift makes months' errors move together.
    table, errors, totals = synthetic
    q1 = calibration_quantiles(table, "seasonal_naive", kind="month", horizon=1, levels=(80,))[80][0]
    sn = totals.loc[totals["method"] == "seasonal_naive"]
    scale1 = errors.loc[(errors["method"] == "seasonal_naive") & (errors["horizon"] == 1)].set_index(
        ["series", "origin"])["scale"]
    s1 = scale1.reindex(pd.MultiIndex.from_frame(sn[["series", "origin"]])).to_numpy()
    naive = np.abs(sn["actual"] - sn["forecast"]) <= q1 * np.sqrt(12) * s1
    own = (sn["actual"] >= sn["lower_80"]) & (sn["actual"] <= sn["upper_80"])
    assert own.mean() >= 0.75 and naive.mean() < own.mean() - 0.10, (own.mean(), naive.mean())


def test_levels_outside_the_table_are_refused():
    y = monthly(np.full(40, 10.0))
    with pytest.raises(ValueInputError, match="levels from 50% to 99%"):
        forecast_series(y, levels=(40, 95))
