"""Appendices: the config block's schema, the action tracker's overdue rule,
and the spending table (reproducing the Safer Bucks grant change)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest
import yaml

from workbook.config.appendices import Action, Appendices, MeasureOfSuccess, load_appendices
from workbook.stats.plan import action_tracker, measures_table, spending_table
from workbook.core.errors import ConfigError, ValueInputError

# --------------------------------------------------------------------------- spending


def test_safer_bucks_grant_reduction():
    # Safer Bucks Plan 2014/15: the commissioner's grant was £501,717, "a reduction
    # of 6.14% (£32,800)" on 2013/14, so 2013/14 was 501,717 + 32,800 = 534,517.
    raw = {
        "spending": {
            "currency": "GBP",
            "items": [
                {
                    "priority": "All priorities",
                    "funder": "Police and Crime Commissioner",
                    "amount": 501717,
                    "last_year": 534517,
                }
            ],
            "stated_total": 501717,
            "stated_last_year_total": 534517,
        }
    }
    table = spending_table(load_appendices(raw).spending)
    total = table[table["level"] == "total"].iloc[0]
    assert total["amount"] == 501717
    assert total["last_year"] == 534517
    assert total["difference"] == -32800
    assert round(total["pct_change"], 2) == -6.14  # 32,800 / 534,517 = 6.1364%
    assert f"{-total['pct_change']:.2f}%" == "6.14%"


def _spending(**extra) -> dict:
    return {
        "spending": {
            "items": [
                {"priority": "Violence", "funder": "PCC", "amount": 100000, "last_year": 90000},
                {"priority": "Violence", "funder": "Council", "amount": 50000, "last_year": 50000},
                {"priority": "ASB", "funder": "PCC", "amount": 30000},
                {"priority": "Violence", "funder": "PCC", "amount": 20000, "last_year": 10000},
            ],
            **extra,
        }
    }


def test_spending_table_by_priority_and_funder_by_hand():
    spending = load_appendices(_spending(stated_total=200000, stated_last_year_total=180000)).spending
    t = spending_table(spending)
    key = t.set_index(["level", "priority", "funder"])
    # The two Violence/PCC items are one row: 120,000 against 100,000 = +20%.
    row = key.loc[("item", "Violence", "PCC")]
    assert (row["amount"], row["last_year"]) == (120000, 100000)
    assert (row["difference"], row["pct_change"]) == (20000, 20)
    assert key.loc[("item", "Violence", "Council"), "pct_change"] == 0
    assert math.isnan(key.loc[("item", "ASB", "PCC"), "last_year"])  # not given
    # Violence: 170,000 against 150,000 = +13.33%.
    v = key.loc[("priority", "Violence", "All funders")]
    assert (v["amount"], v["difference"]) == (170000, 20000)
    assert v["pct_change"] == pytest.approx(100 * 20000 / 150000)
    # PCC's last year is unknown (the ASB item has none); Council's is 50,000.
    assert key.loc[("funder", "All priorities", "PCC"), "amount"] == 150000
    assert math.isnan(key.loc[("funder", "All priorities", "PCC"), "last_year"])
    # Total last year from the stated figure: 200,000 against 180,000 = +11.11%.
    tot = key.loc[("total", "All priorities", "All funders")]
    assert (tot["amount"], tot["last_year"], tot["difference"]) == (200000, 180000, 20000)
    assert tot["pct_change"] == pytest.approx(100 * 20000 / 180000)
    assert t["level"].tolist() == ["item"] * 3 + ["priority"] * 2 + ["funder"] * 2 + ["total"]


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


# --------------------------------------------------------------------------- action tracker


def _actions() -> list[Action]:
    return [
        Action(action="due today", owner="A", due=date(2024, 3, 31), status="in progress"),
        Action(action="due yesterday", owner="B", due=date(2024, 3, 30), status="not started"),
        Action(action="done late", owner="C", due=date(2024, 1, 31), status="complete"),
        Action(action="dropped", owner="D", due=date(2024, 1, 15), status="cancelled"),
        Action(action="slipping", owner="E", due=date(2023, 12, 31), status="delayed"),
        Action(action="future", owner="F", due=date(2024, 9, 30)),
    ]


def test_overdue_boundary():
    t = action_tracker(_actions(), as_of=date(2024, 3, 31)).set_index("action")
    assert not t.loc["due today", "overdue"]  # due == as_of is not overdue
    assert t.loc["due yesterday", "overdue"] and t.loc["due yesterday", "days_overdue"] == 1
    assert not t.loc["done late", "overdue"]
    assert not t.loc["dropped", "overdue"]
    # 31 Dec 2023 to 31 Mar 2024: 31 + 29 (leap year) + 31 = 91 days.
    assert t.loc["slipping", "overdue"] and t.loc["slipping", "days_overdue"] == 91
    assert not t.loc["future", "overdue"]
    assert int(t["overdue"].sum()) == 2


def test_tracker_order_and_datetime_as_of():
    t = action_tracker(_actions(), as_of=datetime(2024, 4, 1, 9, 30))
    assert t["action"].tolist()[0] == "slipping"  # earliest due first
    assert t.set_index("action").loc["due today", "days_overdue"] == 1
    assert list(t.columns) == ["action", "owner", "due", "status", "progress", "overdue", "days_overdue"]
    with pytest.raises(ValueInputError, match="as_of"):
        action_tracker(_actions(), as_of="2024-03-31")


def test_tracker_of_no_actions():
    t = action_tracker([], as_of=date(2024, 3, 31))
    assert len(t) == 0 and "overdue" in t.columns


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
