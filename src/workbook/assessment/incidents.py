"""Anti-social behaviour: the incidents kept apart from crime, analysed on their own.

police.uk counts ASB incidents beside crimes; plans report them separately
("ASB fell 35%, 4,372 fewer incidents").  This gives them the same year-to-date
comparison, district breakdown, control chart and five-year trend as crime,
never adding them into a crime total.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbook.assessment.prepare import Assessment
from workbook.core.counting import INCIDENT_CATEGORIES
from workbook.stats.compare import compare_periods, compare_sub_areas
from workbook.stats.spc import XmRResult, compute_xmr_by_category, spc_summary
from workbook.stats.trend import compute_annual_trend

ASB = INCIDENT_CATEGORIES[0]


@dataclass(frozen=True)
class IncidentAnalysis:
    """ASB incidents: year to date against last year, by district, monthly, control chart."""

    ytd: pd.DataFrame
    by_district: pd.DataFrame | None
    monthly: pd.DataFrame
    xmr: dict[str, XmRResult]
    spc_table: pd.DataFrame


def analyse_incidents(a: Assessment) -> IncidentAnalysis | None:
    """The ASB results, or None when the police data hold no ASB incidents (e.g. the Met's file).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> r = analyse_incidents(prepare_assessment("city-of-london", period="2020-12"))
    >>> r.ytd[["category", "previous", "current"]].values.tolist()
    [['Anti-social behaviour', 920, 523]]
    >>> analyse_incidents(prepare_assessment("lambeth", period="2023-11")) is None
    True
    """
    inc = a.incidents
    if inc.empty:
        return None
    ytd = compare_periods(inc, current=a.periods.current, previous=a.periods.previous, by=["category"], total=False)
    by_district = None
    if a.config.has_sub_areas:
        by_district = compare_sub_areas(inc, current=a.periods.current, previous=a.periods.previous,
                                        categories=[ASB]).get(ASB)
    wide = inc.pivot_table(index="month", columns="category", values="count", aggfunc="sum", fill_value=0)
    months = pd.date_range(a.first_month, a.latest_month, freq="MS")
    monthly = wide.reindex(months, fill_value=0).astype("int64")
    monthly.index.name = "month"
    polarities = {ASB: "lower_is_better"}
    xmr = compute_xmr_by_category(monthly, categories=[ASB], polarities=polarities)
    trends = {ASB: compute_annual_trend(monthly[ASB], polarity="lower_is_better")}
    return IncidentAnalysis(ytd=ytd, by_district=by_district, monthly=monthly, xmr=xmr,
                            spc_table=spc_summary(xmr, trends))
