"""The board's monthly or quarterly performance report: what the monitoring notebook shows.

A few pages, not the annual assessment: each target's status and projected year
end, the latest month against the control limits, year to date against last
year for the issues being watched, anti-social behaviour, and what changed since
the last report (special causes that are new, targets whose status moved).
It leaves out what only the annual assessment needs (peers, hotspots, harm,
the scanning matrix), so it runs in a fraction of the time.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.assessment.incidents import IncidentAnalysis, analyse_incidents
from workbook.assessment.prepare import Assessment, rewind_assessment
from workbook.assessment.travel import evaluate_area_targets
from workbook.config.targets import load_targets
from workbook.core.categories import ALL_CRIME, NOT_IN_ALL_CRIME
from workbook.core.errors import PeriodError
from workbook.core.polarity import category_polarity
from workbook.stats.compare import compare_periods
from workbook.stats.rates import add_rate_columns
from workbook.stats.spc import XmRResult, compute_xmr_by_category, spc_summary
from workbook.stats.trend import compute_annual_trend

CHANGE_COLUMNS = ("kind", "item", "before", "now")


@dataclass(frozen=True)
class Monitoring:
    """One performance report's results, and the previous report's for comparison."""

    assessment: Assessment
    since: pd.Timestamp
    watched: tuple[str, ...]
    ytd: pd.DataFrame
    targets: pd.DataFrame | None
    spc_table: pd.DataFrame
    xmr: dict[str, XmRResult]
    incidents: IncidentAnalysis | None
    changes: pd.DataFrame


def watched_categories(a: Assessment) -> tuple[str, ...]:
    """The issues a performance report follows: those with targets, then the main offence groups.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> watched_categories(prepare_assessment("lambeth", period="2023-11"))[:3]
    ('Residential burglary', 'Violence and sexual offences', 'Other theft')
    """
    with_targets = [t.get("category") for t in a.config.targets if t.get("category")]
    return tuple(dict.fromkeys([*with_targets, *a.main_categories]))


def _spc(a: Assessment) -> tuple[dict[str, XmRResult], pd.DataFrame]:
    monthly = a.monthly()
    cats = list(a.main_categories)
    pol = {c: category_polarity(c) for c in cats}
    xmr = compute_xmr_by_category(monthly, categories=cats, polarities=pol)
    return xmr, spc_summary(xmr, {c: compute_annual_trend(monthly[c], polarity=pol[c]) for c in cats})


def _targets(a: Assessment) -> pd.DataFrame | None:
    specs = load_targets(a.config.targets, as_of=a.latest_month)
    return evaluate_area_targets(a, specs=specs) if specs else None


def compare_reports(
    spc_now: pd.DataFrame, spc_before: pd.DataFrame, targets_now: pd.DataFrame | None,
    targets_before: pd.DataFrame | None,
) -> pd.DataFrame:
    """What changed since the last report: new special causes, targets whose status moved.

    A special cause is *new* when the latest month of an offence group is
    special-cause variation and the last report's latest month was not (or
    was of another kind).  A target's status changed when the word differs.

    Examples
    --------
    >>> now = pd.DataFrame({"category": ["Robbery", "Drugs"], "latest_month": ["Nov 2023"] * 2,
    ...                     "latest_variation": ["special cause concern", "common cause"]})
    >>> before = now.assign(latest_month="Oct 2023", latest_variation=["common cause", "common cause"])
    >>> compare_reports(now, before, None, None).values.tolist()
    [['New special cause', 'Robbery', 'common cause (Oct 2023)', 'special cause concern (Nov 2023)']]
    """
    rows = []
    prev = spc_before.set_index("category")
    for _, r in spc_now.iterrows():
        was = prev["latest_variation"].get(r["category"])
        if r["latest_variation"] != "common cause" and r["latest_variation"] != was:
            rows.append(("New special cause", r["category"],
                         f"{was} ({prev.loc[r['category'], 'latest_month']})" if was is not None else "not charted",
                         f"{r['latest_variation']} ({r['latest_month']})"))
    if targets_now is not None:
        before = {} if targets_before is None else dict(zip(targets_before["name"], targets_before["status"]))
        for _, t in targets_now.iterrows():
            if before.get(t["name"]) != t["status"]:
                rows.append(("Target status changed", t["name"], before.get(t["name"], "not evaluated"), t["status"]))
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def analyse_monitoring(a: Assessment, *, since: str | pd.Timestamp | None = None) -> Monitoring:
    """The performance report for the assessment's month, against the report for ``since``.

    ``since`` is the month of the last report (``YYYY-MM``; default the
    month before: a monthly report; give three months back for quarterly).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> m = analyse_monitoring(prepare_assessment("lambeth", period="2023-11"))
    >>> f"{m.since:%Y-%m}", int(m.ytd.set_index("category").loc["All crime", "current"])
    ('2023-10', 24269)
    """
    month = a.latest_month
    since_month = pd.Timestamp(since) if since else month - pd.DateOffset(months=1)
    if since_month >= month:
        raise PeriodError(f"the last report's month {since_month:%Y-%m} is not before this one's, {month:%Y-%m}")
    before = rewind_assessment(a, since_month)
    watched = watched_categories(a)
    ytd = compare_periods(a.data, current=a.periods.current, previous=a.periods.previous, by=["category"])
    ytd = add_rate_columns(ytd, persons=a.population.persons, households=a.population.households,
                           households_label=f"households ({a.population.households_year} Census)",
                           months=a.periods.current.n_months)
    shown = ytd[ytd["category"].isin([ALL_CRIME, *watched]) & ~ytd["category"].isin(NOT_IN_ALL_CRIME)]
    finer = [c for c in watched if c not in set(ytd["category"]) and c in set(a.data["subcategory"])]
    if finer:  # a watched subcategory (e.g. residential burglary, with a target) gets its own row
        sub = compare_periods(a.data[a.data["subcategory"].isin(finer)], current=a.periods.current,
                              previous=a.periods.previous, by=["subcategory"], total=False)
        sub = add_rate_columns(sub.rename(columns={"subcategory": "category"}), persons=a.population.persons,
                               households=a.population.households,
                               households_label=f"households ({a.population.households_year} Census)",
                               months=a.periods.current.n_months)
        shown = pd.concat([sub, shown], ignore_index=True)
    (xmr, spc_now), (_, spc_before) = _spc(a), _spc(before)
    targets_now, targets_before = _targets(a), _targets(before)
    return Monitoring(
        assessment=a, since=since_month, watched=watched, ytd=shown.reset_index(drop=True), targets=targets_now,
        spc_table=spc_now, xmr=xmr, incidents=analyse_incidents(a),
        changes=compare_reports(spc_now, spc_before, targets_now, targets_before),
    )
