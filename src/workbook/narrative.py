"""Numbers into words, in the style plans use.

No number is ever typed into a report's prose: sentences are built here
from results, and their wording follows the direction, size and
significance of the change.
"""

from __future__ import annotations

import html
import math
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|])")


def md_text(text: object) -> str:
    """Text from data or config made safe inside Markdown: HTML escaped (so a
    name like ``<script>`` shows as text) and Markdown punctuation escaped.

    Examples
    --------
    >>> md_text("<script>alert(1)</script>")
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> print(md_text("A*B_C"))
    A\\*B\\_C
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def markdown_list(sentences) -> str:  # noqa: ANN001 - Iterable[str]
    """A bulleted Markdown list of sentences, each escaped with :func:`md_text`.

    Examples
    --------
    >>> print(markdown_list(["One <b>.", "Two."]))
    - One &lt;b&gt;.
    - Two.
    """
    return "\n".join(f"- {md_text(s)}" for s in sentences)


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
        f"# {md_text(a.config.name)}: Partnership Strategic Assessment {a.periods.financial_year}\n\n"
        f"Police recorded crime for {a.periods.current.label}, compared with the same months a year earlier "
        f"({a.periods.previous.label}). Prepared with csp-workbook from {md_text(a.config.data.description)}."
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
        f"- **Police recorded crime**: {md_text(a.config.data.description)}, {a.first_month:%B %Y} to "
        f"{a.latest_month:%B %Y}. {md_text(a.config.data.licence)}\n"
        f"- **Population**: {md_text(a.population.source)}. Source: Office for National Statistics licensed under the "
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


# --------------------------------------------------------------------------- control charts and peers


def spc_summary(results, trends) -> pd.DataFrame:  # noqa: ANN001 - Mapping[str, XmRResult], Mapping[str, RecentTrend]
    """One row per category: latest month, mean and limits, latest variation, signals, trend.

    Examples
    --------
    >>> from workbook.spc import compute_xmr, compute_recent_trend
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


def spc_sentence(row: pd.Series) -> str:
    """What a category's control chart says, in words.

    Examples
    --------
    >>> spc_sentence(pd.Series({"category": "Robbery", "latest_month": "Nov 2023", "latest": 40, "mean": 6.5,
    ...     "latest_variation": "special cause concern", "special_cause_last_6_months": 1}))
    'Robbery: 40 in Nov 2023 against an average of 6.5 a month; the latest month is a special cause of concern.'
    >>> spc_sentence(pd.Series({"category": "Robbery", "latest_month": "Nov 2023", "latest": 7, "mean": 6.5,
    ...     "latest_variation": "common cause", "special_cause_last_6_months": 0}))
    'Robbery: 7 in Nov 2023 against an average of 6.5 a month; no unusual variation in the last six months.'
    """
    head = f"{row['category']}: {format_count(row['latest'])} in {row['latest_month']} against an average of {row['mean']:,.1f} a month"
    var = str(row["latest_variation"])
    if var.startswith("special cause"):
        kind = var.removeprefix("special cause ").strip()
        what = {"concern": "of concern", "improvement": "of improvement", "neutral": "(no judgement)"}.get(kind, kind)
        return f"{head}; the latest month is a special cause {what}."
    n = int(row["special_cause_last_6_months"])
    if n:
        return f"{head}; {n} of the last six months show special-cause variation, though the latest does not."
    return f"{head}; no unusual variation in the last six months."


def spc_alt_text(summary: pd.DataFrame) -> str:
    """Alt text for the grid of control charts.

    Examples
    --------
    >>> s = pd.DataFrame({"category": ["Robbery"], "latest_month": ["Nov 2023"], "latest": [7], "mean": [6.5],
    ...     "latest_variation": ["common cause"], "special_cause_last_6_months": [0]})
    >>> spc_alt_text(s).startswith("Control charts (XmR) of monthly counts for Robbery.")
    True
    """
    return (
        f"Control charts (XmR) of monthly counts for {', '.join(summary['category'])}. "
        + " ".join(spc_sentence(r) for _, r in summary.iterrows())
    )


def peer_sentences(rates: pd.DataFrame, *, area: str, window_label: str) -> list[str]:
    """A sentence per category on the rate against the peer group.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Burglary"], "rate": [6.72], "lower_95": [6.4], "upper_95": [7.0],
    ...     "peer_rate": [7.9], "comparison": ["better (99.8%)"], "position": ["3 of 8"]})
    >>> peer_sentences(t, area="Lambeth", window_label="December 2022 to November 2023")[0]
    'Burglary: 6.7 per 1,000 residents in Lambeth (95% interval 6.4 to 7.0) against 7.9 in the peer group, better than peers (3 of 8, best first).'
    """
    out = []
    for _, r in rates.iterrows():
        verdict = str(r["comparison"])
        base = verdict.split(" (")[0]
        words = {
            "similar": "similar to peers",
            "better": "better than peers",
            "worse": "worse than peers",
            "higher": "higher than peers (no judgement)",
            "lower": "lower than peers (no judgement)",
        }.get(base, verdict)
        out.append(
            f"{r['category']}: {r['rate']:,.1f} per 1,000 residents in {area} (95% interval {r['lower_95']:,.1f} to "
            f"{r['upper_95']:,.1f}) against {r['peer_rate']:,.1f} in the peer group, {words} ({r['position']}, best first)."
        )
    return out


def funnel_alt_text(funnel_table: pd.DataFrame, *, focal: str, benchmark: float) -> str:
    """Alt text for the funnel plot.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["A", "B"], "rate": [110.0, 90.0], "denominator": [300000, 250000],
    ...                   "position": ["within", "below 95%"]})
    >>> funnel_alt_text(t, focal="A", benchmark=100.0)
    'Funnel plot of all recorded crime per 1,000 residents against population for A and 1 peers, around the peer rate of 100.0. A: 110.0, within the limits. Outside the 95% limits: B (below 95%).'
    """
    me = funnel_table[funnel_table["area"] == focal].iloc[0]
    outside = funnel_table[funnel_table["position"] != "within"]
    pos = "within the limits" if me["position"] == "within" else f"{me['position']} limit"
    out_text = (
        "Outside the 95% limits: " + ", ".join(f"{r['area']} ({r['position']})" for _, r in outside.iterrows()) + "."
        if len(outside) else "Every area is within the limits."
    )
    return (
        f"Funnel plot of all recorded crime per 1,000 residents against population for {focal} and "
        f"{len(funnel_table) - 1} peers, around the peer rate of {benchmark:,.1f}. {focal}: {me['rate']:,.1f}, {pos}. {out_text}"
    )


RATE_FORMATS = {"rate_per_1000": "rate", "rate_lower_95": "rate", "rate_upper_95": "rate", "rate_base": "text"}
RATE_LABELS = {
    "rate_per_1000": "Rate per 1,000",
    "rate_lower_95": "95% interval from",
    "rate_upper_95": "95% interval to",
    "rate_base": "Rate per 1,000 of",
}
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
PEER_FORMATS = {"count": "count", "rate": "rate", "lower_95": "rate", "upper_95": "rate", "peer_rate": "rate"}
PEER_LABELS = {
    "category": "Offence group",
    "count": "Offences (12 months)",
    "rate": "Rate per 1,000",
    "lower_95": "95% interval from",
    "upper_95": "95% interval to",
    "peer_rate": "Peer group rate",
    "comparison": "Compared with peers",
    "position": "Rank (best first)",
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


def peer_group_markdown(pc, *, area: str) -> str:  # noqa: ANN001 - PeerComparison | None
    """How the peer group was made, and who is in it; or why there is none.

    Examples
    --------
    >>> peer_group_markdown(None, area="City of London").startswith("No peer comparison")
    True
    """
    if pc is None:
        area = md_text(area)
        return (
            f"No peer comparison: the police data for {area} cover only this partnership, so there are no "
            "other areas in the same source to compare with. Add peers' data and list them under `peers` in the "
            "area's config to compare."
        )
    names = [md_text(pc.names[p]) for p in pc.group.peers]
    area = md_text(area)
    how = (
        "The Home Office's Most Similar Groups are not published, so this group was built by the workbook: the "
        f"{len(names)} areas nearest to {area} on residents, population density (2011 Census land area) and the "
        "crime mix (shares of violence, theft, burglary and vehicle crime over the last 12 months), each "
        "standardised. It is *not* the official Most Similar Group."
        if pc.group.method == "nearest neighbours"
        else "The peers are those listed in the area's configuration."
    )
    return (
        f"{how}\n\nPeers: {', '.join(names)}. Rates are over {pc.window.label}. An area's rate is *similar* to the "
        "peer group when the peer rate lies within its 95% interval; otherwise better or worse, with the 99.8% "
        "interval as a second, stricter tier. Drugs and weapons possession offences mostly reflect police "
        "activity, so they are compared without judgement. The funnel plot of all crime widens its limits for the "
        "real variation between areas (overdispersion), so an area can differ from the peer rate by more than "
        "chance and still sit within the funnel."
    )


def suppression_markdown(log: pd.DataFrame, *, rule) -> str:  # noqa: ANN001 - DisclosureRule
    """What disclosure control did to the published tables, for the annex.

    Examples
    --------
    >>> from workbook.disclosure import DisclosureRule
    >>> suppression_markdown(pd.DataFrame(columns=["table", "row", "column", "reason"]), rule=DisclosureRule())[:50]
    'Small numbers: counts from 1 to 4 of sensitive off'
    """
    cats = "every offence group" if rule.all_categories else "sensitive offences (" + ", ".join(rule.categories) + ")"
    levels = " and ".join({"sub_area": "district or neighbourhood", "area": "partnership"}[lv] for lv in rule.levels)
    head = (
        f"Small numbers: counts from 1 to {rule.threshold - 1} of {cats} at {levels} level are shown as "
        f"\"{md_text(rule.symbol)}\", with further cells suppressed where a hidden count could be worked out from "
        "totals or differences, and rates or percentages suppressed with their counts"
        + (f"; other counts in those rows are rounded to the nearest {rule.rounding}" if rule.rounding else "")
        + "."
    )
    if log.empty:
        return head + " No cell in this report needed suppressing."
    per_table = log.groupby("table", sort=False).size()
    parts = [f"{md_text(t)} ({n} cell{'s' if n != 1 else ''})" for t, n in per_table.items()]
    return head + f" Suppressed in this report: {'; '.join(parts)}."


def accessibility_statement() -> str:
    """The report's accessibility statement (WCAG 2.2 AA), as Markdown.

    Examples
    --------
    >>> "(WCAG) 2.2 at level AA" in accessibility_statement()
    True
    """
    return (
        "This report is published as a single HTML file that works without a network connection: it loads no "
        "scripts, fonts or images from any other site. It aims to meet the Web Content Accessibility Guidelines "
        "(WCAG) 2.2 at level AA, as the Public Sector Bodies Accessibility Regulations 2018 require. Every chart "
        "has a text description generated from its data and the table of figures behind it; tables have header "
        "cells and captions; colours are from a colour-blind-safe palette and no meaning is carried by colour "
        "alone; the page is in British English and prints cleanly. Each report is checked automatically with "
        "axe-core against the WCAG A and AA rules before release. If you find a problem or need the "
        "information in another format, contact the partnership's community safety team."
    )
