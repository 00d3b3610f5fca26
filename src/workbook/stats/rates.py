"""Rates per 1,000 and proportions, with confidence intervals.

Rates follow the method of the R package PHEindicatormethods (``phe_rate``):
rate = count / population x 1,000, with the exact Poisson interval from the
chi-square distribution when the count is below 10 and Byar's approximation
from 10 upwards.  Proportions use the Wilson score interval.

Both functions work on one value or on aligned Series/arrays (vectorised) and
return a new DataFrame, one row per value; a Series input keeps its index.
Interval columns are named by confidence level: ``lower_95``/``upper_95`` for
95% and ``lower_99_8``/``upper_99_8`` for 99.8%.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from workbook.core.errors import ValueInputError

#: Counts below this use the exact Poisson interval; from it upwards, Byar's.
EXACT_BELOW = 10

ArrayLike = float | int | Sequence[float] | np.ndarray | pd.Series


def level_label(conf_level: float) -> str:
    """The column suffix for a confidence level: 0.95 -> ``"95"``, 0.998 -> ``"99_8"``.

    Examples
    --------
    >>> level_label(0.95), level_label(0.998)
    ('95', '99_8')
    """
    _check_conf_level(conf_level)
    return f"{conf_level * 100:g}".replace(".", "_")


def rate_per_1000(
    count: ArrayLike,
    population: ArrayLike,
    *,
    conf_levels: Sequence[float] = (0.95, 0.998),
    per: float = 1000,
) -> pd.DataFrame:
    """Rate per 1,000 (or per ``per``) with Poisson confidence intervals.

    For a count x below 10 the interval is the exact Poisson one,
    lower = chi2(alpha/2; 2x)/2 (0 when x = 0) and upper = chi2(1 - alpha/2; 2x + 2)/2;
    for x of 10 or more it is Byar's approximation,
    lower = x(1 - 1/(9x) - z/(3 sqrt x))^3 and
    upper = (x + 1)(1 - 1/(9(x + 1)) + z/(3 sqrt(x + 1)))^3.
    Both are then divided by the population and multiplied by ``per``
    (the method of PHEindicatormethods' ``phe_rate``).

    Parameters
    ----------
    count
        Count(s) of events: whole numbers, 0 or more.
    population
        Population(s) at risk (residents, or households for burglary): above 0.
        Scalars broadcast against arrays; two Series must share one index.
    conf_levels
        Confidence levels to give intervals for, each between 0 and 1.
    per
        The multiplier: 1,000 gives a rate per 1,000.

    Returns
    -------
    pandas.DataFrame
        Columns ``count``, ``population``, ``rate``, ``lower_<level>`` and
        ``upper_<level>`` per level (e.g. ``lower_95``, ``upper_99_8``) and
        ``ci_method`` (``"exact Poisson"`` or ``"Byar"``).  One row per value;
        a Series input keeps its index.

    Raises
    ------
    ValueInputError
        A count that is negative, missing or not a whole number; a population
        that is zero, negative or missing; a bad confidence level.

    Examples
    --------
    >>> r = rate_per_1000(100, 1000)
    >>> round(float(r["rate"].iloc[0]), 1), round(float(r["lower_95"].iloc[0]), 2)
    (100.0, 81.36)
    >>> rate_per_1000(0, 1000)["lower_95"].iloc[0]
    np.float64(0.0)
    >>> rate_per_1000(pd.Series({"A": 5, "B": 50}), 2000, conf_levels=(0.95,))["ci_method"].tolist()
    ['exact Poisson', 'Byar']
    """
    if not np.isfinite(per) or per <= 0:
        raise ValueInputError(f"per must be a number above 0; got {per!r}")
    levels = tuple(conf_levels)
    if not levels:
        raise ValueInputError("conf_levels must hold at least one confidence level; got none")
    for level in levels:
        _check_conf_level(level)
    x, n, index = _align(count, population, names=("count", "population"))
    _check_counts(x, index, name="count")
    _check_positive(n, index, name="population")

    out = pd.DataFrame({"count": x, "population": n}, index=index)
    out["rate"] = x / n * per
    for level in levels:
        lo, hi = poisson_count_interval(x, conf_level=level)
        suffix = level_label(level)
        out[f"lower_{suffix}"] = lo / n * per
        out[f"upper_{suffix}"] = hi / n * per
    out["ci_method"] = np.where(x < EXACT_BELOW, "exact Poisson", "Byar")
    return out


def poisson_count_interval(count: ArrayLike, *, conf_level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval for a Poisson count (exact below 10, Byar's from 10).

    Parameters
    ----------
    count
        Whole-number count(s), 0 or more (not checked here; see :func:`rate_per_1000`).
    conf_level
        Confidence level, e.g. 0.95.

    Returns
    -------
    tuple of numpy.ndarray
        Lower and upper limits for the expected count.

    Examples
    --------
    >>> lo, hi = poisson_count_interval([0, 9], conf_level=0.95)
    >>> [round(float(v), 3) for v in lo], [round(float(v), 3) for v in hi]
    ([0.0, 4.115], [3.689, 17.085])
    """
    _check_conf_level(conf_level)
    x = np.atleast_1d(np.asarray(count, dtype=float))
    alpha = 1 - conf_level
    z = stats.norm.ppf(1 - alpha / 2)
    exact = x < EXACT_BELOW
    lower = np.empty_like(x)
    upper = np.empty_like(x)

    xe = x[exact]
    # chi2.ppf with 0 degrees of freedom is undefined; the lower limit for 0 events is 0.
    with np.errstate(invalid="ignore"):
        lower[exact] = np.where(xe > 0, stats.chi2.ppf(alpha / 2, 2 * xe) / 2, 0.0)
    upper[exact] = stats.chi2.ppf(1 - alpha / 2, 2 * xe + 2) / 2

    xb = x[~exact]
    lower[~exact] = xb * (1 - 1 / (9 * xb) - z / (3 * np.sqrt(xb))) ** 3
    xb1 = xb + 1
    upper[~exact] = xb1 * (1 - 1 / (9 * xb1) + z / (3 * np.sqrt(xb1))) ** 3
    return lower, upper


def compute_wilson_interval(
    numerator: ArrayLike,
    denominator: ArrayLike,
    *,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Proportion with its Wilson score interval.

    Parameters
    ----------
    numerator
        Number with the attribute (e.g. repeat referrals): whole numbers, 0 or more.
    denominator
        Number asked or counted: whole numbers above 0, at least the numerator.
    conf_level
        Confidence level, e.g. 0.95.

    Returns
    -------
    pandas.DataFrame
        Columns ``numerator``, ``denominator``, ``proportion``, ``lower`` and
        ``upper`` (all as fractions of 1, not per cent).  A Series input keeps
        its index.

    Raises
    ------
    ValueInputError
        A negative, missing or fractional count, a zero denominator, or a
        numerator above its denominator (a proportion above 1).

    Examples
    --------
    >>> w = compute_wilson_interval(38, 100)
    >>> [round(float(w[c].iloc[0]), 4) for c in ("proportion", "lower", "upper")]
    [0.38, 0.291, 0.4779]
    """
    _check_conf_level(conf_level)
    k, n, index = _align(numerator, denominator, names=("numerator", "denominator"))
    _check_counts(k, index, name="numerator")
    _check_counts(n, index, name="denominator")
    _check_positive(n, index, name="denominator")
    above = k > n
    if above.any():
        i = int(np.flatnonzero(above)[0])
        raise ValueInputError(
            f"numerator {_fmt(k[i])} is above its denominator {_fmt(n[i])}{_where(index, i)}: "
            "a proportion cannot be above 1"
        )
    lower, upper = proportion_confint(k, n, alpha=1 - conf_level, method="wilson")
    return pd.DataFrame(
        {
            "numerator": k,
            "denominator": n,
            "proportion": k / n,
            "lower": np.asarray(lower, dtype=float),
            "upper": np.asarray(upper, dtype=float),
        },
        index=index,
    )


# --- input checks ---------------------------------------------------------------------------


def _check_conf_level(conf_level: float) -> None:
    if not isinstance(conf_level, (int, float, np.floating)) or not 0 < conf_level < 1:
        raise ValueInputError(f"confidence level must be between 0 and 1 (e.g. 0.95); got {conf_level!r}")


def _to_float_array(values: Any, name: str) -> tuple[np.ndarray, pd.Index | None]:
    index = values.index if isinstance(values, pd.Series) else None
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=float, na_value=np.nan) if _is_numeric(values) else values.to_numpy()
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueInputError(f"{name} must be numeric; got {values!r}") from exc
    if arr.ndim > 1:
        raise ValueInputError(f"{name} must be a single value or one-dimensional; got shape {arr.shape}")
    return arr, index


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)


def _align(a: Any, b: Any, *, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Two inputs as equal-length float arrays plus the index to label rows with."""
    x, ix = _to_float_array(a, names[0])
    n, iy = _to_float_array(b, names[1])
    if ix is not None and iy is not None and not ix.equals(iy):
        raise ValueInputError(
            f"{names[0]} and {names[1]} are Series with different indexes; align them first "
            f"(e.g. both indexed by area code in the same order)"
        )
    x1, n1 = np.atleast_1d(x), np.atleast_1d(n)
    if x1.size != n1.size and x.ndim and n.ndim:
        raise ValueInputError(
            f"{names[0]} has {x1.size} values but {names[1]} has {n1.size}; they must match"
        )
    x1, n1 = np.broadcast_arrays(x1, n1)
    index = ix if ix is not None else iy if iy is not None else pd.RangeIndex(x1.size)
    return x1.astype(float, copy=True), n1.astype(float, copy=True), index


def _where(index: pd.Index, i: int) -> str:
    if isinstance(index, pd.RangeIndex) and len(index) == 1:
        return ""
    return f" (at {index[i]!r})"


def _fmt(v: float) -> str:
    return str(int(v)) if np.isfinite(v) and float(v).is_integer() else repr(float(v))


def _check_counts(x: np.ndarray, index: pd.Index, *, name: str) -> None:
    bad = ~np.isfinite(x) | (x < 0) | (x != np.floor(x))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        got = "a missing value" if np.isnan(x[i]) else _fmt(x[i])
        raise ValueInputError(f"{name} must be a whole number, 0 or more; got {got}{_where(index, i)}")


def _check_positive(n: np.ndarray, index: pd.Index, *, name: str) -> None:
    bad = ~np.isfinite(n) | (n <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        got = "a missing value" if np.isnan(n[i]) else _fmt(n[i])
        raise ValueInputError(f"{name} must be above 0; got {got}{_where(index, i)}")


HOUSEHOLD_CATEGORIES = ("Burglary", "Residential burglary")


def add_rate_columns(
    table: pd.DataFrame,
    *,
    persons: int,
    households: int | None = None,
    households_label: str = "households",
    count_col: str = "current",
    label_col: str = "category",
    months: int = 12,
) -> pd.DataFrame:
    """Add a rate per 1,000 a year with its 95% interval to a comparison table.

    Burglary is per 1,000 households where households are known (as plans
    report it); everything else per 1,000 residents.  ``rate_base`` says which.
    A count over ``months`` months (a year to date) is annualised: the rate
    and its interval are multiplied by 12 / ``months``, so they compare with
    12-month rates (e.g. the peer group's); ``rate_months`` records the months.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery", "Burglary"], "current": [100, 50]})
    >>> out = add_rate_columns(t, persons=10_000, households=5_000)
    >>> out["rate_per_1000"].tolist(), out["rate_base"].tolist()
    ([10.0, 10.0], ['residents', 'households'])
    >>> add_rate_columns(t, persons=10_000, months=8)["rate_per_1000"].tolist()  # 8 months: x 12/8
    [15.0, 7.5]
    """
    if not 1 <= int(months) <= 12:
        raise ValueInputError(f"expected 1 to 12 months for an annualised rate; got {months!r}")
    scale = 12.0 / int(months)
    out = table.copy()
    is_hh = out[label_col].isin(HOUSEHOLD_CATEGORIES) & (households is not None)
    denom = pd.Series(np.where(is_hh, households or 1, persons), index=out.index, dtype=float)
    r = rate_per_1000(out[count_col].astype(int), denom, conf_levels=(0.95,))
    out["rate_per_1000"] = r["rate"].to_numpy() * scale
    out["rate_lower_95"] = r["lower_95"].to_numpy() * scale
    out["rate_upper_95"] = r["upper_95"].to_numpy() * scale
    out["rate_base"] = np.where(is_hh, households_label, "residents")
    out["rate_months"] = int(months)
    return out
