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
