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

# Property: whatever the counts, the published table gives nothing back.
from tests.helpers.disclosure import DIFF, SENSITIVE, change_table
from workbook.config.disclosure import DisclosureRule
from workbook.stats.disclosure import apply_disclosure
from workbook.stats.recoverability import find_recoverable_cells

# (1) a single small cell, recoverable from the total unless a second cell is hidden


def test_single_small_cell_leaks_without_secondary_suppression():
    t = change_table()
    # Hiding only the 3 (and its difference) is what a naive rule would publish.
    naive = t.astype(object)
    naive.loc["A", ["2012", "difference"]] = "<5"
    # By hand: 53 - 20 - 30 = 3 from the column total, so both hidden cells come back.
    assert t.loc["Total", "2012"] - t.loc["B", "2012"] - t.loc["C", "2012"] == 3
    leaks = find_recoverable_cells(
        naive, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF, total_row="Total"
    )
    assert leaks == [("A", "2012"), ("A", "difference")]

    # Hiding the 3 alone while showing the difference leaks it too: 10 - 7 = 3.
    only_count = t.astype(object)
    only_count.loc["A", "2012"] = "<5"
    assert find_recoverable_cells(
        only_count, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF
    ) == [("A", "2012")]


def test_two_ones_summing_to_two_are_pinned_by_bounds():
    # A + B = 52 - 20 - 30 = 2 and each hidden count is at least 1, so both are 1:
    # a check that only counts hidden cells per line misses this.
    t = pd.DataFrame({"n": [1, 1, 20, 30, 52]}, index=["A", "B", "C", "D", "Total"])
    naive = t.astype(object)
    naive.loc[["A", "B"], "n"] = "<5"
    kw = dict(symbol="<5", count_columns=["n"], total_row="Total")
    assert find_recoverable_cells(naive, use_bounds=False, **kw) == []
    assert find_recoverable_cells(naive, **kw) == [("A", "n"), ("B", "n")]
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["n"], total_row="Total", category=SENSITIVE
    )
    assert res.published["n"].tolist() == ["<5", "<5", "<5", 30, 52]
    assert find_recoverable_cells(res.published, **kw) == []


def test_linear_system_finds_cells_that_no_single_line_gives():
    # Row A hides both counts but shows their total (7) and change (1); each relation has two
    # unknowns, yet together: this = (7 + 1) / 2 = 4, last = (7 - 1) / 2 = 3.
    pub = pd.DataFrame(
        {"last": ["<5", 20], "this": ["<5", 25], "total": [7, 45], "change": [1, 5]}, index=["A", "B"]
    )
    found = find_recoverable_cells(
        pub, symbol="<5", count_columns=["last", "this"], total_column="total",
        difference_columns={"change": ("this", "last")}, use_bounds=False,
    )
    assert found == [("A", "last"), ("A", "this")]


# (3) rates and percentages follow their numerators


def test_rates_and_percentages_are_hidden_with_their_numerator():
    t = pd.DataFrame(
        {
            "2012": [6, 12, 9, 27],
            "2013": [4, 15, 9, 28],
            "population": [5000, 10000, 8000, 23000],
        },
        index=["A", "B", "C", "Total"],
    )
    t["difference"] = t["2013"] - t["2012"]
    t["% change"] = 100 * t["difference"] / t["2012"]
    t["rate per 1,000"] = 1000 * t["2013"] / t["population"]
    derived = {"% change": ["difference", "2012"], "rate per 1,000": ["2013"]}
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["2012", "2013"], difference_columns=DIFF,
        derived_columns=derived, total_row="Total", category=SENSITIVE,
    )
    pub = res.published
    # A/2013 = 4 is primary; column 2013 then hides C (9 < 15); both rows lose their derived cells.
    assert pub["2013"].tolist() == ["<5", 15, "<5", 28]
    for col in ["difference", "% change", "rate per 1,000"]:
        assert pub.loc["A", col] == "<5" and pub.loc["C", col] == "<5"
    assert pub.loc["B", "rate per 1,000"] == pytest.approx(1.5)
    assert pub.loc["Total", "% change"] == pytest.approx(100 / 27)
    assert pub["2012"].tolist() == [6, 12, 9, 27] and pub["2012"].dtype == np.int64
    assert find_recoverable_cells(
        pub, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF,
        derived_columns=derived, total_row="Total",
    ) == []

    # Showing A's rate would give the count back: 0.8 x 5000 / 1000 = 4.
    leaky = pub.copy()
    leaky.loc["A", "rate per 1,000"] = 0.8
    assert find_recoverable_cells(
        leaky, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF,
        derived_columns=derived, total_row="Total",
    ) == [("A", "2013")]
