"""Sections more than one report shows (the assessment, the performance report, the explore reports), built once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.assessment.analyse import Hotspots
from workbook.assessment.travel import TravelResult
from workbook.core.categories import ALL_CRIME
from workbook.core.periods import ComparisonPeriods
from workbook.forecast.direction import DIRECTION_LEVEL
from workbook.forecast.methods import COMBINATION_MEMBERS, METHOD_LABELS
from workbook.present.alt_text import forecast_alt_text, spc_alt_text, top_neighbourhoods_alt
from workbook.present.charts import plot_forecast_grid, plot_xmr_grid
from workbook.present.formats import markdown_list
from workbook.present.hotspot_charts import plot_top_neighbourhoods
from workbook.present.labels import (
    COMPARISON_FORMATS,
    DIRECTION_FORMATS,
    DIRECTION_LABELS,
    SPC_FORMATS,
    SPC_LABELS,
    TARGET_FORMATS,
    TARGET_LABELS,
    TOP_NEIGHBOURHOOD_FORMATS,
    TOP_NEIGHBOURHOOD_LABELS,
    comparison_labels,
)
from workbook.present.publisher import Publisher
from workbook.present.sentences import direction_sentences, explain_targets, spc_sentence, target_sentences
from workbook.present.tables import target_scorecard, top_neighbourhoods_table
from workbook.stats.compare import comparison_protection

FORECAST_COLUMNS = ("forecast", "lower_80", "upper_80", "lower_95", "upper_95")
NO_TARGETS = "No targets are set for this area (add `targets` to its config)."


def target_section(publisher: Publisher, targets: pd.DataFrame | None, *, caption: str) -> list[Any]:
    """The targets scorecard (published with each status's explanation as CSV) and a sentence per target,
    or that no targets are set."""
    if targets is None:
        return [Markdown(NO_TARGETS)]
    return [
        publisher.table(target_scorecard(targets), name="targets", caption=caption, formats=TARGET_FORMATS,
                        labels=TARGET_LABELS, csv=explain_targets(targets)),
        Markdown(markdown_list(target_sentences(targets))),
    ]


def district_tables(
    publisher: Publisher,
    by_district: Mapping[str, pd.DataFrame],
    *,
    periods: ComparisonPeriods,
    parents: Mapping[str, str],
) -> list[Any]:
    """Each offence group by district (``compare_sub_areas``' tables), protected together.

    One protection for all the district tables: a parent category's rows are the
    sums of its children's (``parents``: subcategory -> category), and a total row
    repeats a partnership figure the publisher may already have published.
    """
    labels = comparison_labels(periods)
    items = [{
        "key": cat,
        "df": table[["area_name", *COMPARISON_FORMATS]],
        "name": f"by_district_{i + 1:02d}",
        "caption": f"{cat} by district, {periods.current.label} against {periods.previous.label}",
        "formats": COMPARISON_FORMATS,
        "labels": labels,
        "csv": table.assign(category=cat),
    } for i, (cat, table) in enumerate(by_district.items())]
    return publisher.tables(
        items,
        protect=comparison_protection(items[0]["csv"], label_col="area_name", total_label="Total"),
        parents=parents,
    )


def top_neighbourhoods_figure(publisher: Publisher, hotspots: Hotspots, *, window_label: str) -> Any:
    """The chart of the neighbourhoods with most recorded crime (and their hotspot classes), its data protected."""
    top = top_neighbourhoods_table(hotspots.top, classification=hotspots.classification)
    return publisher.figure(
        plot_top_neighbourhoods(hotspots.top, classification=hotspots.classification),
        name="top_neighbourhoods",
        alt=top_neighbourhoods_alt(hotspots.top, classification=hotspots.classification),
        caption=f"Neighbourhoods with most recorded crime, {window_label}",
        data=top,
        formats=TOP_NEIGHBOURHOOD_FORMATS,
        labels=TOP_NEIGHBOURHOOD_LABELS,
        protect=comparison_protection(top, label_col="lsoa_name", total_label=None, category=ALL_CRIME),
    )


def direction_rule() -> str:
    """How the forecasts are made and the direction labelled, in two sentences, from the constants the rule uses.

    Examples
    --------
    >>> print(direction_rule())  # doctest: +NORMALIZE_WHITESPACE
    Each offence group's monthly counts are forecast for the next 12 months with an equal-weight combination of
    seasonal naive, ETS (additive errors, damped trend), STL + ETS and trend + seasonal dummies regression. The
    direction is *increasing* when the whole 80% prediction interval of the next 12 months' total lies above the
    last 12 months' recorded total, *decreasing* when it lies wholly below, and otherwise *no clear change*; the
    five-year trend is shown beside it as context and does not change it.
    """
    names = [METHOD_LABELS[m] for m in COMBINATION_MEMBERS]
    return (f"Each offence group's monthly counts are forecast for the next 12 months with an equal-weight "
            f"combination of {', '.join(names[:-1])} and {names[-1]}. The direction is *increasing* when the whole "
            f"{DIRECTION_LEVEL}% prediction interval of the next 12 months' total lies above the last 12 months' "
            "recorded total, *decreasing* when it lies wholly below, and otherwise *no clear change*; the five-year "
            "trend is shown beside it as context and does not change it.")


def direction_section(publisher: Publisher, travel: TravelResult, *, area: str,
                      target_lines: Mapping[str, float] | None = None) -> list[Any]:
    """The rule, the forecasts chart, the direction table and each group's evidence as a sentence.

    The evidence is a paragraph a group, so the table leaves it to the sentences below it; the
    CSV keeps it as a column.
    """
    directions = travel.directions_frame()
    return [
        Markdown(direction_rule()),
        publisher.figure(
            plot_forecast_grid(travel.forecasts, targets=target_lines),
            name="forecasts",
            alt=forecast_alt_text(directions),
            caption=f"Forecasts of monthly recorded crime, {area}, next 12 months",
            data=travel.to_frame(),
            formats={c: "rate" for c in FORECAST_COLUMNS},
        ),
        publisher.table(directions.drop(columns=["evidence"]), name="direction_of_travel",
                        caption=f"Direction of travel, {area}", formats=DIRECTION_FORMATS, labels=DIRECTION_LABELS,
                        csv=directions),
        Markdown(markdown_list(direction_sentences(directions))),
    ]


def control_chart_section(publisher: Publisher, xmr: Mapping[str, Any], spc_table: pd.DataFrame, *, name: str,
                          caption: str, sentences: bool = True) -> list[Any]:
    """XmR charts (``compute_xmr_by_category``'s) with their alt text and data, and a sentence a chart."""
    out: list[Any] = [publisher.figure(plot_xmr_grid(xmr), name=name, alt=spc_alt_text(spc_table), caption=caption,
                                       data=spc_table, formats=SPC_FORMATS, labels=SPC_LABELS)]
    if sentences:
        out.append(Markdown(markdown_list(spc_sentence(r) for _, r in spc_table.iterrows())))
    return out
