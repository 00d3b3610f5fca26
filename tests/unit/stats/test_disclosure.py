"""Tests for workbook.stats.disclosure.

Every expected published table below is worked out by hand from the rule
(counts 1..threshold-1 hidden; the next-smallest non-zero cell in a line that
would give a hidden cell away is hidden too; derived cells follow their
sources), never copied from the code's output.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

# Property: whatever the counts, the published table gives nothing back.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.helpers.disclosure import DIFF, SENSITIVE, change_table
from workbook.config.disclosure import DisclosureRule
from workbook.core.errors import ValueInputError
from workbook.stats.disclosure import apply_disclosure
from workbook.stats.recoverability import find_recoverable_cells


def hidden_cells(result) -> set[tuple[str, str]]:
    return {(e.row, e.column) for e in result.log}


def test_secondary_suppression_makes_the_small_cell_unrecoverable():
    t = change_table()
    res = apply_disclosure(
        t,
        rule=DisclosureRule(),
        count_columns=["2012", "2013"],
        difference_columns=DIFF,
        total_row="Total",
        category=SENSITIVE,
    )
    pub = res.published
    # Column 2012 would give A = 53 - 20 - 30, so its next-smallest non-zero cell (B, 20) is hidden,
    # and both rows' differences follow their hidden 2012 counts.
    assert pub["2012"].tolist() == ["<5", "<5", 30, 53]
    assert pub["2013"].tolist() == [10, 25, 28, 63]
    assert pub["difference"].tolist() == ["<5", "<5", -2, 10]
    assert res.primary.sum().sum() == 1 and bool(res.primary.loc["A", "2012"])
    assert hidden_cells(res) - {("A", "2012")} == {("B", "2012"), ("A", "difference"), ("B", "difference")}
    assert set(res.to_frame()["reason"]) == {"primary", "secondary"}
    assert res.to_frame().loc[0].tolist()[:3] == ["A", "2012", "primary"]
    assert find_recoverable_cells(
        pub, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF, total_row="Total"
    ) == []


def test_secondary_off_publishes_a_leaky_table_on_request():
    res = apply_disclosure(
        change_table(),
        rule=DisclosureRule(secondary=False),
        count_columns=["2012", "2013"],
        difference_columns=DIFF,
        total_row="Total",
        category=SENSITIVE,
    )
    assert hidden_cells(res) == {("A", "2012"), ("A", "difference")}
    assert find_recoverable_cells(
        res.published, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF, total_row="Total"
    ) == [("A", "2012"), ("A", "difference")]


# (2) suppression cascading across a row and a column


def test_suppression_cascades_across_row_and_column():
    t = pd.DataFrame(
        {"Q1": [2, 8, 10, 20], "Q2": [9, 6, 11, 26], "Q3": [12, 15, 7, 34], "Total": [23, 29, 28, 80]},
        index=["W1", "W2", "W3", "Total"],
    )
    res = apply_disclosure(
        t,
        rule=DisclosureRule(all_categories=True),
        count_columns=["Q1", "Q2", "Q3"],
        total_row="Total",
        total_column="Total",
    )
    # W1/Q1 = 2 is primary.  Column Q1 then hides W2/Q1 (8 < 10), row W1 hides W1/Q2 (9 < 12),
    # and row W2 (now with W2/Q1 hidden) hides W2/Q2 (6 < 15): a 2x2 rectangle.
    assert hidden_cells(res) == {("W1", "Q1"), ("W2", "Q1"), ("W1", "Q2"), ("W2", "Q2")}
    assert int(res.primary.sum().sum()) == 1 and int(res.secondary.sum().sum()) == 3
    pub = res.published
    assert pub.loc["W3"].tolist() == [10, 11, 7, 28]
    assert pub.loc["Total"].tolist() == [20, 26, 34, 80]
    assert pub["Total"].tolist() == [23, 29, 28, 80]
    assert find_recoverable_cells(
        pub, symbol="<5", count_columns=["Q1", "Q2", "Q3"], total_row="Total", total_column="Total"
    ) == []
    # By hand the rectangle leaves W1/Q1 = t, W1/Q2 = 11 - t, W2/Q1 = 10 - t, W2/Q2 = 4 + t:
    # every t in 1..9 fits the published totals.
    for s in (1, 9):
        assert (s + (11 - s), (10 - s) + (4 + s), s + (10 - s), (11 - s) + (4 + s)) == (11, 14, 10, 15)


def test_total_row_cell_is_hidden_when_the_line_has_nothing_else():
    t = pd.DataFrame({"2012": [3, 0, 3], "2013": [6, 7, 13]}, index=["A", "B", "Total"])
    t["difference"] = t["2013"] - t["2012"]
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["2012", "2013"], difference_columns=DIFF,
        total_row="Total", category=SENSITIVE,
    )
    # B's 0 is not hidden (it says nothing), so the only cell left in column 2012 is the total.
    assert res.published["2012"].tolist() == ["<5", 0, "<5"]
    assert res.published["difference"].tolist() == ["<5", 7, "<5"]
    assert not bool(res.primary.loc["Total", "2012"]) and bool(res.secondary.loc["Total", "2012"])


def test_compare_style_table_with_label_column():
    # The shape compare_periods returns: a RangeIndex, labels in a column, a labelled total row.
    t = pd.DataFrame(
        {
            "area_name": ["Aylesbury", "Wycombe", "Chiltern", "All crime"],
            "previous": [5, 2, 12, 19],
            "current": [9, 14, 11, 34],
        }
    )
    t["difference"] = t["current"] - t["previous"]
    t["significant"] = [False, True, False, True]
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["previous", "current"],
        difference_columns={"difference": ("current", "previous")},
        derived_columns={"significant": ["previous", "current"]},
        label_col="area_name", total_row="All crime", category=SENSITIVE,
    )
    # Wycombe's 2 is primary; column "previous" hides the next-smallest, Aylesbury's 5.
    assert res.published["previous"].tolist() == ["<5", "<5", 12, 19]
    assert res.published["significant"].tolist() == ["<5", "<5", False, True]
    assert [(e.row, e.column, e.reason) for e in res.log][:3] == [
        ("Aylesbury", "previous", "secondary"),
        ("Aylesbury", "difference", "secondary"),
        ("Aylesbury", "significant", "secondary"),
    ]


# (4) categories and levels outside the rule are untouched


def test_categories_not_in_the_list_are_untouched():
    t = pd.DataFrame(
        {
            "category": ["Burglary", "Sexual offences", "Burglary", "RAPE"],
            "count": [3, 3, 12, 2],
        },
        index=["North burglary", "North sexual", "South burglary", "South rape"],
    )
    res = apply_disclosure(t, rule=DisclosureRule(), count_columns=["count"], category_col="category")
    assert res.published["count"].tolist() == [3, "<5", 12, "<5"]

    whole = apply_disclosure(
        t[["count"]], rule=DisclosureRule(), count_columns=["count"], category="Burglary"
    )
    pd.testing.assert_frame_equal(whole.published, t[["count"]])
    assert whole.log == () and not whole.suppressed.any().any()

    everything = apply_disclosure(
        t[["count"]], rule=DisclosureRule(all_categories=True), count_columns=["count"]
    )
    assert everything.published["count"].tolist() == ["<5", "<5", 12, "<5"]


def test_levels():
    t = pd.DataFrame({"n": [1, 2, 3]}, index=["A", "B", "Total"])
    kw = dict(count_columns=["n"], total_row="Total", category=SENSITIVE)
    # By default the total row is an area figure and is shown; A + B = 3 leaves A in {1, 2}.
    assert apply_disclosure(t, rule=DisclosureRule(), **kw).published["n"].tolist() == ["<5", "<5", 3]
    both = DisclosureRule(levels=["sub_area", "area"])
    assert apply_disclosure(t, rule=both, **kw).published["n"].tolist() == ["<5", "<5", "<5"]
    area_table = pd.DataFrame({"n": [3]}, index=["Partnership"])
    kw2 = dict(count_columns=["n"], category=SENSITIVE, level="area")
    assert apply_disclosure(area_table, rule=DisclosureRule(), **kw2).published["n"].tolist() == [3]
    assert apply_disclosure(area_table, rule=both, **kw2).published["n"].tolist() == ["<5"]


# (6) zero is shown, never hidden


def test_zero_is_not_suppressed_and_not_used_as_secondary():
    t = pd.DataFrame({"n": [1, 0, 9, 10]}, index=["A", "B", "C", "Total"])
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["n"], total_row="Total", category=SENSITIVE
    )
    # The 0 is smaller than 9 but hiding it protects nothing (A = 10 - 0 - 9 otherwise), so C is hidden.
    assert res.published["n"].tolist() == ["<5", 0, "<5", 10]
    assert res.published.loc["B", "n"] == 0 and not isinstance(res.published.loc["B", "n"], str)
    assert find_recoverable_cells(res.published, symbol="<5", count_columns=["n"], total_row="Total") == []


# (8) inputs are never changed; bad inputs are refused


def test_input_is_not_mutated():
    t = change_table()
    t["% change"] = 100 * t["difference"] / t["2012"]
    before = t.copy(deep=True)
    apply_disclosure(
        t, rule=DisclosureRule(rounding=5), count_columns=["2012", "2013"], difference_columns=DIFF,
        derived_columns={"% change": ["difference", "2012"]}, total_row="Total", category=SENSITIVE,
    )
    pd.testing.assert_frame_equal(t, before)
    assert t.loc["A", "2012"] == 3 and t["2012"].dtype == np.int64


def test_csv_of_published_table_holds_no_suppressed_count():
    t = change_table()
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["2012", "2013"], difference_columns=DIFF,
        total_row="Total", category=SENSITIVE,
    )
    text = res.published.to_csv()
    back = pd.read_csv(io.StringIO(text), index_col=0, dtype=str, keep_default_na=False)
    assert back.shape == t.shape
    for row in t.index:
        for col in t.columns:
            if res.suppressed.loc[row, col]:
                assert back.loc[row, col] == "<5"
                assert back.loc[row, col] != str(t.loc[row, col])
            else:
                assert back.loc[row, col] == str(t.loc[row, col])
    assert text.splitlines()[1] == "A,<5,10,<5"
    # Read back as an attacker would, nothing can be recovered either.
    assert find_recoverable_cells(
        back, symbol="<5", count_columns=["2012", "2013"], difference_columns=DIFF, total_row="Total"
    ) == []


def test_inconsistent_published_table_is_refused():
    # Safer Bucks domestic burglary as published: Wycombe's difference is -116, but 201 - 367 = -166.
    t = pd.DataFrame(
        {"2012": [260, 481, 367, 1108], "2013": [236, 449, 201, 886], "difference": [-24, -32, -116, -222]},
        index=["Aylesbury", "Chiltern & South Bucks", "Wycombe", "Total Bucks"],
    )
    kw = dict(rule=DisclosureRule(all_categories=True), count_columns=["2012", "2013"],
              difference_columns=DIFF, total_row="Total Bucks")
    with pytest.raises(ValueInputError, match="Wycombe.*off by -50"):
        apply_disclosure(t, **kw)
    fixed = t.assign(difference=t["2013"] - t["2012"])
    assert fixed.loc["Wycombe", "difference"] == -166
    res = apply_disclosure(fixed, **kw)
    assert res.log == ()  # no small counts: published as is
    pd.testing.assert_frame_equal(res.published, fixed)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(count_columns=["2012"]), "category"),
        (dict(count_columns=["nope"], category=SENSITIVE), "nope"),
        (dict(count_columns=["2012"], total_row="All", category=SENSITIVE), "total row 'All'"),
    ],
)
def test_bad_arguments_raise_value_input_error(kwargs, match):
    with pytest.raises(ValueInputError, match=match):
        apply_disclosure(change_table(), rule=DisclosureRule(), **kwargs)


def test_negative_count_is_refused():
    t = pd.DataFrame({"n": [3, -1]}, index=["A", "B"])
    with pytest.raises(ValueInputError, match="negative"):
        apply_disclosure(t, rule=DisclosureRule(), count_columns=["n"], category=SENSITIVE)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    counts=st.lists(
        st.tuples(st.integers(0, 12), st.integers(0, 12), st.integers(0, 12)), min_size=2, max_size=5
    ),
    with_total_column=st.booleans(),
)
def test_published_tables_never_give_a_hidden_cell_back(counts, with_total_column):
    t = pd.DataFrame(counts, columns=["2012", "2013", "2014"], index=[f"w{i}" for i in range(len(counts))])
    if with_total_column:
        t["all"] = t.sum(axis=1)
    t.loc["Total"] = t.sum()
    t["difference"] = t["2013"] - t["2012"]
    structure = dict(
        count_columns=["2012", "2013", "2014"],
        difference_columns=DIFF,
        total_row="Total",
        total_column="all" if with_total_column else None,
    )
    res = apply_disclosure(t, rule=DisclosureRule(all_categories=True), **structure)
    small = (t[["2012", "2013", "2014"]] > 0) & (t[["2012", "2013", "2014"]] < 5)
    small.loc["Total"] = False  # an area figure: outside the default rule's levels
    assert res.primary[["2012", "2013", "2014"]].equals(small)
    assert find_recoverable_cells(res.published, symbol="<5", **structure) == []
    shown = ~res.suppressed
    assert (res.published.where(shown, 0).astype("int64") == t.where(shown, 0)).all().all()
