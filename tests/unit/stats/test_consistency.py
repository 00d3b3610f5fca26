"""Tests for workbook.stats.consistency on the published tables quoted in DOMAIN.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.stats.consistency import check_comparison_table, check_identity

# Safer Bucks Plan 2014/15, April-December 2012 vs 2013, exactly as published.
BUCKS_VIOLENCE = pd.DataFrame(
    {
        "area": ["Aylesbury", "Chiltern & South Bucks", "Wycombe", "Total Bucks"],
        "2012": [976, 720, 1003, 2699],
        "2013": [1074, 684, 994, 2752],
        "difference": ["+98", "-36", "-9", "+53"],
        "% change": ["+10%", "-5%", "-1%", "+2%"],
    }
)
BUCKS_BURGLARY = pd.DataFrame(
    {
        "area": ["Aylesbury", "Chiltern & South Bucks", "Wycombe", "Total Bucks"],
        "2012": [260, 481, 367, 1108],
        "2013": [236, 449, 201, 886],
        "difference": ["-24", "-32", "-116", "-222"],
        "% change": ["-9%", "-7%", "-45%", "-20%"],
    }
)

BUCKS_KW = dict(
    area_col="area",
    before_col="2012",
    after_col="2013",
    diff_col="difference",
    pct_col="% change",
    total_label="Total Bucks",
)

# Central Bedfordshire local target trajectories, as published.
YEAR_COLS = ["2007/08", "2008/09", "2009/10", "2010/11"]
TRAJ_COLS = ["area", "2007/08", "2008/09", "% 08/09", "2009/10", "% 09/10", "2010/11", "% 10/11", "3 yr %"]
ROBBERY = pd.DataFrame(
    [
        ["N Beds", 301, 276, "-8%", 253, "-8%", 233, "-8%", "-23%"],
        ["M Beds", 38, 37, "-3%", 36, "-3%", 35, "-3%", "-8%"],
        ["S Beds", 154, 142, "-8%", 131, "-8%", 120, "-8%", "-22%"],
        ["C Beds", 192, 179, "-7%", 167, "-7%", 155, "-7%", "-19%"],
        ["Total", 493, 455, "-8%", 420, "-8%", 388, "-8%", "-21%"],
    ],
    columns=TRAJ_COLS,
)
HOUSE_BURGLARY = pd.DataFrame(
    [
        ["N Beds", 893, 814, "-9%", 743, "-9%", 677, "-9%", "-24%"],
        ["M Beds", 391, 381, "-3%", 371, "-3%", 361, "-3%", "-8%"],
        ["S Beds", 791, 726, "-8%", 666, "-8%", 611, "-8%", "-23%"],
        ["C Beds", 1182, 1107, "-6%", 1037, "-6%", 972, "-6%", "-18%"],
        ["Total", 2075, 1921, "-7%", 1780, "-7%", 1649, "-7%", "-21%"],
    ],
    columns=TRAJ_COLS,
)
# (before, after, % column) for each published % column.
PCT_CHECKS = [
    ("2007/08", "2008/09", "% 08/09"),
    ("2008/09", "2009/10", "% 09/10"),
    ("2009/10", "2010/11", "% 10/11"),
    ("2007/08", "2010/11", "3 yr %"),
]


def test_bucks_domestic_burglary_reports_only_the_wycombe_difference():
    out = check_comparison_table(BUCKS_BURGLARY, **BUCKS_KW)
    # 201 - 367 = -166, printed as -116. Everything else holds: 260 + 481 + 367 = 1108,
    # 236 + 449 + 201 = 886, 886 - 1108 = -222, and -166/367 = -45.2% -> -45%.
    assert out.to_dict("records") == [
        {
            "area": "Wycombe",
            "column": "difference",
            "check": "difference",
            "published": -116,
            "expected": -166,
        }
    ]


def test_bucks_violence_table_is_consistent():
    # 976 + 720 + 1003 = 2699; 1074 + 684 + 994 = 2752; 98/976 = 10.0%, -36/720 = -5.0%,
    # -9/1003 = -0.9% -> -1%, 53/2699 = 2.0%.
    out = check_comparison_table(BUCKS_VIOLENCE, **BUCKS_KW)
    assert out.empty
    assert list(out.columns) == ["area", "column", "check", "published", "expected"]


def test_inputs_are_not_changed():
    before = BUCKS_BURGLARY.copy()
    check_comparison_table(BUCKS_BURGLARY, **BUCKS_KW)
    pd.testing.assert_frame_equal(BUCKS_BURGLARY, before)


@pytest.mark.parametrize("table", [ROBBERY, HOUSE_BURGLARY], ids=["robbery", "house burglary"])
def test_central_beds_identities_hold_in_every_year(table):
    # Robbery: 38 + 154 = 192, 37 + 142 = 179, 36 + 131 = 167, 35 + 120 = 155;
    #          301 + 192 = 493, 276 + 179 = 455, 253 + 167 = 420, 233 + 155 = 388.
    # Burglary: 391 + 791 = 1182, 381 + 726 = 1107, 371 + 666 = 1037, 361 + 611 = 972;
    #           893 + 1182 = 2075, 814 + 1107 = 1921, 743 + 1037 = 1780, 677 + 972 = 1649.
    kw = dict(columns=YEAR_COLS, label_col="area")
    c_beds = check_identity(table, total="C Beds", parts=["M Beds", "S Beds"], **kw)
    total = check_identity(table, total="Total", parts=["N Beds", "C Beds"], **kw)
    assert c_beds.empty
    assert total.empty


@pytest.mark.parametrize("table", [ROBBERY, HOUSE_BURGLARY], ids=["robbery", "house burglary"])
def test_central_beds_published_percentages_all_match(table):
    # Worked by hand, e.g. robbery N Beds 08/09: -25/301 = -8.31% -> -8%; 3 yr: -68/301 = -22.59% -> -23%;
    # M Beds 3 yr: -3/38 = -7.89% -> -8%; burglary C Beds 08/09: -75/1182 = -6.35% -> -6%;
    # burglary Total 3 yr: -426/2075 = -20.53% -> -21%.  Every published % column matches its
    # rounding, so the set of failures is empty.
    failures = set()
    for before, after, pct in PCT_CHECKS:
        out = check_comparison_table(table, area_col="area", before_col=before, after_col=after, pct_col=pct)
        failures |= {(a, c) for a, c in zip(out["area"], out["column"], strict=True)}
    assert failures == set()


def test_central_beds_three_year_change_is_compounded_not_added():
    # -8% a year for 3 years is about -22%, not -24%: N Beds robbery 233/301 - 1 = -22.6% -> -23%.
    # A table printing -24% there would be reported.
    wrong = ROBBERY.copy()
    wrong.loc[wrong["area"] == "N Beds", "3 yr %"] = "-24%"
    out = check_comparison_table(
        wrong, area_col="area", before_col="2007/08", after_col="2010/11", pct_col="3 yr %"
    )
    assert out.to_dict("records") == [
        {"area": "N Beds", "column": "3 yr %", "check": "% change", "published": -24, "expected": -23}
    ]


def test_serious_acquisitive_crime_identity():
    # SAC = house burglary + robbery + theft of a motor vehicle + theft from a motor vehicle.
    # N Beds 2007/08: 893 + 301 + 398 + 1284 = 2876.  Other areas' vehicle crime is not published.
    sac = pd.DataFrame(
        {
            "N Beds": [2876, 893, 301, 398, 1284],
            "M Beds": [1445, 391, 38, np.nan, np.nan],
            "S Beds": [2557, 791, 154, np.nan, np.nan],
        },
        index=["SAC", "House burglary", "Robbery", "Theft of a motor vehicle", "Theft from a motor vehicle"],
    )
    parts = ["House burglary", "Robbery", "Theft of a motor vehicle", "Theft from a motor vehicle"]
    assert check_identity(sac, total="SAC", parts=parts).empty
    typo = sac.copy()
    typo.loc["SAC", "N Beds"] = 2867
    out = check_identity(typo, total="SAC", parts=parts)
    assert out[["column", "published", "expected"]].to_dict("records") == [
        {"column": "N Beds", "published": 2867, "expected": 2876}
    ]
    assert out["parts"].item() == (
        "House burglary + Robbery + Theft of a motor vehicle + Theft from a motor vehicle"
    )


def test_sac_by_area_identities():
    # SAC 2007/08: M + S = 1445 + 2557 = 4002 = C Beds; N + C = 2876 + 4002 = 6878 = Total.
    sac = pd.DataFrame(
        {"2007/08": [2876, 1445, 2557, 4002, 6878]}, index=["N Beds", "M Beds", "S Beds", "C Beds", "Total"]
    )
    assert check_identity(sac, total="C Beds", parts=["M Beds", "S Beds"]).empty
    assert check_identity(sac, total="Total", parts=["N Beds", "C Beds"]).empty


def test_total_row_that_does_not_add_up_is_reported():
    t = BUCKS_VIOLENCE.copy()
    t.loc[3, "2013"] = 2762  # ten too many
    t.loc[3, "difference"] = "+63"  # consistent with the wrong total
    t.loc[3, "% change"] = "+2%"  # 63/2699 = 2.3%
    out = check_comparison_table(t, **BUCKS_KW)
    assert out.to_dict("records") == [
        {"area": "Total Bucks", "column": "2013", "check": "total", "published": 2762, "expected": 2752}
    ]


def test_percentage_rounding_accepts_half_up_or_half_even():
    # 100 -> 102.5 is +2.5%: 3 rounding half away from zero, 2 rounding half to even; both accepted.
    # -2.5% likewise accepts -3 or -2, but not -4.
    base = pd.DataFrame(
        {"area": ["a", "b", "c", "d"], "x0": [200, 200, 200, 200], "x1": [205, 205, 195, 195]}
    )
    t = base.assign(pct=["+3%", "+2%", "-2%", "-4%"])
    out = check_comparison_table(t, area_col="area", before_col="x0", after_col="x1", pct_col="pct")
    records = out[["area", "published", "expected"]].to_dict("records")
    assert records == [{"area": "d", "published": -4, "expected": -3}]


def test_percentage_to_one_decimal_place():
    # 976 -> 1074: 98/976 = 10.041% -> 10.0; published 10.4 fails.
    t = pd.DataFrame(
        {"area": ["Aylesbury", "Wycombe"], "a": [976, 1003], "b": [1074, 994], "p": [10.0, -0.4]}
    )
    out = check_comparison_table(
        t, area_col="area", before_col="a", after_col="b", pct_col="p", pct_decimals=1
    )
    # -9/1003 = -0.897% -> -0.9
    assert out[["area", "published", "expected"]].to_dict("records") == [
        {"area": "Wycombe", "published": -0.4, "expected": -0.9}
    ]


def test_numbers_as_text_and_suppressed_cells():
    t = pd.DataFrame(
        {
            "area": ["A", "B", "Total"],
            "before": ["1,108", "12", "1,120"],
            "after": ["886", "9", "895"],
            "diff": ["\u2212222", "*", "-225"],  # a typographic minus; B's difference suppressed
            "pct": ["-20%", "", "-20%"],
        }
    )
    out = check_comparison_table(
        t,
        area_col="area",
        before_col="before",
        after_col="after",
        diff_col="diff",
        pct_col="pct",
        total_label="Total",
    )
    assert out.empty


def test_comparison_table_errors():
    with pytest.raises(ValueInputError, match="no column\\(s\\) \\['2014'\\]"):
        check_comparison_table(BUCKS_BURGLARY, area_col="area", before_col="2014", after_col="2013")
    with pytest.raises(ValueInputError, match="'Bucks' must name exactly one row"):
        check_comparison_table(BUCKS_BURGLARY, **{**BUCKS_KW, "total_label": "Bucks"})
    bad = BUCKS_BURGLARY.assign(difference=["-24", "-32", "about -116", "-222"])
    expected = "row 'Wycombe', column 'difference': expected a number, got 'about -116'"
    with pytest.raises(ValueInputError, match=expected):
        check_comparison_table(bad, **BUCKS_KW)
    gap = BUCKS_BURGLARY.astype({"2012": "object"})
    gap.loc[0, "2012"] = "*"
    with pytest.raises(ValueInputError, match="row 'Aylesbury', column '2012': a value is needed"):
        check_comparison_table(gap, **BUCKS_KW)


def test_identity_errors():
    with pytest.raises(ValueInputError, match="row 'Beds' must appear exactly once in column 'area'"):
        check_identity(ROBBERY, total="Beds", parts=["M Beds"], columns=YEAR_COLS, label_col="area")
    with pytest.raises(ValueInputError, match="no column"):
        check_identity(ROBBERY, total="C Beds", parts=["M Beds"], columns=["2011/12"], label_col="area")
