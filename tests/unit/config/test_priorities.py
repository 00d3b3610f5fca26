"""Tests for workbook.stats.priorities: the scanning matrix.

Every expected mark, score, decision and reason is worked out by hand from
the rules in the module docstring: high volume = among the top N or at least
the share threshold; score = Σ weight × mark (public concern: high 1, medium
0.5, low 0); include at or above the threshold; statutory always included.
"""

from __future__ import annotations

import pytest

from tests.helpers.priorities import CENTRAL_BEDS_SETTINGS
from workbook.config.priorities import PrioritySettings, load_priority_settings
from workbook.core.errors import ConfigError
from workbook.stats.priorities import score_priorities


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


# --- settings ---------------------------------------------------------------------


def test_defaults():
    s = load_priority_settings(None)
    assert isinstance(s, PrioritySettings)
    assert s.weights.volume == 1.0 and s.weights.public_concern == 1.0
    assert (s.thresholds.volume_top_n, s.thresholds.volume_share, s.thresholds.harm_share) == (3, 0.10, 0.10)
    assert s.thresholds.include_score == 2.0
    assert s.statutory == [] and s.overrides == []


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
