"""Appendices: the config block's schema, the action tracker's overdue rule,
and the spending table (reproducing the Safer Bucks grant change)."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from tests.helpers.appendices import _spending
from workbook.config.appendices import Appendices, MeasureOfSuccess, load_appendices
from workbook.core.errors import ConfigError
from workbook.stats.plan import measures_table

# --------------------------------------------------------------------------- schema errors

PLAN_YAML = """
action_plan:
  - action: Commission a repeat-victim review
    owner: Community Safety Manager
    due: 2024-03-31
    status: in progress
  - action: Refresh the ASB protocol
    due: 2024-06-30
"""


def test_items_not_adding_up_to_stated_total():
    with pytest.raises(ConfigError) as exc:
        load_appendices(_spending(stated_total=210000), path="config/areas/x.yml")
    assert exc.value.key == "appendices.spending.stated_total"
    msg = str(exc.value)
    assert "£200,000" in msg and "£210,000" in msg and "£10,000" in msg


def test_pence_count_in_the_total():
    raw = {"spending": {"items": [{"priority": "A", "funder": "F", "amount": 0.1},
                                  {"priority": "B", "funder": "F", "amount": 0.2}], "stated_total": 0.3}}
    assert float(load_appendices(raw).spending.total) == 0.3  # exact: no floating error
    raw["spending"]["stated_total"] = 0.31
    with pytest.raises(ConfigError, match="stated_total"):
        load_appendices(raw)


def test_last_year_total_checked_when_every_item_has_one():
    raw = {"spending": {"items": [{"priority": "A", "funder": "F", "amount": 10, "last_year": 8}],
                        "stated_last_year_total": 9}}
    with pytest.raises(ConfigError) as exc:
        load_appendices(raw)
    assert exc.value.key == "appendices.spending.stated_last_year_total"
    assert "£8" in str(exc.value) and "£9" in str(exc.value)


def test_only_pounds():
    with pytest.raises(ConfigError) as exc:
        load_appendices(
            {"spending": {"currency": "EUR", "items": [{"priority": "A", "funder": "F", "amount": 1}]}}
        )
    assert exc.value.key == "appendices.spending.currency"


def test_negative_amount():
    with pytest.raises(ConfigError) as exc:
        load_appendices({"spending": {"items": [{"priority": "A", "funder": "F", "amount": -5}]}})
    assert exc.value.key == "appendices.spending.items.0.amount"


def test_missing_owner_names_the_key():
    with pytest.raises(ConfigError) as exc:
        load_appendices(yaml.safe_load(PLAN_YAML), path="config/areas/x.yml")
    assert exc.value.key == "appendices.action_plan.1.owner"
    assert "required key is missing" in str(exc.value)


def test_blank_owner_is_not_an_owner():
    with pytest.raises(ConfigError) as exc:
        load_appendices({"action_plan": [{"action": "A", "owner": "", "due": "2024-03-31"}]})
    assert exc.value.key == "appendices.action_plan.0.owner"


@pytest.mark.parametrize("bad", ["31/03/2024", "2024-02-30", "next spring"])
def test_bad_date_names_the_key(bad):
    with pytest.raises(ConfigError) as exc:
        load_appendices({"action_plan": [{"action": "A", "owner": "B", "due": bad}]}, path="x.yml")
    assert exc.value.key == "appendices.action_plan.0.due"
    assert repr(bad) in str(exc.value) and "YYYY-MM-DD" in str(exc.value)


def test_unknown_key_and_bad_status():
    with pytest.raises(ConfigError) as exc:
        load_appendices({"action_plans": []})
    assert exc.value.key == "appendices.action_plans"
    with pytest.raises(ConfigError) as exc:
        load_appendices(
            {"action_plan": [{"action": "A", "owner": "B", "due": "2024-01-01", "status": "done"}]}
        )
    assert exc.value.key == "appendices.action_plan.0.status"


def test_measure_needs_global_indicator():
    with pytest.raises(ConfigError) as exc:
        load_appendices({"measures_of_success": [{"priority": "P", "activity": "A", "desired_outcome": "O",
                                                  "measure": "M"}]})
    assert exc.value.key == "appendices.measures_of_success.0.global_indicator"


def test_empty_block():
    assert load_appendices(None) == Appendices()
    assert load_appendices({}).spending is None
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_appendices(["not", "a", "mapping"])


# --------------------------------------------------------------------------- measures


def test_measures_table_fills_latest_values():
    raw = {
        "measures_of_success": [
            {"priority": "Serious acquisitive crime", "activity": "Target hardening",
             "desired_outcome": "Fewer burglaries", "measure": "Residential burglary",
             "global_indicator": "Burglary"},
            {"priority": "Domestic abuse", "activity": "MARAC", "desired_outcome": "Fewer repeat referrals",
             "measure": "MARAC repeat rate", "global_indicator": "MARAC repeat referrals"},
            {"priority": "Drugs", "activity": "Treatment", "desired_outcome": "More in treatment",
             "measure": "People in effective treatment", "global_indicator": "Drug treatment"},
        ]
    }
    measures = load_appendices(raw).measures_of_success
    t = measures_table(
        measures,
        latest_values={
            "Burglary": (886, "down 20% (significant)"),
            "MARAC repeat referrals": ("17%", "similar"),
        },
    )
    assert t["latest_value"].tolist()[:2] == [886, "17%"]
    assert t["status"].tolist() == ["down 20% (significant)", "similar", "no data"]
    assert pd.isna(t["latest_value"].iloc[2])
    first = ["priority", "activity", "desired_outcome", "measure", "global_indicator"]
    assert t.columns.tolist()[:5] == first
    assert isinstance(measures[0], MeasureOfSuccess)
