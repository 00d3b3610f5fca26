"""Numbers into words, in the style plans use.

No number is ever typed into a report's prose: sentences are built here
from results, and their wording follows the direction, size and
significance of the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from workbook.core.categories import ALL_CRIME
from workbook.present.formats import format_count, format_pct, join_words


def describe_offence(category: str, *, count: int | None = None) -> str:
    """How a category reads inside a sentence ("violence and sexual offences"),
    singular when ``count`` is 1 ("1 robbery offence").

    Examples
    --------
    >>> describe_offence("Violence and sexual offences")
    'violence and sexual offences'
    >>> describe_offence("Anti-social behaviour")
    'anti-social behaviour incidents'
    >>> describe_offence("Burglary"), describe_offence("Burglary", count=1)
    ('burglary offences', 'burglary offence')
    >>> describe_offence("All crime", count=1)
    'crime'
    """
    lower = category[:1].lower() + category[1:]
    if lower.endswith(("offences", "incidents", "crimes")):
        plural = lower
    elif lower == "anti-social behaviour":
        plural = "anti-social behaviour incidents"
    elif lower == "all crime":
        plural = "crimes"
    else:
        plural = f"{lower} offences"
    if count == 1 and plural.endswith(("offences", "incidents", "crimes")):
        return plural[:-1]
    return plural


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
    what = describe_offence(category, count=current)
    head = f"Between {span} there {'was' if current == 1 else 'were'} {format_count(current)} {what}"
    diff = current - previous
    if previous == 0 and current == 0:
        return f"Between {span} there were no {describe_offence(category)}, as in the same period last year."
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
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> from workbook.assessment.analyse import analyse_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> executive_summary(a, analyse_assessment(a))[0]
    'Between April and November 2023 there were 24,269 crimes, an increase of 7% (1,687 more) on the same period last year.'
    """
    a, r = assessment, analysis
    span = describe_span(a.periods.current.start, a.periods.current.end)
    ytd = r.ytd.set_index("category")
    out = [describe_change(category=ALL_CRIME, previous=int(ytd.loc[ALL_CRIME, "previous"]),
                           current=int(ytd.loc[ALL_CRIME, "current"]), span=span,
                           significant=bool(ytd.loc[ALL_CRIME, "significant"]))]
    groups = r.ytd[(r.ytd["category"] != ALL_CRIME) & r.ytd["significant"]]
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
        row = r.peers.rates.set_index("category").loc[ALL_CRIME]
        out.append(
            f"Over the last 12 months the all-crime rate was {row['rate']:,.1f} per 1,000 residents against "
            f"{row['peer_rate']:,.1f} in the peer group ({row['comparison']}; {row['position']}, best first)."
        )
    included = r.matrix.included
    if included:
        out.append("Recommended priorities from the scanning matrix: " + join_words(included) + ".")
    return out


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


def direction_sentences(directions: pd.DataFrame) -> list[str]:
    """The evidence for each category's direction of travel, in words.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery"], "direction": ["increasing"], "evidence": ["Expected to rise 6%."]})
    >>> direction_sentences(t)
    ['Robbery: increasing. Expected to rise 6%.']
    """
    return [f"{r['category']}: {r['direction']}. {r['evidence']}" for _, r in directions.iterrows()]


def explain_target(row: Mapping[str, Any]) -> str:
    """Why a target has its status, in words, from one row of a targets table.

    Examples
    --------
    >>> explain_target({"basis": "projected", "status": "at risk", "polarity": "lower_is_better", "level": 95,
    ...                 "projected": 1445.3, "projected_lower": 1324.9, "projected_upper": 1565.7, "target": 1448.75,
    ...                 "actual_to_date": 1024})
    'projected outturn 1,445 (95% interval 1,325 to 1,566); the interval contains the target 1,449'
    >>> explain_target({"basis": "outturn", "status": "not met", "polarity": "lower_is_better",
    ...                 "actual_to_date": 512, "target": 500})
    'the outturn 512 is not at or below the target 500'
    """
    basis, target, actual = row["basis"], row["target"], row["actual_to_date"]
    if basis == "outturn":
        side = "at or below" if row["polarity"] == "lower_is_better" else "at or above"
        return f"the outturn {actual:,.0f} is {'' if row['status'] == 'met' else 'not '}{side} the target {target:,.0f}"
    if basis == "already met":
        return f"already {actual:,.0f}, at or above the target {target:,.0f}, with months to go"
    if basis == "already missed":
        return f"already {actual:,.0f}, above the target {target:,.0f}, with months to go"
    where = {"on track": "the whole interval is on the favourable side of",
             "at risk": "the interval contains",
             "off track": "the whole interval is on the unfavourable side of"}[row["status"]]
    return (f"projected outturn {row['projected']:,.0f} ({row['level']}% interval {row['projected_lower']:,.0f} "
            f"to {row['projected_upper']:,.0f}); {where} the target {target:,.0f}")


def explain_targets(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets table as published: each row's ``basis`` replaced by its ``explanation``."""
    out = targets.copy()
    at = list(out.columns).index("basis")
    explanation = [explain_target(r) for _, r in out.iterrows()]
    out = out.drop(columns="basis")
    out.insert(at, "explanation", explanation)
    return out


def target_sentences(targets: pd.DataFrame) -> list[str]:
    """The explanation of each target's status.

    Examples
    --------
    >>> t = pd.DataFrame({"name": ["A"], "status": ["met"], "basis": ["outturn"], "polarity": ["higher_is_better"],
    ...                   "actual_to_date": [90.0], "target": [80.0]})
    >>> target_sentences(t)
    ['A: met. The outturn 90 is at or above the target 80.']
    """
    return [f"{r['name']}: {r['status']}. {explain_target(r)[:1].upper()}{explain_target(r)[1:]}."
            for _, r in targets.iterrows()]


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
