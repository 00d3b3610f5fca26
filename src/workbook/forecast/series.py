"""Forecasting one monthly series with intervals and 12-month totals."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.intervals import (
    _fallback,
    _parametric_offsets,
    _window,
    calibration_quantiles,
    check_calibrated_levels,
    load_calibration,
    total_scales,
)
from workbook.forecast.methods import (
    COMBINATION_MEMBERS,
    METHOD_LABELS,
    MIN_MONTHS_MODEL,
    _check_levels,
    _check_method,
    _check_series,
    _fit_predict,
    _scale,
)
from workbook.forecast.results import ForecastResult

logger = logging.getLogger(__name__)


def _describe(table: pd.DataFrame, method: str) -> str:
    sub = table.loc[table["method"] == method]
    where = ""
    if "n_series" in sub and sub["n_series"].notna().any():
        where = f" on {int(sub['n_series'].max())} series"
    until = ""
    if "calibrated_until" in sub and sub["calibrated_until"].notna().any():
        until = f", outcomes to {sub['calibrated_until'].dropna().iloc[0]}"
    return (f"conformal: quantiles of the absolute scaled errors of {METHOD_LABELS.get(method, method)} "
            f"from rolling origins{where}{until}, by months ahead")


def forecast_series(
    y: pd.Series,
    *,
    horizon: int = 12,
    method: str = "combination",
    levels: Sequence[int] = (80, 95),
    train: int | None = 36,
    calibration: pd.DataFrame | None = None,
) -> ForecastResult:
    """Forecast a monthly count series with prediction intervals.

    The point forecast is fitted on the last ``train`` months.  The interval
    of the month ``h`` ahead is ``point +/- s x q_h`` and that of the total of
    the first ``k`` months ``total +/- s_k x Q_k``: ``s`` and ``s_k`` are the
    series' own seasonal naive errors (see
    :func:`workbook.forecast.intervals.total_scales`), ``q_h`` and ``Q_k``
    conformal quantiles of the same method's scaled errors on many real
    series (the calibration table).  Series too short for a model fall back
    to seasonal naive, and below 12 months to the mean with a normal
    interval; the reason is given.

    Parameters
    ----------
    y
        Monthly counts indexed by consecutive month starts (freq ``"MS"``).
    horizon
        Months to forecast (the table is calibrated to 12; beyond it the
        intervals are normal approximations and say so).
    method
        One of :data:`METHODS`; ``"combination"`` by default.
    levels
        Prediction interval levels in per cent (50 to 99).
    train
        Fit on the last ``train`` months (the window the table was
        calibrated on); ``None`` for the whole series.
    calibration
        A table from :func:`workbook.forecast.intervals.calibrate_intervals`;
        the shipped one if ``None``.

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
    table = load_calibration() if calibration is None else calibration
    check_calibrated_levels(levels, table)
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

    q_month = q_total = None
    scales = np.full(horizon, np.nan)
    if used != "naive_mean":
        q_month = calibration_quantiles(table, used, kind="month", horizon=horizon, levels=levels)
        q_total = calibration_quantiles(table, used, kind="total", horizon=horizon, levels=levels)
        scales = total_scales(x, horizon)
    if q_month is not None:
        lower = {level: np.clip(point - scale * q_month[level], 0.0, None) for level in levels}
        upper = {level: point + scale * q_month[level] for level in levels}
        how = _describe(table, used)
    else:
        lo_off, hi_off = _parametric_offsets(x, point, levels)
        lower = {level: np.clip(point + lo_off[level], 0.0, None) for level in levels}
        upper = {level: np.clip(point + hi_off[level], 0.0, None) for level in levels}
        why = ("too little history to use a model" if used == "naive_mean"
               else f"no calibrated quantiles for {horizon} months ahead")
        how = f"normal approximation with seasonal naive widths ({why})"
    halfwidths: dict[int, dict[int, float]] = {}
    if q_total is not None:
        for k in range(1, horizon + 1):
            if np.isfinite(scales[k - 1]):
                halfwidths[k] = {level: float(scales[k - 1] * q_total[level][k - 1]) for level in levels}
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
        total_scales={k + 1: float(v) for k, v in enumerate(scales) if np.isfinite(v)},
        total_halfwidths=halfwidths,
    )
