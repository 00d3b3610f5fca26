"""Sections more than one report shows (the assessment, the performance report, the explore reports), built once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.assessment.analyse import Hotspots
from workbook.core.categories import ALL_CRIME
from workbook.core.periods import ComparisonPeriods
from workbook.present.alt_text import top_neighbourhoods_alt
from workbook.present.formats import markdown_list
from workbook.present.hotspot_charts import plot_top_neighbourhoods
from workbook.present.labels import (
    COMPARISON_FORMATS,
    TARGET_FORMATS,
    TARGET_LABELS,
    TOP_NEIGHBOURHOOD_FORMATS,
    TOP_NEIGHBOURHOOD_LABELS,
    comparison_labels,
)
from workbook.present.publisher import Publisher
from workbook.present.sentences import explain_targets, target_sentences
from workbook.present.tables import target_scorecard, top_neighbourhoods_table
from workbook.stats.compare import comparison_protection

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
