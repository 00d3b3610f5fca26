"""Display labels and number formats for the report's tables."""

from __future__ import annotations


def comparison_labels(periods) -> dict[str, str]:  # noqa: ANN001 - ComparisonPeriods
    """Column headers for a period comparison table.

    Examples
    --------
    >>> from workbook.core.periods import ytd_comparison, parse_month
    >>> comparison_labels(ytd_comparison(parse_month("2023-11")))["current"]
    'Apr–Nov 2023'
    """
    def short(w) -> str:  # noqa: ANN001
        if w.start.year == w.end.year:
            return f"{w.start:%b}–{w.end:%b %Y}" if w.start != w.end else f"{w.start:%b %Y}"
        return f"{w.start:%b %Y}–{w.end:%b %Y}"

    return {
        "category": "Offence group",
        "area_name": "District",
        "previous": short(periods.previous),
        "current": short(periods.current),
        "difference": "Difference",
        "pct_change": "% change",
        "significant": "Change beyond normal variation?",
    }


COMPARISON_FORMATS = {
    "previous": "count",
    "current": "count",
    "difference": "signed",
    "pct_change": "pct",
    "significant": "yesno",
}


RATE_FORMATS = {"rate_per_1000": "rate", "rate_lower_95": "rate", "rate_upper_95": "rate", "rate_base": "text"}
RATE_LABELS = {
    "rate_per_1000": "Rate per 1,000 a year",
    "rate_lower_95": "95% interval from",
    "rate_upper_95": "95% interval to",
    "rate_base": "Rate per 1,000 of",
}


def rate_labels(months: int) -> dict[str, str]:
    """Labels of the rate columns, saying when a rate is annualised from fewer months.

    Examples
    --------
    >>> rate_labels(8)["rate_per_1000"]
    'Rate per 1,000 a year (annualised from 8 months)'
    >>> rate_labels(12)["rate_per_1000"]
    'Rate per 1,000 a year'
    """
    if months >= 12:
        return dict(RATE_LABELS)
    return RATE_LABELS | {"rate_per_1000": f"Rate per 1,000 a year (annualised from {months} months)"}


SPC_FORMATS = {"latest": "count", "mean": "rate", "lower_limit": "rate", "upper_limit": "rate",
               "special_cause_last_6_months": "count"}
SPC_LABELS = {
    "category": "Offence group",
    "latest_month": "Latest month",
    "latest": "Latest count",
    "mean": "Monthly mean",
    "lower_limit": "Lower process limit",
    "upper_limit": "Upper process limit",
    "latest_variation": "Latest month's variation",
    "special_cause_last_6_months": "Special-cause months (last 6)",
    "trend_5_years": "Five-year trend",
}
PEER_FORMATS = {"count": "count", "rate": "rate", "lower_95": "rate", "upper_95": "rate", "peer_rate": "rate",
                "phi": "rate", "z_adjusted": "ratio"}
PEER_LABELS = {
    "category": "Offence group",
    "count": "Offences (12 months)",
    "rate": "Rate per 1,000",
    "lower_95": "95% interval from",
    "upper_95": "95% interval to",
    "peer_rate": "Peer group rate",
    "comparison": "Compared with peers (funnel limits allowing for variation between areas)",
    "position": "Rank (best first)",
    "phi": "Variation between areas (phi, 1 = Poisson)",
    "z_adjusted": "Adjusted z-score",
    "comparison_poisson": "Poisson-only comparison (ignores variation between areas; not used)",
}
FUNNEL_FORMATS = {"denominator": "count", "observed": "count", "rate": "rate", "lower_95": "rate", "upper_95": "rate",
                  "lower_99_8": "rate", "upper_99_8": "rate"}
FUNNEL_LABELS = {
    "area": "Area",
    "denominator": "Residents",
    "observed": "Offences (12 months)",
    "rate": "Rate per 1,000",
    "lower_95": "Lower 95% limit",
    "upper_95": "Upper 95% limit",
    "lower_99_8": "Lower 99.8% limit",
    "upper_99_8": "Upper 99.8% limit",
    "position": "Position",
}


# --------------------------------------------------------------------------- harm, matrix, hotspots, plan


HARM_FORMATS = {"count": "count", "weight": "rate", "harm": "count", "harm_share": "share", "harm_rate": "rate"}
HARM_LABELS = {"category": "Offence group", "count": "Offences", "weight": "Harm weight", "harm": "Harm-weighted count",
               "harm_share": "Share of harm", "harm_rate": "Harm per 1,000 residents"}
MATRIX_COLUMNS = ["category", "volume", "high_volume", "rate_worse", "increasing", "high_harm", "behind_target",
                  "public_concern", "statutory", "emerging", "score"]
DECISION_COLUMNS = ["category", "recommendation", "reason", "override", "override_reason", "decision"]
MATRIX_FORMATS = {"volume": "count", "score": "rate"}
MATRIX_LABELS = {"category": "Offence group", "volume": "Offences this year", "high_volume": "High volume",
                 "rate_worse": "Rate worse than peers", "increasing": "Increasing", "high_harm": "High harm",
                 "behind_target": "Behind target", "public_concern": "Public concern", "statutory": "Statutory duty",
                 "emerging": "Emerging issue", "score": "Score", "recommendation": "Recommendation",
                 "reason": "Reason", "override": "Analyst's decision", "override_reason": "Analyst's reason",
                 "decision": "Decision"}


TOP_NEIGHBOURHOOD_FORMATS = {"previous": "count", "current": "count", "difference": "signed", "pct_change": "pct",
                             "pct_of_located": "pct"}
TOP_NEIGHBOURHOOD_LABELS = {"rank": "Rank", "lsoa_code": "LSOA code", "lsoa_name": "Neighbourhood (LSOA)",
                            "previous": "Same period last year", "current": "This year to date",
                            "difference": "Difference", "pct_change": "% change",
                            "pct_of_located": "% of located crime", "classification": "Hotspot class"}


LOCAL_FORMATS = {"value": "text", "lower_95": "text", "upper_95": "text", "previous_value": "text", "change": "text"}
LOCAL_LABELS = {"indicator": "Indicator", "period": "Period", "value": "Value", "interval": "95% interval",
                "previous_value": "Previous period", "change": "Change", "source": "Source"}


MEASURE_LABELS = {"priority": "Priority", "activity": "Activity", "desired_outcome": "Desired outcome",
                  "measure": "Specific measure", "global_indicator": "Global indicator",
                  "latest_value": "Latest value", "status": "Status"}
ACTION_LABELS = {"action": "Action", "owner": "Owner", "due": "Due", "status": "Status", "progress": "Progress",
                 "overdue": "Overdue?"}
SPENDING_FORMATS = {"amount": "money", "last_year": "money", "difference": "money", "pct_change": "pct"}
SPENDING_LABELS = {"level": "Row", "priority": "Priority", "funder": "Funder", "amount": "This year",
                   "last_year": "Last year", "difference": "Change", "pct_change": "% change"}


# --------------------------------------------------------------------------- direction of travel and targets


DIRECTION_FORMATS = {"last_12_months": "count", "next_12_months": "count", "change_pct": "pct",
                     "change_lower_pct": "pct", "change_upper_pct": "pct", "outside_normal_variation": "yesno"}
DIRECTION_LABELS = {"category": "Offence group", "direction": "Direction of travel",
                    "last_12_months": "Last 12 months", "next_12_months": "Forecast, next 12 months",
                    "change_pct": "Expected change", "change_lower_pct": "Change, lower 80%",
                    "change_upper_pct": "Change, upper 80%",
                    "outside_normal_variation": "Clear change (80% interval excludes no change)?",
                    "trend_5_years": "Five-year trend (context, not used in the label)",
                    "method": "Forecast method", "evidence": "Evidence"}
STATUS_SYMBOLS = {"met": "✓ met", "on track": "✓ on track", "at risk": "! at risk", "off track": "✗ off track",
                  "not met": "✗ not met"}
TARGET_COLUMNS = ["name", "category", "financial_year", "target", "actual_to_date", "target_to_date", "projected",
                  "projected_lower", "projected_upper", "probability_met", "status"]
TARGET_FORMATS = {"target": "rate", "actual_to_date": "rate", "target_to_date": "rate", "projected": "rate",
                  "projected_lower": "rate", "projected_upper": "rate", "probability_met": "share"}
TARGET_LABELS = {"name": "Target", "category": "Indicator", "financial_year": "Year", "target": "Target for the year",
                 "actual_to_date": "Actual to date", "target_to_date": "Target to date",
                 "projected": "Projected year end", "projected_lower": "Projection, lower 95%",
                 "projected_upper": "Projection, upper 95%", "probability_met": "Chance of meeting it",
                 "status": "Status"}


ACCURACY_FORMATS = {"mean_mase": "ratio", "mean_wape": "share", "coverage_80": "share", "coverage_95": "share",
                    "vs_seasonal_naive": "share"}
ACCURACY_LABELS = {"method": "Method", "mean_mase": "Mean MASE", "mean_wape": "Mean WAPE",
                   "coverage_80": "80% interval coverage", "coverage_95": "95% interval coverage",
                   "vs_seasonal_naive": "Better than seasonal naive by"}
