"""Statistical process control (XmR charts) and the recent-trend marker.

:func:`compute_xmr` follows NHS England's "Making Data Count" as implemented
in the R package NHSRplotthedots:

* centre line: the mean; moving range: |x_t - x_(t-1)|; process limits:
  mean +/- 2.66 x mean moving range (all from the baseline points, by
  default every point; never re-based automatically);
* **beyond limits**: a point above the upper or below the lower limit (strictly);
* **shift**: 7 or more consecutive points on the same side of the mean (a
  point exactly on the mean belongs to neither side and breaks a run); every
  point of the run is flagged;
* **trend**: 7 or more consecutive points each strictly higher than the one
  before (or each strictly lower): 6 successive rises or falls; an equal
  value breaks the run; every point of the run is flagged;
* **two in three**: among 3 consecutive points, at least 2 lie beyond two
  thirds of the way from the mean to a limit (but not beyond the limit) and
  all 3 lie on the same side of the mean; the points beyond two thirds are
  flagged.  (As NHSRplotthedots: a point beyond a limit is not counted here,
  since it is flagged already.)

A flagged point is "special cause" variation, labelled improvement, concern
or neutral by the indicator's polarity and the direction of the signal: the
side of the mean for beyond limits, two in three and shift; the direction of
travel for a trend (so a rising run that starts below the mean is a rising
signal throughout, where NHSRplotthedots would go by the side of the mean).
A point caught by several rules takes its direction from the first of:
beyond limits, two in three, shift, trend.

:func:`compute_recent_trend` is the OHID Fingertips recent-trend marker.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from workbook.benchmark import check_polarity
from workbook.errors import ValueInputError

logger = logging.getLogger(__name__)

Polarity = Literal["lower_is_better", "higher_is_better", "no_judgement"]

#: Process limits are mean +/- this x mean moving range (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: Points in a row for a shift or a trend.
RUN_LENGTH = 7
#: Below this many baseline points the limits are unreliable (warned, not refused).
MIN_POINTS = 13

RULES: tuple[str, ...] = ("beyond_limits", "two_in_three", "shift", "trend")

# Okabe-Ito colours (colour-blind safe) and a distinct marker per label, so no
# meaning rests on colour alone.
_STYLE = {
    "common cause": {"color": "#595959", "marker": "o", "size": 28},
    "special cause improvement": {"color": "#0072B2", "marker": "s", "size": 55},
    "special cause concern": {"color": "#D55E00", "marker": "X", "size": 70},
    "special cause neutral": {"color": "#CC79A7", "marker": "^", "size": 60},
}


@dataclass(frozen=True)
class XmRResult:
    """An XmR chart: limits, signals and a label for every point.

    Attributes
    ----------
    points
        One row per point (see :meth:`to_frame`).
    mean, mean_moving_range, lower, upper
        Centre line, mean moving range and process limits (from the baseline).
    polarity
        ``"lower_is_better"``, ``"higher_is_better"`` or ``"no_judgement"``.
    baseline_points
        How many points the mean and limits were calculated from.
    too_few_points
        True when ``baseline_points`` is below 13: the limits are unreliable.
    """

    points: pd.DataFrame
    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    polarity: str
    baseline_points: int
    too_few_points: bool

    def to_frame(self) -> pd.DataFrame:
        """One row per point (a copy), indexed as the input series.

        Columns: ``value``, ``moving_range``, ``in_baseline``, ``mean``,
        ``lower``, ``upper``, ``lower_two_thirds``, ``upper_two_thirds``; one
        column per rule (``beyond_limits``, ``two_in_three``, ``shift``,
        ``trend``) holding +1 (high or rising), -1 (low or falling) or 0;
        ``special_cause`` (bool); ``direction`` (``"high"``/``"low"``, missing
        if none); ``signal`` (``"improvement"``, ``"concern"``, ``"neutral"``
        or missing); ``variation`` (``"common cause"``,
        ``"special cause improvement"``, ``"special cause concern"`` or
        ``"special cause neutral"``).

        Examples
        --------
        >>> r = compute_xmr(pd.Series([5.0, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 5]), polarity="no_judgement")
        >>> r.to_frame()["variation"].unique().tolist()
        ['common cause']
        """
        return self.points.copy()

    @property
    def variation(self) -> str:
        """The latest point's variation label (what the Making Data Count icon shows).

        Examples
        --------
        >>> s = pd.Series([5.0, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 40])
        >>> compute_xmr(s, polarity="lower_is_better").variation
        'special cause concern'
        """
        return str(self.points["variation"].iloc[-1])

    def plot(self, ax: Any = None, *, title: str | None = None, ylabel: str | None = None) -> Any:
        """Draw the chart on ``ax`` (a new figure if None) and return the Axes.

        Special-cause points differ from common-cause ones by marker shape as
        well as colour (Okabe-Ito palette); the baseline period is shaded.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> ax = compute_xmr(pd.Series([5.0, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 40]),
        ...                  polarity="lower_is_better").plot(title="Burglary")
        >>> ax.get_title()
        'Burglary'
        >>> plt.close(ax.figure)
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(9, 4.5))
        t = self.points
        x = t.index
        ax.plot(x, t["value"], color="#595959", linewidth=1, zorder=1)
        ax.plot(x, t["mean"], color="#000000", linewidth=1.2, label=f"mean ({self.mean:,.1f})", zorder=0)
        ax.plot(x, t["upper"], color="#595959", linewidth=1, linestyle="--", label="process limits", zorder=0)
        ax.plot(x, t["lower"], color="#595959", linewidth=1, linestyle="--", zorder=0)
        for label, style in _STYLE.items():
            rows = t[t["variation"] == label]
            if len(rows):
                ax.scatter(
                    rows.index, rows["value"], color=style["color"], marker=style["marker"], s=style["size"],
                    label=label, zorder=2, edgecolors="white", linewidths=0.5,
                )
        base = t.index[t["in_baseline"].to_numpy()]
        if 0 < len(base) < len(t):
            ax.axvspan(base[0], base[-1], color="#EBEBEB", zorder=-1, label="baseline period")
        if title:
            ax.set_title(title)
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.legend(loc="best", fontsize="small", frameon=False)
        return ax


def compute_xmr(
    values: pd.Series,
    *,
    polarity: Polarity,
    baseline: int | tuple[Any, Any] | None = None,
) -> XmRResult:
    """An XmR (individuals and moving range) chart with Making Data Count signals.

    Parameters
    ----------
    values
        The series in time order, e.g. monthly counts indexed by month.
        No missing values.
    polarity
        ``"lower_is_better"`` (most crime), ``"higher_is_better"`` or
        ``"no_judgement"``: decides whether a signal is improvement, concern
        or neutral.
    baseline
        Fix the mean and limits from a baseline: the first N points (an int)
        or an inclusive ``(start, end)`` pair of index labels, e.g.
        ``("2021-04-01", "2023-03-01")``.  Points after it are judged against
        the baseline limits; nothing is ever re-based automatically.
        Default: every point.

    Returns
    -------
    XmRResult

    Raises
    ------
    ValueInputError
        Missing or non-numeric values, an index out of time order or with
        duplicates, an unknown polarity, or a baseline of fewer than 2 points
        or outside the series.

    Notes
    -----
    Fewer than 13 baseline points gives a logged warning and
    ``too_few_points=True`` (Making Data Count advises against limits from
    so few).  The limits are not clipped at zero.

    Examples
    --------
    >>> s = pd.Series([12.0, 8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 22, 21, 23],
    ...               index=pd.date_range("2023-01-01", periods=15, freq="MS"))
    >>> r = compute_xmr(s, polarity="lower_is_better", baseline=12)
    >>> r.mean, round(r.upper, 2)
    (10.0, 20.64)
    >>> r.to_frame()["beyond_limits"].tolist()[-4:]
    [0, 1, 1, 1]
    """
    check_polarity(polarity)
    y = _check_series(values)
    n = y.size
    in_base = _baseline_mask(values, baseline)
    base = y[in_base]
    if base.size < 2:
        raise ValueInputError(
            f"the baseline must hold at least 2 points to give a moving range; it holds {base.size}"
        )

    mean = float(base.mean())
    mean_mr = float(np.mean(np.abs(np.diff(base))))
    half_width = LIMIT_FACTOR * mean_mr
    upper, lower = mean + half_width, mean - half_width
    upper_23, lower_23 = mean + 2 / 3 * half_width, mean - 2 / 3 * half_width
    too_few = base.size < MIN_POINTS
    if too_few:
        logger.warning(
            "XmR limits calculated from only %d points; at least %d are advised, "
            "so treat signals with caution",
            base.size,
            MIN_POINTS,
        )

    side = np.sign(y - mean).astype(int)
    outside = np.where(y > upper, 1, np.where(y < lower, -1, 0))
    close = (outside == 0) & ((y > upper_23) | (y < lower_23))
    flags = {
        "beyond_limits": outside,
        "two_in_three": _two_in_three(close, side),
        "shift": _runs(side, RUN_LENGTH),
        "trend": _trend(y, RUN_LENGTH),
    }
    direction_sign = np.zeros(n, dtype=int)
    for rule in reversed(RULES):  # the first rule in RULES wins
        direction_sign = np.where(flags[rule] != 0, flags[rule], direction_sign)
    special = direction_sign != 0
    direction = np.where(direction_sign > 0, "high", np.where(direction_sign < 0, "low", None))
    signal = np.array([_signal_word(d, polarity) for d in direction_sign], dtype=object)
    variation = ["common cause" if word is None else f"special cause {word}" for word in signal]

    points = pd.DataFrame(
        {
            "value": y,
            "moving_range": np.concatenate([[np.nan], np.abs(np.diff(y))]),
            "in_baseline": in_base,
            "mean": mean,
            "lower": lower,
            "upper": upper,
            "lower_two_thirds": lower_23,
            "upper_two_thirds": upper_23,
            **flags,
            "special_cause": special,
            "direction": pd.array(direction, dtype="str"),
            "signal": pd.array(signal, dtype="str"),
            "variation": pd.array(variation, dtype="str"),
        },
        index=values.index.copy(),
    )
    return XmRResult(
        points=points,
        mean=mean,
        mean_moving_range=mean_mr,
        lower=lower,
        upper=upper,
        polarity=polarity,
        baseline_points=int(base.size),
        too_few_points=bool(too_few),
    )


def _signal_word(sign: int, polarity: str) -> str | None:
    if sign == 0:
        return None
    if polarity == "no_judgement":
        return "neutral"
    good = 1 if polarity == "higher_is_better" else -1
    return "improvement" if sign == good else "concern"


def _check_series(values: pd.Series) -> np.ndarray:
    if not isinstance(values, pd.Series):
        raise ValueInputError(f"values must be a pandas Series in time order; got {type(values).__name__}")
    if not (pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)):
        raise ValueInputError(f"values must be numeric; got dtype {values.dtype}")
    if values.index.has_duplicates:
        dupes = values.index[values.index.duplicated()].unique().tolist()
        raise ValueInputError(f"values has duplicated index labels {dupes}; expected one value per period")
    if isinstance(values.index, pd.DatetimeIndex) and not values.index.is_monotonic_increasing:
        raise ValueInputError("values must be in time order (its DatetimeIndex is not increasing)")
    y = values.to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(y).any() or np.isinf(y).any():
        i = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueInputError(
            f"values has a missing or infinite value at {values.index[i]!r}; fill or drop the gap"
        )
    if y.size < 2:
        raise ValueInputError(f"an XmR chart needs at least 2 points; got {y.size}")
    return y


def _baseline_mask(values: pd.Series, baseline: int | tuple[Any, Any] | None) -> np.ndarray:
    n = len(values)
    if baseline is None:
        return np.ones(n, dtype=bool)
    if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
        if not 2 <= baseline <= n:
            raise ValueInputError(
                f"baseline must be between 2 and the {n} points in the series; got {baseline}"
            )
        mask = np.zeros(n, dtype=bool)
        mask[:baseline] = True
        return mask
    if isinstance(baseline, tuple) and len(baseline) == 2:
        start, end = baseline
        index = values.index
        if isinstance(index, pd.DatetimeIndex):
            start, end = pd.Timestamp(start), pd.Timestamp(end)
        try:
            mask = np.asarray((index >= start) & (index <= end), dtype=bool)
        except TypeError as exc:
            raise ValueInputError(f"baseline {baseline!r} cannot be compared with the series index") from exc
        if not mask.any():
            raise ValueInputError(f"baseline {baseline!r} holds none of the series' points")
        return mask
    raise ValueInputError(f"baseline must be a number of points or a (start, end) pair; got {baseline!r}")


def _runs(sign: np.ndarray, length: int) -> np.ndarray:
    """Flag (with its sign) every point in a run of >= ``length`` equal non-zero signs."""
    out = np.zeros(sign.size, dtype=int)
    start = 0
    for i in range(1, sign.size + 1):
        if i == sign.size or sign[i] != sign[start]:
            if sign[start] != 0 and i - start >= length:
                out[start:i] = sign[start]
            start = i
    return out


def _trend(y: np.ndarray, length: int) -> np.ndarray:
    """+1/-1 for points in a strictly rising/falling run of >= ``length`` points."""
    out = np.zeros(y.size, dtype=int)
    steps = np.sign(np.diff(y)).astype(int)  # step i joins point i and i + 1
    start = 0
    for i in range(1, steps.size + 1):
        if i == steps.size or steps[i] != steps[start]:
            # steps start..i-1 are one direction: points start..i form the run.
            if steps[start] != 0 and i - start + 1 >= length:
                # A turning point ends one run and starts the next; it keeps the
                # direction of the run it ends.
                seg = out[start : i + 1]
                seg[seg == 0] = steps[start]
            start = i
    return out


def _two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    out = np.zeros(close.size, dtype=int)
    for i in range(close.size - 2):
        window = slice(i, i + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            hit = np.flatnonzero(close[window]) + i
            out[hit] = side[i]
    return out


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


def compute_xmr_by_category(
    monthly: pd.DataFrame,
    *,
    categories: Sequence[str],
    polarities: dict[str, str],
    months: int = 36,
) -> dict[str, XmRResult]:
    """An XmR chart for each category over its latest ``months`` monthly counts.

    Examples
    --------
    >>> idx = pd.date_range("2021-01-01", periods=40, freq="MS")
    >>> m = pd.DataFrame({"A": [10.0, 12] * 20}, index=idx)
    >>> r = compute_xmr_by_category(m, categories=["A"], polarities={"A": "lower_is_better"})
    >>> len(r["A"].to_frame()), r["A"].mean
    (36, 11.0)
    """
    recent = monthly.iloc[-months:]
    return {c: compute_xmr(recent[c].astype(float), polarity=polarities[c]) for c in categories}


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
