"""Prediction intervals: conformal quantiles of scaled errors pooled over many series.

A forecast's interval is ``point +/- scale x q``: ``q`` is a quantile of the
absolute scaled errors that the same method made on many real series from
rolling origins (a split-conformal interval), and ``scale`` is the series'
own in-sample error of seasonal naive, so the interval is as wide as the
series is changeable.

- A month ``h`` months ahead: scaled by ``s``, the mean absolute
  year-on-year change of the months in the training window (the MASE
  denominator); ``q`` is the quantile of the errors ``h`` months ahead.
- The total of the first ``k`` forecast months: scaled by ``s_k``, the mean
  absolute year-on-year change of the window's rolling ``k``-month totals
  (the same measure for a ``k``-month total; ``s_1 = s``); ``q`` is the
  quantile of the errors of ``k``-month totals.  Monthly errors are
  correlated, so this is not the sum of the monthly bounds.

Why pooled: one series' own backtest holds about three non-overlapping
12-month totals in three years of origins, far too few for a 95% quantile
(hence the Student t(3) widths this replaced).  The quantiles are measured by
``benchmarks/forecast_accuracy.py`` on every London borough's six main
offence groups and shipped in ``calibration.csv`` beside this module, with
the month up to which outcomes were used.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from workbook.core.errors import ValueInputError
from workbook.forecast.methods import (
    MIN_MONTHS_MODEL,
    SEASON,
    SPARSE_ZERO_SHARE,
    _scale,
)

logger = logging.getLogger(__name__)

CALIBRATION_PATH = Path(__file__).with_name("calibration.csv")
"""The shipped quantile table (written by ``benchmarks/forecast_accuracy.py --write-calibration``)."""

CALIBRATION_LEVELS: tuple[int, ...] = (50, 60, 67, 70, 75, 80, 85, 90, 95, 98, 99)
"""Levels (per cent) stored in the table; levels between them are interpolated."""

CALIBRATION_COLUMNS = ("method", "kind", "horizon", "level", "quantile", "n_errors", "n_series",
                       "calibrated_until")


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 200.0))


def _window(values: np.ndarray, position: int, train: int | None) -> np.ndarray:
    start = 0 if train is None else max(0, position + 1 - train)
    return values[start:position + 1]


def conformal_quantile(errors: np.ndarray | Sequence[float], level: float) -> float:
    """Split-conformal quantile: the ceil((n + 1) L)-th smallest absolute error.

    With ``n`` exchangeable errors, a new error is at most this large with
    probability at least ``L``.  Clamped to the largest error when ``n`` is
    too small for that rank.

    Examples
    --------
    >>> e = [(-1) ** k * k for k in range(1, 20)]   # |e| = 1 .. 19
    >>> conformal_quantile(e, 95), conformal_quantile(e, 80)   # ranks ceil(20 x 0.95) = 19, ceil(16) = 16
    (19.0, 16.0)
    >>> conformal_quantile([1.0, -3.0, 2.0], 95)
    3.0
    """
    a = np.sort(np.abs(np.asarray(errors, dtype=float)))
    a = a[np.isfinite(a)]
    if a.size == 0:
        raise ValueInputError("expected at least one error to take a quantile of")
    k = math.ceil((a.size + 1) * float(level) / 100.0)
    return float(a[min(max(k, 1), a.size) - 1])


def total_scales(x: np.ndarray | Sequence[float], horizon: int = SEASON) -> np.ndarray:
    """Scales of the totals of the first 1, 2, ..., ``horizon`` forecast months.

    ``s_k`` is the mean absolute difference between each ``k``-month total
    in the training window ``x`` and the total of the same ``k`` months a year
    before: the in-sample error of seasonal naive for a ``k``-month total.
    ``s_1`` is the usual MASE scale.  Where ``x`` is too short for a
    ``k``-month comparison (fewer than ``k + 12`` months) ``s_k`` is NaN;
    where every difference is zero it is ``k x s_1``; never below 1 crime.

    Examples
    --------
    >>> x = np.r_[np.full(12, 10.0), np.full(12, 12.0), np.full(12, 13.0)]
    >>> total_scales(x, 3).tolist()   # s_1 = (12 x 2 + 12 x 1) / 24; s_3 = (10 x 6 + 5 + 4 + 10 x 3) / 22
    [1.5, 3.0, 4.5]
    >>> bool(np.isnan(total_scales(np.arange(20.0), 12)[-1]))
    True
    """
    x = np.asarray(x, dtype=float)
    s1 = _scale(x)
    out = np.full(int(horizon), np.nan)
    csum = np.concatenate([[0.0], np.cumsum(x)])
    for k in range(1, int(horizon) + 1):
        if k == 1:
            out[0] = s1
            continue
        if len(x) < k + SEASON:
            continue
        rolling = csum[k:] - csum[:-k]
        d = float(np.mean(np.abs(rolling[SEASON:] - rolling[:-SEASON])))
        out[k - 1] = max(d if d > 0 else k * s1, 1.0)
    return out


def calibrate_intervals(errors: pd.DataFrame, *, levels: Sequence[int] = CALIBRATION_LEVELS,
                        min_errors: int = 200) -> pd.DataFrame:
    """Conformal quantiles of scaled errors, by method, horizon and level.

    Parameters
    ----------
    errors
        Backtest errors pooled over series and origins, with columns
        ``method, horizon, actual, forecast, scale`` and, for totals,
        ``total_actual, total_forecast, total_scale`` (the total of the first
        ``horizon`` months and its scale ``s_k``), as
        :attr:`workbook.forecast.results.BacktestResult.errors` has them;
        optionally ``series`` (counted in ``n_series``).
    levels
        Levels in per cent.
    min_errors
        Fewest errors for a quantile; horizons with fewer are left out.

    Returns
    -------
    pandas.DataFrame
        ``method, kind`` (``"month"`` or ``"total"``), ``horizon, level,
        quantile, n_errors, n_series`` (``calibrated_until`` is added by the
        caller that knows it).

    Examples
    --------
    >>> e = pd.DataFrame({"method": "m", "horizon": 1, "actual": np.arange(1.0, 20.0), "forecast": 0.0,
    ...                   "scale": 1.0, "total_actual": np.arange(1.0, 20.0), "total_forecast": 0.0,
    ...                   "total_scale": 2.0})
    >>> t = calibrate_intervals(e, levels=(80, 95), min_errors=10)
    >>> t[["kind", "level", "quantile"]].values.tolist()
    [['month', 80, 16.0], ['month', 95, 19.0], ['total', 80, 8.0], ['total', 95, 9.5]]
    """
    rows = []
    for (method, h), g in errors.groupby(["method", "horizon"], sort=True):
        n_series = int(g["series"].nunique()) if "series" in g else np.nan
        kinds = {"month": (g["actual"] - g["forecast"]) / g["scale"]}
        if {"total_actual", "total_forecast", "total_scale"} <= set(g.columns):
            kinds["total"] = (g["total_actual"] - g["total_forecast"]) / g["total_scale"]
        for kind, z in kinds.items():
            z = z.to_numpy(dtype=float)
            z = z[np.isfinite(z)]
            if z.size < min_errors:
                continue
            for level in levels:
                rows.append({"method": method, "kind": kind, "horizon": int(h), "level": level,
                             "quantile": conformal_quantile(z, level), "n_errors": int(z.size),
                             "n_series": n_series})
    out = pd.DataFrame(rows, columns=list(CALIBRATION_COLUMNS[:-1]))
    return out.sort_values(["method", "kind", "horizon", "level"], kind="stable").reset_index(drop=True)


@lru_cache(maxsize=4)
def _read_calibration(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


def load_calibration(path: str | Path | None = None) -> pd.DataFrame:
    """The shipped calibration table (see :func:`calibrate_intervals`).

    Examples
    --------
    >>> t = load_calibration()
    >>> sorted(t["kind"].unique()), int(t["horizon"].max())
    (['month', 'total'], 12)
    """
    return _read_calibration(str(CALIBRATION_PATH if path is None else path)).copy()


def calibration_quantiles(table: pd.DataFrame, method: str, *, kind: str, horizon: int,
                          levels: Sequence[int]) -> dict[int, np.ndarray] | None:
    """Quantiles for horizons 1..``horizon`` at each level, or ``None``.

    Levels between those in the table are interpolated linearly.  ``None``
    when the table has no rows for the method, or does not reach ``horizon``
    months, or the levels lie outside the table's.

    Examples
    --------
    >>> t = pd.DataFrame({"method": "m", "kind": "month", "horizon": [1, 1, 2, 2], "level": [80, 90] * 2,
    ...                   "quantile": [1.0, 2.0, 1.5, 2.5]})
    >>> {k: v.tolist() for k, v in calibration_quantiles(t, "m", kind="month", horizon=2, levels=(85,)).items()}
    {85: [1.5, 2.0]}
    >>> calibration_quantiles(t, "m", kind="month", horizon=3, levels=(85,)) is None
    True
    """
    sub = table.loc[(table["method"] == method) & (table["kind"] == kind)]
    if sub.empty:
        return None
    wide = sub.pivot_table(index="horizon", columns="level", values="quantile", aggfunc="first")
    wide = wide.reindex(range(1, int(horizon) + 1))
    if wide.isna().any().any():
        return None
    grid = wide.columns.to_numpy(dtype=float)
    out = {}
    for level in levels:
        if not grid.min() <= level <= grid.max():
            return None
        out[level] = np.array([float(np.interp(level, grid, row)) for row in wide.to_numpy()])
    return out


def check_calibrated_levels(levels: Sequence[int], table: pd.DataFrame) -> None:
    """Refuse levels the calibration table cannot give.

    Examples
    --------
    >>> check_calibrated_levels((80, 95), load_calibration())
    >>> check_calibrated_levels((40,), load_calibration())
    Traceback (most recent call last):
    ...
    workbook.core.errors.ValueInputError: calibrated intervals exist for levels from 50% to 99%; got 40%
    """
    lo, hi = float(table["level"].min()), float(table["level"].max())
    for level in levels:
        if not lo <= level <= hi:
            raise ValueInputError(f"calibrated intervals exist for levels from {lo:g}% to {hi:g}%; got {level:g}%")


def _parametric_offsets(x: np.ndarray, point: np.ndarray, levels: Sequence[int]
                        ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Normal interval half-widths of the seasonal naive (or mean) method.

    sd_h = sigma x sqrt(floor((h - 1) / 12) + 1), sigma the standard deviation
    of the year-on-year differences; below 13 months the standard deviation
    of the months x sqrt(1 + 1/n).  Never narrower than Poisson noise
    (sqrt of the point forecast), since these are counts.
    """
    h = np.arange(1, len(point) + 1)
    if len(x) > SEASON + 1:
        sigma = float(np.std(x[SEASON:] - x[:-SEASON], ddof=1))
        sd = sigma * np.sqrt(np.floor((h - 1) / SEASON) + 1)
    elif len(x) > 1:
        sd = np.full(len(point), float(np.std(x, ddof=1)) * math.sqrt(1 + 1 / len(x)))
    else:
        sd = np.zeros(len(point))
    sd = np.maximum(sd, np.sqrt(np.maximum(point, 1.0)))
    lower = {level: -_z(level) * sd for level in levels}
    upper = {level: _z(level) * sd for level in levels}
    return lower, upper


def _fallback(y: pd.Series, method: str, train: int | None) -> tuple[str, str | None]:
    """Which method to use on ``y``, and why if not ``method``."""
    n = len(y)
    if n < SEASON:
        return "naive_mean", (f"only {n} months of data (fewer than {SEASON}), so the forecast is the mean "
                              "of the months available")
    if n < MIN_MONTHS_MODEL:
        if method == "seasonal_naive":
            return method, None
        return "seasonal_naive", (f"only {n} months of data (fewer than {MIN_MONTHS_MODEL}, two full years "
                                  "and six months, needed to fit a model), so seasonal naive is used")
    window = y.to_numpy() if train is None else y.to_numpy()[-train:]
    zeros = int(np.sum(window == 0))
    if zeros >= SPARSE_ZERO_SHARE * len(window) and method != "seasonal_naive":
        return "seasonal_naive", (f"{zeros} of the last {len(window)} months are zero (too sparse to fit a "
                                  "model), so seasonal naive is used")
    return method, None
