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
from tests.helpers.disclosure import (
    DIFF,
    SENSITIVE,
    Attacker,
    change_table,
    read_comparison,
    read_family,
    spread,
)
from workbook.config.disclosure import DisclosureRule
from workbook.stats.compare import add_change_columns, comparison_protection
from workbook.stats.disclosure import apply_disclosure, apply_disclosure_together
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


# (4) the attacker: everything published at once (issue 13.7)
#
# A parent category and its two children by district, worked out by hand:
#   Violence = Assault + Sexual offences in every row and column.
#           previous: A, B, Total        current: A, B, Total
#   Violence   901, 802, 1703               951, 821, 1772
#   Assault    847, 760, 1607               893, 775, 1668
#   Sexual      54,  42,   96                58,  46,  104

FAMILY = {
    "Violence": ([901, 802, 1703], [951, 821, 1772]),
    "Assault": ([847, 760, 1607], [893, 775, 1668]),
    "Sexual offences": ([54, 42, 96], [58, 46, 104]),
}
KIDS = {"Assault": "Violence", "Sexual offences": "Violence"}


def family_tables() -> dict[str, pd.DataFrame]:
    out = {}
    for cat, (prev, cur) in FAMILY.items():
        t = pd.DataFrame({"area_name": ["A", "B", "Total"], "previous": prev, "current": cur})
        out[cat] = add_change_columns(t)
    return out


def attack(published: dict[str, pd.DataFrame], *, symbol: str, rounding: int | None, threshold: int,
           sensitive: set[str]) -> dict:
    reader = Attacker(symbol=symbol, rounding=rounding, threshold=threshold)
    inconsistent = []
    for cat, t in published.items():
        inconsistent += read_comparison(reader, t, category=cat, label_col="area_name", total_label="Total",
                                        covered_rows={"A", "B"} if cat in sensitive else set())
    read_family(reader, parent="Violence", children=["Assault", "Sexual offences"], areas=["A", "B", "Total"],
                complete=True)
    keys = [(c, a, col) for c in FAMILY for a in ("A", "B") for col in ("previous", "current")]
    return reader.bounds(keys), inconsistent


def test_the_attacker_recovers_cells_from_tables_protected_one_at_a_time():
    # Today's behaviour, written out by hand: each table protected on its own with a threshold of 100.
    # Sexual offences hides both districts (their total shows); Violence and Assault are not sensitive.
    tables = family_tables()
    old = {cat: t.copy() for cat, t in tables.items()}
    sexual = old["Sexual offences"].astype(object)
    sexual.loc[[0, 1], ["previous", "current", "difference", "pct_change", "rate_ratio", "rr_lower_95",
                         "rr_upper_95", "p_value", "significant"]] = "<100"
    old["Sexual offences"] = sexual
    found, _ = attack(old, symbol="<100", rounding=None, threshold=100, sensitive={"Sexual offences"})
    # Parent minus the published child: 901 - 847 = 54, 951 - 893 = 58, 802 - 760 = 42, 821 - 775 = 46.
    assert found[("Sexual offences", "A", "previous")] == pytest.approx((54, 54))
    assert found[("Sexual offences", "A", "current")] == pytest.approx((58, 58))
    assert found[("Sexual offences", "B", "previous")] == pytest.approx((42, 42))
    assert found[("Sexual offences", "B", "current")] == pytest.approx((46, 46))


def test_the_attacker_undoes_rounding_through_the_rate_ratio_and_an_exact_total():
    # Today's behaviour with Assault sensitive too and counts rounded to 5: Assault's districts are
    # rounded (847 -> 845, 893 -> 895, 760, 775) but their % change and rate ratio come from the exact
    # counts, and the total row (1607, 1668) is not rounded.
    tables = family_tables()
    old = {cat: t.copy() for cat, t in tables.items()}
    assault = old["Assault"]
    assault.loc[[0, 1], "previous"] = [845, 760]
    assault.loc[[0, 1], "current"] = [895, 775]
    assault.loc[[0, 1], "difference"] = [45, 15]  # 46 and 15 rounded on their own
    sexual = old["Sexual offences"].astype(object)
    sexual.loc[[0, 1], ["previous", "current", "difference", "pct_change", "rate_ratio", "rr_lower_95",
                         "rr_upper_95", "p_value", "significant"]] = "<100"
    old["Sexual offences"] = sexual
    found, inconsistent = attack(old, symbol="<100", rounding=5, threshold=100, sensitive={"Sexual offences", "Assault"})
    assert "Assault/A/rate_ratio" in inconsistent and "Assault/A/p_value" in inconsistent
    # 893 / 847 is the only ratio of whole numbers in 843..847 over 888..897: both come back exactly,
    # then 1607 - 847 = 760, and Violence - Assault gives every Sexual offences cell.
    assert found[("Assault", "A", "previous")] == pytest.approx((847, 847))
    assert found[("Assault", "A", "current")] == pytest.approx((893, 893))
    assert found[("Sexual offences", "A", "previous")] == pytest.approx((54, 54))
    assert found[("Sexual offences", "B", "current")] == pytest.approx((46, 46))


@pytest.mark.parametrize("rounding", [None, 5])
def test_tables_protected_together_defeat_the_attacker(rounding):
    rule = DisclosureRule(threshold=100, symbol="<100", categories=["Sexual offences", "Assault"] if rounding
                          else ["Sexual offences"], rounding=rounding)
    tables = family_tables()
    spec = comparison_protection(tables["Violence"], label_col="area_name", total_label="Total")
    res = apply_disclosure_together(
        tables, rule=rule, label_col="area_name", total_label="Total", parents=KIDS,
        **{k: v for k, v in spec.items() if k in ("count_columns", "difference_columns", "derived_columns",
                                                   "recompute")},
    )
    published = {cat: r.published for cat, r in res.items()}
    sensitive = set(rule.categories)
    found, inconsistent = attack(published, symbol="<100", rounding=rounding, threshold=100, sensitive=sensitive)
    assert inconsistent == []  # every derived column shown is the published counts' own
    truth = {(c, a, col): FAMILY[c][0 if col == "previous" else 1]["AB".index(a)]
             for c in FAMILY for a in "AB" for col in ("previous", "current")}
    hidden = [k for k in truth if published[k[0]].set_index("area_name").loc[k[1], k[2]] == "<100"]
    # every Sexual offences district cell is hidden, and so is what would give it back
    assert {k for k in truth if k[0] == "Sexual offences"} <= set(hidden)
    for k in hidden:
        lo, hi = found[k]
        assert lo - 1e-6 <= truth[k] <= hi + 1e-6, k  # the attacker is sound
        assert spread(found[k]) >= 5, (k, found[k])  # not known to within +/-2
    if rounding:
        # a rounded count is never known exactly, and the derived columns are the rounded counts'
        for cat in sensitive:
            for a in "AB":
                for col in ("previous", "current"):
                    if (cat, a, col) not in hidden:
                        assert spread(found[(cat, a, col)]) >= 1, (cat, a, col)
        # totals are rounded like their parts: 96 -> 95, 104 -> 105
        assert published["Sexual offences"].set_index("area_name").loc["Total", ["previous", "current"]].tolist() == [
            95, 105]
