"""Small tables and disclosure rules for the disclosure and recoverability tests."""

from __future__ import annotations

import pandas as pd

# Property: whatever the counts, the published table gives nothing back.

SENSITIVE = "Sexual offences"
DIFF = {"difference": ("2013", "2012")}


def change_table() -> pd.DataFrame:
    """Sub-area x [2012, 2013, difference] with a Total row; A's 2012 count is 3."""
    t = pd.DataFrame(
        {"2012": [3, 20, 30, 53], "2013": [10, 25, 28, 63]},
        index=pd.Index(["A", "B", "C", "Total"], name="area"),
    )
    t["difference"] = t["2013"] - t["2012"]  # 7, 5, -2, 10
    return t
