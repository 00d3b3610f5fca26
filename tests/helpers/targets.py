"""Target specs for the config and stats target tests."""

from __future__ import annotations

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
