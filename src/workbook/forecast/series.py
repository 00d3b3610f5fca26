"""Forecasting one monthly series with intervals and 12-month totals."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.intervals import (
    CALIBRATION_ORIGINS,
    HORIZON_BAND,
    _actuals,
    _calibrate,
    _fallback,
    _parametric_offsets,
    _rolling,
    _window,
)
from workbook.forecast.methods import (
    COMBINATION_MEMBERS,
    MIN_MONTHS_MODEL,
    SEASON,
    _check_levels,
    _check_method,
    _check_series,
    _fit_predict,
    _scale,
)
from workbook.forecast.results import BacktestResult, ForecastResult

# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


logger = logging.getLogger(__name__)


def forecast_series(
    y: pd.Series,
    *,
    horizon: int = 12,
    method: str = "combination",
    levels: Sequence[int] = (80, 95),
    train: int | None = 36,
    calibration_origins: int = CALIBRATION_ORIGINS,
    backtest: BacktestResult | None = None,
) -> ForecastResult:
    """Forecast a monthly count series with prediction intervals.

    Parameters
    ----------
    y
        Monthly counts indexed by consecutive month starts (freq ``"MS"``).
    horizon
        Months to forecast.
    method
        One of :data:`METHODS`; ``"combination"`` by default.
    levels
        Prediction interval levels in per cent.
    train
        Fit on the last ``train`` months (the window the backtest tests);
        ``None`` for the whole series.
    calibration_origins
        How many recent origins' backtest errors calibrate the intervals.
    backtest
        A :func:`backtest_series` result on the same series (and settings)
        whose errors are reused for the intervals instead of re-running the
        method; it must include the method and the recent origins.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ValueInputError
        If ``y`` is not a monthly series of counts >= 0 or an option is
        out of range.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> months = pd.date_range("2019-04-01", periods=60, freq="MS")
    >>> y = pd.Series(rng.poisson(100 + 20 * np.sin(2 * np.pi * np.arange(60) / 12)), index=months)
    >>> fc = forecast_series(y, horizon=12)
    >>> fc.method, len(fc.forecast), list(fc.to_frame().columns)
    ('combination', 12, ['month', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95', 'method'])
    >>> bool((fc.lower[95] <= fc.lower[80]).all() and (fc.upper[80] <= fc.upper[95]).all())
    True
    >>> short = forecast_series(y.iloc[:20])
    >>> short.method, short.reason[:42]
    ('seasonal_naive', 'only 20 months of data (fewer than 30, two')
    """
    y = _check_series(y)
    method = _check_method(method)
    levels = _check_levels(levels)
    if int(horizon) < 1:
        raise ValueInputError(f"expected a horizon of at least 1 month; got {horizon!r}")
    if train is not None and int(train) < MIN_MONTHS_MODEL:
        raise ValueInputError(
            f"expected a training window of at least {MIN_MONTHS_MODEL} months; got {train!r}")
    horizon = int(horizon)
    values = y.to_numpy()
    n = len(values)
    used, reason = _fallback(y, method, train)
    x = _window(values, n - 1, train)
    months = pd.date_range(y.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")

    if used == "naive_mean":
        point = np.full(horizon, float(values.mean()))
    elif used == "combination":
        fits = [_fit_predict(m, x, horizon) for m in COMBINATION_MEMBERS]
        point = np.mean([f for f, _ in fits], axis=0)
        failures = [msg for _, msg in fits if msg is not None]
        if failures:
            reason = "; ".join(failures)
    else:
        point, failure = _fit_predict(used, x, horizon)
        if failure is not None:
            used, reason = "seasonal_naive", failure
    point = np.clip(point, 0.0, None)
    scale = _scale(x)

    lower_q: dict[int, np.ndarray] | None = None
    totals: dict[int, np.ndarray] = {}
    total_df: dict[int, float] = {}
    if used != "naive_mean":
        min_window = MIN_MONTHS_MODEL if used != "seasonal_naive" else 2 * SEASON
        scaled, positions = _calibration_errors(
            y, used, horizon=horizon, train=train, window=calibration_origins, min_window=min_window,
            backtest=backtest)
        if scaled is not None:
            lq, uq, calibrated = _calibrate(scaled, positions, n - 1, window=calibration_origins,
                                            levels=levels)
            totals = {k: errs for k, (errs, _) in calibrated.items()}
            total_df = {k: df for k, (_, df) in calibrated.items()}
            if all(np.isfinite(lq[level]).all() for level in levels):
                lower_q, upper_q = lq, uq
    if lower_q is not None:
        lower = {level: np.clip(point + scale * lower_q[level], 0.0, None) for level in levels}
        upper = {level: np.clip(point + scale * upper_q[level], 0.0, None) for level in levels}
        how = (f"empirical (split conformal): absolute scaled errors from the last {calibration_origins} "
               f"rolling origins, horizons pooled within +/-{HORIZON_BAND} months")
    else:
        lo_off, hi_off = _parametric_offsets(x, point, levels)
        lower = {level: np.clip(point + lo_off[level], 0.0, None) for level in levels}
        upper = {level: np.clip(point + hi_off[level], 0.0, None) for level in levels}
        how = "normal approximation with seasonal naive widths (too little history to calibrate empirically)"
        totals, total_df = {}, {}
    return ForecastResult(
        method=used,
        requested_method=method,
        reason=reason,
        history=y,
        forecast=pd.Series(point, index=months, name="forecast"),
        lower={level: pd.Series(lower[level], index=months, name=f"lower_{level}") for level in levels},
        upper={level: pd.Series(upper[level], index=months, name=f"upper_{level}") for level in levels},
        levels=levels,
        interval_method=how,
        scale=scale,
        total_errors=totals,
        total_df=total_df,
    )


def _calibration_errors(y: pd.Series, method: str, *, horizon: int, train: int | None, window: int,
                        min_window: int, backtest: BacktestResult | None
                        ) -> tuple[np.ndarray | None, np.ndarray]:
    """Scaled errors ``(P, H)`` of ``method`` from the last ``window`` origins."""
    n = len(y)
    if backtest is not None:
        if (method in backtest.methods and backtest.horizon >= horizon and backtest.train == train
                and backtest.series.equals(y)):
            rows = backtest.errors.loc[backtest.errors["method"] == method]
            pos_of = {m: i for i, m in enumerate(y.index)}
            positions = np.array(sorted({pos_of[o] for o in rows["origin"]}))
            positions = positions[positions >= n - 1 - window]
            if positions.size:
                scaled = np.full((positions.size, horizon), np.nan)
                index = {p: i for i, p in enumerate(positions)}
                for r in rows.itertuples(index=False):
                    p = pos_of[r.origin]
                    if p in index and r.horizon <= horizon and not math.isnan(r.actual):
                        scaled[index[p], r.horizon - 1] = (r.actual - r.forecast) / r.scale
                return scaled, positions
        logger.info("backtest given does not match the series or method; recalibrating")
    positions = np.arange(max(min_window - 1, n - 1 - window), n - 1)
    if positions.size == 0:
        return None, positions
    values = y.to_numpy()
    fc, scales = _rolling(values, positions, train=train, horizon=horizon, methods=(method,))
    scaled = (_actuals(values, positions, horizon) - fc[method]) / scales[:, None]
    return scaled, positions
