"""Period comparison reproduces the Safer Bucks Plan 2014/15 tables (DOMAIN.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.hotspots import APRIL_2020, _frame
from workbook.core.errors import PeriodError, ValueInputError
from workbook.core.periods import (
    Window,
    check_window_in_data,
    financial_quarter,
    financial_year_label,
    parse_month,
    rolling_12_months,
    ytd_comparison,
)
from workbook.present.formats import format_pct
from workbook.stats.compare import compare_periods
from workbook.stats.hotspots import (
    top_neighbourhoods,
)

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


def test_top_neighbourhoods_needs_equal_windows():
    df = _frame([("2019-04-01", "A", 1), ("2020-04-01", "A", 1), ("2020-05-01", "A", 1)])
    two = Window(pd.Timestamp("2020-04-01"), pd.Timestamp("2020-05-01"))
    with pytest.raises(ValueInputError, match="differ in length"):
        top_neighbourhoods(df, current=two, previous=APRIL_2020.shift_years(-1))


def test_ytd_across_the_new_year():
    p = ytd_comparison(parse_month("2024-02"))
    assert (p.current.start, p.current.end) == (pd.Timestamp("2023-04-01"), pd.Timestamp("2024-02-01"))
    assert (p.previous.start, p.previous.end) == (pd.Timestamp("2022-04-01"), pd.Timestamp("2023-02-01"))
    assert p.current.n_months == 11 and p.financial_year == "2023/24"


def test_april_is_a_one_month_year_to_date():
    p = ytd_comparison(parse_month("2023-04"))
    assert p.current.n_months == 1 and p.current.label == "April 2023"


def test_rolling_and_quarters():
    assert rolling_12_months(parse_month("2023-03")).start == pd.Timestamp("2022-04-01")
    assert financial_quarter(parse_month("2023-05")).label == "April to June 2023"
    assert financial_year_label(parse_month("2023-03")) == "2022/23"


@pytest.mark.parametrize("bad", ["2023-00", "23-11", "November 2023", "2023/11", ""])
def test_malformed_months(bad):
    with pytest.raises(PeriodError, match="expected YYYY-MM"):
        parse_month(bad)


def test_period_outside_the_data_is_an_error_not_empty():
    months = pd.date_range("2017-01-01", "2020-12-01", freq="MS")
    with pytest.raises(PeriodError, match="needs 2016-04"):
        check_window_in_data(ytd_comparison(parse_month("2017-11")).previous, months)
    with pytest.raises(PeriodError, match="needs 2021-01"):
        check_window_in_data(ytd_comparison(parse_month("2021-01")).current, months)
