"""Seeded synthetic monthly series for the forecast tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

SEASON = np.array([10, 0, -5, 5, 15, 20, 10, 0, -10, -15, -20, -10], dtype=float)  # April first; sums to 10


def monthly(values, start="2019-04-01") -> pd.Series:
    values = np.asarray(values, dtype=float)
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def seasonal(n: int, *, level=100.0, slope=0.0, noise=0.0, seed=0) -> pd.Series:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return monthly(level + slope * t + SEASON[t % 12] + rng.normal(0, noise, n) if noise else
                   level + slope * t + SEASON[t % 12])


def drifting_counts(n: int, *, level: float, seed: int, drift_sd: float = 0.03) -> pd.Series:
    """Poisson counts around ``level`` x a seasonal pattern x a random-walk drift.

    The drift (log level changing by N(0, drift_sd) a month) makes 12-month
    totals wander as real crime series do, so their errors are larger than
    Poisson noise and correlated across months.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    walk = np.cumsum(rng.normal(0, drift_sd, n))
    mean = level * (1 + SEASON[t % 12] / 100) * np.exp(walk)
    return monthly(rng.poisson(mean))
