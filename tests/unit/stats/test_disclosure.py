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
from statsmodels.stats import rates as sm_rates  # noqa: E402

from tests.helpers.disclosure import DIFF, SENSITIVE, change_table
from workbook.config.disclosure import DisclosureRule
from workbook.core.categories import FRAUD_NFIB
from workbook.core.errors import ValueInputError
from workbook.stats.compare import add_change_columns, comparison_protection
from workbook.stats.disclosure import apply_disclosure
from workbook.stats.rates import add_rate_columns, rate_per_1000
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


# (9) hierarchies, figures published elsewhere, rounding and derived columns (issue 13.7)


def test_row_sums_protect_districts_inside_a_county():
    # N1 + N2 = North, North + S1 = Total.  N1's 3 is primary; the line North = N1 + N2 would give it
    # back (23 - 20), so N2 is hidden too; North and the total still show.
    t = pd.DataFrame({"n": [3, 20, 23, 30, 53]}, index=["N1", "N2", "North", "S1", "Total"])
    res = apply_disclosure(
        t, rule=DisclosureRule(), count_columns=["n"], category=SENSITIVE,
        row_sums=[("North", ["N1", "N2"]), ("Total", ["North", "S1"])], area_rows=["Total"],
    )
    assert res.published["n"].tolist() == ["<5", "<5", 23, 30, 53]
    assert find_recoverable_cells(
        res.published, symbol="<5", count_columns=["n"], row_sums=[("North", ["N1", "N2"]), ("Total", ["North", "S1"])]
    ) == []
    # Declared as one flat total instead, the county's 23 would be counted twice: refused as inconsistent.
    with pytest.raises(ValueInputError, match="off by"):
        apply_disclosure(t, rule=DisclosureRule(), count_columns=["n"], category=SENSITIVE, total_row="Total")


def test_fixed_rows_are_never_suppressed_and_cells_hidden_elsewhere_stay_hidden():
    t = pd.DataFrame({"n": [3, 20, 30, 53]}, index=["A", "B", "C", "Total"])
    # B is published elsewhere as it is, so the next-smallest cell that can still be hidden is C's 30.
    res = apply_disclosure(t, rule=DisclosureRule(), count_columns=["n"], total_row="Total", category=SENSITIVE,
                           fixed_rows=["B"])
    assert res.published["n"].tolist() == ["<5", 20, "<5", 53]
    # A total suppressed in another table is suppressed here too, and protected: A + 20 = total, so A goes.
    u = pd.DataFrame({"n": [10, 20, 30]}, index=["A", "B", "Total"])
    res2 = apply_disclosure(u, rule=DisclosureRule(), count_columns=["n"], total_row="Total", category="Burglary",
                            suppressed_elsewhere=[("Total", "n")])
    assert res2.published["n"].tolist() == ["<5", 20, "<5"]
    assert res2.to_frame()["detail"].tolist()[1] == "suppressed where it is also published"


def test_min_range_keeps_a_suppressed_count_from_being_known_to_within_two():
    t = pd.DataFrame({"n": [1, 3, 30, 34]}, index=["A", "B", "C", "Total"])
    kw = {"count_columns": ["n"], "total_row": "Total", "category": SENSITIVE}
    # A + B = 34 - 30 = 4 leaves A in 1..3: not exact, so the default rule (no rounding) lets it stand ...
    assert apply_disclosure(t, rule=DisclosureRule(), **kw).published["n"].tolist() == ["<5", "<5", 30, 34]
    # ... but a spread of 2 is less than 5, so with min_range=5 C is hidden too: A + B + C = 34, A in 1..32.
    strict = apply_disclosure(t, rule=DisclosureRule(min_range=5), **kw)
    assert strict.published["n"].tolist() == ["<5", "<5", "<5", 34]
    assert find_recoverable_cells(strict.published, symbol="<5", count_columns=["n"], total_row="Total",
                                  min_range=5) == []


def test_totals_are_rounded_like_their_parts_and_an_exact_total_cannot_pin_them():
    rule = DisclosureRule(threshold=8, symbol="*", rounding=5)
    t = pd.DataFrame({"n": [13, 18, 31]}, index=["L", "S", "Total"])
    kw = {"count_columns": ["n"], "total_row": "Total", "category": SENSITIVE}
    # 13 -> 15, 18 -> 20 and the total 31 -> 30, rounded like its parts: L is in 13..17 and in
    # 30 +/- 2 - (18..22) = 6..14, so 13 or 14: not pinned.
    assert apply_disclosure(t, rule=rule, **kw).published["n"].tolist() == [15, 20, 30]
    # Had the exact total 31 to stand (it is published elsewhere), L = 31 - (18..22) = 9..13 and 13..17
    # leave only 13: so L is suppressed, then S (L would be 31 - 18..22, a spread of 4, under the base 5).
    fixed = apply_disclosure(t, rule=rule, fixed_rows=["Total"], **kw)
    assert fixed.published["n"].tolist() == ["*", "*", 31]
    assert find_recoverable_cells(fixed.published, symbol="*", count_columns=["n"], total_row="Total",
                                  rounding=5, rounded_rows=["L", "S"], min_range=5) == []


def test_derived_columns_of_rounded_rows_are_recomputed_or_suppressed():
    rule = DisclosureRule(rounding=5)
    t = pd.DataFrame({"2012": [847, 760], "2013": [893, 775]}, index=["A", "B"])
    t["difference"] = t["2013"] - t["2012"]
    t["ratio"] = t["2013"] / t["2012"]  # 893 / 847 would give both exact counts back
    kw = {"count_columns": ["2012", "2013"], "difference_columns": DIFF,
          "derived_columns": {"ratio": ["2012", "2013"]}, "category": SENSITIVE}
    plain = apply_disclosure(t, rule=rule, **kw)
    assert plain.published["2012"].tolist() == [845, 760] and plain.published["difference"].tolist() == [50, 15]
    assert plain.published["ratio"].tolist() == ["<5", "<5"]
    assert set(plain.to_frame()["detail"]) == {"derived from a rounded count"}
    again = apply_disclosure(t, rule=rule, recompute=lambda rows, exact: rows.assign(ratio=rows["2013"] / rows["2012"]),
                             **kw)
    assert again.published["ratio"].tolist() == [895 / 845, 775 / 760] and again.log == ()
    assert again.rounded.loc["A", "2012"] and not again.rounded.loc["A", "ratio"]


def test_a_rounded_comparison_row_shows_its_rounded_counts_change_test_and_rate():
    # A year-to-date style table at partnership level; the rule covers sexual offences there and rounds to 5.
    t = add_change_columns(pd.DataFrame({"category": ["Sexual offences", "Robbery", "All crime"],
                                         "previous": [847, 1000, 1847], "current": [893, 1000, 1893]}))
    t = add_rate_columns(t, persons=10_000, months=12)
    res = apply_disclosure(t, rule=DisclosureRule(rounding=5, levels=["area"]),
                           **comparison_protection(t, label_col="category", category_col="category",
                                                   total_label="All crime", level="area"))
    pub = res.published.set_index("category")
    # 847 -> 845, 893 -> 895; everything derived is the rounded counts': 50 more, 50 / 845, 895 / 845 ...
    assert pub.loc["Sexual offences", ["previous", "current", "difference"]].tolist() == [845, 895, 50]
    assert pub.loc["Sexual offences", "pct_change"] == pytest.approx(100 * 50 / 845)
    assert pub.loc["Sexual offences", "rate_ratio"] == pytest.approx(895 / 845)
    p = sm_rates.test_poisson_2indep(895, 1.0, 845, 1.0, method="exact-cond").pvalue
    assert pub.loc["Sexual offences", "p_value"] == pytest.approx(p)
    # ... and the rate per 1,000 of 10,000 residents: 89.5, with the interval of a count of 895
    again = rate_per_1000(895, 10_000, conf_levels=(0.95,))
    assert pub.loc["Sexual offences", "rate_per_1000"] == pytest.approx(89.5)
    assert pub.loc["Sexual offences", ["rate_lower_95", "rate_upper_95"]].tolist() == pytest.approx(
        [again["lower_95"].iloc[0], again["upper_95"].iloc[0]])
    # Robbery is outside the rule and stays exact; All crime is a total of a rounded row, so rounded too.
    assert pub.loc["Robbery", ["previous", "rate_per_1000"]].tolist() == [1000, pytest.approx(100.0)]
    assert pub.loc["All crime", ["previous", "current"]].tolist() == [1845, 1895]
    assert pub.loc["All crime", "pct_change"] == pytest.approx(100 * 50 / 1845)


def test_a_row_kept_out_of_all_crime_is_not_part_of_its_total():
    # Action Fraud's 40 is shown but not counted in All crime (3 + 20 + 30 = 53), so the table is consistent
    # and the small 3 is protected by the other counted rows only.
    t = add_change_columns(pd.DataFrame({"category": ["Sexual offences", "Robbery", "Burglary", FRAUD_NFIB,
                                                      "All crime"],
                                         "previous": [3, 20, 30, 40, 53], "current": [10, 25, 28, 41, 63]}))
    res = apply_disclosure(t, rule=DisclosureRule(levels=["area"]),
                           **comparison_protection(t, label_col="category", category_col="category",
                                                   total_label="All crime", level="area"))
    assert res.published["previous"].tolist() == ["<5", "<5", 30, 40, 53]
