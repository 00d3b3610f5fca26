"""Candidate tables and settings for the priority matrix tests."""

from __future__ import annotations

import pandas as pd


def frame(rows: list[tuple]) -> pd.DataFrame:
    cols = ["category", "volume", "rate_vs_peers", "direction", "harm_share", "target_status"]
    return pd.DataFrame(rows, columns=cols[: len(rows[0])])


# Central Bedfordshire's matrix had no harm or target column: criteria were the
# national/local requirements (statutory), high volume/rate, increasing and
# high public concern.
CENTRAL_BEDS_SETTINGS = {
    "weights": {"harm": 0, "target": 0},
    "thresholds": {"volume_top_n": 1, "volume_share": 0.25, "include_score": 2},
    "statutory": ["Domestic abuse"],
    "public_concern": {"Serious acquisitive crime": "high", "Robbery": "low", "Hate crime": "medium"},
}
