"""Sections more than one report shows (the assessment and the performance report), built once."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.present.formats import markdown_list
from workbook.present.labels import TARGET_FORMATS, TARGET_LABELS
from workbook.present.publisher import Publisher
from workbook.present.sentences import explain_targets, target_sentences
from workbook.present.tables import target_scorecard

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
