"""Alternative text for every chart, written from the numbers it draws."""

from __future__ import annotations

import pandas as pd

from workbook.present.formats import format_count, format_pct
from workbook.present.sentences import direction_sentences, spc_sentence
from workbook.present.tables import top_neighbourhoods_table


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


def change_alt_text(ytd: pd.DataFrame, *, span: str) -> str:
    """Alt text for the chart of each offence group's change on last year.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery", "Burglary", "Drugs"], "previous": [100, 200, 50],
    ...                   "current": [120, 150, 50], "pct_change": [20.0, -25.0, 0.0],
    ...                   "significant": [False, True, False]})
    >>> change_alt_text(t, span="April and November 2023")
    'Bar chart of the change in recorded crime between April and November 2023 on the same months last year, for 3 offence groups. Largest rise: Robbery, up 20% (120, was 100). Largest fall: Burglary, down 25% (150, was 200). 1 of the 3 changes is beyond normal variation.'
    """
    parts = [(f"Bar chart of the change in recorded crime between {span} on the same months last year, for "
              f"{len(ytd)} offence groups.")]
    t = ytd.sort_values("pct_change", kind="stable")
    for word, row, sign in (("rise", t.iloc[-1], 1), ("fall", t.iloc[0], -1)):
        if sign * row["pct_change"] > 0:
            parts.append(f"Largest {word}: {row['category']}, {'up' if sign > 0 else 'down'} "
                         f"{format_pct(abs(row['pct_change']))} ({format_count(row['current'])}, was "
                         f"{format_count(row['previous'])}).")
    n = int(ytd["significant"].astype(bool).sum())
    parts.append(f"{n} of the {len(ytd)} changes {'is' if n == 1 else 'are'} beyond normal variation.")
    return " ".join(parts)
