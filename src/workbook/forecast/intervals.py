"""Prediction intervals: conformal half-widths calibrated on rolling origins."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from workbook.forecast.methods import (
    COMBINATION_MEMBERS,
    MIN_MONTHS_MODEL,
    SEASON,
    SPARSE_ZERO_SHARE,
    _fit_predict,
    _members,
    _scale,
)

logger = logging.getLogger(__name__)

CALIBRATION_ORIGINS = 36
"""How many recent forecast origins calibrate the intervals."""

HORIZON_BAND = 2
"""Errors at horizons within this many months are pooled for a quantile."""

MIN_CALIBRATION_ERRORS = 20
"""Fewest pooled errors for an empirical interval at one horizon."""

MIN_TOTAL_ERRORS = 8
"""Fewest backtest totals for the empirical interval of a total."""


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 200.0))


def _window(values: np.ndarray, position: int, train: int | None) -> np.ndarray:
    start = 0 if train is None else max(0, position + 1 - train)
    return values[start:position + 1]


def _rolling(values: np.ndarray, positions: Sequence[int], *, train: int | None, horizon: int,
             methods: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Forecasts from each origin position: ``{method: (P, H) array}`` and scales."""
    base = _members(methods)
    out = {m: np.full((len(positions), horizon), np.nan) for m in base}
    scales = np.empty(len(positions))
    for i, p in enumerate(positions):
        x = _window(values, p, train)
        scales[i] = _scale(x)
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


def _conformal_halfwidth(e: np.ndarray, level: int) -> float:
    """Split-conformal half-width: the ceil((n + 1) L)-th smallest |error|.

    Clamped to the largest error when n is too small for that rank.
    """
    a = np.sort(np.abs(e))
    n = a.size
    k = int(math.ceil((n + 1) * level / 100.0))
    return float(a[min(max(k, 1), n) - 1])


def _total_halfwidths(errs: np.ndarray, df: float | None, levels: Sequence[int]) -> dict[int, float] | None:
    """Scaled half-widths of a total's interval: t(df) quantile x RMS error.

    Centred on the forecast.  With errors e_i ~ N(0, s^2), a new error over
    the root mean square of the others follows Student's t; because totals
    from overlapping origins are far from independent, ``df`` is the number
    of non-overlapping k-month periods the totals span (about 3 for
    12-month totals from 36 origins), not their count.  ``None`` with fewer
    than :data:`MIN_TOTAL_ERRORS` totals.
    """
    errs = np.asarray(errs, dtype=float)
    if errs.size < MIN_TOTAL_ERRORS:
        return None
    df = float(errs.size if df is None else max(df, 1.0))
    rms = float(np.sqrt(np.mean(errs ** 2)))
    return {level: float(stats.t.ppf(0.5 + level / 200.0, df)) * rms for level in levels}


def _calibrate(scaled: np.ndarray, positions: np.ndarray, at: int, *, window: int,
               levels: Sequence[int]) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray],
                                                dict[int, tuple[np.ndarray, float]]]:
    """Scaled interval offsets for a forecast made at position ``at``.

    Uses the errors of origins ``at - window`` to ``at - 1`` whose month had
    been recorded by ``at``.  Returns lower and upper offsets per level
    (NaN where too few errors) and, for each k, the scaled errors of the
    totals of the first k months with their effective degrees of freedom
    (the number of non-overlapping k-month periods they span).
    """
    horizon = scaled.shape[1]
    use = (positions >= at - window) & (positions < at)
    sub, pos = scaled[use], positions[use]
    hs = np.arange(1, horizon + 1)
    seen = (pos[:, None] + hs[None, :] <= at) & np.isfinite(sub)
    lower = {level: np.full(horizon, np.nan) for level in levels}
    upper = {level: np.full(horizon, np.nan) for level in levels}
    for j in range(horizon):
        band = slice(max(0, j - HORIZON_BAND), min(horizon, j + HORIZON_BAND + 1))
        e = sub[:, band][seen[:, band]]
        if e.size >= MIN_CALIBRATION_ERRORS:
            for level in levels:
                half = _conformal_halfwidth(e, level)
                lower[level][j], upper[level][j] = -half, half
    totals = {}
    csum = np.cumsum(np.where(seen, sub, 0.0), axis=1)
    for k in range(1, horizon + 1):
        rows = seen[:, :k].all(axis=1)
        span = float(pos[rows].max() - pos[rows].min() + k) if rows.any() else 0.0
        totals[k] = (csum[rows, k - 1], max(span / k, 1.0))
    return lower, upper, totals


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
