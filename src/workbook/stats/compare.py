"""Compare two periods: counts, difference, % change, and whether the change
is more than chance (a two-sample Poisson test with the rate ratio's 95%
interval, from statsmodels)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats import rates as sm_rates

from workbook.core.categories import ALL_CRIME, NOT_IN_ALL_CRIME
from workbook.core.errors import ValueInputError
from workbook.core.periods import Window
from workbook.stats.rates import poisson_count_interval

COMPARISON_COLUMNS = (
    "previous",
    "current",
    "difference",
    "pct_change",
    "rate_ratio",
    "rr_lower_95",
    "rr_upper_95",
    "p_value",
    "significant",
)


def pct_change(previous: float, current: float) -> float:
    """Percentage change ``100 × (current − previous) / previous``; NaN if the base is 0.

    Examples
    --------
    >>> round(pct_change(2699, 2752), 2)
    1.96
    >>> pct_change(0, 5)
    nan
    """
    if previous < 0 or current < 0:
        raise ValueInputError(f"counts must be >= 0, got previous={previous}, current={current}")
    if previous == 0:
        return math.nan
    return 100.0 * (current - previous) / previous


def assess_change(previous: int, current: int, *, alpha: float = 0.05) -> tuple[float, float, float, float]:
    """Two-sample Poisson test of equal rates over equal exposures.

    Returns ``(rate_ratio, lower, upper, p_value)`` for current / previous.
    The test is statsmodels' exact conditional test (a binomial test of
    ``current`` out of ``previous + current``); the interval is the score
    interval of the ratio.  Where both counts are 0 all are NaN; where the
    base is 0 the ratio and its upper bound are infinite.

    Examples
    --------
    >>> rr, lo, hi, p = assess_change(2699, 2752)
    >>> round(rr, 3), bool(p > 0.05)
    (1.02, True)
    >>> bool(assess_change(100, 150)[3] < 0.01)
    True
    """
    if previous < 0 or current < 0:
        raise ValueInputError(f"counts must be >= 0, got previous={previous}, current={current}")
    if previous == 0 and current == 0:
        return (math.nan, math.nan, math.nan, math.nan)
    with np.errstate(divide="ignore"):  # a zero base is handled below, not a numerical problem
        p = float(sm_rates.test_poisson_2indep(current, 1.0, previous, 1.0, method="exact-cond").pvalue)
    if previous == 0:
        return (math.inf, math.nan, math.inf, p)
    lo, hi = sm_rates.confint_poisson_2indep(current, 1.0, previous, 1.0, method="score", alpha=alpha)
    return (current / previous, float(lo), float(hi), p)


def compare_periods(
    data: pd.DataFrame,
    *,
    current: Window,
    previous: Window,
    by: Sequence[str] = ("category",),
    total: bool = True,
    total_label: str = ALL_CRIME,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Counts in two windows by group, with difference, % change and a test.

    Parameters
    ----------
    data
        The canonical crime table (at least ``month``, ``count`` and ``by``).
    current, previous
        The two windows; they should be the same length (the test assumes
        equal exposure).
    by
        Columns to group by (e.g. ``["category"]``, ``["area_name"]`` or both).
    total
        Add a total row (labelled ``total_label`` in every ``by`` column).
    alpha
        Significance level of the test and (1 − alpha) interval.

    Returns
    -------
    pandas.DataFrame
        ``by`` columns then ``previous, current, difference, pct_change,
        rate_ratio, rr_lower_95, rr_upper_95, p_value, significant``.
        Groups present in either window are kept (0 where absent), ordered
        by the current count, largest first; ``pct_change`` is NaN where the
        previous count is 0.

    Examples
    --------
    >>> df = pd.DataFrame({
    ...     "month": pd.to_datetime(["2012-04-01", "2013-04-01"] * 2),
    ...     "category": ["Violence", "Violence", "Burglary", "Burglary"],
    ...     "count": [976, 1074, 260, 236]})
    >>> from workbook.core.periods import Window
    >>> w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))
    >>> out = compare_periods(df, current=w(2013), previous=w(2012))
    >>> out[["category", "previous", "current", "difference"]].values.tolist()
    [['Violence', 976, 1074, 98], ['Burglary', 260, 236, -24], ['All crime', 1236, 1310, 74]]
    >>> float(round(out["pct_change"].iloc[0], 1))
    10.0
    """
    by = list(by)
    if current.n_months != previous.n_months:
        raise ValueInputError(
            f"windows differ in length ({current.label}: {current.n_months} months, "
            f"{previous.label}: {previous.n_months}); expected equal lengths"
        )
    missing = [c for c in [*by, "month", "count"] if c not in data.columns]
    if missing:
        raise ValueInputError(f"data lack column(s) {missing}; expected the canonical crime table")
    if (data["count"] < 0).any():
        raise ValueInputError("counts must be >= 0; found a negative count")

    def window_sum(w: Window) -> pd.Series:
        rows = data[(data["month"] >= w.start) & (data["month"] <= w.end)]
        return rows.groupby(by, observed=True)["count"].sum()

    cur, prev = window_sum(current), window_sum(previous)
    idx = cur.index.union(prev.index)
    table = pd.DataFrame(
        {"previous": prev.reindex(idx, fill_value=0), "current": cur.reindex(idx, fill_value=0)}
    ).astype("int64")
    table = table.sort_values("current", ascending=False, kind="stable").reset_index()
    if total:
        # records kept apart from crime (Action Fraud's NFIB, ASB incidents) are shown but never totalled
        counted = table[~table[by[0]].isin(NOT_IN_ALL_CRIME)] if by and by[0] in ("category", "subcategory") else table
        tot = {c: total_label for c in by} | {
            "previous": int(counted["previous"].sum()),
            "current": int(counted["current"].sum()),
        }
        table = pd.concat([table, pd.DataFrame([tot])], ignore_index=True)
    return add_change_columns(table, alpha=alpha)


def add_change_columns(table: pd.DataFrame, *, alpha: float = 0.05) -> pd.DataFrame:
    """Add difference, % change and the Poisson test to a ``previous``/``current`` table.

    Examples
    --------
    >>> t = add_change_columns(pd.DataFrame({"previous": [1108, 0], "current": [886, 3]}))
    >>> t["difference"].tolist(), float(round(t["pct_change"].iloc[0], 1)), bool(np.isnan(t["pct_change"].iloc[1]))
    ([-222, 3], -20.0, True)
    """
    out = table.copy()
    out["previous"] = out["previous"].astype("int64")
    out["current"] = out["current"].astype("int64")
    out["difference"] = out["current"] - out["previous"]
    out["pct_change"] = [pct_change(p, c) for p, c in zip(out["previous"], out["current"])]
    tests = [assess_change(int(p), int(c), alpha=alpha) for p, c in zip(out["previous"], out["current"])]
    out["rate_ratio"] = [t[0] for t in tests]
    out["rr_lower_95"] = [t[1] for t in tests]
    out["rr_upper_95"] = [t[2] for t in tests]
    out["p_value"] = [t[3] for t in tests]
    out["significant"] = np.array([bool(t[3] < alpha) if not math.isnan(t[3]) else False for t in tests])
    return out


def compare_sub_areas(
    data: pd.DataFrame,
    *,
    current: Window,
    previous: Window,
    categories: Sequence[str],
    sub_area_col: str = "area_name",
    total_label: str = "Total",
) -> dict[str, pd.DataFrame]:
    """For each category (or subcategory), the comparison by sub-area with a total row.

    A name in ``categories`` is looked up in ``category`` first, then in
    ``subcategory``, so "Sexual offences" (a subcategory) works as well as
    "Burglary".

    Examples
    --------
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2022-04-01", "2023-04-01"] * 2),
    ...     "area_name": ["A", "A", "B", "B"], "category": ["Robbery"] * 4, "subcategory": ["Robbery"] * 4,
    ...     "count": [5, 7, 10, 8]})
    >>> w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))
    >>> t = compare_sub_areas(df, current=w(2023), previous=w(2022), categories=["Robbery"])["Robbery"]
    >>> t[["area_name", "previous", "current", "difference"]].values.tolist()
    [['B', 10, 8, -2], ['A', 5, 7, 2], ['Total', 15, 15, 0]]
    """
    out = {}
    for cat in categories:
        col = "category" if cat in set(data["category"]) else "subcategory"
        rows = data[data[col] == cat]
        out[cat] = compare_periods(
            rows, current=current, previous=previous, by=[sub_area_col], total=True, total_label=total_label
        )
    return out


def comparison_protection(table: pd.DataFrame, *, label_col: str, total_label: str | None,
                          category: str | None = None,
                          category_col: str | None = None, level: str = "sub_area") -> dict[str, object]:
    """How a :func:`compare_periods` table is protected by disclosure control:
    its counts, its difference, the columns derived from them, and how those
    are worked out again from rounded counts.

    In a row whose counts are published rounded, the difference, % change,
    rate ratio with its interval, p-value and significance are recomputed
    from the rounded counts (:func:`add_change_columns`), and a rate per
    1,000 with its 95% interval from the rounded current count over the same
    denominator, so that none of them gives the exact counts back.
    ``total_label`` None: the table has no total row.  Rows kept out of
    "All crime" (:data:`~workbook.core.categories.NOT_IN_ALL_CRIME`) are
    left out of the total's relation.

    Examples
    --------
    >>> t = pd.DataFrame(columns=["area_name", "previous", "current", "difference", "pct_change"])
    >>> sorted(comparison_protection(t, label_col="area_name", total_label="Total", category="Robbery"))
    ['category', 'count_columns', 'derived_columns', 'difference_columns', 'label_col', 'level', 'recompute', 'total_row']
    >>> exact = add_change_columns(pd.DataFrame({"previous": [6243], "current": [6570]}))
    >>> spec = comparison_protection(exact, label_col="area_name", total_label="Total")
    >>> again = spec["recompute"](exact.assign(previous=6245, current=6570), exact)
    >>> float(round(again["pct_change"].iloc[0], 4)), float(round(100 * (6570 - 6245) / 6245, 4))
    (5.2042, 5.2042)
    """
    derived = {c: ["previous", "current"] for c in
               ("pct_change", "rate_ratio", "rr_lower_95", "rr_upper_95", "p_value", "significant")}
    for c in ("rate_per_1000", "rate_lower_95", "rate_upper_95"):
        derived[c] = ["current"]
    derived = {c: src for c, src in derived.items() if c in table.columns}

    def recompute(rows: pd.DataFrame, exact: pd.DataFrame) -> pd.DataFrame:
        out = add_change_columns(rows)
        if "rate_per_1000" in rows.columns:
            # rate = current x (per 1,000 / denominator, annualised): the same factor for the rounded count.
            cur = exact["current"].astype(float).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(cur > 0, exact["rate_per_1000"].astype(float).to_numpy() / cur, np.nan)
            factor = np.array([float(f"{f:.12g}") if np.isfinite(f) else np.nan for f in factor])
            new = out["current"].astype(float).to_numpy()
            lower, upper = poisson_count_interval(new, conf_level=0.95)
            keep = ~np.isfinite(factor)  # a zero count: rounded to zero, its rate and interval stand
            for col, vals in (("rate_per_1000", new), ("rate_lower_95", lower), ("rate_upper_95", upper)):
                if col in out.columns:
                    out[col] = np.where(keep, exact[col].astype(float).to_numpy(), vals * factor)
        return out

    spec: dict[str, object] = {
        "count_columns": ["previous", "current"],
        "difference_columns": {"difference": ("current", "previous")},
        "derived_columns": derived,
        "total_row": total_label,
        "label_col": label_col,
        "level": level,
        "recompute": recompute,
    }
    labels = list(table[label_col]) if label_col in table.columns else []
    if total_label in labels and any(lab in NOT_IN_ALL_CRIME for lab in labels):
        # rows shown but kept out of the total (ASB incidents, Action Fraud): the total is the sum of the rest
        spec["total_row"] = None
        spec["row_sums"] = [(total_label, [lab for lab in labels if lab != total_label and lab not in NOT_IN_ALL_CRIME])]
        spec["area_rows"] = [total_label]
    if category is not None:
        spec["category"] = category
    if category_col is not None:
        spec["category_col"] = category_col
    return spec
