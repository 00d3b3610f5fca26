"""Appendices: the config block's schema, the action tracker's overdue rule,
and the spending table (reproducing the Safer Bucks grant change)."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest

from tests.helpers.appendices import _spending
from workbook.config.appendices import Action, load_appendices
from workbook.core.errors import ValueInputError
from workbook.stats.plan import action_tracker, spending_table

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
