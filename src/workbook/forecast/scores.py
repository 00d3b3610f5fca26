"""Scoring forecasts against what happened: error and coverage summaries of a backtest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from workbook.forecast.methods import METHODS


def summarise_errors(errors: pd.DataFrame, *, levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """Accuracy by method from a long table of backtest errors.

    Parameters
    ----------
    errors
        Rows with ``method, origin, actual, forecast, scale`` and optional
        ``lower_<L>, upper_<L>`` (as in :attr:`BacktestResult.errors`).
    levels
        Interval levels whose coverage to report.

    Returns
    -------
    pandas.DataFrame
        ``method, mase, wape, relative_mase, coverage_<L>..., n_origins,
        n_errors, n_intervals``; ``relative_mase`` is missing without a
        seasonal naive row.

    Examples
    --------
    >>> e = pd.DataFrame({"method": ["a", "a"], "origin": ["2020-01-01"] * 2, "actual": [10.0, 20.0],
    ...                   "forecast": [12.0, 17.0], "scale": [2.0, 2.0],
    ...                   "lower_95": [11.0, 18.0], "upper_95": [15.0, 25.0]})
    >>> summarise_errors(e, levels=(95,)).loc[0, ["mase", "wape", "coverage_95"]].tolist()
    [1.25, 0.16666666666666666, 0.5]
    """
    rows = []
    order = {m: i for i, m in enumerate(METHODS)}
    for m, g in sorted(errors.groupby("method", sort=False), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        abs_err = (g["actual"] - g["forecast"]).abs()
        total = g["actual"].sum()
        row: dict[str, Any] = {
            "method": m,
            "mase": float((abs_err / g["scale"]).mean()),
            "wape": float(abs_err.sum() / total) if total > 0 else float("nan"),
        }
        n_int = 0
        for level in levels:
            lo, hi = f"lower_{level}", f"upper_{level}"
            if lo in g and hi in g:
                ok = g[lo].notna() & g[hi].notna()
                inside = (g.loc[ok, "actual"] >= g.loc[ok, lo]) & (g.loc[ok, "actual"] <= g.loc[ok, hi])
                row[f"coverage_{level}"] = float(inside.mean()) if ok.any() else float("nan")
                n_int = max(n_int, int(ok.sum()))
            else:
                row[f"coverage_{level}"] = float("nan")
        row["n_origins"] = int(g["origin"].nunique())
        row["n_errors"] = len(g)
        row["n_intervals"] = n_int
        rows.append(row)
    out = pd.DataFrame(rows)
    base = out.loc[out["method"] == "seasonal_naive", "mase"]
    out.insert(3, "relative_mase", out["mase"] / float(base.iloc[0]) if len(base) else float("nan"))
    return out


def summarise_totals(totals: pd.DataFrame, *, levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """Coverage of the intervals of horizon totals, by method.

    Parameters
    ----------
    totals
        Rows with ``method, actual`` and ``lower_<L>, upper_<L>`` (as in
        :attr:`BacktestResult.totals`).
    levels
        Interval levels.

    Returns
    -------
    pandas.DataFrame
        ``method, total_coverage_<L>..., n_totals`` (totals with an
        interval).

    Examples
    --------
    >>> t = pd.DataFrame({"method": ["a"] * 3, "actual": [100.0, 120.0, 90.0],
    ...                   "lower_95": [95.0, 100.0, None], "upper_95": [110.0, 115.0, None]})
    >>> summarise_totals(t, levels=(95,)).values.tolist()
    [['a', 0.5, 2]]
    """
    rows = []
    for m, g in totals.groupby("method", sort=False):
        row: dict[str, Any] = {"method": m}
        n = 0
        for level in levels:
            ok = g[f"lower_{level}"].notna() & g[f"upper_{level}"].notna()
            inside = (g.loc[ok, "actual"] >= g.loc[ok, f"lower_{level}"]) & (
                g.loc[ok, "actual"] <= g.loc[ok, f"upper_{level}"])
            row[f"total_coverage_{level}"] = float(inside.mean()) if ok.any() else float("nan")
            n = max(n, int(ok.sum()))
        row["n_totals"] = n
        rows.append(row)
    columns = ["method", *[f"total_coverage_{level}" for level in levels], "n_totals"]
    return pd.DataFrame(rows, columns=columns)
