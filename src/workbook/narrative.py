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


# --------------------------------------------------------------------------- executive summary


def executive_summary(assessment, analysis, *, max_changes: int = 2) -> list[str]:  # noqa: ANN001
    """The handful of findings that matter, each a sentence with its numbers.

    In order: all crime; the largest significant increases and decreases
    (changes within normal variation are not listed as findings); offence
    groups whose latest month is a special cause of concern; targets off
    track (when targets are set); the comparison with peers; the
    recommended priorities.

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> from workbook.analysis import analyse_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> executive_summary(a, analyse_assessment(a))[0]
    'Between April and November 2023 there were 24,269 crimes, an increase of 7% (1,687 more) on the same period last year.'
    """
    a, r = assessment, analysis
    span = describe_span(a.periods.current.start, a.periods.current.end)
    ytd = r.ytd.set_index("category")
    out = [describe_change(category="All crime", previous=int(ytd.loc["All crime", "previous"]),
                           current=int(ytd.loc["All crime", "current"]), span=span,
                           significant=bool(ytd.loc["All crime", "significant"]))]
    groups = r.ytd[(r.ytd["category"] != "All crime") & r.ytd["significant"]]
    ups = groups[groups["difference"] > 0].nlargest(max_changes, "difference")
    downs = groups[groups["difference"] < 0].nsmallest(max_changes, "difference")
    for _, row in pd.concat([ups, downs]).iterrows():
        out.append(describe_change(category=row["category"], previous=int(row["previous"]),
                                   current=int(row["current"]), span=span, significant=True))
    if groups.empty:
        out.append("No offence group changed by more than normal variation on the same period last year.")
    concern = r.spc_table[r.spc_table["latest_variation"] == "special cause concern"]
    if len(concern):
        out.append(
            f"Emerging issues: the latest month ({concern['latest_month'].iloc[0]}) is unusually high for "
            + join_words(concern["category"].tolist())
            + " (outside normal variation on the control charts)."
        )
    targets = getattr(r, "targets", None)
    if targets is not None and len(targets):
        behind = targets[targets["status"].isin(["off track", "at risk", "not met"])]
        if len(behind):
            out.append("Targets needing attention: " + "; ".join(f"{t} ({s})" for t, s in zip(behind["name"], behind["status"])) + ".")
        else:
            out.append(f"All {len(targets)} targets are met or on track.")
    if r.peers is not None:
        row = r.peers.rates.set_index("category").loc["All crime"]
        out.append(
            f"Over the last 12 months the all-crime rate was {row['rate']:,.1f} per 1,000 residents against "
            f"{row['peer_rate']:,.1f} in the peer group ({row['comparison']}; {row['position']}, best first)."
        )
    included = r.matrix.included
    if included:
        out.append("Recommended priorities from the scanning matrix: " + join_words(included) + ".")
    return out


def join_words(items) -> str:  # noqa: ANN001
    """``a, b and c``.

    Examples
    --------
    >>> join_words(["a"]), join_words(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


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


def harm_sentence(harm_table: pd.DataFrame, *, weights_name: str) -> str:
    """Which offence groups carry most harm.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["A", "B"], "harm_share": [0.6, 0.4]})
    >>> harm_sentence(t, weights_name="W")
    'Weighted by harm (W), A accounts for 60% of the harm of recorded crime this year, and B 40%.'
    """
    top = harm_table.sort_values("harm_share", ascending=False).head(3)
    parts = [f"{r['category']} {format_pct(100 * r['harm_share'])}" for _, r in top.iterrows()]
    first, rest = parts[0].rsplit(" ", 1), parts[1:]
    text = f"Weighted by harm ({weights_name.split(' (')[0]}), {first[0]} accounts for {first[1]} of the harm of recorded crime this year"
    return text + (", and " + join_words(rest) if rest else "") + "."


def matrix_display(matrix) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001 - PriorityMatrix
    """The scanning matrix as two readable tables: the criteria marks, and the
    decisions (recommendation, reason, the analyst's override and the final decision).

    Examples
    --------
    >>> from workbook.priorities import score_priorities, load_priority_settings
    >>> c = pd.DataFrame({"category": ["A"], "volume": [10], "rate_vs_peers": ["worse"], "direction": ["increasing"],
    ...                   "harm_share": [0.5]})
    >>> marks, decisions = matrix_display(score_priorities(c, settings=load_priority_settings({})))
    >>> marks["score"].tolist(), decisions["override"].tolist()
    ([4.0], [''])
    """
    full = matrix.to_frame()
    decisions = full[DECISION_COLUMNS].copy()
    for col in ("override", "override_reason"):
        decisions[col] = decisions[col].fillna("").astype(str)
    return full[MATRIX_COLUMNS].copy(), decisions


def hotspot_sentences(hs, *, area: str) -> list[str]:  # noqa: ANN001 - analysis.Hotspots
    """What the neighbourhood analysis found.

    Examples
    --------
    >>> import types
    >>> c = types.SimpleNamespace(share=0.62, n_top=3, n_neighbourhoods=30, located_count=1000, no_location_count=50,
    ...                           window=types.SimpleNamespace(label="April to June 2023"))
    >>> hotspot_sentences(types.SimpleNamespace(concentration=c, classification=None), area="X")[0]
    'In April to June 2023, 62% of located crime in X was recorded in the top 3 of its 30 neighbourhoods (the top 10%); 50 records had no location.'
    """
    c = hs.concentration
    out = [
        f"In {c.window.label}, {format_pct(100 * c.share)} of located crime in {area} was recorded in the top "
        f"{c.n_top} of its {c.n_neighbourhoods} neighbourhoods (the top 10%); {format_count(c.no_location_count)} "
        "records had no location."
    ]
    if hs.classification is not None:
        counts = hs.classification.class_counts()
        parts = [f"{int(n)} {label}{'s' if n != 1 else ''}" for label, n in counts.items() if label != "not a hotspot" and n]
        out.append(f"Over complete financial years ({', '.join(hs.classification.labels)}): " + join_words(parts) + ".")
    return out


def illustrative_note(what: str) -> str:
    """The label every illustrative (invented) number carries.

    Examples
    --------
    >>> illustrative_note("local indicators")[:33]
    '**Illustrative data.** The local '
    """
    return (
        f"**Illustrative data.** The {what} below are invented for demonstration; no real file of them exists for "
        "this area. Replace them with the partnership's own before using this report."
    )


# --------------------------------------------------------------------------- methods annex


def methods_markdown(assessment, analysis) -> str:  # noqa: ANN001
    """The methods used, with their references, and the series breaks in range.

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> from workbook.analysis import analyse_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> "Making Data Count" in methods_markdown(a, analyse_assessment(a))
    True
    """
    from workbook.charts import load_series_breaks

    a, r = assessment, analysis
    weights = r.harm.attrs if hasattr(r.harm, "attrs") else {}
    wname = r.harm["weights_name"].iloc[0] if "weights_name" in r.harm and len(r.harm) else weights.get("name", "")
    wver = r.harm["weights_version"].iloc[0] if "weights_version" in r.harm and len(r.harm) else weights.get("version", "")
    lines = [
        "- **Change on last year**: difference and % change, with a two-sample Poisson test (exact conditional) and "
        "the rate ratio's 95% score interval (statsmodels `test_poisson_2indep`, `confint_poisson_2indep`).",
        "- **Rates per 1,000**: exact Poisson intervals below 10 events, Byar's approximation from 10 (as "
        "PHEindicatormethods `phe_rate`); burglary per 1,000 households.",
        "- **Comparison with peers**: the Fingertips rule (similar when the peer rate lies inside the area's 95% "
        "interval; 99.8% as a second tier); funnel limits with an overdispersion adjustment (Spiegelhalter 2005; "
        "as FunnelPlotR: winsorised z-scores, DerSimonian–Laird τ²).",
        "- **Control charts**: XmR charts with the NHS England *Making Data Count* rules (as NHSRplotthedots); "
        "limits at the mean ± 2.66 × the mean moving range; not re-based automatically.",
        "- **Five-year trend**: the Fingertips recent-trend marker, a weighted regression over the last five "
        "12-month totals, significant at 99.8%, with a leave-one-out check of the slope's sign.",
        f"- **Harm**: harm-weighted counts using {md_text(wname)} (version {md_text(wver)}).",
        "- **Priority setting**: a scanning matrix scoring volume, rate against peers, direction of travel, harm, "
        "performance against target, public concern, statutory duty and emerging issues; the analyst's overrides "
        "are shown beside the recommendation.",
    ]
    breaks = load_series_breaks()
    in_range = breaks[(breaks["month"] >= a.first_month) & (breaks["month"] <= a.latest_month)]
    for _, b in in_range.iterrows():
        lines.append(f"- **Series break, {b['month']:%B %Y}**: {md_text(b['detail'])} Marked on the trend charts.")
    return "\n".join(lines)


def inputs_note(config, section: str) -> str:  # noqa: ANN001 - AreaConfig
    """Where a chapter's analyst inputs come from, and whether they are illustrative.

    Examples
    --------
    >>> import types
    >>> inputs_note(types.SimpleNamespace(illustrative_inputs=["appendices"]), "appendices")[:25]
    '**Illustrative data.** Th'
    >>> inputs_note(types.SimpleNamespace(illustrative_inputs=[]), "priorities")
    "The analyst's inputs to this chapter are set in the area's configuration (`priorities`)."
    """
    if section in config.illustrative_inputs:
        what = {"priorities": "analyst's inputs to the matrix (public concern, statutory duties, emerging issues)",
                "appendices": "plan entries (measures, actions and spending)",
                "targets": "targets"}.get(section, section)
        return illustrative_note(what).replace("The ", "The ", 1)
    return f"The analyst's inputs to this chapter are set in the area's configuration (`{section}`)."


TOP_NEIGHBOURHOOD_FORMATS = {"previous": "count", "current": "count", "difference": "signed", "pct_change": "pct",
                             "pct_of_located": "pct"}
TOP_NEIGHBOURHOOD_LABELS = {"rank": "Rank", "lsoa_code": "LSOA code", "lsoa_name": "Neighbourhood (LSOA)",
                            "previous": "Same period last year", "current": "This year to date",
                            "difference": "Difference", "pct_change": "% change",
                            "pct_of_located": "% of located crime", "classification": "Hotspot class"}


def top_neighbourhoods_table(top, *, classification=None) -> pd.DataFrame:  # noqa: ANN001
    """The top neighbourhoods with their hotspot class, for display.

    Examples
    --------
    >>> import types
    >>> t = pd.DataFrame({"rank": [1], "lsoa_code": ["E1"], "lsoa_name": ["X 001A"], "previous": [5], "current": [9],
    ...                   "difference": [4], "pct_change": [80.0], "pct_of_located": [30.0]})
    >>> top_neighbourhoods_table(types.SimpleNamespace(table=t))["classification"].tolist()
    ['not classified']
    """
    t = top.table[["lsoa_name", "rank", "lsoa_code", "previous", "current", "difference", "pct_change", "pct_of_located"]].copy()
    if classification is not None:
        classes = classification.table.set_index("lsoa_code")["classification"]
        t["classification"] = t["lsoa_code"].map(classes).fillna("not classified")
    else:
        t["classification"] = "not classified"
    return t


def top_neighbourhoods_alt(top, *, classification=None) -> str:  # noqa: ANN001
    """Alt text for the ranked neighbourhood chart.

    Examples
    --------
    >>> import types
    >>> t = pd.DataFrame({"rank": [1], "lsoa_code": ["E1"], "lsoa_name": ["X 001A"], "previous": [5], "current": [9],
    ...                   "difference": [4], "pct_change": [80.0], "pct_of_located": [30.0]})
    >>> top_neighbourhoods_alt(types.SimpleNamespace(table=t))
    'Bar chart of the 1 neighbourhoods with most recorded crime this year to date. Highest: X 001A with 9 (5 in the same period last year).'
    """
    t = top_neighbourhoods_table(top, classification=classification)
    first = t.iloc[0]
    cls = f", a {first['classification']}" if first["classification"] != "not classified" else ""
    return (
        f"Bar chart of the {len(t)} neighbourhoods with most recorded crime this year to date. Highest: "
        f"{first['lsoa_name']} with {format_count(first['current'])}{cls} ({format_count(first['previous'])} in the "
        "same period last year)."
    )


LOCAL_FORMATS = {"value": "text", "lower_95": "text", "upper_95": "text", "previous_value": "text", "change": "text"}
LOCAL_LABELS = {"indicator": "Indicator", "period": "Period", "value": "Value", "interval": "95% interval",
                "previous_value": "Previous period", "change": "Change", "source": "Source"}


def _fmt_local(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return format_pct(100 * value, decimals=1) if unit == "proportion" else format_count(value)


def local_indicator_table(local) -> pd.DataFrame:  # noqa: ANN001 - LocalIndicators
    """The latest value of each local indicator, with its interval and change.

    Examples
    --------
    >>> from workbook.local_indicators import load_local_indicators
    >>> from workbook.paths import DATA_DIR
    >>> t = local_indicator_table(load_local_indicators(DATA_DIR / "local_indicators/lambeth_ILLUSTRATIVE_local_indicators.csv"))
    >>> t.columns.tolist()
    ['indicator', 'period', 'value', 'interval', 'previous_value', 'change', 'source']
    """
    rows = []
    for _, r in local.latest().iterrows():
        unit = r["unit"]
        interval = (f"{_fmt_local(r['lower_95'], unit)} to {_fmt_local(r['upper_95'], unit)}"
                    if unit == "proportion" else "")
        if unit == "proportion":
            change = "n/a" if pd.isna(r["difference"]) else f"{100 * r['difference']:+.1f} points"
        else:
            change = "n/a" if pd.isna(r["difference"]) else f"{format_signed(r['difference'])} ({format_pct(r['pct_change'], signed=True)})"
        rows.append({
            "indicator": r["indicator"],
            "period": r["period"],
            "value": _fmt_local(r["value"], unit),
            "interval": interval,
            "previous_value": _fmt_local(r["previous_value"], unit),
            "change": change,
            "source": r["source"],
        })
    return pd.DataFrame(rows)


MEASURE_LABELS = {"priority": "Priority", "activity": "Activity", "desired_outcome": "Desired outcome",
                  "measure": "Specific measure", "global_indicator": "Global indicator",
                  "latest_value": "Latest value", "status": "Status"}
ACTION_LABELS = {"action": "Action", "owner": "Owner", "due": "Due", "status": "Status", "progress": "Progress",
                 "overdue": "Overdue?"}
SPENDING_FORMATS = {"amount": "money", "last_year": "money", "difference": "money", "pct_change": "pct"}
SPENDING_LABELS = {"level": "Row", "priority": "Priority", "funder": "Funder", "amount": "This year",
                   "last_year": "Last year", "difference": "Change", "pct_change": "% change"}


def action_display(actions: pd.DataFrame) -> pd.DataFrame:
    """The action tracker for readers: overdue said in words, not colour.

    Examples
    --------
    >>> t = pd.DataFrame({"action": ["A"], "owner": ["B"], "due": [pd.Timestamp("2023-01-01").date()], "status": ["in progress"],
    ...                   "progress": [""], "overdue": [True], "days_overdue": [30]})
    >>> action_display(t)["overdue"].tolist()
    ['Overdue by 30 days']
    """
    t = actions.copy()
    t["overdue"] = [f"Overdue by {d} days" if o else "No" for o, d in zip(t["overdue"], t["days_overdue"])]
    t["due"] = [f"{d:%d %b %Y}" for d in pd.to_datetime(t["due"])]
    return t.drop(columns=["days_overdue"])


# --------------------------------------------------------------------------- direction of travel and targets


DIRECTION_FORMATS = {"last_12_months": "count", "next_12_months": "count", "change_pct": "pct",
                     "outside_normal_variation": "yesno"}
DIRECTION_LABELS = {"category": "Offence group", "direction": "Direction of travel",
                    "last_12_months": "Last 12 months", "next_12_months": "Forecast, next 12 months",
                    "change_pct": "Expected change", "outside_normal_variation": "Beyond normal variation?",
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


def direction_sentences(directions: pd.DataFrame) -> list[str]:
    """The evidence for each category's direction of travel, in words.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery"], "direction": ["increasing"], "evidence": ["Expected to rise 6%."]})
    >>> direction_sentences(t)
    ['Robbery: increasing. Expected to rise 6%.']
    """
    return [f"{r['category']}: {r['direction']}. {r['evidence']}" for _, r in directions.iterrows()]


def forecast_alt_text(directions: pd.DataFrame) -> str:
    """Alt text for the forecast charts.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery"], "direction": ["stable"], "evidence": ["Within normal variation."]})
    >>> forecast_alt_text(t)
    'Forecasts of monthly counts for the next 12 months with 80% and 95% prediction intervals, after the last 36 months, for Robbery. Robbery: stable. Within normal variation.'
    """
    return (
        "Forecasts of monthly counts for the next 12 months with 80% and 95% prediction intervals, after the last "
        f"36 months, for {', '.join(directions['category'])}. " + " ".join(direction_sentences(directions))
    )


def target_scorecard(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with their status as a word and a symbol (never colour alone).

    Examples
    --------
    >>> t = pd.DataFrame({c: [1.0] for c in TARGET_COLUMNS} | {"name": ["A"], "category": ["B"],
    ...                   "financial_year": ["2023/24"], "status": ["at risk"]})
    >>> target_scorecard(t)["status"].tolist()
    ['! at risk']
    """
    t = targets[TARGET_COLUMNS].copy()
    t["status"] = t["status"].map(lambda s: STATUS_SYMBOLS.get(s, s))
    return t


def target_sentences(targets: pd.DataFrame) -> list[str]:
    """The explanation of each target's status.

    Examples
    --------
    >>> target_sentences(pd.DataFrame({"name": ["A"], "status": ["on track"], "explanation": ["Because."]}))
    ['A: on track. Because.']
    """
    return [f"{r['name']}: {r['status']}. {r['explanation']}" for _, r in targets.iterrows()]


def monthly_target_lines(targets, categories) -> dict[str, float]:  # noqa: ANN001
    """A target for the year as an even monthly line for the forecast charts.

    Examples
    --------
    >>> monthly_target_lines(pd.DataFrame({"category": ["Robbery"], "target": [120.0]}), ["Robbery", "Drugs"])
    {'Robbery': 10.0}
    >>> monthly_target_lines(None, ["Robbery"])
    {}
    """
    if targets is None or not len(targets):
        return {}
    return {c: float(t) / 12 for c, t in zip(targets["category"], targets["target"]) if c in categories}


ACCURACY_FORMATS = {"mean_mase": "ratio", "mean_wape": "share", "coverage_80": "share", "coverage_95": "share",
                    "vs_seasonal_naive": "share"}
ACCURACY_LABELS = {"method": "Method", "mean_mase": "Mean MASE", "mean_wape": "Mean WAPE",
                   "coverage_80": "80% interval coverage", "coverage_95": "95% interval coverage",
                   "vs_seasonal_naive": "Better than seasonal naive by"}


def load_forecast_accuracy() -> pd.DataFrame:
    """The forecasting benchmark's last measured summary (see benchmarks/README.md).

    Examples
    --------
    >>> t = load_forecast_accuracy()
    >>> t.set_index("method").loc["combination", "mean_mase"] < t.set_index("method").loc["seasonal_naive", "mean_mase"]
    np.True_
    """
    from workbook.paths import RESOURCES_DIR

    return pd.read_csv(RESOURCES_DIR / "forecast_accuracy.csv")


def accuracy_markdown(table: pd.DataFrame) -> str:
    """The sentence introducing the backtest table.

    Examples
    --------
    >>> accuracy_markdown(load_forecast_accuracy())[:40]
    'Evidence for the forecasting method: a r'
    """
    return (
        "Evidence for the forecasting method: a rolling-origin backtest (36-month training window, 12-month "
        f"horizon) over {int(table['series'].iloc[0])} series (every London borough × its six largest offence "
        f"groups), measured {table['measured'].iloc[0]} by `benchmarks/forecast_accuracy.py`. MASE is scaled by "
        "the seasonal naive forecast (lower is better); coverage is the share of outcomes inside the intervals. "
        "statsforecast's AutoETS is an outside peer, not used in reports."
    )
