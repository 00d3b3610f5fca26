"""Tests for workbook.stats.priorities: the scanning matrix.

Every expected mark, score, decision and reason is worked out by hand from
the rules in the module docstring: high volume = among the top N or at least
the share threshold; score = Σ weight × mark (public concern: high 1, medium
0.5, low 0); include at or above the threshold; statutory always included.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.helpers.priorities import CENTRAL_BEDS_SETTINGS, frame
from workbook.config.priorities import load_priority_settings
from workbook.core.errors import ValueInputError
from workbook.stats.priorities import PriorityMatrix, score_priorities


def test_included_lists_final_decisions_in_order(central_beds):
    m = score_priorities(central_beds, settings=load_priority_settings(CENTRAL_BEDS_SETTINGS))
    assert m.included == ["Serious acquisitive crime", "Domestic abuse"]


def test_override_is_shown_beside_the_recommendation(central_beds):
    raw = {
        **CENTRAL_BEDS_SETTINGS,
        "overrides": [
            {"category": "Robbery", "decision": "include", "reason": "Board: town-centre robbery rose"},
            {"category": "Criminal damage", "decision": "exclude", "reason": "Covered by the ASB priority"},
        ],
    }
    m = score_priorities(central_beds, settings=load_priority_settings(raw)).to_frame().set_index("category")
    rob = m.loc["Robbery"]
    # the matrix's own recommendation and reason stay visible
    assert (rob["recommendation"], rob["reason"]) == ("exclude", "low numbers and not increasing")
    assert (rob["override"], rob["override_reason"]) == ("include", "Board: town-centre robbery rose")
    assert rob["decision"] == "include"
    # an override that agrees with the recommendation is still shown
    cd = m.loc["Criminal damage"]
    assert (cd["recommendation"], cd["override"], cd["decision"]) == ("exclude", "exclude", "exclude")
    assert pd.isna(m.loc["Wounding", "override"]) and m.loc["Wounding", "decision"] == "exclude"
    cols = list(m.reset_index().columns)
    assert cols[-5:] == ["recommendation", "reason", "override", "override_reason", "decision"]


def test_default_weights_with_harm_and_target():
    cands = frame(
        [
            # volume total 1000 + 500 + 60 + 40 = 1600
            ("Violence and sexual offences", 1000, "similar", "increasing", 0.45, None),
            ("Shoplifting", 500, "better", "stable", 0.08, "at risk"),
            ("Robbery", 60, "worse", "decreasing", 0.25, "off track"),
            ("Bicycle theft", 40, "similar", "no significant change", 0.01, "met"),
        ]
    )
    m = score_priorities(cands, settings=load_priority_settings({})).to_frame().set_index("category")
    # defaults: top 3 or share >= 0.10 is high volume; harm >= 0.10 is high; include at 2
    vso = m.loc["Violence and sexual offences"]
    assert (vso["score"], vso["recommendation"]) == (3.0, "include")
    assert vso["reason"] == "high volume, increasing and high harm"
    # Shoplifting: high volume (rank 2) + target at risk = 2; harm 0.08 < 0.10
    shop = m.loc["Shoplifting"]
    assert (shop["high_volume"], shop["behind_target"], shop["high_harm"]) == ("yes", "yes", "no")
    assert (shop["score"], shop["recommendation"]) == (2.0, "include")
    assert shop["reason"] == "high volume and target at risk"
    # Robbery: rank 3 of 4 -> high volume; worse; high harm 0.25; off track: 4
    rob = m.loc["Robbery"]
    assert rob["score"] == 4.0
    assert rob["reason"] == "high volume, rate worse than peers, high harm and target off track"
    # Bicycle theft: rank 4, share 40/1600 = 0.025, no significant change, target met: 0
    bike = m.loc["Bicycle theft"]
    assert (bike["increasing"], bike["behind_target"], bike["score"]) == ("no", "no", 0.0)
    assert bike["reason"] == "low numbers, not increasing and low harm"


def test_public_concern_medium_scores_half_and_emerging_scores_its_weight():
    cands = frame(
        [
            ("A", 100, "similar", "stable", 0.5),
            ("B", 100, "similar", "stable", 0.5),
            ("C", 100, "similar", "stable", 0.5),
        ]
    )
    raw = {
        "weights": {"volume": 0, "harm": 0, "public_concern": 3, "emerging": 2},
        "thresholds": {"include_score": 2.5},
        "public_concern": {"A": "medium", "B": "high"},
        "emerging": ["C"],
    }
    m = score_priorities(cands, settings=load_priority_settings(raw)).to_frame().set_index("category")
    # A: 3 x 0.5 = 1.5; B: 3 x 1 = 3; C: emerging 2
    assert m["score"].tolist() == [1.5, 3.0, 2.0]
    assert m["recommendation"].tolist() == ["exclude", "include", "exclude"]
    # weights of 0 drop volume and harm from the reasons
    assert m.loc["A", "reason"] == "medium public concern, although not increasing"
    assert m.loc["B", "reason"] == "high public concern"
    assert m.loc["C", "emerging"] == "yes"
    assert m.loc["C", "reason"] == "emerging issue, although not increasing"


def test_statutory_with_marks_gives_both_reasons():
    cands = frame(
        [("Domestic abuse", 900, "not compared", "increasing", None), ("B", 100, "similar", "stable", 0.2)]
    )
    m = score_priorities(cands, settings=load_priority_settings({"statutory": ["Domestic abuse"]})).to_frame()
    # high volume (rank 1) + increasing = 2, and statutory
    assert m.loc[0, "reason"] == "national agenda to address; high volume and increasing"
    assert m.loc[0, "score"] == 2.0


def test_volume_by_share_only_and_unknown_direction():
    cands = frame(
        [
            ("A", 700, "similar", "cannot be calculated", None),
            ("B", 300, "similar", "Increasing", None),
        ]
    )
    raw = {"thresholds": {"volume_top_n": 0, "volume_share": 0.5}}
    m = score_priorities(cands, settings=load_priority_settings(raw)).to_frame().set_index("category")
    # share: A 0.7 >= 0.5 high; B 0.3 not; direction labels are read case-insensitively
    assert m["high_volume"].tolist() == ["yes", "no"]
    assert m["increasing"].tolist() == ["not known", "yes"]
    assert m.loc["A", "reason"] == "high volume, although direction of travel not known"
    assert m.loc["B", "reason"] == "increasing, although low numbers"


def test_score_at_threshold_includes():
    cands = frame([("A", 10, "worse", "increasing", None)])
    m = score_priorities(cands, settings=load_priority_settings({})).to_frame()
    # only candidate: rank 1 -> high volume; worse; increasing: 3 >= 2
    assert m.loc[0, "score"] == 3.0
    raw = {"thresholds": {"include_score": 3}}
    out = score_priorities(cands, settings=load_priority_settings(raw)).to_frame()
    assert out.loc[0, "decision"] == "include"
    raw = {"thresholds": {"include_score": 3.5}}
    out = score_priorities(cands, settings=load_priority_settings(raw)).to_frame()
    assert out.loc[0, "decision"] == "exclude"
    assert out.loc[0, "reason"] == (
        "high volume, rate worse than peers and increasing, but score 3 is below the threshold of 3.5"
    )


def test_inputs_are_not_changed_and_result_is_frozen(central_beds):
    before = central_beds.copy()
    m = score_priorities(central_beds, settings=load_priority_settings(CENTRAL_BEDS_SETTINGS))
    pd.testing.assert_frame_equal(central_beds, before)
    assert isinstance(m, PriorityMatrix)
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.table = None  # type: ignore[misc]
    f = m.to_frame()
    f.loc[0, "decision"] = "changed"
    assert m.to_frame().loc[0, "decision"] == "include"


# --- candidates -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("A", -1, "similar", "stable", 0.1)], "volume -1 for 'A' is negative"),
        ([("A", 1, "similar", "stable", 1.2)], "harm_share 1.2 for 'A'"),
        ([("A", 1, "Worse!", "stable", 0.1)], "rate_vs_peers 'worse!' for 'A'"),
        ([("A", 1, "similar", "up", 0.1)], "direction 'up' for 'A'"),
        ([("A", 1, "similar", "stable", 0.1, "fine")], "target_status 'fine' for 'A'"),
        ([("A", 1, "similar", "stable", 0.1), ("A", 2, "similar", "stable", 0.1)], "'A' appears twice"),
    ],
)
def test_bad_candidate_values_are_named(rows, message):
    with pytest.raises(ValueInputError, match=message):
        score_priorities(frame(rows), settings=load_priority_settings({}))


def test_missing_candidate_column():
    cands = pd.DataFrame({"category": ["A"], "volume": [1], "direction": ["stable"], "harm_share": [0.1]})
    with pytest.raises(ValueInputError, match="no column 'rate_vs_peers'"):
        score_priorities(cands, settings=load_priority_settings({}))


def test_settings_must_be_priority_settings(central_beds):
    with pytest.raises(ValueInputError, match="PrioritySettings"):
        score_priorities(central_beds, settings={"statutory": []})  # type: ignore[arg-type]
