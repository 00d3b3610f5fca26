"""Numbers into words, in the style plans use.

No number is ever typed into a report's prose: sentences are built here
from results, and their wording follows the direction, size and
significance of the change.
"""

from __future__ import annotations

import math

import pandas as pd


def format_count(n: float) -> str:
    """A count with thousands separators.

    Examples
    --------
    >>> format_count(2752), format_count(-166), format_count(float("nan"))
    ('2,752', '-166', 'n/a')
    """
    if n is None or (isinstance(n, float) and math.isnan(n)):
        return "n/a"
    return f"{int(round(n)):,}"


def format_pct(p: float, *, signed: bool = False, decimals: int = 0) -> str:
    """A percentage rounded to whole per cent (as plans publish them).

    Examples
    --------
    >>> format_pct(1.96), format_pct(-20.04, signed=True), format_pct(float("nan"))
    ('2%', '-20%', 'n/a')
    >>> format_pct(0.0, signed=True)
    '0%'
    """
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "n/a"
    if math.isinf(p):
        return "n/a (no base)"
    value = round(p, decimals)
    if value == 0:
        value = 0.0
    text = f"{abs(value):,.{decimals}f}%"
    if signed and value > 0:
        return f"+{text}"
    if value < 0:
        return f"-{text}"
    return text


def format_signed(n: float) -> str:
    """A difference with its sign: ``+98``, ``-166``, ``0``.

    Examples
    --------
    >>> format_signed(98), format_signed(-166), format_signed(0)
    ('+98', '-166', '0')
    """
    n = int(round(n))
    return f"+{n:,}" if n > 0 else f"{n:,}"


def describe_offence(category: str) -> str:
    """How a category reads inside a sentence ("violence and sexual offences").

    Examples
    --------
    >>> describe_offence("Violence and sexual offences")
    'violence and sexual offences'
    >>> describe_offence("Anti-social behaviour")
    'anti-social behaviour incidents'
    >>> describe_offence("Burglary")
    'burglary offences'
    """
    lower = category[:1].lower() + category[1:]
    if lower.endswith(("offences", "incidents", "crimes")):
        return lower
    if lower == "anti-social behaviour":
        return "anti-social behaviour incidents"
    if lower in ("all crime",):
        return "crimes"
    return f"{lower} offences"


def describe_change(
    *,
    category: str,
    previous: int,
    current: int,
    span: str,
    significant: bool | None = None,
) -> str:
    """One sentence about a change between two periods, in the plans' style.

    Parameters
    ----------
    category
        What was counted (e.g. ``"Violence and sexual offences"``).
    previous, current
        The counts in the earlier and the later period.
    span
        The later period's months, e.g. ``"April and November"`` or a label.
    significant
        Whether the change is more than chance (``None``: not tested).

    Examples
    --------
    >>> describe_change(category="Violence against the person", previous=2699, current=2752,
    ...                 span="April and December", significant=False)
    'Between April and December there were 2,752 violence against the person offences, an increase of 2% (53 more) on the same period last year; a change this size is within normal variation.'
    >>> describe_change(category="Burglary", previous=1108, current=886, span="April and December", significant=True)
    'Between April and December there were 886 burglary offences, a decrease of 20% (222 fewer) on the same period last year.'
    >>> describe_change(category="Robbery", previous=0, current=4, span="April and June")
    'Between April and June there were 4 robbery offences, compared with none in the same period last year.'
    >>> describe_change(category="Robbery", previous=12, current=12, span="April and June")
    'Between April and June there were 12 robbery offences, the same number as in the same period last year.'
    """
    what = describe_offence(category)
    head = f"Between {span} there {'was' if current == 1 else 'were'} {format_count(current)} {what}"
    diff = current - previous
    if previous == 0 and current == 0:
        return f"Between {span} there were no {what}, as in the same period last year."
    if previous == 0:
        return f"{head}, compared with none in the same period last year."
    if diff == 0:
        return f"{head}, the same number as in the same period last year."
    pct = 100.0 * diff / previous
    direction = "an increase" if diff > 0 else "a decrease"
    more = "more" if diff > 0 else "fewer"
    pct_text = format_pct(abs(pct))
    if pct_text == "0%":
        pct_text = "less than 1%"
    sentence = f"{head}, {direction} of {pct_text} ({format_count(abs(diff))} {more}) on the same period last year"
    if significant is False:
        sentence += "; a change this size is within normal variation"
    return sentence + "."


def describe_span(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """The months between two dates as a sentence needs them: "April and November 2023".

    Examples
    --------
    >>> describe_span(pd.Timestamp("2023-04-01"), pd.Timestamp("2023-11-01"))
    'April and November 2023'
    >>> describe_span(pd.Timestamp("2023-04-01"), pd.Timestamp("2024-01-01"))
    'April 2023 and January 2024'
    """
    if start.year == end.year:
        return f"{start:%B} and {end:%B %Y}"
    return f"{start:%B %Y} and {end:%B %Y}"


# --------------------------------------------------------------------------- report sections


def title_markdown(assessment) -> str:  # noqa: ANN001 - Assessment (import would be circular)
    """The report's one top-level heading and its lead sentence.

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> print(title_markdown(prepare_assessment("lambeth", period="2023-11")).splitlines()[0])
    # London Borough of Lambeth: Partnership Strategic Assessment 2023/24
    """
    a = assessment
    return (
        f"# {a.config.name}: Partnership Strategic Assessment {a.periods.financial_year}\n\n"
        f"Police recorded crime for {a.periods.current.label}, compared with the same months a year earlier "
        f"({a.periods.previous.label}). Prepared with csp-workbook from {a.config.data.description}."
    )


def context_table(assessment) -> pd.DataFrame:  # noqa: ANN001
    """The area's context as a two-column table (measure, value).

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> t = context_table(prepare_assessment("lambeth", period="2023-11"))
    >>> t.loc[t["Measure"] == "Residents (mid-2023 estimate)", "Value"].item()
    '318,738'
    """
    a = assessment
    rows = [
        ("Partnership", a.config.name),
        ("Districts", ", ".join(x.name for x in a.config.areas)),
        (f"Residents (mid-{a.population.year} estimate)", format_count(a.population.persons)),
    ]
    if a.population.households is not None:
        rows.append((f"Households ({a.population.households_year} Census)", format_count(a.population.households)))
    rows += [
        ("Assessment period", a.periods.current.label),
        ("Compared with", a.periods.previous.label),
        ("Police data", f"{a.first_month:%B %Y} to {a.latest_month:%B %Y} ({a.data['month'].nunique()} months)"),
        ("Source", a.config.data.description),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def change_sentences(table: pd.DataFrame, *, categories, span: str, column: str = "category") -> list[str]:  # noqa: ANN001
    """One :func:`describe_change` sentence per category, in ``categories`` order.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery"], "previous": [10], "current": [20], "significant": [True]})
    >>> change_sentences(t, categories=["Robbery"], span="April and May 2023")
    ['Between April and May 2023 there were 20 robbery offences, an increase of 100% (10 more) on the same period last year.']
    """
    rows = table.set_index(column)
    return [
        describe_change(
            category=c,
            previous=int(rows.loc[c, "previous"]),
            current=int(rows.loc[c, "current"]),
            span=span,
            significant=bool(rows.loc[c, "significant"]) if "significant" in rows else None,
        )
        for c in categories
        if c in rows.index
    ]


def trend_alt_text(monthly: pd.DataFrame, *, categories) -> str:  # noqa: ANN001
    """A sentence saying what the monthly trend chart shows, from its data.

    Examples
    --------
    >>> idx = pd.date_range("2022-01-01", periods=24, freq="MS")
    >>> m = pd.DataFrame({"Robbery": [10] * 12 + [20] * 12}, index=idx)
    >>> trend_alt_text(m, categories=["Robbery"])
    'Line charts of monthly counts from January 2022 to December 2023 for Robbery. Over the last 12 months: Robbery 240 (up 100% on the 12 months before).'
    """
    parts = []
    for c in categories:
        y = monthly[c]
        last, before = int(y.iloc[-12:].sum()), int(y.iloc[-24:-12].sum()) if len(y) >= 24 else None
        if before:
            pct = 100 * (last - before) / before
            word = "up" if pct > 0 else "down" if pct < 0 else "unchanged"
            change = f" ({word} {format_pct(abs(pct))} on the 12 months before)" if word != "unchanged" else " (unchanged)"
        else:
            change = ""
        parts.append(f"{c} {format_count(last)}{change}")
    return (
        f"Line charts of monthly counts from {monthly.index.min():%B %Y} to {monthly.index.max():%B %Y} for "
        f"{', '.join(categories)}. Over the last 12 months: {'; '.join(parts)}."
    )


def sources_markdown(assessment) -> str:  # noqa: ANN001
    """Where the figures come from, with the licence attribution.

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> "Open Government Licence" in sources_markdown(prepare_assessment("lambeth", period="2023-11"))
    True
    """
    a = assessment
    return (
        f"- **Police recorded crime**: {a.config.data.description}, {a.first_month:%B %Y} to "
        f"{a.latest_month:%B %Y}. {a.config.data.licence}\n"
        f"- **Population**: {a.population.source}. Source: Office for National Statistics licensed under the "
        "Open Government Licence v3.0.\n"
        "- Counts are offences recorded by the police in the month; recent months may be revised by later "
        "releases. Percentages are rounded to whole per cent; differences are computed, never typed."
    )


def comparison_labels(periods) -> dict[str, str]:  # noqa: ANN001 - ComparisonPeriods
    """Column headers for a period comparison table.

    Examples
    --------
    >>> from workbook.periods import ytd_comparison, parse_month
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
