"""Tests for workbook.stats.disclosure.

Every expected published table below is worked out by hand from the rule
(counts 1..threshold-1 hidden; the next-smallest non-zero cell in a line that
would give a hidden cell away is hidden too; derived cells follow their
sources), never copied from the code's output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

# Property: whatever the counts, the published table gives nothing back.
from tests.helpers.disclosure import DIFF, SENSITIVE
from workbook.config.disclosure import DisclosureRule, load_disclosure_rule
from workbook.core.errors import ConfigError
from workbook.stats.disclosure import apply_disclosure

# (5) rounding to base 5


def test_rounding_to_base_five_as_nhs_statistics_do():
    rule = DisclosureRule(threshold=8, symbol="*", rounding=5)  # counts 1-7 shown as "*"
    t = pd.DataFrame(
        {"2012": [3, 0, 12, 13, 8, 7], "2013": [22, 10, 17, 9, 31, 1]},
        index=list("ABCDEF"),
    )
    t["difference"] = t["2013"] - t["2012"]  # 19, 10, 5, -4, 23, -6
    res = apply_disclosure(
        t, rule=rule, count_columns=["2012", "2013"], difference_columns=DIFF, category=SENSITIVE
    )
    pub = res.published
    # By hand: 12 -> 10, 13 -> 15, 8 -> 10, 22 -> 20, 17 -> 15, 9 -> 10, 31 -> 30.
    assert pub["2012"].tolist() == ["*", 0, 10, 15, 10, "*"]
    assert pub["2013"].tolist() == [20, 10, 15, 10, 30, "*"]
    # A difference is the difference of the published counts (issue 13.7): E's 23 is published as
    # 30 - 10 = 20, not rounded on its own to 25, which with 10 and 30 would narrow E's counts.
    assert pub["difference"].tolist() == ["*", 10, 15 - 10, 10 - 15, 30 - 10, "*"]
    assert res.rule.symbol == "*"


def test_rounding_leaves_uncovered_rows_exact():
    rule = DisclosureRule(rounding=5)
    t = pd.DataFrame({"category": ["Burglary", "Sexual offences"], "n": [12, 12]}, index=["a", "b"])
    res = apply_disclosure(t, rule=rule, count_columns=["n"], category_col="category")
    assert res.published["n"].tolist() == [12, 10]
    assert res.published["n"].dtype == np.int64


# (7) rules from config


def test_rule_from_yaml_and_defaults():
    raw = yaml.safe_load(
        """
        threshold: 8
        symbol: "*"
        rounding: 5
        categories: [Sexual offences, Domestic abuse]
        levels: [sub_area, area]
        """
    )
    rule = load_disclosure_rule(raw)
    assert (rule.threshold, rule.symbol, rule.rounding) == (8, "*", 5)
    assert rule.categories == ("Sexual offences", "Domestic abuse")
    assert rule.levels == ("sub_area", "area")
    default = load_disclosure_rule(None)
    assert default.threshold == 5 and default.symbol == "<5" and default.secondary is True
    assert {"Sexual offences", "Rape", "Other sexual offences"} <= set(default.categories)
    assert load_disclosure_rule({"threshold": 10}).symbol == "<10"


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"threshold": 0}, "disclosure.threshold"),
        ({"threshold": -3}, "disclosure.threshold"),
        ({"threshold": True}, "disclosure.threshold"),
        ({"colour": "red"}, "disclosure.colour"),
        ({"rounding": 1}, "disclosure.rounding"),
        ({"symbol": "3"}, "disclosure.symbol"),
        ({"levels": ["ward"]}, "disclosure.levels.0"),
        ({"categories": "Rape"}, "disclosure.categories"),
    ],
)
def test_invalid_rule_raises_config_error_naming_the_key(raw, key):
    with pytest.raises(ConfigError) as info:
        load_disclosure_rule(raw, path="config/areas/x.yml")
    assert info.value.key == key
    assert key in str(info.value) and "x.yml" in str(info.value)


def test_rule_section_must_be_a_mapping():
    with pytest.raises(ConfigError, match="mapping"):
        load_disclosure_rule(["threshold", 5])  # type: ignore[arg-type]
