"""Period comparison reproduces the Safer Bucks Plan 2014/15 tables (DOMAIN.md)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from statsmodels.stats.rates import test_poisson_2indep as sm_test

from workbook.stats.compare import add_change_columns, assess_change, compare_periods, pct_change
from workbook.core.errors import ValueInputError
from workbook.present.formats import format_pct
from workbook.core.periods import Window

# April-December 2012 and 2013, by local policing area (Safer Bucks Plan 2014/15).
VIOLENCE = {"Aylesbury": (976, 1074), "Chiltern & South Bucks": (720, 684), "Wycombe": (1003, 994)}
VIOLENCE_PUBLISHED = {  # difference, % change as published
    "Aylesbury": (98, "+10%"),
    "Chiltern & South Bucks": (-36, "-5%"),
    "Wycombe": (-9, "-1%"),
    "Total": (53, "+2%"),
}
BURGLARY = {"Aylesbury": (260, 236), "Chiltern & South Bucks": (481, 449), "Wycombe": (367, 201)}
BURGLARY_PUBLISHED = {
    "Aylesbury": (-24, "-9%"),
    "Chiltern & South Bucks": (-32, "-7%"),
    "Wycombe": (-166, "-45%"),  # published as -116, a typing error: 201 - 367 = -166
    "Total": (-222, "-20%"),
}


def _as_monthly(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """Each period's count placed in one month of an Apr-Dec window (the test is of sums)."""
    rows = []
    for area, (c2012, c2013) in counts.items():
        rows.append({"month": pd.Timestamp("2012-06-01"), "area_name": area, "count": c2012})
        rows.append({"month": pd.Timestamp("2013-06-01"), "area_name": area, "count": c2013})
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("counts", "published"), [(VIOLENCE, VIOLENCE_PUBLISHED), (BURGLARY, BURGLARY_PUBLISHED)])
def test_safer_bucks_tables(counts, published):
    cur = Window(pd.Timestamp("2013-04-01"), pd.Timestamp("2013-12-01"))
    prev = Window(pd.Timestamp("2012-04-01"), pd.Timestamp("2012-12-01"))
    out = compare_periods(_as_monthly(counts), current=cur, previous=prev, by=["area_name"], total_label="Total")
    out = out.set_index("area_name")
    for area, (diff, pct) in published.items():
        assert out.loc[area, "difference"] == diff
        assert format_pct(out.loc[area, "pct_change"], signed=True) == pct
    assert out.loc["Total", "current"] == sum(c[1] for c in counts.values())


def test_total_bucks_violence_is_not_significant_and_burglary_is():
    # 2,699 -> 2,752 is well within chance; 1,108 -> 886 is not.
    assert assess_change(2699, 2752)[3] > 0.05
    assert assess_change(1108, 886)[3] < 0.001


def test_test_agrees_with_statsmodels():
    for prev, cur in [(2699, 2752), (1108, 886), (3, 9), (50, 50)]:
        ours = assess_change(prev, cur)[3]
        theirs = sm_test(cur, 1.0, prev, 1.0, method="exact-cond").pvalue
        assert ours == pytest.approx(theirs)


def test_zero_base_and_zero_zero():
    assert math.isnan(pct_change(0, 4))
    t = add_change_columns(pd.DataFrame({"previous": [0, 0], "current": [4, 0]}))
    assert t["difference"].tolist() == [4, 0]
    assert t["pct_change"].isna().all()
    assert not t["significant"].iloc[1]


def test_negative_counts_are_refused():
    with pytest.raises(ValueInputError, match="counts must be >= 0"):
        pct_change(-1, 3)


def test_groups_absent_in_one_period_count_as_zero():
    df = pd.DataFrame(
        {"month": pd.to_datetime(["2022-04-01", "2023-04-01"]), "category": ["Robbery", "Arson"], "count": [5, 2]}
    )
    w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))  # noqa: E731
    out = compare_periods(df, current=w(2023), previous=w(2022), total=False).set_index("category")
    assert out.loc["Robbery", ["previous", "current"]].tolist() == [5, 0]
    assert out.loc["Arson", ["previous", "current"]].tolist() == [0, 2]


def test_unequal_windows_are_refused():
    df = pd.DataFrame({"month": [pd.Timestamp("2023-04-01")], "category": ["x"], "count": [1]})
    with pytest.raises(ValueInputError, match="windows differ in length"):
        compare_periods(
            df,
            current=Window(pd.Timestamp("2023-04-01"), pd.Timestamp("2023-05-01")),
            previous=Window(pd.Timestamp("2022-04-01"), pd.Timestamp("2022-04-01")),
        )
