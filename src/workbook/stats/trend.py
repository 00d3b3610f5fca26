"""Recent and annual trends: the weighted slope behind direction-of-travel markers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbook.core.errors import ValueInputError
from workbook.core.polarity import check_polarity
from workbook.stats.spc import Polarity

# --- recent trend ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecentTrend:
    """The Fingertips recent-trend marker, from :func:`compute_recent_trend`.

    Attributes
    ----------
    direction
        ``"increasing"``, ``"decreasing"``, ``"no significant change"`` or
        ``"cannot be calculated"``.
    slope
        Change per period in the weighted regression (NaN if not calculated).
    p_value
        Two-sided p-value of the slope (NaN if not calculated).
    points
        How many points the regression used.
    stable
        Whether every leave-one-out slope has the same sign as the slope.
    leave_one_out_slopes
        The slope with each point left out in turn.
    assessment
        With a polarity: e.g. ``"increasing and getting worse"``; otherwise
        the direction.
    reason
        Why it could not be calculated, if so.
    """

    direction: str
    slope: float
    p_value: float
    points: int
    stable: bool
    leave_one_out_slopes: tuple[float, ...] = field(default=())
    assessment: str = ""
    reason: str = ""

    def to_frame(self) -> pd.DataFrame:
        """A one-row table of the result.

        Examples
        --------
        >>> compute_recent_trend(pd.Series([10, 20, 30, 40, 50])).to_frame()["direction"].item()
        'increasing'
        """
        return pd.DataFrame(
            [{
                "direction": self.direction,
                "assessment": self.assessment,
                "slope": self.slope,
                "p_value": self.p_value,
                "points": self.points,
                "stable": self.stable,
            }]
        )


def compute_recent_trend(
    counts: pd.Series | Sequence[float] | np.ndarray,
    *,
    denominators: pd.Series | Sequence[float] | np.ndarray | None = None,
    per: float = 1000,
    points: int = 5,
    conf_level: float = 0.998,
    polarity: Polarity | None = None,
) -> RecentTrend:
    """Is the indicator rising or falling over its latest points? (Fingertips trend marker)

    A weighted least-squares line is fitted to the last ``points`` values
    against period number 0, 1, 2, ..., each weighted by the inverse of its
    Poisson variance: a count x has variance x (a count of 0 is given the
    variance of a count of 1, since a variance of 0 would give it infinite
    weight); a rate x / n x per has variance x (per / n)^2.  With the
    variances taken as known, the slope b has standard error
    1 / sqrt(sum w (t - t_w)^2) and is tested with a z statistic.  The trend
    is "increasing" or "decreasing" only when the slope is significant at
    ``conf_level`` (99.8%) *and* the slope keeps its sign when each point is
    left out in turn; otherwise "no significant change".  Fewer than
    ``points`` values, or a missing value among them, give
    "cannot be calculated".

    Parameters
    ----------
    counts
        Counts per period in time order (e.g. financial years).
    denominators
        Population per period, to test the rate rather than the count.
    per
        Rate multiplier when ``denominators`` is given.
    points
        How many of the latest points to use (at least 3).
    conf_level
        Significance level for the slope.
    polarity
        If given, ``assessment`` adds "and getting better/worse".

    Returns
    -------
    RecentTrend

    Raises
    ------
    ValueInputError
        A negative or fractional count, a zero or negative denominator, or
        ``points`` below 3.

    Examples
    --------
    >>> t = compute_recent_trend([10, 20, 30, 40, 50], polarity="lower_is_better")
    >>> t.direction, round(t.slope, 6), t.assessment
    ('increasing', 10.0, 'increasing and getting worse')
    >>> compute_recent_trend([10, 20, 30]).direction
    'cannot be calculated'
    """
    if not isinstance(points, (int, np.integer)) or points < 3:
        raise ValueInputError(f"points must be a whole number of 3 or more; got {points!r}")
    if not 0 < conf_level < 1:
        raise ValueInputError(f"conf_level must be between 0 and 1; got {conf_level!r}")
    if polarity is not None:
        check_polarity(polarity)
    x = _as_1d(counts, "counts")
    n = None if denominators is None else _as_1d(denominators, "denominators")
    if n is not None and n.size != x.size:
        raise ValueInputError(f"counts has {x.size} values but denominators has {n.size}; they must match")

    def cannot(reason: str) -> RecentTrend:
        return RecentTrend("cannot be calculated", float("nan"), float("nan"), 0, False,
                           assessment="cannot be calculated", reason=reason)

    if x.size < points:
        return cannot(f"needs {points} points; the series has {x.size}")
    x = x[-points:]
    n = None if n is None else n[-points:]
    if np.isnan(x).any() or (n is not None and np.isnan(n).any()):
        return cannot(f"a value is missing among the latest {points} points")
    bad = (x < 0) | (x != np.floor(x))
    if bad.any():
        raise ValueInputError(f"counts must be whole numbers, 0 or more; got {x[bad][0]!r}")
    variance = np.maximum(x, 1.0)
    y = x.astype(float)
    if n is not None:
        if (n <= 0).any():
            raise ValueInputError(f"denominators must be above 0; got {n[n <= 0][0]!r}")
        y = x / n * per
        variance = variance * (per / n) ** 2
    t = np.arange(points, dtype=float)
    w = 1 / variance

    slope, sxx = _weighted_slope(t, y, w)
    se = 1 / np.sqrt(sxx)
    p_value = float(2 * stats.norm.sf(abs(slope / se)))
    loo = tuple(
        float(_weighted_slope(np.delete(t, j), np.delete(y, j), np.delete(w, j))[0]) for j in range(points)
    )
    stable = bool(slope != 0 and all(np.sign(b) == np.sign(slope) for b in loo))
    significant = p_value < 1 - conf_level
    if significant and stable:
        direction = "increasing" if slope > 0 else "decreasing"
    else:
        direction = "no significant change"
    assessment = direction
    if polarity is not None and polarity != "no_judgement" and direction in ("increasing", "decreasing"):
        good = "decreasing" if polarity == "lower_is_better" else "increasing"
        assessment = f"{direction} and getting {'better' if direction == good else 'worse'}"
    return RecentTrend(direction, float(slope), p_value, points, stable, loo, assessment)


def _weighted_slope(t: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    tw = np.sum(w * t) / np.sum(w)
    yw = np.sum(w * y) / np.sum(w)
    sxx = float(np.sum(w * (t - tw) ** 2))
    return float(np.sum(w * (t - tw) * (y - yw)) / sxx), sxx


def _as_1d(values: Any, name: str) -> np.ndarray:
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        arr = np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError) as exc:
        raise ValueInputError(f"{name} must be numeric; got {values!r}") from exc
    return arr


def compute_annual_trend(monthly: pd.Series, *, years: int = 5, polarity: str | None = None) -> RecentTrend:
    """The recent-trend marker over the last ``years`` rolling 12-month totals.

    The totals end at the latest month and are 12 months apart, so each
    point is a full year (the Fingertips marker is for annual values).

    Examples
    --------
    >>> idx = pd.date_range("2019-01-01", periods=60, freq="MS")
    >>> s = pd.Series([100.0] * 12 + [150.0] * 12 + [200.0] * 12 + [250.0] * 12 + [300.0] * 12, index=idx)
    >>> compute_annual_trend(s).direction
    'increasing'
    """
    totals = [monthly.iloc[len(monthly) - 12 * (k + 1): len(monthly) - 12 * k].sum()
              for k in range(years) if len(monthly) - 12 * (k + 1) >= 0]
    return compute_recent_trend(pd.Series(totals[::-1], dtype=float), points=years, polarity=polarity)
