"""Rolling-origin backtests, error summaries and choosing a method."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.intervals import CALIBRATION_ORIGINS, _actuals, _calibrate, _rolling, _total_halfwidths
from workbook.forecast.methods import (
    METHOD_LABELS,
    METHODS,
    MIN_MONTHS_MODEL,
    _check_levels,
    _check_method,
    _check_series,
)
from workbook.forecast.results import BacktestResult, MethodChoice


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
    calibration_origins: int = CALIBRATION_ORIGINS,
) -> BacktestResult:
    """Rolling-origin backtest of forecasting methods on one series.

    From each origin (the last month of a ``train``-month training window)
    every method forecasts ``horizon`` months; each forecast is compared
    with what was recorded.  The interval for an origin is calibrated
    exactly as :func:`forecast_series` would have done then, from the
    errors of the previous ``calibration_origins`` origins *within this
    backtest* whose months had been recorded, so coverage is only checked
    once enough earlier origins exist.

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
    calibration_origins
        Window of earlier origins used to calibrate each interval.

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
    train, horizon = int(train), int(horizon)
    values = y.to_numpy()
    positions = _origin_positions(y, origins, train=train)
    fc, scales = _rolling(values, positions, train=train, horizon=horizon, methods=methods)
    act = _actuals(values, positions, horizon)
    frames, total_rows = [], []
    full = np.isfinite(act).all(axis=1)
    for m in methods:
        scaled = (act - fc[m]) / scales[:, None]
        bounds = {(level, side): np.full(act.shape, np.nan)
                  for level in levels for side in ("lower", "upper")}
        for i, p in enumerate(positions):
            lq, uq, totals = _calibrate(scaled, positions, p, window=calibration_origins, levels=levels)
            for level in levels:
                bounds[(level, "lower")][i] = np.clip(fc[m][i] + scales[i] * lq[level], 0.0, None)
                bounds[(level, "upper")][i] = np.clip(fc[m][i] + scales[i] * uq[level], 0.0, None)
            if full[i]:
                point = float(fc[m][i].sum())
                row: dict[str, Any] = {"method": m, "origin": y.index[p], "actual": float(act[i].sum()),
                                       "forecast": point, "scale": float(scales[i])}
                halves = _total_halfwidths(*totals[horizon], levels)
                for level in levels:
                    half = np.nan if halves is None else scales[i] * halves[level]
                    row[f"lower_{level}"] = max(0.0, point - half) if halves is not None else np.nan
                    row[f"upper_{level}"] = point + half
                total_rows.append(row)
        frame = pd.DataFrame({
            "method": m,
            "origin": np.repeat(y.index[positions], horizon),
            "horizon": np.tile(np.arange(1, horizon + 1), len(positions)),
            "actual": act.ravel(),
            "forecast": fc[m].ravel(),
            "scale": np.repeat(scales, horizon),
        })
        frame["month"] = [o + pd.DateOffset(months=int(h)) for o, h in zip(frame["origin"], frame["horizon"])]
        for level in levels:
            frame[f"lower_{level}"] = bounds[(level, "lower")].ravel()
            frame[f"upper_{level}"] = bounds[(level, "upper")].ravel()
        frames.append(frame.loc[frame["actual"].notna()])
    errors = pd.concat(frames, ignore_index=True)
    errors = errors[["method", "origin", "horizon", "month", "actual", "forecast", "scale"]
                    + [f"{side}_{level}" for level in levels for side in ("lower", "upper")]]
    totals_frame = pd.DataFrame(total_rows, columns=["method", "origin", "actual", "forecast", "scale"]
                                + [f"{side}_{level}" for level in levels for side in ("lower", "upper")])
    return BacktestResult(errors=errors, series=y, train=train, horizon=horizon, levels=levels,
                          calibration_origins=int(calibration_origins), totals=totals_frame)


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
    >>> bt = BacktestResult(errors=e, series=pd.Series(dtype=float), train=36, horizon=1, levels=(95,),
    ...                     calibration_origins=36)
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
