"""Tests for workbook.stats.targets: published trajectories (DOMAIN.md), validation and the status rule.

Expected figures come from Central Bedfordshire's published plans or are worked by hand in comments.
"""

from __future__ import annotations

import pytest

from tests.helpers.targets import ROBBERY, beds_spec, ni40
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


# --- A rate per year and final targets (issue 13, point 6) ----------------------------------------

CR_D_EX_59 = beds_spec("Cr d. ex 59", 1000, [-7, -5, -3])  # DOMAIN.md: -7%, -5%, -3%


def test_rate_per_year_is_read_as_a_list():
    spec = load_targets([CR_D_EX_59])[0]
    assert spec.pct_change == (-7.0, -5.0, -3.0)
    assert spec.form == "pct_change"
    # the existing one-number form is unchanged
    assert load_targets([ROBBERY])[0].pct_change == -7.67


def test_rate_list_must_have_one_rate_per_year():
    with pytest.raises(ConfigError, match="3 yearly rates but years is 2") as info:
        load_targets([{**CR_D_EX_59, "years": 2}])
    assert info.value.key == "targets.0.pct_change"
    no_years = {k: v for k, v in CR_D_EX_59.items() if k != "years"}
    with pytest.raises(ConfigError, match="years is not given"):
        load_targets([no_years])


def test_rate_list_items_name_their_key():
    assert key_of([{**CR_D_EX_59, "pct_change": [-7, -100, -3]}]) == "targets.0.pct_change.1"
    assert key_of([{**CR_D_EX_59, "pct_change": [-7, -5, 3]}]) == "targets.0.pct_change.2"
    assert key_of([{**CR_D_EX_59, "pct_change": [-7, "five", -3]}]) == "targets.0.pct_change"
    assert key_of([{**CR_D_EX_59, "pct_change": [0, 0, 0]}]) == "targets.0.pct_change"
    assert key_of([{**CR_D_EX_59, "pct_change": []}]) == "targets.0.pct_change"
    # a year held at 0 is allowed
    assert load_targets([{**CR_D_EX_59, "pct_change": [-7, 0, -3]}])[0].pct_change == (-7.0, 0.0, -3.0)


def test_rate_list_needs_compound_or_linear():
    with pytest.raises(ConfigError, match="single") as info:
        load_targets([{**CR_D_EX_59, "trajectory": "single"}])
    assert info.value.key == "targets.0.trajectory"


def test_linear_rate_list_is_each_year_on_the_baseline_so_cannot_loosen():
    # NI 40's [3, 5, 7] (each on the baseline) is accepted; -7, -5, -3 on the baseline would loosen the target
    # (7% down, then only 5%), which is the compound reading written with the wrong trajectory.
    ni = load_targets([{**ni40(3, 3), "pct_change": [3, 5, 7], "trajectory": "linear"}])[0]
    assert ni.pct_change == (3.0, 5.0, 7.0)
    with pytest.raises(ConfigError, match="loosens") as info:
        load_targets([{**CR_D_EX_59, "trajectory": "linear"}], path="x.yml")
    assert info.value.key == "targets.0.pct_change.1"
    assert "\n" not in str(info.value)


def test_linear_path_below_zero_names_pct_change():
    # -40% a year for 3 years on the baseline: 1 - 3 x 0.4 = -0.2
    with pytest.raises(ConfigError, match="below zero") as info:
        load_targets([{**ROBBERY, "pct_change": -40, "trajectory": "linear"}])
    assert info.value.key == "targets.0.pct_change"


def test_final_targets():
    # NI 16: -17% by 2010/11; robbery total: 388 by 2010/11 from 493
    pct = load_targets([beds_spec("NI 16", 6878, None, final_pct_change=-17)])[0]
    value = load_targets([beds_spec("Robbery", 493, None, final=388)])[0]
    assert (pct.form, pct.final_pct_change, value.form, value.final) == ("final_pct_change", -17, "final", 388)


@pytest.mark.parametrize("change, key, match", [
    ({"final": 388, "trajectory": None}, "targets.0.trajectory", "needs a trajectory"),
    ({"final": 388, "trajectory": "single"}, "targets.0.trajectory", "path"),
    ({"final": 500}, "targets.0.final", "below baseline_value 493"),
    ({"final": 493}, "targets.0.final", "no direction"),
    ({"final": 0}, "targets.0.final", "never reaches 0"),
    ({"final": -5}, "targets.0.final", "greater than or equal to 0"),
    ({"final_pct_change": 0}, "targets.0.final_pct_change", "no direction"),
    ({"final_pct_change": 5}, "targets.0.final_pct_change", "reduction"),
    ({"final_pct_change": -100, "trajectory": "linear"}, "targets.0.final_pct_change", "100%"),
    ({"final": 388, "final_pct_change": -20}, "targets.0.final", "only one"),
    ({"final": 388, "pct_change": -8}, "targets.0.final", "only one"),
])
def test_final_target_errors_name_the_key(change, key, match):
    raw = {**beds_spec("Robbery", 493, None), **change}
    with pytest.raises(ConfigError, match=match) as info:
        load_targets([raw])
    assert info.value.key == key


def test_proportion_rate_list_and_final_stay_within_100():
    confidence = {"name": "Confidence", "indicator": "proportion", "category": "Confidence",
                  "polarity": "higher_is_better", "baseline": "2007/08", "baseline_value": 95,
                  "pct_change": [2, 2, 2], "trajectory": "compound", "years": 3}
    # 95 x 1.02 = 96.9, x 1.02 = 98.84, x 1.02 = 100.8: above 100 in year 3
    assert key_of([confidence]) == "targets.0.pct_change"
    # on the baseline: 95 x 1.05 = 99.75 in year 3, allowed
    assert load_targets([{**confidence, "pct_change": [1, 3, 5], "trajectory": "linear"}])[0].years == 3
    assert key_of([{**confidence, "pct_change": None, "final": 101}]) == "targets.0.final"
    assert key_of([{**confidence, "pct_change": None, "final_pct_change": 6}]) == "targets.0.final_pct_change"


def test_final_target_from_an_unfinished_baseline_needs_a_declared_value():
    raw = {**beds_spec("Robbery", None, None, final_pct_change=-17), "baseline": "2025/26"}
    assert key_of([raw], as_of="2025-11") == "targets.0.baseline"
