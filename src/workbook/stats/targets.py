"""Targets: declare them, work out trajectories, and judge progress.

A partnership's plan sets targets as a % change on a baseline year (for one
year or as a multi-year trajectory) or as an absolute level, on a count, a
rate per 1,000 or a proportion (DOMAIN.md, "Targets" and "Target
trajectories").  Targets are declared in the area's YAML config under
``targets:`` and validated by :func:`load_targets`.

Conventions, decided here once:

* ``pct_change`` is a signed per cent: ``-5`` means a 5% reduction.  It must
  be non-zero and point the way the indicator's ``polarity`` calls better
  (negative for ``lower_is_better``, positive for ``higher_is_better``); a
  zero or wrongly signed change has no direction and is refused.  It must
  be above -100.
* ``trajectory`` has no default (the user must choose): ``"compound"``
  gives year *k* the target B(1 + r)^k, ``"linear"`` B(1 + k r), and
  ``"single"`` applies the whole change once, to year ``years`` only (with
  ``years: 1``, the year after the baseline).  So -8% a year for three years
  compounds to -22.1%, not -24%.
* A rate per year is a list, ``pct_change: [r1, r2, r3]`` (one per year;
  a year may be 0, none may point against the polarity).  ``"compound"``
  applies each year's rate to the year before: B(1 + r1)(1 + r2)...;
  ``"linear"`` reads each as that year's change from the baseline, as plans
  print it: year *k* is B(1 + r_k).  Central Bedfordshire's NI 40 (+3%, +5%,
  +7%, "each on the baseline" 693) is ``[3, 5, 7]`` linear: 714, 728, 742.
  (So a constant linear rate r is the list [r, 2r, 3r], not [r, r, r]; a
  linear list that loosens year on year is refused as a likely mix-up.)
* A final target is ``final_pct_change`` (signed % from the baseline) or
  ``final`` (the value) reached in year ``years``, along a ``"compound"``
  path (the same rate each year, B(F/B)^(k/n)) or a ``"linear"`` one (the
  same step each year, B + (F - B)k/n).
* Proportions are in per cent (0 to 100); a proportion target or baseline
  above 100 is refused, as is a trajectory that would pass 100.
* ``baseline`` is a financial year such as ``"2022/23"``.  When
  :func:`load_targets` is given ``as_of`` (the latest month of data, passed
  to pydantic as validation context) a baseline year that starts after it
  is refused, and so is one not yet complete unless ``baseline_value`` is
  declared.
* Values are never rounded here; round only for display.

Published trajectory tables are checked by :func:`check_trajectory_table`:
each year's count against the previous one and the published (rounded) %,
the whole-period %, and sums such as "Central Bedfordshire = Mid + South".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbook.config.targets import TargetSpec
from workbook.core.errors import PeriodError, ValueInputError
from workbook.core.periods import parse_financial_year

logger = logging.getLogger(__name__)

STATUSES: tuple[str, ...] = ("met", "not met", "on track", "at risk", "off track")
"""Every status :func:`evaluate_target` can give."""


def target_trajectory(
    baseline: float,
    *,
    years: int,
    method: str,
    pct_change: float | Sequence[float] | None = None,
    final_pct_change: float | None = None,
    final: float | None = None,
) -> pd.Series:
    """Target for each year after the baseline.

    Give exactly one of ``pct_change``, ``final_pct_change`` or ``final``
    (the module docstring gives the formulas).  r is a signed per cent over
    100.  Nothing is rounded.

    Parameters
    ----------
    baseline
        The baseline value B (>= 0).
    years
        How many years the target runs for (n).
    method
        ``"single"``, ``"compound"`` or ``"linear"`` (a list of rates or a
        final target needs ``"compound"`` or ``"linear"``).
    pct_change
        Signed per cent change per year (compound, linear) or in all
        (single); or a list of ``years`` signed per cents, each on the year
        before (compound) or each year's change from the baseline (linear).
    final_pct_change
        Signed per cent change from the baseline to reach in year n.
    final
        The value to reach in year n.

    Returns
    -------
    pandas.Series
        Targets indexed by year number (1 = the year after the baseline).

    Raises
    ------
    ValueInputError
        For a negative baseline, no or several target forms, a rate of -100
        or less, a list whose length is not ``years``, a path below zero, or
        a compound path from or to 0.

    Examples
    --------
    >>> target_trajectory(493, pct_change=-8, years=3, method="compound").round(1).tolist()
    [453.6, 417.3, 383.9]
    >>> target_trajectory(100, pct_change=-8, years=3, method="linear").tolist()
    [92.0, 84.0, 76.0]
    >>> target_trajectory(693, pct_change=5, years=2, method="single").round(2).to_dict()
    {2: 727.65}

    Central Bedfordshire's NI 40, +3%, +5%, +7% each on the baseline 693:

    >>> target_trajectory(693, pct_change=[3, 5, 7], years=3, method="linear").round().tolist()
    [714.0, 728.0, 742.0]

    "Cr d. ex 59", -7%, -5%, -3%, each on the year before (from 1,000):

    >>> target_trajectory(1000, pct_change=[-7, -5, -3], years=3, method="compound").round(3).tolist()
    [930.0, 883.5, 856.995]

    Robbery, 493 in 2007/08 to 388 by 2010/11 at the same rate each year:

    >>> target_trajectory(493, final=388, years=3, method="compound").round().tolist()
    [455.0, 420.0, 388.0]
    """
    if not (isinstance(baseline, (int, float, np.number)) and math.isfinite(baseline) and baseline >= 0):
        raise ValueInputError(f"expected a baseline of 0 or more; got {baseline!r}")
    if int(years) < 1:
        raise ValueInputError(f"expected at least 1 year; got {years!r}")
    n = int(years)
    if method not in ("single", "compound", "linear"):
        raise ValueInputError(f"expected method 'single', 'compound' or 'linear'; got {method!r}")
    given = {k: v for k, v in (("pct_change", pct_change), ("final_pct_change", final_pct_change),
                               ("final", final)) if v is not None}
    if len(given) != 1:
        found = " and ".join(given) if given else "none"
        raise ValueInputError(f"expected exactly one of pct_change, final_pct_change or final; got {found}")
    k = np.arange(1, n + 1)
    if final is not None or final_pct_change is not None:
        if method == "single":
            raise ValueInputError("a final target needs method 'compound' or 'linear'; for one change in the "
                                  "last year use pct_change with 'single'")
        if final_pct_change is not None:
            _check_rate(final_pct_change, what="final_pct_change")
            end = baseline * (1.0 + final_pct_change / 100.0)
        else:
            end = float(final)
            if not (math.isfinite(end) and end >= 0):
                raise ValueInputError(f"expected a final value of 0 or more; got {final!r}")
        if method == "compound":
            if baseline == 0 or end == 0:
                raise ValueInputError(f"a compound path cannot run from {baseline:g} to {end:g}; use 'linear'")
            values = baseline * (end / baseline) ** (k / n)
        else:
            values = baseline + (end - baseline) * k / n
        values[-1] = end
    elif isinstance(pct_change, (Sequence, np.ndarray, pd.Series)) and not isinstance(pct_change, str):
        rates = np.asarray(pct_change, dtype=float)
        if rates.ndim != 1 or rates.size != n:
            raise ValueInputError(f"expected {n} yearly rates (one per year); got {list(rates.ravel())}")
        for r in rates:
            _check_rate(r, what="pct_change")
        if method == "compound":
            values = baseline * np.cumprod(1.0 + rates / 100.0)
        elif method == "linear":
            values = baseline * (1.0 + rates / 100.0)
        else:
            raise ValueInputError("method 'single' applies one change; a list of yearly rates needs "
                                  "'compound' or 'linear'")
    else:
        _check_rate(pct_change, what="pct_change")
        r = float(pct_change) / 100.0
        if method == "compound":
            values = baseline * (1.0 + r) ** k
        elif method == "linear":
            values = baseline * (1.0 + k * r)
            if (values < 0).any():
                raise ValueInputError(
                    f"a linear change of {pct_change:g}% a year for {years} years goes below zero")
        else:
            k = np.array([n])
            values = np.array([baseline * (1.0 + r)])
    return pd.Series(np.asarray(values, dtype=float), index=pd.Index(k, name="year"), name="target")


def _check_rate(value: Any, *, what: str) -> None:
    try:
        ok = math.isfinite(float(value)) and float(value) > -100
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueInputError(f"expected {what} as a % change above -100; got {value!r}")


def _year_number(spec: TargetSpec, financial_year: str) -> int:
    start = parse_financial_year(financial_year).start.year
    return start - parse_financial_year(spec.baseline).start.year


def target_for_year(spec: TargetSpec, financial_year: str, *, baseline_value: float | None = None) -> float:
    """The target a spec sets for one financial year.

    Parameters
    ----------
    spec
        The target.
    financial_year
        e.g. ``"2009/10"``.
    baseline_value
        The baseline computed from data, used when the spec declares none.

    Raises
    ------
    PeriodError
        If the year is not one the target covers.

    Examples
    --------
    >>> spec = TargetSpec(name="NI 40", indicator="count", category="Drugs", polarity="higher_is_better",
    ...                   baseline="2007/08", baseline_value=693, pct_change=5, trajectory="single", years=2)
    >>> round(target_for_year(spec, "2009/10"))
    728
    >>> spec = TargetSpec(name="NI 40", indicator="count", category="Drugs", polarity="higher_is_better",
    ...                   baseline="2007/08", baseline_value=693, pct_change=[3, 5, 7], trajectory="linear",
    ...                   years=3)
    >>> [round(target_for_year(spec, fy)) for fy in ("2008/09", "2009/10", "2010/11")]
    [714, 728, 742]
    """
    k = _year_number(spec, financial_year)
    if spec.level is not None:
        if k < 1:
            raise PeriodError(f"target {spec.name!r} starts after its baseline {spec.baseline}; "
                              f"got {financial_year}")
        return float(spec.level)
    trajectory = _spec_trajectory(spec, _baseline(spec, baseline_value))
    if k not in trajectory.index:
        years = ", ".join(f"year {i}" for i in trajectory.index)
        raise PeriodError(f"target {spec.name!r} (baseline {spec.baseline}) sets no target for "
                          f"{financial_year} (year {k}); it covers {years}")
    return float(trajectory.loc[k])


def _spec_trajectory(spec: TargetSpec, base: float) -> pd.Series:
    if spec.final is not None:
        lower = spec.polarity == "lower_is_better"
        if (lower and spec.final > base) or (not lower and spec.final < base):
            logger.warning("target %r: final %g is %s the baseline %g, so the path %s", spec.name, spec.final,
                           "above" if lower else "below", base, "rises" if lower else "falls")
    return target_trajectory(base, years=spec.years, method=str(spec.trajectory), pct_change=spec.pct_change,
                             final_pct_change=spec.final_pct_change, final=spec.final)


def _baseline(spec: TargetSpec, baseline_value: float | None) -> float:
    if spec.baseline_value is not None:
        if baseline_value is not None and not math.isclose(baseline_value, spec.baseline_value):
            logger.warning("target %r: declared baseline %g used, not the computed %g", spec.name,
                           spec.baseline_value, baseline_value)
        return float(spec.baseline_value)
    if baseline_value is None:
        raise ValueInputError(f"target {spec.name!r} declares no baseline_value; pass the baseline for "
                              f"{spec.baseline} computed from the data")
    if not baseline_value >= 0:
        raise ValueInputError(f"expected a baseline of 0 or more; got {baseline_value!r}")
    return float(baseline_value)


@dataclass(frozen=True)
class TargetEvaluation:
    """Progress against a target in one financial year.

    Attributes
    ----------
    name, financial_year, indicator, polarity
        From the target.
    baseline_value
        The baseline used (``None`` for a level target).
    target
        The target for the year.
    months_elapsed
        Months of the year recorded so far.
    actual_to_date
        Recorded so far (the outturn once the year is complete).
    target_to_date
        The target pro rata to date (by months, or by the baseline year's
        seasonal profile); for a proportion, the target itself.
    projected, projected_lower, projected_upper
        Projected outturn for the year and its interval at ``level``.
    level
        The interval level in per cent.
    probability_met
        Probability of meeting the target (see :func:`evaluate_target`).
    status
        One of :data:`STATUSES`.
    year_complete
        Whether the year is over.
    basis
        What the status rests on: ``"outturn"`` (the year is over),
        ``"already met"`` or ``"already missed"`` (decided by the count so
        far) or ``"projected"`` (the projected outturn's interval).  The
        report's sentence is written from this by
        :func:`workbook.present.sentences.explain_target`.
    """

    name: str
    financial_year: str
    indicator: str
    polarity: str
    baseline_value: float | None
    target: float
    months_elapsed: int
    actual_to_date: float
    target_to_date: float
    projected: float
    projected_lower: float
    projected_upper: float
    level: int
    probability_met: float
    status: str
    year_complete: bool
    basis: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every attribute."""
        return pd.DataFrame([{k: getattr(self, k) for k in self.__dataclass_fields__}])


def _probability(point: float, lower: float, upper: float, target: float, *, level: int, lower_better: bool
                 ) -> float:
    """P(outturn meets target) from a split normal fitted to the interval."""
    z = float(stats.norm.ppf(0.5 + level / 200.0))
    half = (upper - point) if target >= point else (point - lower)
    if half <= 0:
        meets = point <= target if lower_better else point >= target
        return 1.0 if meets else 0.0
    p_below = float(stats.norm.cdf((target - point) / (half / z)))
    return p_below if lower_better else 1.0 - p_below


def _remaining(forecast_remaining: Any, months_left: int, level: int, first_month: pd.Timestamp
               ) -> tuple[float, float, float]:
    if hasattr(forecast_remaining, "total") and hasattr(forecast_remaining, "levels"):
        start = forecast_remaining.forecast.index[0]
        if start != first_month:
            raise ValueInputError(f"the forecast starts in {start:%Y-%m}; the rest of the year starts in "
                                  f"{first_month:%Y-%m}")
        if level not in forecast_remaining.levels:
            raise ValueInputError(
                f"the forecast has no {level}% interval; it has {forecast_remaining.levels}")
        if forecast_remaining.horizon < months_left:
            raise ValueInputError(f"the forecast covers {forecast_remaining.horizon} months; "
                                  f"{months_left} remain in the year")
        total = forecast_remaining.total(months_left)
        return total.point, total.lower[level], total.upper[level]
    try:
        point, lower, upper = (float(v) for v in forecast_remaining)
    except (TypeError, ValueError) as exc:
        raise ValueInputError("expected forecast_remaining as a ForecastResult or (point, lower, upper) "
                              f"sums; got {forecast_remaining!r}") from exc
    if not lower <= point <= upper or lower < 0:
        raise ValueInputError(f"expected 0 <= lower <= point <= upper for the remaining months; "
                              f"got ({point:g}, {lower:g}, {upper:g})")
    return point, lower, upper


def evaluate_target(
    spec: TargetSpec,
    *,
    financial_year: str,
    actual_to_date: float | Sequence[float] | pd.Series,
    months_elapsed: int | None = None,
    baseline_value: float | None = None,
    forecast_remaining: Any = None,
    projected_outturn: tuple[float, float, float] | None = None,
    year_complete: bool = False,
    seasonal_profile: Sequence[float] | pd.Series | None = None,
    level: int = 95,
) -> TargetEvaluation:
    """Judge progress against a target in one financial year.

    Status, for a finished year: ``"met"`` or ``"not met"`` (met means at
    or below the target when lower is better, at or above when higher is).

    For an unfinished year, judged from the projected outturn's interval
    (DOMAIN.md, "Target trajectories"): if the whole interval is on the
    favourable side of the target (the target lies at or beyond the
    interval's *unfavourable* end: for lower-is-better, upper bound <=
    target) the target is likely met: ``"on track"``; if the target lies
    inside the interval, ``"at risk"``; if the whole interval is on the
    unfavourable side (the target is beyond even the favourable end: for
    lower-is-better, lower bound > target), ``"off track"``.  Counts and
    rates only accumulate over a year, so a higher-is-better target already
    reached is ``"met"`` and a lower-is-better one already exceeded is
    ``"not met"`` before the year ends; proportions have no such shortcut.

    The probability of meeting the target comes from a normal
    approximation to the projected outturn: centred on the projection, with
    standard deviation (bound - projection) / z from the side of the
    interval facing the target (so asymmetric intervals are respected).

    Parameters
    ----------
    spec
        The target.
    financial_year
        The year judged, e.g. ``"2024/25"``.
    actual_to_date
        The total recorded so far this year, or the monthly values (whose
        count gives ``months_elapsed``).  For a proportion: the proportion
        so far, in per cent.
    months_elapsed
        Months recorded so far (needed when ``actual_to_date`` is a total).
    baseline_value
        The baseline computed from data, if the spec declares none.
    forecast_remaining
        For a count or rate: the forecast of the rest of the year, as a
        :class:`workbook.forecast.results.ForecastResult` starting the month after
        the last actual (its :meth:`total` over the months left is used) or
        as ``(point, lower, upper)`` sums at ``level``.
    projected_outturn
        ``(point, lower, upper)`` for the year's outturn, instead of
        ``forecast_remaining`` (needed for a proportion).
    year_complete
        Whether the year is over (then ``actual_to_date`` is the outturn).
    seasonal_profile
        The baseline year's 12 monthly values, April first, to pro-rate the
        target by season instead of by months.
    level
        Interval level of the projection, in per cent.

    Returns
    -------
    TargetEvaluation

    Examples
    --------
    >>> spec = TargetSpec(name="Robbery", indicator="count", category="Robbery", polarity="lower_is_better",
    ...                   baseline="2007/08", baseline_value=493, pct_change=-7.67, trajectory="compound",
    ...                   years=3)
    >>> ev = evaluate_target(spec, financial_year="2008/09", actual_to_date=250, months_elapsed=6,
    ...                      forecast_remaining=(190, 170, 200))
    >>> round(ev.target), round(ev.target_to_date, 1), ev.projected, ev.status
    (455, 227.6, 440.0, 'on track')
    """
    if level <= 0 or level >= 100:
        raise ValueInputError(f"expected a level between 0 and 100; got {level!r}")
    if isinstance(actual_to_date, (pd.Series, list, tuple, np.ndarray)):
        monthly = np.asarray(actual_to_date, dtype=float)
        if months_elapsed is not None and months_elapsed != monthly.size:
            raise ValueInputError(
                f"months_elapsed is {months_elapsed} but {monthly.size} monthly values were given")
        months_elapsed = int(monthly.size)
        if spec.indicator == "proportion":
            raise ValueInputError("for a proportion pass the proportion to date, not monthly values")
        actual = float(monthly.sum())
        if (monthly < 0).any():
            raise ValueInputError(f"expected monthly values of 0 or more; got {monthly.min():g}")
    else:
        actual = float(actual_to_date)
    if not actual >= 0:
        raise ValueInputError(f"expected actual_to_date of 0 or more; got {actual_to_date!r}")
    if spec.indicator == "proportion" and actual > 100:
        raise ValueInputError(f"a proportion is a per cent between 0 and 100; got {actual:g}")
    if months_elapsed is None:
        if not year_complete:
            raise ValueInputError("pass months_elapsed (or the monthly values) for a year in progress")
        months_elapsed = 12
    months_elapsed = int(months_elapsed)
    if not 0 <= months_elapsed <= 12:
        raise ValueInputError(f"expected 0 to 12 months elapsed; got {months_elapsed}")
    if not year_complete and months_elapsed == 12:
        raise ValueInputError("12 months have elapsed; pass year_complete=True to judge the outturn")

    target = target_for_year(spec, financial_year, baseline_value=baseline_value)
    next_month = parse_financial_year(financial_year).start + pd.DateOffset(months=months_elapsed)
    base = None if spec.level is not None else _baseline(spec, baseline_value)
    lower_better = spec.polarity == "lower_is_better"
    additive = spec.indicator != "proportion"

    if not additive:
        to_date = target
    elif seasonal_profile is not None:
        profile = np.asarray(seasonal_profile, dtype=float)
        if profile.size != 12 or (profile < 0).any() or profile.sum() <= 0:
            raise ValueInputError(
                "expected a seasonal profile of 12 monthly values of 0 or more, April first")
        to_date = target * float(profile[:months_elapsed].sum() / profile.sum())
    else:
        to_date = target * months_elapsed / 12.0

    def meets(x: float) -> bool:
        return x <= target if lower_better else x >= target

    if year_complete:
        ok = meets(actual)
        return TargetEvaluation(
            name=spec.name, financial_year=financial_year, indicator=spec.indicator, polarity=spec.polarity,
            baseline_value=base, target=target, months_elapsed=months_elapsed, actual_to_date=actual,
            target_to_date=to_date, projected=actual, projected_lower=actual, projected_upper=actual,
            level=level, probability_met=1.0 if ok else 0.0, status="met" if ok else "not met",
            year_complete=True, basis="outturn",
        )

    if additive and not lower_better and actual >= target:
        status, prob, point, lo, hi = "met", 1.0, actual, actual, actual
        basis = "already met"
        if forecast_remaining is not None:
            r_point, r_lo, r_hi = _remaining(forecast_remaining, 12 - months_elapsed, level, next_month)
            point, lo, hi = actual + r_point, actual + r_lo, actual + r_hi
    elif additive and lower_better and actual > target:
        status, prob, point, lo, hi = "not met", 0.0, actual, actual, actual
        basis = "already missed"
        if forecast_remaining is not None:
            r_point, r_lo, r_hi = _remaining(forecast_remaining, 12 - months_elapsed, level, next_month)
            point, lo, hi = actual + r_point, actual + r_lo, actual + r_hi
    else:
        if projected_outturn is not None:
            point, lo, hi = (float(v) for v in projected_outturn)
            if not lo <= point <= hi:
                raise ValueInputError(f"expected lower <= point <= upper for projected_outturn; "
                                      f"got {projected_outturn!r}")
        elif additive and forecast_remaining is not None:
            r_point, r_lo, r_hi = _remaining(forecast_remaining, 12 - months_elapsed, level, next_month)
            point, lo, hi = actual + r_point, actual + r_lo, actual + r_hi
        else:
            need = "projected_outturn" if not additive else "forecast_remaining (or projected_outturn)"
            raise ValueInputError(f"a year in progress needs {need} to judge target {spec.name!r}")
        if lower_better:
            status = "on track" if hi <= target else "off track" if lo > target else "at risk"
        else:
            status = "on track" if lo >= target else "off track" if hi < target else "at risk"
        prob = _probability(point, lo, hi, target, level=level, lower_better=lower_better)
        basis = "projected"
    return TargetEvaluation(
        name=spec.name, financial_year=financial_year, indicator=spec.indicator, polarity=spec.polarity,
        baseline_value=base, target=target, months_elapsed=months_elapsed, actual_to_date=actual,
        target_to_date=to_date, projected=point, projected_lower=lo, projected_upper=hi, level=level,
        probability_met=prob, status=status, year_complete=False, basis=basis,
    )
