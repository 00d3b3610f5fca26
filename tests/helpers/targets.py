"""Target specs for the config and stats target tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

# --- Central Bedfordshire NI 40: drug users in effective treatment --------------------------------

def ni40(pct: float, years: int) -> dict:
    return {"name": f"NI 40 drug treatment +{pct:g}%", "indicator": "count", "category": "Drugs",
            "polarity": "higher_is_better", "baseline": "2007/08", "baseline_value": 693,
            "pct_change": pct, "trajectory": "single", "years": years}


# --- Central Bedfordshire robbery: 493 -> 455 -> 420 -> 388 ---------------------------------------

# The plan prints "-8%" each year and "-21%" over three years, both rounded to whole per cent.  The trajectory
# it printed is a constant compound rate r with 493 (1 + r)^3 = 388: r = (388/493)^(1/3) - 1 = -7.67%.
ROBBERY = {"name": "Robbery (Bedfordshire total)", "indicator": "count", "category": "Robbery",
           "polarity": "lower_is_better", "baseline": "2007/08", "baseline_value": 493,
           "pct_change": -7.67, "trajectory": "compound", "years": 3}


# --- Central Bedfordshire published trajectory tables (robbery, house burglary) -------------------

TRAJECTORY_FIXTURE = Path(__file__).resolve().parents[1] / "unit" / "stats" / "fixtures" / \
    "central_bedfordshire_trajectories.csv"

# Two identities hold throughout the plan's tables (DOMAIN.md): Central Bedfordshire was formed from Mid and
# South Bedfordshire, and the total is North plus Central.
BEDS_IDENTITIES = {"C Beds": ["M Beds", "S Beds"], "Total": ["N Beds", "C Beds"]}
BEDS_YEARS = ["2008/09", "2009/10", "2010/11"]


def read_beds_trajectories(table: str) -> pd.DataFrame:
    """One published table ("robbery" or "house_burglary"), one row per area, as published."""
    raw = pd.read_csv(TRAJECTORY_FIXTURE, comment="#", dtype={"table": str, "area": str})
    return raw[raw["table"] == table].drop(columns="table").set_index("area")


def beds_spec(area: str, baseline: float, pct_change, *, trajectory: str = "compound", **extra) -> dict:
    """A three-year Central Bedfordshire target on the 2007/08 baseline, as a config would declare it."""
    return {"name": f"{area}", "indicator": "count", "category": "Crime", "polarity": "lower_is_better",
            "baseline": "2007/08", "baseline_value": baseline, "pct_change": pct_change,
            "trajectory": trajectory, "years": 3, **extra}
