"""Setting targets for the next plan: trajectories for a few reduction rates, each with its chance of being met.

For each candidate offence group: the baseline (the last complete financial
year), the forecast of the next three financial years without intervention,
and trajectories for a few rates of change a year (compound and linear),
each with the probability that the forecast meets it, judged from the
forecast's own intervals.  The trajectory table has the shape the plans
publish: baseline, years 1 to 3 with their % change on the year before, and
the 3-year change, by district and for the partnership.

The intervals of a year's total beyond the first twelve forecast months are
the sums of the monthly bounds (errors assumed to move together), which errs
wide: the probabilities beyond year 1 lean towards 50% and say less.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from workbook.assessment.prepare import Assessment
from workbook.core.periods import financial_year_label, financial_year_start, parse_financial_year
from workbook.core.polarity import category_polarity
from workbook.forecast.store import forecast_cached
from workbook.stats.targets import target_trajectory

DEFAULT_RATES: tuple[float, ...] = (-2.0, -5.0, -8.0)
"""Rates of change a year offered for a crime a partnership wants to reduce (% a year)."""
YEARS = 3


@dataclass(frozen=True)
class TargetOptions:
    """Trajectory options for one offence group and the forecast they are judged against."""

    category: str
    baseline_year: str
    baseline: float
    forecast: pd.DataFrame
    """One row per plan year: ``year, forecast, lower_95, upper_95, months_forecast``."""
    options: pd.DataFrame
    """One row per (method, rate, year): ``method, rate, year, target, probability_met``."""


def baseline_year(a: Assessment) -> str:
    """The last complete financial year in the data: the baseline of the next plan.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> baseline_year(prepare_assessment("lambeth", period="2023-11"))
    '2022/23'
    >>> baseline_year(prepare_assessment("lambeth", period="2023-03"))
    '2022/23'
    """
    start = financial_year_start(a.latest_month)
    if a.latest_month.month == 3:  # March closes the year
        return financial_year_label(a.latest_month)
    return financial_year_label(start - pd.DateOffset(months=1))


def probability_at_most(target: float, point: float, lower: float, upper: float, *, level: int = 95) -> float:
    """P(outturn <= target) from a forecast and its interval, taken as normal.

    Examples
    --------
    >>> round(probability_at_most(100, 100, 90, 110), 3)
    0.5
    >>> round(probability_at_most(110, 100, 90, 110), 3)  # the upper 95% bound
    0.975
    """
    z = stats.norm.ppf(0.5 + level / 200)
    sd = (upper - lower) / (2 * z)
    if sd <= 0:
        return float(point <= target)
    return float(stats.norm.cdf((target - point) / sd))


def forecast_plan_years(series: pd.Series, *, first_year: str, years: int = YEARS) -> pd.DataFrame:
    """Each plan year's total: the months recorded so far plus the forecast of the rest, with a 95% interval."""
    first = parse_financial_year(first_year)
    last_month = first.start + pd.DateOffset(months=12 * years - 1)
    horizon = max(1, (last_month.year - series.index[-1].year) * 12 + last_month.month - series.index[-1].month)
    fc = forecast_cached(series.astype(float), horizon=horizon)
    frame = fc.to_frame().set_index("month")
    rows = []
    for k in range(years):
        start = first.start + pd.DateOffset(months=12 * k)
        end = start + pd.DateOffset(months=11)
        known = float(series[(series.index >= start) & (series.index <= end)].sum())
        f = frame[(frame.index >= start) & (frame.index <= end)]
        rows.append({"year": financial_year_label(start), "forecast": known + f["forecast"].sum(),
                     "lower_95": known + f["lower_95"].sum(), "upper_95": known + f["upper_95"].sum(),
                     "months_forecast": len(f)})
    return pd.DataFrame(rows)


def propose_targets(
    a: Assessment, *, categories: Sequence[str] = (), rates: Sequence[float] = DEFAULT_RATES, years: int = YEARS
) -> list[TargetOptions]:
    """Trajectory options for each candidate offence group (default: the area's main ones).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> opts = propose_targets(prepare_assessment("lambeth", period="2023-11"), categories=["Burglary"])
    >>> o = opts[0]
    >>> o.baseline_year, int(o.baseline), list(o.forecast["year"])
    ('2022/23', 2171, ['2023/24', '2024/25', '2025/26'])
    >>> o.options.query("method == 'compound' and rate == -8")["target"].round(1).tolist()
    [1997.3, 1837.5, 1690.5]
    """
    cats = list(categories) or list(a.main_categories)
    monthly = a.monthly()
    base_year = baseline_year(a)
    w = parse_financial_year(base_year)
    first_plan_year = financial_year_label(w.end + pd.DateOffset(months=1))
    out = []
    for cat in cats:
        series = monthly[cat]
        baseline = float(series[(series.index >= w.start) & (series.index <= w.end)].sum())
        plan = forecast_plan_years(series, first_year=first_plan_year, years=years)
        lower_better = category_polarity(cat) != "higher_is_better"
        rows = []
        for method in ("compound", "linear"):
            for rate in rates:
                traj = target_trajectory(baseline, years=years, method=method,
                                         pct_change=rate if method == "compound" else [rate * (k + 1) for k in range(years)])
                for k, target in enumerate(traj.to_numpy()):
                    p = plan.iloc[k]
                    prob = probability_at_most(target, p["forecast"], p["lower_95"], p["upper_95"])
                    rows.append({"method": method, "rate": rate, "year": p["year"], "target": float(target),
                                 "probability_met": prob if lower_better else 1 - prob})
        out.append(TargetOptions(category=cat, baseline_year=base_year, baseline=baseline, forecast=plan,
                                 options=pd.DataFrame(rows)))
    return out


def trajectory_table(a: Assessment, *, category: str, rate: float, method: str = "compound",
                     years: int = YEARS) -> pd.DataFrame:
    """A trajectory table in the shape the plans publish, by district and for the partnership.

    Columns: ``area``, the baseline year's count, each plan year's target and
    its % change on the year before, and the change over all the years.
    Targets are rounded to whole offences as published; the % columns are
    worked out from the unrounded trajectory.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> t = trajectory_table(prepare_assessment("lambeth-southwark", period="2023-11"), category="Robbery", rate=-8)
    >>> list(t.columns)[:4], t["area"].tolist()[-1]
    (['area', '2022/23', '2023/24', '2023/24 %'], 'Total')
    >>> round(float(t["3 yr %"].iloc[-1]), 1)  # -8% a year compounds to -22.1% over three years
    -22.1
    """
    base_year = baseline_year(a)
    w = parse_financial_year(base_year)
    rows = a.data[(a.data["month"] >= w.start) & (a.data["month"] <= w.end) & (a.data["category"] == category)]
    by_area = rows.groupby("area_name")["count"].sum()
    if len(a.config.areas) > 1:
        by_area = by_area.reindex([ar.name for ar in a.config.areas], fill_value=0)
    else:
        by_area = pd.Series({a.config.short_name: int(rows["count"].sum())})
    plan_years = [financial_year_label(w.end + pd.DateOffset(months=1 + 12 * k)) for k in range(years)]
    records = []
    for area, base in [*by_area.items(), *([("Total", by_area.sum())] if len(by_area) > 1 else [])]:
        pct = rate if method == "compound" else [rate * (k + 1) for k in range(years)]
        traj = target_trajectory(float(base), years=years, method=method, pct_change=pct).to_numpy()
        rec: dict[str, object] = {"area": area, base_year: int(base)}
        prev = float(base)
        for y, v in zip(plan_years, traj, strict=True):
            rec[y] = int(round(v))
            rec[f"{y} %"] = 100 * (v / prev - 1) if prev else math.nan
            prev = v
        rec[f"{years} yr %"] = 100 * (traj[-1] / base - 1) if base else np.nan
        records.append(rec)
    return pd.DataFrame(records)
