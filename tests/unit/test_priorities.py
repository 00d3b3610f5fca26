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

from workbook.config.area import parse_area_config
from workbook.core.errors import ConfigError, ValueInputError
from workbook.stats.priorities import PriorityMatrix, score_priorities
from workbook.config.priorities import PrioritySettings, load_priority_settings


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


@pytest.fixture
def central_beds() -> pd.DataFrame:
    # volumes: total 6878 + 493 + 350 + 300 + 3000 = 11,021 (hate crime has no data)
    return frame(
        [
            ("Serious acquisitive crime", 6878, "worse", "increasing", None),
            ("Robbery", 493, "similar", "stable", None),
            ("Wounding", 350, "similar", "increasing", None),
            ("Domestic abuse", 300, "not compared", "stable", None),
            ("Hate crime", None, None, None, None),
            ("Criminal damage", 3000, "similar", "decreasing", None),
        ]
    )


def test_central_bedfordshire_examples(central_beds):
    settings = load_priority_settings(CENTRAL_BEDS_SETTINGS)
    m = score_priorities(central_beds, settings=settings).to_frame().set_index("category")

    # SAC: top by volume (share 6878/11021 = 0.624), worse than peers, increasing, high concern: 1+1+1+1 = 4
    sac = m.loc["Serious acquisitive crime"]
    assert (sac["high_volume"], sac["rate_worse"], sac["increasing"], sac["public_concern"]) == (
        "yes", "yes", "yes", "high")
    assert sac["score"] == 4.0
    assert sac["recommendation"] == "include"
    assert sac["reason"] == "high volume, rate worse than peers, increasing and high public concern"
    assert sac["volume_share"] == pytest.approx(6878 / 11021)

    # Robbery: 493/11021 = 0.045 < 0.25 and rank 4, similar, stable, low concern: 0
    rob = m.loc["Robbery"]
    assert rob["score"] == 0.0
    assert rob["recommendation"] == "exclude"
    assert rob["reason"] == "low numbers and not increasing"

    # Wounding: increasing but low numbers: 1 < 2
    wnd = m.loc["Wounding"]
    assert (wnd["high_volume"], wnd["increasing"], wnd["score"]) == ("no", "yes", 1.0)
    assert wnd["recommendation"] == "exclude"
    assert wnd["reason"] == "increasing, although low numbers"

    # Domestic abuse: no marks at all, but a national requirement
    da = m.loc["Domestic abuse"]
    assert (da["high_volume"], da["rate_worse"], da["increasing"], da["statutory"]) == (
        "no", "not known", "no", "yes")
    assert da["score"] == 0.0
    assert da["recommendation"] == "include"
    assert da["reason"] == "national agenda to address"

    # Hate crime: medium concern (0.5) but no data
    hate = m.loc["Hate crime"]
    assert (hate["high_volume"], hate["increasing"], hate["score"]) == ("not known", "not known", 0.5)
    assert hate["recommendation"] == "exclude"
    assert hate["reason"] == "medium public concern, but no data to support it"

    # Criminal damage: 3000/11021 = 0.272 >= 0.25, so high volume, but decreasing: 1 < 2
    cd = m.loc["Criminal damage"]
    assert (cd["high_volume"], cd["score"], cd["recommendation"]) == ("yes", 1.0, "exclude")
    assert cd["reason"] == "high volume, although not increasing"

    # No overrides: the decision is the recommendation
    assert (m["decision"] == m["recommendation"]).all()
    assert m["override"].isna().all()


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


# --- settings ---------------------------------------------------------------------


def test_defaults():
    s = load_priority_settings(None)
    assert isinstance(s, PrioritySettings)
    assert s.weights.volume == 1.0 and s.weights.public_concern == 1.0
    assert (s.thresholds.volume_top_n, s.thresholds.volume_share, s.thresholds.harm_share) == (3, 0.10, 0.10)
    assert s.thresholds.include_score == 2.0
    assert s.statutory == [] and s.overrides == []


def test_settings_from_an_area_config_block():
    cfg = parse_area_config(
        {
            "slug": "t",
            "name": "Test",
            "short_name": "T",
            "areas": [{"code": "E1", "name": "T"}],
            "data": {"path": "x.csv", "description": "d"},
            "population": {"path": "p.csv", "description": "p"},
            "priorities": {"statutory": ["Domestic abuse"], "public_concern": {"Robbery": "high"}},
        }
    )
    s = load_priority_settings(cfg.priorities, path="t.yml")
    assert s.public_concern == {"Robbery": "high"}


@pytest.mark.parametrize(
    ("raw", "key", "message"),
    [
        ({"overrides": [{"category": "Robbery", "decision": "include"}]}, "priorities.overrides.0.reason",
         "required key is missing"),
        ({"overrides": [{"category": "Robbery", "decision": "include", "reason": "  "}]},
         "priorities.overrides.0.reason", "a reason is required"),
        ({"overrides": [{"category": "Robbery", "decision": "maybe", "reason": "x"}]},
         "priorities.overrides.0.decision", "'include' or 'exclude'"),
        ({"wieghts": {"volume": 1}}, "priorities.wieghts", "unknown key"),
        ({"weights": {"volumes": 1}}, "priorities.weights.volumes", "unknown key"),
        ({"weights": {"harm": -0.5}}, "priorities.weights.harm", "greater than or equal to 0"),
        ({"thresholds": {"volume_share": 1.5}}, "priorities.thresholds.volume_share",
         "less than or equal to 1"),
        ({"public_concern": {"Robbery": "very high"}}, "priorities.public_concern.Robbery",
         "'high', 'medium'"),
    ],
)
def test_invalid_settings_name_the_key(raw, key, message):
    with pytest.raises(ConfigError, match=message) as info:
        load_priority_settings(raw, path="area.yml")
    assert info.value.key == key
    assert str(info.value).startswith(f"area.yml, key '{key}'")


def test_two_overrides_for_one_category():
    raw = {
        "overrides": [
            {"category": "Robbery", "decision": "include", "reason": "a"},
            {"category": "Robbery", "decision": "exclude", "reason": "b"},
        ]
    }
    with pytest.raises(ConfigError, match="second override for 'Robbery'") as info:
        load_priority_settings(raw)
    assert info.value.key == "priorities.overrides.1.category"


def test_settings_must_be_a_mapping():
    with pytest.raises(ConfigError) as info:
        load_priority_settings(["statutory"], path="a.yml")  # type: ignore[arg-type]
    assert info.value.key == "priorities"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"overrides": [{"category": "Knife crime", "decision": "include", "reason": "x"}]},
         "priorities.overrides.0.category"),
        ({"statutory": ["Domestic abuse", "Domestic Abuse "]}, "priorities.statutory.1"),
        ({"public_concern": {"Roberry": "high"}}, "priorities.public_concern.Roberry"),
        ({"emerging": ["Fraud"]}, "priorities.emerging.0"),
    ],
)
def test_settings_naming_a_category_that_is_not_a_candidate(central_beds, raw, key):
    settings = load_priority_settings(raw, path="area.yml")
    with pytest.raises(ConfigError, match="not one of the candidate categories") as info:
        score_priorities(central_beds, settings=settings)
    assert info.value.key == key
    assert str(info.value).startswith("area.yml")


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
