"""Direction of travel from a forecast and the recent trend."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.methods import SEASON, _check_series
from workbook.forecast.results import DirectionOfTravel, ForecastResult

_TREND_WORDS = (
    (r"cannot|insufficient|not enough", None),
    (r"no significant|no change|stable|flat", "stable"),
    (r"increas|rising|\bup(ward)?\b", "increasing"),
    (r"decreas|falling|\bdown(ward)?\b", "decreasing"),
)


def _trend_label(trend: Any) -> str | None:
    """Normalise a recent-trend result or label to the direction vocabulary."""
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


def assess_direction(y: pd.Series, forecast: ForecastResult, *, trend: Any = None, level: int | None = None
                     ) -> DirectionOfTravel:
    """The predicted direction of travel: increasing, stable or decreasing.

    The forecast total of the next 12 months is compared with the recorded
    total of the last 12.  If the last 12 months' total lies outside the
    forecast total's prediction interval (the range of normal variation),
    the forecast says "increasing" or "decreasing"; otherwise "stable".

    A recent-trend result (for example from ``workbook.stats.spc.recent_trend``,
    or just its label such as ``"Increasing"`` or ``"No significant
    change"``) is combined as follows: if either is "stable" or the trend
    cannot be calculated, the other's direction stands (a significant trend
    is evidence of travel even when next year's change is within normal
    variation); if they point opposite ways the label is "stable" and the
    sentence says they disagree.

    Parameters
    ----------
    y
        The recorded monthly series (at least 12 months).
    forecast
        A forecast of ``y`` of at least 12 months from the month after it.
    trend
        Optional recent-trend label or result with a ``label`` attribute.
    level
        Interval level for normal variation; the widest of the forecast's.

    Returns
    -------
    DirectionOfTravel

    Examples
    --------
    >>> months = pd.date_range("2022-04-01", periods=12, freq="MS")
    >>> f = pd.date_range("2023-04-01", periods=12, freq="MS")
    >>> fc = ForecastResult(method="ets", requested_method="ets", reason=None,
    ...     history=pd.Series(100.0, index=months), forecast=pd.Series(106.0, index=f),
    ...     lower={95: pd.Series(102.0, index=f)}, upper={95: pd.Series(110.0, index=f)},
    ...     levels=(95,), interval_method="test", scale=5.0)
    >>> d = assess_direction(pd.Series(100.0, index=months), fc)
    >>> d.label
    'increasing'
    >>> d.sentence
    'Expected to rise about 6% over the next 12 months (from 1,200 to 1,272); the rise is outside the range of normal variation.'
    """
    y = _check_series(y)
    if len(y) < SEASON:
        raise ValueInputError(f"expected at least 12 months of recorded data; got {len(y)}")
    if forecast.horizon < SEASON:
        raise ValueInputError(f"expected a forecast of at least 12 months; got {forecast.horizon}")
    level = max(forecast.levels) if level is None else int(level)
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
    if last < lo:
        f_label = "increasing"
    elif last > hi:
        f_label = "decreasing"
    else:
        f_label = "stable"
    outside = f_label != "stable"
    t_label = _trend_label(trend)
    if t_label is None or t_label == f_label:
        label = f_label
    elif f_label == "stable":
        label = t_label
    elif t_label == "stable":
        label = f_label
    else:
        label = "stable"

    change = None if last == 0 else (nxt - last) / last * 100.0
    if change is None:
        what = f"Expected to record about {nxt:,.0f} over the next 12 months, after none in the last 12"
        noun = "change"
    else:
        verb = "rise" if nxt > last else "fall" if nxt < last else "stay level"
        noun = "rise" if nxt > last else "fall" if nxt < last else "change"
        if verb == "stay level":
            what = f"Expected to stay level over the next 12 months (about {last:,.0f})"
        else:
            size = f"about {abs(change):.0f}%" if round(abs(change)) >= 1 else "slightly (less than 1%)"
            what = (f"Expected to {verb} {size} over the next 12 months "
                    f"(from {last:,.0f} to {nxt:,.0f})")
    where = "outside" if outside else "within"
    sentence = f"{what}; the {noun} is {where} the range of normal variation"
    if t_label is not None:
        if t_label == f_label:
            sentence += f"; the recent trend is also {t_label}"
        elif label == "stable" and f_label != "stable":
            sentence += f"; but the recent trend is {t_label}, so the evidence is mixed"
        else:
            sentence += f"; the recent trend is {t_label}"
    elif trend is not None:
        sentence += "; the recent trend cannot be calculated"
    return DirectionOfTravel(
        label=label, forecast_label=f_label, trend_label=t_label, last_12_months=last, next_12_months=nxt,
        change_pct=change, lower=lo, upper=hi, level=level, outside_normal_variation=outside,
        sentence=sentence + ".",
    )
