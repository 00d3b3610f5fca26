"""Statistical process control: XmR charts with the Making Data Count rules, as NHSRplotthedots.

:func:`compute_xmr` reproduces the defaults of the R package NHSRplotthedots
(the NHS-R Community's implementation of NHS England's "Making Data Count"),
version 0.2.2, github.com/nhs-r-community/NHSRplotthedots at commit 050b07d:

* **limits** (``R/ptd_spc_standard.R``, ``ptd_spc_standard``): centre line
  the mean; moving ranges |x_t - x_(t-1)| between consecutive baseline
  points; **screening** (``screen_outliers = TRUE``): every moving range of
  3.267 x their mean or more is dropped and the mean moving range is taken
  again from the rest (once, not repeatedly); process limits mean +/- 2.66 x
  that mean moving range; two-thirds lines at mean +/- (2 x 2.66 / 3) x it.
  The baseline is every point unless fixed (``fix_after_n_points``, at least
  12 points in the reference, ``R/ptd_spc_options.R``); nothing is re-based
  automatically.
* **the rules** (``R/ptd_calculate_point_type.R``):

  - *outside the limits*: above the upper or below the lower limit
    (strictly); its side is the side of the mean;
  - *trend* (``ptd_seven_point_trend``, ``ptd_part_of_seven_trend``): every
    point of a run of 7 or more each strictly higher than the one before
    (or each strictly lower); an equal value breaks the run.  A trend
    point's direction is the step to its right when the next point is also
    part of a trend, else the step to its left, so a point where a rising
    trend turns into a falling one counts as falling; the reference reads a
    level step as "decreasing";
  - *two in three* (``ptd_two_in_three``, ``ptd_part_of_two_in_three``): in
    any 3 consecutive points all on one side of the mean, at least 2 lie
    beyond the two-thirds line but not beyond the limit; those points are
    flagged (a point beyond the limit counts towards "all on one side" only);
  - *shift* (``ptd_seven_point_one_side_mean``): every point of a run of 7 or
    more on the same side of the mean (a point exactly on the mean breaks it).

* **precedence** (``ptd_special_cause_type``): a point caught by several
  rules is typed by the first of outside the limits, trend, two in three,
  shift.  So a rising trend through points below the mean is a rising signal
  throughout (for crime, a concern) although those points also make a
  below-mean shift.
* **label** (``ptd_point_type``): the signal is high for "above" (outside
  the limits, two in three, shift) or "increasing" (trend) and low
  otherwise; improvement when it points the good way, concern when it
  points the bad way, neutral for a ``"no_judgement"`` indicator (the
  reference's ``improvement_direction`` ``"increase"``, ``"decrease"`` and
  ``"neutral"`` are this module's ``"higher_is_better"``,
  ``"lower_is_better"`` and ``"no_judgement"``).
* **short series** (``R/ptd_add_short_group_warnings.R``): a chart of fewer
  than 13 points is drawn with a warning (trial limits); a fixed baseline
  of fewer than 12 points is refused, as ``fix_after_n_points < 12`` is.

Where the reference would give no limits at all (a constant series, whose
moving ranges are all 0 and so all "screened"), the limits here sit on the
mean.

:func:`spc_summary` tabulates the charts with each category's recent trend.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.core.polarity import check_polarity

logger = logging.getLogger(__name__)

Polarity = Literal["lower_is_better", "higher_is_better", "no_judgement"]

#: Process limits are mean +/- this x mean moving range (3 / d2, d2 = 1.128).
LIMIT_FACTOR = 2.66
#: Moving ranges of this x their mean or more are screened out of the limits
#: (D4 for ranges of 2 points; NHSRplotthedots' ``screen_outliers = TRUE``).
SCREEN_FACTOR = 3.267
#: Points in a row for a shift or a trend.
RUN_LENGTH = 7
#: A chart of fewer points than this is warned about (trial limits), as
#: NHSRplotthedots' ``ptd_spc.warning_threshold`` default.
MIN_POINTS = 13
#: A fixed baseline must hold at least this many points (NHSRplotthedots
#: refuses ``fix_after_n_points`` below 12).
MIN_BASELINE = 12

#: The rule columns of :meth:`XmRResult.to_frame`.
RULES: tuple[str, ...] = ("beyond_limits", "two_in_three", "shift", "trend")
#: The order in which the rules decide a point's label (first wins).
PRECEDENCE: tuple[str, ...] = ("beyond_limits", "trend", "two_in_three", "shift")

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
        True when the chart has fewer than 13 points: its limits are trial
        limits (NHSRplotthedots warns on the same rule).
    screened_moving_ranges
        How many baseline moving ranges were 3.267 x their mean or more and
        so left out of ``mean_moving_range`` (0 with screening off).
    """

    points: pd.DataFrame
    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    polarity: str
    baseline_points: int
    too_few_points: bool
    screened_moving_ranges: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per point (a copy), indexed as the input series.

        Columns: ``value``, ``moving_range``, ``moving_range_screened``
        (True where a baseline moving range was left out of the limits),
        ``in_baseline``, ``mean``, ``lower``, ``upper``,
        ``lower_two_thirds``, ``upper_two_thirds``; one column per rule
        (``beyond_limits``, ``two_in_three``, ``shift``, ``trend``) holding
        +1 (above the mean, or rising), -1 (below, or falling) or 0;
        ``special_cause`` (bool); ``rule`` (the rule that decided the label:
        the first of ``beyond_limits``, ``trend``, ``two_in_three``,
        ``shift`` to flag the point, missing if none); ``direction``
        (``"high"``/``"low"`` from that rule, missing if none); ``signal``
        (``"improvement"``, ``"concern"``, ``"neutral"`` or missing);
        ``variation`` (``"common cause"``, ``"special cause improvement"``,
        ``"special cause concern"`` or ``"special cause neutral"``).

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
    screen_outliers: bool = True,
) -> XmRResult:
    """An XmR (individuals and moving range) chart with Making Data Count signals.

    Follows NHSRplotthedots' ``ptd_spc`` with its defaults (see the module
    docstring for the rules and their source).

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
        Fix the mean and limits from a baseline of at least 12 points: the
        first N points (an int, as ``fix_after_n_points``) or an inclusive
        ``(start, end)`` pair of index labels, e.g.
        ``("2021-04-01", "2023-03-01")``.  Points after it are judged against
        the baseline limits; nothing is ever re-based automatically.
        Default: every point.
    screen_outliers
        Leave moving ranges of 3.267 x their mean or more out of the mean
        moving range (NHSRplotthedots' default, ``True``).

    Returns
    -------
    XmRResult

    Raises
    ------
    ValueInputError
        Missing or non-numeric values, an index out of time order or with
        duplicates, fewer than 2 points, an unknown polarity, or a baseline
        of fewer than 12 points or outside the series.

    Notes
    -----
    A chart of fewer than 13 points gives a logged warning and
    ``too_few_points=True`` (trial limits).  The limits are not clipped at
    zero.

    Examples
    --------
    Twelve months alternating 12 and 8 fix the limits at 10 +/- 2.66 x 4;
    the three months after them are above the upper limit, 20.64:

    >>> s = pd.Series([12.0, 8, 12, 8, 12, 8, 12, 8, 12, 8, 12, 8, 22, 21, 23],
    ...               index=pd.date_range("2023-01-01", periods=15, freq="MS"))
    >>> r = compute_xmr(s, polarity="lower_is_better", baseline=12)
    >>> r.mean, round(r.upper, 2)
    (10.0, 20.64)
    >>> r.to_frame()["beyond_limits"].tolist()[-4:]
    [0, 1, 1, 1]

    A jump's moving range (28, against a mean of 80 / 14 = 5.71) is
    screened out, so the limits come from the other ranges, all 4:

    >>> r = compute_xmr(pd.Series([8.0, 12] * 7 + [40]), polarity="lower_is_better")
    >>> r.mean_moving_range, r.screened_moving_ranges, round(r.upper, 2)
    (4.0, 1, 22.64)
    """
    check_polarity(polarity)
    y = _check_series(values)
    n = y.size
    in_base = _baseline_mask(values, baseline)
    base = y[in_base]

    mean = float(base.mean())
    base_mr = np.abs(np.diff(base))
    mean_mr, kept = _screen_moving_ranges(base_mr, screen=screen_outliers)
    screened = np.zeros(n, dtype=bool)
    screened[np.flatnonzero(in_base)[1:]] = ~kept
    half_width = LIMIT_FACTOR * mean_mr
    upper, lower = mean + half_width, mean - half_width
    upper_23, lower_23 = mean + 2 / 3 * half_width, mean - 2 / 3 * half_width
    too_few = n < MIN_POINTS
    if too_few:
        logger.warning(
            "XmR chart of only %d points; at least %d are advised, so its limits are "
            "trial limits: treat signals with caution",
            n,
            MIN_POINTS,
        )

    side = np.sign(y - mean).astype(int)
    outside = (y > upper) | (y < lower)
    close = ~outside & ((y > upper_23) | (y < lower_23))
    in_trend = _part_of_seven(_seven_point_trend(y))
    in_two_of_three = _two_in_three(close, side) & close
    in_shift = _part_of_seven(_seven_point_one_side_mean(side))
    flags = {
        "beyond_limits": np.where(outside, side, 0),
        "two_in_three": np.where(in_two_of_three, side, 0),
        "shift": np.where(in_shift, side, 0),
        "trend": np.where(in_trend, _trend_direction(y, in_trend), 0),
    }
    rule = np.full(n, None, dtype=object)
    direction_sign = np.zeros(n, dtype=int)
    for name in reversed(PRECEDENCE):  # the first rule in PRECEDENCE wins
        hit = flags[name] != 0
        rule[hit] = name
        direction_sign[hit] = flags[name][hit]
    special = direction_sign != 0
    direction = np.where(direction_sign > 0, "high", np.where(direction_sign < 0, "low", None))
    signal = np.array([_signal_word(d, polarity) for d in direction_sign], dtype=object)
    variation = ["common cause" if word is None else f"special cause {word}" for word in signal]

    points = pd.DataFrame(
        {
            "value": y,
            "moving_range": np.concatenate([[np.nan], np.abs(np.diff(y))]),
            "moving_range_screened": screened,
            "in_baseline": in_base,
            "mean": mean,
            "lower": lower,
            "upper": upper,
            "lower_two_thirds": lower_23,
            "upper_two_thirds": upper_23,
            **{name: flags[name] for name in RULES},
            "special_cause": special,
            "rule": pd.array(rule, dtype="str"),
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
        screened_moving_ranges=int((~kept).sum()),
    )


def _screen_moving_ranges(mr: np.ndarray, *, screen: bool) -> tuple[float, np.ndarray]:
    """The mean moving range and which ranges it kept (``ptd_spc_standard``'s screening)."""
    kept = np.ones(mr.size, dtype=bool)
    first = float(mr.mean())
    if not screen or first == 0:
        # All ranges 0: the reference screens them all and has no limits; keep them.
        return first, kept
    kept = mr < SCREEN_FACTOR * first
    return float(mr[kept].mean()), kept


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
        if not MIN_BASELINE <= baseline <= n:
            raise ValueInputError(
                f"baseline must be at least {MIN_BASELINE} points and at most the series' {n}; got {baseline}"
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
        if mask.sum() < MIN_BASELINE:
            raise ValueInputError(
                f"baseline {baseline!r} holds {int(mask.sum())} points; at least {MIN_BASELINE} are needed"
            )
        return mask
    raise ValueInputError(f"baseline must be a number of points or a (start, end) pair; got {baseline!r}")


def _seven_point_trend(y: np.ndarray) -> np.ndarray:
    """+1/-1 at the last point of 7 strictly rising/falling points, else 0 (``ptd_seven_point_trend``)."""
    out = np.zeros(y.size, dtype=int)
    steps = np.sign(np.diff(y))
    for i in range(RUN_LENGTH - 1, y.size):
        window = steps[i - RUN_LENGTH + 1 : i]  # the 6 steps into point i
        if (window == 1).all():
            out[i] = 1
        elif (window == -1).all():
            out[i] = -1
    return out


def _seven_point_one_side_mean(side: np.ndarray) -> np.ndarray:
    """True at the last point of 7 on one side of the mean (``ptd_seven_point_one_side_mean``)."""
    out = np.zeros(side.size, dtype=bool)
    for i in range(RUN_LENGTH - 1, side.size):
        window = side[i - RUN_LENGTH + 1 : i + 1]
        out[i] = window[-1] != 0 and (window == window[-1]).all()
    return out


def _part_of_seven(ends: np.ndarray) -> np.ndarray:
    """True where a run ends at this point or one of the next 6 (``ptd_part_of_seven_trend``)."""
    hit = np.abs(ends) == 1
    return np.array([hit[i : i + RUN_LENGTH].any() for i in range(hit.size)], dtype=bool)


def _trend_direction(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """+1/-1 for each point's trend direction, as ``ptd_special_cause_type`` reads it.

    The step to the right when the next point is in a trend too, else the
    step to the left; a level step (0) reads as falling, as the reference's
    ``ifelse(sdy == 1, "In", "De")`` does.
    """
    steps = np.sign(np.diff(y)).astype(int)
    right = np.concatenate([steps, steps[-1:]])
    left = np.concatenate([[0], steps])
    next_in_trend = np.concatenate([in_trend[1:], [False]])
    step = np.where(next_in_trend & in_trend, right, left)
    return np.where(step == 1, 1, -1)


def _two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """True for a point in any 3 in a row, all one side, with 2 or more close (``ptd_two_in_three``)."""
    n = close.size
    out = np.zeros(n, dtype=bool)
    for i in range(n - 2):
        window = slice(i, i + 3)
        if close[window].sum() >= 2 and abs(side[window].sum()) == 3:
            out[window] = True
    return out


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


# --------------------------------------------------------------------------- control charts and peers


def spc_summary(results, trends) -> pd.DataFrame:  # noqa: ANN001 - Mapping[str, XmRResult], Mapping[str, RecentTrend]
    """One row per category: latest month, mean and limits, latest variation, signals, trend.

    Examples
    --------
    >>> from workbook.stats.spc import compute_xmr
    >>> from workbook.stats.trend import compute_recent_trend
    >>> idx = pd.date_range("2022-01-01", periods=13, freq="MS")
    >>> r = compute_xmr(pd.Series([5.0, 7, 6, 8, 5, 7, 6, 8, 5, 7, 6, 8, 40], index=idx), polarity="lower_is_better")
    >>> t = spc_summary({"Robbery": r}, {"Robbery": compute_recent_trend(pd.Series([1, 2, 3]))})
    >>> t[["category", "latest", "latest_variation", "trend_5_years"]].values.tolist()
    [['Robbery', 40, 'special cause concern', 'cannot be calculated']]
    """
    rows = []
    for cat, res in results.items():
        pts = res.to_frame()
        recent = pts.iloc[-6:]
        rows.append({
            "category": cat,
            "latest_month": f"{pts.index[-1]:%b %Y}",
            "latest": int(pts["value"].iloc[-1]),
            "mean": res.mean,
            "lower_limit": max(res.lower, 0.0),
            "upper_limit": res.upper,
            "latest_variation": res.variation,
            "special_cause_last_6_months": int(recent["special_cause"].sum()),
            "trend_5_years": trends[cat].direction,
        })
    return pd.DataFrame(rows)
