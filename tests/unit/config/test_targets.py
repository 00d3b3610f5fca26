"""Tests for workbook.stats.targets: published trajectories (DOMAIN.md), validation and the status rule.

Expected figures come from Central Bedfordshire's published plans or are worked by hand in comments.
"""

from __future__ import annotations

import pytest

from tests.helpers.targets import ROBBERY, ni40
from workbook.config.targets import load_targets
from workbook.core.errors import ConfigError, PeriodError
from workbook.stats.targets import target_for_year

# --- Validation: invalid declarations name the key ------------------------------------------------

def key_of(raw: list, **kwargs) -> str:
    with pytest.raises(ConfigError) as info:
        load_targets(raw, path="config/areas/x.yml", **kwargs)
    return info.value.key


def test_single_year_target_sets_nothing_for_other_years():
    spec = load_targets([ni40(5, 2)])[0]
    with pytest.raises(PeriodError, match="year 1"):
        target_for_year(spec, "2008/09")


def test_unknown_indicator_names_the_key():
    assert key_of([ROBBERY, {**ROBBERY, "name": "b", "indicator": "rate"}]) == "targets.1.indicator"


def test_unknown_key_is_refused():
    assert key_of([{**ROBBERY, "pct": -5}]) == "targets.0.pct"


def test_zero_change_has_no_direction():
    with pytest.raises(ConfigError, match="no direction") as info:
        load_targets([{**ROBBERY, "pct_change": 0}])
    assert info.value.key == "targets.0.pct_change"


def test_change_against_polarity_is_refused():
    with pytest.raises(ConfigError, match="reduction") as info:
        load_targets([{**ROBBERY, "pct_change": 8}])
    assert info.value.key == "targets.0.pct_change"
    assert key_of([{**ni40(3, 1), "pct_change": -3}]) == "targets.0.pct_change"


def test_pct_change_needs_a_trajectory_and_not_a_level():
    raw = {k: v for k, v in ROBBERY.items() if k != "trajectory"}
    assert key_of([raw]) == "targets.0.trajectory"
    assert key_of([{**ROBBERY, "level": 400}]) == "targets.0.level"
    no_target = {k: v for k, v in ROBBERY.items() if k not in ("pct_change", "trajectory")}
    assert key_of([no_target]) == "targets.0.pct_change"


def test_proportion_above_100_is_refused():
    marac = {"name": "MARAC", "indicator": "proportion", "category": "Domestic abuse",
             "polarity": "lower_is_better", "baseline": "2007/08", "level": 135}
    assert key_of([marac]) == "targets.0.level"
    confidence = {**marac, "polarity": "higher_is_better", "level": None, "baseline_value": 95,
                  "pct_change": 3, "trajectory": "compound", "years": 3}
    # 95 x 1.03^2 = 100.8: above 100 by year 2
    with pytest.raises(ConfigError, match="above 100") as info:
        load_targets([confidence])
    assert info.value.key == "targets.0.pct_change"


def test_baseline_in_the_future_is_refused():
    raw = {**ROBBERY, "baseline": "2025/26"}
    assert key_of([raw], as_of="2025-03") == "targets.0.baseline"
    # in progress and no declared value: refused; with a declared value: accepted
    assert key_of([{**raw, "baseline_value": None}], as_of="2025-11") == "targets.0.baseline"
    assert load_targets([raw], as_of="2025-11")[0].baseline == "2025/26"
    # complete by March 2026
    assert load_targets([{**raw, "baseline_value": None}], as_of="2026-03")[0].baseline_value is None


def test_malformed_baseline_year_is_refused():
    with pytest.raises(ConfigError, match="malformed") as info:
        load_targets([{**ROBBERY, "baseline": "2007/09"}])
    assert info.value.key == "targets.0.baseline"


def test_duplicate_names_and_non_list_are_refused():
    assert key_of([ROBBERY, ROBBERY]) == "targets.1.name"
    with pytest.raises(ConfigError) as info:
        load_targets({"name": "x"})
    assert info.value.key == "targets"
    assert load_targets(None) == []


def test_error_message_names_file_and_key():
    with pytest.raises(ConfigError, match=r"x\.yml, key 'targets\.0\.polarity'"):
        load_targets([{**ROBBERY, "polarity": "down"}], path="x.yml")


def test_spec_is_frozen():
    spec = load_targets([ROBBERY])[0]
    with pytest.raises(Exception):
        spec.pct_change = -10
