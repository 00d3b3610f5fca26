"""Rolling-origin backtests, error summaries and choosing a method."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.intervals import (
    _window,
    calibration_quantiles,
    check_calibrated_levels,
    load_calibration,
    total_scales,
)
from workbook.forecast.methods import (
    COMBINATION_MEMBERS,
    METHOD_LABELS,
    METHODS,
    MIN_MONTHS_MODEL,
    _check_levels,
    _check_method,
    _check_series,
    _fit_predict,
    _members,
)
from workbook.forecast.results import BacktestResult, MethodChoice


def _rolling(values: np.ndarray, positions: Sequence[int], *, train: int | None, horizon: int,
             methods: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Forecasts from each origin position, ``{method: (P, H) array}``, and the
    scales ``(P, H)`` of the totals of the first 1..H months (column 0 is the
    MASE scale)."""
    base = _members(methods)
    out = {m: np.full((len(positions), horizon), np.nan) for m in base}
    scales = np.empty((len(positions), horizon))
    for i, p in enumerate(positions):
        x = _window(values, p, train)
        scales[i] = total_scales(x, horizon)
        for m in base:
            out[m][i], _ = _fit_predict(m, x, horizon)
    if "combination" in methods:
        out["combination"] = np.mean([out[m] for m in COMBINATION_MEMBERS], axis=0)
    return {m: out[m] for m in methods}, scales


def _actuals(values: np.ndarray, positions: Sequence[int], horizon: int) -> np.ndarray:
    n = len(values)
    act = np.full((len(positions), horizon), np.nan)
    for i, p in enumerate(positions):
        k = min(horizon, n - 1 - p)
        if k > 0:
            act[i, :k] = values[p + 1:p + 1 + k]
    return act


def _origin_positions(y: pd.Series, origins: None | int | Sequence[Any], *, train: int) -> np.ndarray:
    n = len(y)
    first = train - 1
    if origins is None:
        positions = np.arange(first, n - 1)
    elif isinstance(origins, (int, np.integer)) and not isinstance(origins, bool):
        if origins < 1:
            raise ValueInputError(f"expected a positive number of origins; got {origins!r}")
        positions = np.arange(max(first, n - 1 - int(origins)), n - 1)
    else:
        idx = {m: i for i, m in enumerate(y.index)}
        found = []
        for o in origins:
            ts = pd.Timestamp(o)
            if ts not in idx:
                raise ValueInputError(f"origin {o!r} is not a month of the series "
                                      f"({y.index[0]:%Y-%m} to {y.index[-1]:%Y-%m})")
            if not first <= idx[ts] < n - 1:
                raise ValueInputError(
                    f"origin {ts:%Y-%m} needs {train} months of training data before it and at least "
                    "one recorded month after it")
            found.append(idx[ts])
        positions = np.array(sorted(set(found)), dtype=int)
    if positions.size == 0:
        raise ValueInputError(
            f"a backtest with a {train}-month training window needs at least {train + 1} months; "
            f"got {n}")
    return positions


def backtest_series(
    y: pd.Series,
    *,
    train: int = 36,
    horizon: int = 12,
    origins: None | int | Sequence[Any] = None,
    methods: Sequence[str] = METHODS,
    levels: Sequence[int] = (80, 95),
    calibration: pd.DataFrame | None = None,
) -> BacktestResult:
    """Rolling-origin backtest of forecasting methods on one series.

    From each origin (the last month of a ``train``-month training window)
    every method forecasts ``horizon`` months; each forecast is compared
    with what was recorded.  Intervals are those :func:`forecast_series`
    would have given then, from the calibration table (the shipped one by
    default).  Their coverage is an honest check only on months recorded
    after the table's ``calibrated_until`` month, or on series it was not
    calibrated on.

    Parameters
    ----------
    y
        Monthly counts indexed by consecutive month starts.
    train
        Training window in months (36).
    horizon
        Months forecast from each origin (12).
    origins
        ``None``: every origin with a full training window and at least one
        recorded month after it; an integer N: the N most recent such
        origins (the latest ones have fewer than ``horizon`` recorded months
        to compare, so short horizons weigh a little more); or a list of
        origin months.
    methods
        Methods to test (all by default).
    levels
        Interval levels in per cent.
    calibration
        A table from :func:`workbook.forecast.intervals.calibrate_intervals`;
        the shipped one if ``None``.  Methods it lacks get no intervals.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> months = pd.date_range("2018-04-01", periods=60, freq="MS")
    >>> y = pd.Series(rng.poisson(50 + 10 * np.cos(2 * np.pi * np.arange(60) / 12)), index=months)
    >>> bt = backtest_series(y, origins=6, methods=("seasonal_naive", "regression"))
    >>> bt.to_frame()[["method", "n_origins", "n_errors"]].values.tolist()
    [['seasonal_naive', 6, 21], ['regression', 6, 21]]
    """
    y = _check_series(y)
    levels = _check_levels(levels)
    methods = tuple(_check_method(m) for m in methods)
    if int(train) < MIN_MONTHS_MODEL:
        raise ValueInputError(
            f"expected a training window of at least {MIN_MONTHS_MODEL} months; got {train!r}")
    if int(horizon) < 1:
        raise ValueInputError(f"expected a horizon of at least 1 month; got {horizon!r}")
    table = load_calibration() if calibration is None else calibration
    if len(table):
        check_calibrated_levels(levels, table)
    train, horizon = int(train), int(horizon)
    values = y.to_numpy()
    positions = _origin_positions(y, origins, train=train)
    fc, scales = _rolling(values, positions, train=train, horizon=horizon, methods=methods)
    act = _actuals(values, positions, horizon)
    cum_act = np.cumsum(act, axis=1)
    full = np.isfinite(act).all(axis=1)
    previous = np.array([values[p + 1 - horizon:p + 1].sum() if p + 1 >= horizon else np.nan for p in positions])
    frames, total_frames = [], []
    for m in methods:
        nan = {level: np.full(act.shape, np.nan) for level in levels}
        qm = calibration_quantiles(table, m, kind="month", horizon=horizon, levels=levels) if len(table) else None
        qt = calibration_quantiles(table, m, kind="total", horizon=horizon, levels=levels) if len(table) else None
        cum_fc = np.cumsum(fc[m], axis=1)
        frame = pd.DataFrame({
            "method": m,
            "origin": np.repeat(y.index[positions], horizon),
            "horizon": np.tile(np.arange(1, horizon + 1), len(positions)),
            "actual": act.ravel(),
            "forecast": fc[m].ravel(),
            "scale": np.repeat(scales[:, 0], horizon),
            "total_actual": cum_act.ravel(),
            "total_forecast": cum_fc.ravel(),
            "total_scale": scales.ravel(),
        })
        frame["month"] = [o + pd.DateOffset(months=int(h)) for o, h in zip(frame["origin"], frame["horizon"])]
        totals = pd.DataFrame({"method": m, "origin": y.index[positions], "previous": previous,
                               "actual": cum_act[:, -1], "forecast": cum_fc[:, -1], "scale": scales[:, -1]})
        for level in levels:
            lo = nan[level] if qm is None else np.clip(fc[m] - scales[:, :1] * qm[level], 0.0, None)
            hi = nan[level] if qm is None else fc[m] + scales[:, :1] * qm[level]
            frame[f"lower_{level}"] = lo.ravel()
            frame[f"upper_{level}"] = hi.ravel()
            half = np.full(len(positions), np.nan) if qt is None else scales[:, -1] * qt[level][-1]
            totals[f"lower_{level}"] = np.clip(cum_fc[:, -1] - half, 0.0, None)
            totals[f"upper_{level}"] = cum_fc[:, -1] + half
        frames.append(frame.loc[frame["actual"].notna()])
        total_frames.append(totals.loc[full])
    bounds = [f"{side}_{level}" for level in levels for side in ("lower", "upper")]
    errors = pd.concat(frames, ignore_index=True)
    errors = errors[["method", "origin", "horizon", "month", "actual", "forecast", "scale", "total_actual",
                     "total_forecast", "total_scale", *bounds]]
    totals_frame = pd.concat(total_frames, ignore_index=True)
    return BacktestResult(errors=errors, series=y, train=train, horizon=horizon, levels=levels,
                          totals=totals_frame)


def choose_method(
    backtest: BacktestResult, *, prefer: str = "combination", tolerance: float = 0.05
) -> MethodChoice:
    """Choose a forecasting method from backtest evidence.

    The published evidence favours the combination, and a few origins on
    one series are noisy evidence, so ``prefer`` is kept unless another
    method's MASE is lower by more than ``tolerance`` (5%) of it.  If
    ``prefer`` was not tested, the lowest MASE wins.

    Parameters
    ----------
    backtest
        A :func:`backtest_series` result.
    prefer
        The default method.
    tolerance
        Relative MASE advantage another method needs to be chosen.

    Returns
    -------
    MethodChoice

    Examples
    --------
    >>> e = pd.DataFrame({"method": ["seasonal_naive", "combination", "ets"], "origin": ["2020-01-01"] * 3,
    ...                   "actual": [10.0] * 3, "forecast": [14.0, 12.0, 11.0], "scale": [2.0] * 3})
    >>> bt = BacktestResult(errors=e, series=pd.Series(dtype=float), train=36, horizon=1, levels=(95,))
    >>> choose_method(bt).method
    'ets'
    >>> choose_method(bt, tolerance=0.6).method
    'combination'
    """
    table = backtest.to_frame()
    mase = dict(zip(table["method"], table["mase"]))
    best = min(mase, key=lambda m: (mase[m], METHODS.index(m) if m in METHODS else 99))
    if prefer in mase and not mase[best] < (1.0 - tolerance) * mase[prefer]:
        method = prefer
        reason = (f"{METHOD_LABELS.get(prefer, prefer)} kept: MASE {mase[prefer]:.2f}; no method was more "
                  f"than {tolerance:.0%} more accurate (best {METHOD_LABELS.get(best, best)}, "
                  f"{mase[best]:.2f})")
    else:
        method = best
        reason = f"{METHOD_LABELS.get(best, best)} had the lowest MASE, {mase[best]:.2f}"
        if prefer in mase:
            reason += (f", more than {tolerance:.0%} below {METHOD_LABELS.get(prefer, prefer)} "
                       f"({mase[prefer]:.2f})")
    return MethodChoice(method=method, reason=reason, evidence=table)
