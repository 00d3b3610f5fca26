"""Direction of travel: the next 12 months' forecast total against the last 12 months, and its validation.

The rule: "increasing" when the whole 80% prediction interval of the next 12
months' total lies above the total recorded in the last 12 months,
"decreasing" when it lies wholly below, otherwise "no clear change".  The
interval is calibrated (see :mod:`workbook.forecast.intervals`), so the rule
claims a change only when it is beyond what forecasts of this kind have
missed by in four cases out of five.  A five-year trend, if given, is
carried beside the label as context; it never changes the label.
:func:`validate_directions` measures how often each label was followed by a
change of that sign.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.methods import SEASON, _check_series
from workbook.forecast.results import DirectionOfTravel, ForecastResult

DIRECTION_LEVEL = 80
"""Interval level of the rule, in per cent (a one-sided 90% claim)."""

DIRECTION_LABELS: tuple[str, ...] = ("increasing", "decreasing", "no clear change")
"""The labels the rule gives."""

BIG_CHANGE = 0.10
"""A change of this share of the last 12 months' total counts as large in the validation."""

_TREND_WORDS = (
    (r"cannot|insufficient|not enough", None),
    (r"no significant|no change|no clear|stable|flat", "no significant change"),
    (r"increas|rising|\bup(ward)?\b", "increasing"),
    (r"decreas|falling|\bdown(ward)?\b", "decreasing"),
)


def _trend_label(trend: Any) -> str | None:
    """Normalise a trend result or label to increasing, decreasing or no significant change (None: not calculable)."""
    if trend is None:
        return None
    if not isinstance(trend, str):
        for attr in ("label", "direction", "trend", "marker"):
            if isinstance(getattr(trend, attr, None), str):
                trend = getattr(trend, attr)
                break
        else:
            raise ValueInputError(
                f"expected a trend label or a result with a 'label' attribute; got {trend!r}")
    text = trend.strip().lower()
    for pattern, label in _TREND_WORDS:
        if re.search(pattern, text):
            return label
    raise ValueInputError(
        f"expected a trend label such as 'increasing', 'decreasing', 'no significant change' or "
        f"'cannot be calculated'; got {trend!r}")


def label_directions(previous: Any, lower: Any, upper: Any) -> np.ndarray:
    """The rule's label for each forecast: where the interval lies against the previous total.

    Parameters
    ----------
    previous
        Recorded total of the last 12 months (numbers or arrays).
    lower, upper
        The prediction interval of the next 12 months' total.

    Returns
    -------
    numpy.ndarray
        ``"increasing"`` where ``lower > previous``, ``"decreasing"`` where
        ``upper < previous``, else ``"no clear change"``.

    Examples
    --------
    >>> label_directions([1200, 1200, 1200], [1224, 1080, 1000], [1320, 1248, 1140]).tolist()
    ['increasing', 'no clear change', 'decreasing']
    """
    previous, lower, upper = (np.asarray(v, dtype=float) for v in (previous, lower, upper))
    return np.where(lower > previous, "increasing", np.where(upper < previous, "decreasing", "no clear change"))


def assess_direction(y: pd.Series, forecast: ForecastResult, *, trend: Any = None,
                     level: int = DIRECTION_LEVEL) -> DirectionOfTravel:
    """The predicted direction of travel: increasing, decreasing or no clear change.

    The forecast total of the next 12 months is compared with the recorded
    total of the last 12.  "Increasing" when the whole ``level``% prediction
    interval of the next 12 months' total lies above the last 12 months'
    total; "decreasing" when it lies wholly below; otherwise "no clear
    change".  A trend (for example ``workbook.stats.trend.compute_annual_trend``'s
    result or its label) is reported beside the label as context and does
    not change it.

    Parameters
    ----------
    y
        The recorded monthly series (at least 12 months).
    forecast
        A forecast of ``y`` of at least 12 months from the month after it.
    trend
        Optional trend label or result with a ``label``/``direction`` attribute.
    level
        Interval level of the rule (80); one of the forecast's levels.

    Returns
    -------
    DirectionOfTravel

    Examples
    --------
    >>> months = pd.date_range("2022-04-01", periods=12, freq="MS")
    >>> f = pd.date_range("2023-04-01", periods=12, freq="MS")
    >>> fc = ForecastResult(method="ets", requested_method="ets", reason=None,
    ...     history=pd.Series(100.0, index=months), forecast=pd.Series(106.0, index=f),
    ...     lower={80: pd.Series(102.0, index=f)}, upper={80: pd.Series(110.0, index=f)},
    ...     levels=(80,), interval_method="test", scale=5.0, total_halfwidths={12: {80: 48.0}})
    >>> d = assess_direction(pd.Series(100.0, index=months), fc, trend="no significant change")
    >>> d.label, d.lower, d.upper
    ('increasing', 1224.0, 1320.0)
    >>> d.sentence
    "Expected to rise about 6% over the next 12 months (from 1,200 to 1,272; 80% prediction interval 1,224 to 1,320). The whole interval is above the last 12 months' total, so the direction is increasing. Five-year trend, shown for context and not used in the label: no significant change."
    """
    y = _check_series(y)
    if len(y) < SEASON:
        raise ValueInputError(f"expected at least 12 months of recorded data; got {len(y)}")
    if forecast.horizon < SEASON:
        raise ValueInputError(f"expected a forecast of at least 12 months; got {forecast.horizon}")
    level = int(level)
    if level not in forecast.levels:
        raise ValueInputError(f"level {level} is not among the forecast's levels {forecast.levels}")
    expected_start = y.index[-1] + pd.offsets.MonthBegin(1)
    if forecast.forecast.index[0] != expected_start:
        raise ValueInputError(
            f"expected the forecast to start in {expected_start:%Y-%m}, the month after the series; "
            f"it starts in {forecast.forecast.index[0]:%Y-%m}")
    last = float(y.iloc[-SEASON:].sum())
    total = forecast.total(SEASON)
    nxt, lo, hi = total.point, total.lower[level], total.upper[level]
    label = str(label_directions(last, lo, hi).item())
    t_label = _trend_label(trend)

    change = None if last == 0 else (nxt - last) / last * 100.0
    interval = f"{level}% prediction interval {lo:,.0f} to {hi:,.0f}"
    if change is None:
        what = f"Expected to record about {nxt:,.0f} over the next 12 months, after none in the last 12 ({interval})"
    elif round(nxt) == round(last):
        what = f"Expected to stay level over the next 12 months (about {last:,.0f}; {interval})"
    else:
        verb = "rise" if nxt > last else "fall"
        size = f"about {abs(change):.0f}%" if round(abs(change)) >= 1 else "slightly (less than 1%)"
        what = f"Expected to {verb} {size} over the next 12 months (from {last:,.0f} to {nxt:,.0f}; {interval})"
    if label == "increasing":
        verdict = "The whole interval is above the last 12 months' total, so the direction is increasing."
    elif label == "decreasing":
        verdict = "The whole interval is below the last 12 months' total, so the direction is decreasing."
    else:
        verdict = "The interval includes the last 12 months' total, so there is no clear change."
    sentence = f"{what}. {verdict}"
    if t_label is not None:
        sentence += f" Five-year trend, shown for context and not used in the label: {t_label}."
    elif trend is not None:
        sentence += " The five-year trend cannot be calculated."
    return DirectionOfTravel(
        label=label, forecast_label=label, trend_label=t_label, last_12_months=last, next_12_months=nxt,
        change_pct=change, lower=lo, upper=hi, level=level, outside_normal_variation=label != "no clear change",
        sentence=sentence,
    )


def validate_directions(totals: pd.DataFrame, *, level: int = DIRECTION_LEVEL,
                        big_change: float = BIG_CHANGE) -> pd.DataFrame:
    """How often each label was followed by a change of its sign.

    Parameters
    ----------
    totals
        One row per forecast whose next 12 months were recorded:
        ``previous`` (the last 12 months' total at the origin), ``actual``
        (the next 12 months' recorded total) and ``lower_<level>,
        upper_<level>`` (as :attr:`BacktestResult.totals` has them).
    level
        Interval level of the rule.
    big_change
        Share of ``previous`` beyond which a change counts as large.

    Returns
    -------
    pandas.DataFrame
        One row per label: ``label, n, share`` (of all forecasts),
        ``followed_by_rise, followed_by_fall`` (shares of that label's
        forecasts after which the next 12 months' total was above / below
        the previous), ``right`` (the share of the label's own sign; for "no
        clear change", the share followed by a change smaller than
        ``big_change``), ``followed_by_large_change`` (beyond
        ``big_change`` either way) and ``median_change`` (of the actual
        change, as a share).

    Examples
    --------
    >>> t = pd.DataFrame({"previous": [100.0, 100, 100, 100], "actual": [120.0, 95, 112, 101],
    ...                   "lower_80": [105.0, 90, 90, 80], "upper_80": [130.0, 110, 115, 99]})
    >>> validate_directions(t)[["label", "n", "right", "followed_by_large_change"]].values.tolist()
    [['increasing', 1, 1.0, 1.0], ['decreasing', 1, 0.0, 0.0], ['no clear change', 2, 0.5, 0.5]]

    The "increasing" was followed by a rise of 20% (a large change); the
    "decreasing" by a rise (100 to 101); of the two "no clear change", one
    was followed by a rise of 12%.
    """
    lo, hi = f"lower_{level}", f"upper_{level}"
    need = {"previous", "actual", lo, hi}
    if not need <= set(totals.columns):
        raise ValueInputError(f"expected columns {sorted(need)}; got {sorted(totals.columns)}")
    ok = totals[list(need)].notna().all(axis=1) & (totals["previous"] > 0)
    t = totals.loc[ok]
    labels = label_directions(t["previous"], t[lo], t[hi])
    change = (t["actual"] - t["previous"]).to_numpy() / t["previous"].to_numpy()
    rows = []
    for label in DIRECTION_LABELS:
        sel = labels == label
        c = change[sel]
        n = int(sel.sum())
        rise, fall = (float(np.mean(c > 0)), float(np.mean(c < 0))) if n else (np.nan, np.nan)
        large = float(np.mean(np.abs(c) > big_change)) if n else np.nan
        right = {"increasing": rise, "decreasing": fall, "no clear change": 1.0 - large if n else np.nan}[label]
        rows.append({"label": label, "n": n, "share": n / len(t) if len(t) else np.nan,
                     "followed_by_rise": rise, "followed_by_fall": fall, "right": right,
                     "followed_by_large_change": large,
                     "median_change": float(np.median(c)) if n else np.nan})
    return pd.DataFrame(rows)
