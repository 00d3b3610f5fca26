"""Small plan appendices (actions, spending, measures) for the config and stats tests."""

from __future__ import annotations


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
