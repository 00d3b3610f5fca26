"""Hotspots: concentration, top neighbourhoods and the hotspot classes, on
hand-made data whose answers are worked out by hand, and on the City of
London aggregate checked against a plain pandas calculation."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from tests.helpers.hotspots import APRIL_2020, _frame
from workbook.core.errors import PeriodError, ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.core.periods import parse_financial_year
from workbook.data.tidy import load_tidy
from workbook.present.hotspot_charts import plot_hotspot_map, plot_top_neighbourhoods
from workbook.stats.hotspots import (
    EMERGING,
    FORMER,
    INTERMITTENT,
    NOT_HOTSPOT,
    PERSISTENT,
    classify_hotspots,
    classify_membership,
    count_top_group,
    hotspot_concentration,
    top_neighbourhoods,
)

COL_TIDY = DATA_DIR / "police_uk" / "city_of_london" / "col_month_lsoa_crime_type.csv"


# --------------------------------------------------------------------------- classification

# Hotspot flags per financial year 2016/17 .. 2019/20; five hotspots each year
# (20 neighbourhoods, top 25% = 5) and the class the rule gives, worked by hand:
# persistent = latest and > 2 of 4; emerging = latest, one run to the latest;
# former = some, but not in the last two; intermittent = otherwise.
FLAGS = {
    "P1": ((1, 1, 1, 1), PERSISTENT),
    "P2": ((0, 1, 1, 1), PERSISTENT),
    "E1": ((0, 0, 1, 1), EMERGING),
    "E2": ((0, 0, 0, 1), EMERGING),
    "F1": ((1, 1, 0, 0), FORMER),
    "F2": ((0, 1, 0, 0), FORMER),
    "F3": ((1, 0, 0, 0), FORMER),
    "I1": ((1, 0, 1, 0), INTERMITTENT),
    "I2": ((1, 0, 0, 1), INTERMITTENT),  # latest, but only 2 of 4 and with a gap
    "I3": ((0, 1, 1, 0), INTERMITTENT),  # dropped out in the latest year only
}
YEARS = (2016, 2017, 2018, 2019)


def _classification_data() -> pd.DataFrame:
    rows = []
    for y_i, year in enumerate(YEARS):
        month = f"{year}-04-01"
        for code, (flags, _) in FLAGS.items():
            rows.append((month, code, 10 if flags[y_i] else 1))
        rows += [(month, f"N{j:02d}", 1) for j in range(10)]
    rows.append(("2020-03-01", None, 2))  # no location; also ends the last year in March
    return _frame(rows)


# --------------------------------------------------------------------------- the real City aggregate


@pytest.fixture(scope="module")
def city() -> pd.DataFrame:
    return load_tidy(COL_TIDY)


# --------------------------------------------------------------------------- top group size


def test_top_group_is_ceiling_of_ten_per_cent():
    # 10% of 131 is 13.1 -> 14; of 130 exactly 13 (not 14 from floating error); never 0.
    assert count_top_group(131) == 14
    assert count_top_group(130) == 13
    assert count_top_group(9) == 1
    assert count_top_group(20, top_share=0.25) == 5


@pytest.mark.parametrize("share", [0, -0.1, 1.5])
def test_bad_top_share(share):
    with pytest.raises(ValueInputError, match="top_share"):
        count_top_group(10, top_share=share)


# --------------------------------------------------------------------------- concentration


def test_concentration_by_hand():
    # 20 neighbourhoods: 40 and 20 crimes, then 18 with 2 each (36); 10 with no location.
    rows = [("2020-04-01", "L01", 40), ("2020-04-01", "L02", 20)]
    rows += [("2020-04-01", f"L{i:02d}", 2) for i in range(3, 21)]
    rows += [("2020-04-01", None, 10)]
    c = hotspot_concentration(_frame(rows), window=APRIL_2020)
    assert c.n_neighbourhoods == 20
    assert c.n_top == 2  # 10% of 20
    assert c.top_count == 60
    assert c.located_count == 96  # 40 + 20 + 36; no-location records not included
    assert c.share == pytest.approx(60 / 96)  # 0.625
    assert c.no_location_count == 10
    assert c.hotspots == ("L01", "L02")
    assert c.to_frame().loc[0, "share"] == pytest.approx(0.625)


def test_ties_at_the_cut_off_are_all_hotspots_but_share_uses_k():
    # 10 neighbourhoods, k = 1; A and B tie on 3 -> both hotspots; share = 3 / 14.
    rows = [("2020-04-01", "A", 3), ("2020-04-01", "B", 3)] + [("2020-04-01", f"Z{i}", 1) for i in range(8)]
    c = hotspot_concentration(_frame(rows), window=APRIL_2020)
    assert c.n_top == 1
    assert set(c.hotspots) == {"A", "B"}
    assert c.share == pytest.approx(3 / 14)


def test_neighbourhoods_without_crime_count_towards_n():
    # 5 with crime plus 15 given with none: N = 20, k = 2; 10 + 5 out of 19.
    rows = [("2020-04-01", c, n) for c, n in zip("ABCDE", [10, 5, 2, 1, 1])]
    area = list("ABCDE") + [f"Q{i}" for i in range(15)]
    c = hotspot_concentration(_frame(rows), window=APRIL_2020, neighbourhoods=area)
    assert (c.n_neighbourhoods, c.n_top, c.top_count, c.located_count) == (20, 2, 15, 19)


def test_window_outside_data_is_a_period_error():
    df = _frame([("2020-04-01", "A", 3)])
    with pytest.raises(PeriodError, match="2021-04"):
        hotspot_concentration(df, window=APRIL_2020.shift_years(1))


def test_data_without_neighbourhoods():
    df = _frame([("2020-04-01", None, 3)])
    with pytest.raises(ValueInputError, match="no neighbourhoods"):
        hotspot_concentration(df, window=APRIL_2020)
    with pytest.raises(ValueInputError, match="lsoa_code"):
        hotspot_concentration(df.drop(columns="lsoa_code"), window=APRIL_2020)


# --------------------------------------------------------------------------- top neighbourhoods


def test_top_neighbourhoods_by_hand():
    prev = [("2019-04-01", "A", 10), ("2019-04-01", "B", 30), ("2019-04-01", "C", 8), ("2019-04-01", None, 4)]
    cur = [("2020-04-01", "A", 20), ("2020-04-01", "B", 25), ("2020-04-01", "C", 5), ("2020-04-01", "D", 5)]
    cur += [("2020-04-01", None, 6)]
    top = top_neighbourhoods(_frame(prev + cur), current=APRIL_2020, previous=APRIL_2020.shift_years(-1), n=3)
    t = top.table
    assert t["lsoa_code"].tolist() == ["B", "A", "C"]  # C and D tie on 5: code order
    assert t["rank"].tolist() == [1, 2, 3]
    assert t["difference"].tolist() == [-5, 10, -3]
    assert t["pct_change"].tolist() == pytest.approx([-100 * 5 / 30, 100.0, -100 * 3 / 8])
    assert t["pct_of_located"].iloc[0] == pytest.approx(100 * 25 / 55)
    assert t["lsoa_name"].iloc[0] == "Name B"
    assert (top.no_location_current, top.no_location_previous) == (6, 4)
    assert (top.located_current, top.located_previous) == (55, 48)


def test_flag_columns_have_five_hotspots_a_year():
    for y_i in range(len(YEARS)):
        assert sum(f[y_i] for f, _ in FLAGS.values()) == 5


def test_classify_hotspots_by_hand():
    hc = classify_hotspots(_classification_data(), top_share=0.25)
    assert hc.labels == ("2016/17", "2017/18", "2018/19", "2019/20")
    assert hc.n_top == 5
    classes = hc.classes()
    for code, (flags, expected) in FLAGS.items():
        assert classes[code] == expected, code
        row = hc.table.set_index("lsoa_code").loc[code]
        assert [bool(row[lab]) for lab in hc.labels] == [bool(f) for f in flags]
    assert all(classes[f"N{j:02d}"] == NOT_HOTSPOT for j in range(10))
    assert hc.class_counts().tolist() == [2, 2, 3, 3, 10]
    assert hc.table["classification"].iloc[0] == PERSISTENT


def test_partial_financial_years_are_left_out():
    df = pd.concat([_frame([("2016-01-01", "P1", 50)]), _classification_data()], ignore_index=True)
    hc = classify_hotspots(df, top_share=0.25)
    assert hc.labels[0] == "2016/17"  # January-March 2016 is not a whole year


def test_blocks_of_months():
    # 12-month blocks ending September 2019: Oct 2016-Sep 2017, ..., Oct 2018-Sep 2019
    # (Oct 2015-Sep 2016 is incomplete), holding the April 2017, 2018, 2019 counts.
    hc = classify_hotspots(_classification_data(), period=12, top_share=0.25, end=pd.Timestamp("2019-09-01"))
    assert hc.labels == (
        "October 2016 to September 2017",
        "October 2017 to September 2018",
        "October 2018 to September 2019",
    )
    # Over the last three years only: F3 (0,0,0) is not a hotspot, I2 (0,0,1) emerging, F2 (1,0,0) former.
    c = hc.classes()
    assert (c["F3"], c["I2"], c["F2"], c["I1"]) == (NOT_HOTSPOT, EMERGING, FORMER, INTERMITTENT)


def test_end_limits_the_periods():
    hc = classify_hotspots(_classification_data(), top_share=0.25, end=pd.Timestamp("2019-03-01"))
    assert hc.labels == ("2016/17", "2017/18", "2018/19")
    assert hc.classes()["I3"] == PERSISTENT  # 0,1,1 over these three years


def test_too_few_periods():
    df = _frame([("2019-04-01", "A", 1), ("2021-03-01", "B", 1)])
    with pytest.raises(ValueInputError, match="at least 3 complete periods.*2019/20, 2020/21"):
        classify_hotspots(df)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ((1, 1, 1, 0, 0), FORMER),
        ((0, 1, 1, 1, 0), INTERMITTENT),
        ((0, 0, 1, 1, 1), PERSISTENT),  # 3 of 5 including the latest: persistent before emerging
        ((0, 0, 0, 1, 1), EMERGING),
        ((1, 1, 0, 1, 1), PERSISTENT),
        ((1, 0, 0, 0, 1), INTERMITTENT),
    ],
)
def test_membership_rule_five_periods(flags, expected):
    assert classify_membership(flags) == expected


def test_membership_needs_three_periods():
    with pytest.raises(ValueInputError, match="at least 3"):
        classify_membership([1, 1])


def test_city_top_ten_per_cent_share_2019_20(city):
    # Independent calculation with plain pandas: 131 LSOAs in the file, so the
    # top 10% is ceil(13.1) = 14 neighbourhoods.
    raw = pd.read_csv(COL_TIDY, dtype={"lsoa_code": "string"})
    n_lsoa = raw["lsoa_code"].dropna().nunique()
    assert n_lsoa == 131
    k = math.ceil(n_lsoa / 10)
    in_year = raw[(raw["month"] >= "2019-04") & (raw["month"] <= "2020-03")]
    by_lsoa = in_year.dropna(subset=["lsoa_code"]).groupby("lsoa_code")["count"].sum()
    expected_share = by_lsoa.nlargest(k).sum() / by_lsoa.sum()
    no_location = int(in_year.loc[in_year["lsoa_code"].isna(), "count"].sum())

    c = hotspot_concentration(city, window=parse_financial_year("2019/20"))
    assert c.n_top == 14
    assert c.share == pytest.approx(expected_share, abs=1e-12)
    assert c.located_count == int(by_lsoa.sum())
    assert c.no_location_count == no_location
    assert c.located_count + c.no_location_count == int(in_year["count"].sum())


def test_city_top_neighbourhood_and_classes(city):
    raw = pd.read_csv(COL_TIDY, dtype={"lsoa_code": "string"})
    def by_lsoa(first: str, last: str) -> pd.Series:
        return raw[(raw["month"] >= first) & (raw["month"] <= last)].groupby("lsoa_code")["count"].sum()

    cur, prev = by_lsoa("2019-04", "2020-03"), by_lsoa("2018-04", "2019-03")
    leader = cur.idxmax()
    top = top_neighbourhoods(
        city, current=parse_financial_year("2019/20"), previous=parse_financial_year("2018/19"), n=10
    )
    first = top.table.iloc[0]
    assert first["lsoa_code"] == leader
    assert (first["current"], first["previous"]) == (cur[leader], prev[leader])
    assert len(top.table) == 10
    hc = classify_hotspots(city)
    # 2016/17 (Jan-Mar 2017 only) and 2020/21 (Apr-Dec 2020) are partial years.
    assert hc.labels == ("2017/18", "2018/19", "2019/20")
    assert hc.class_counts().sum() == 131
    assert hc.classes()[leader] == PERSISTENT


def test_ranked_chart_shows_class_by_hatch_and_words():
    df = _classification_data()
    hc = classify_hotspots(df, top_share=0.25)
    top = top_neighbourhoods(
        df, current=parse_financial_year("2019/20"), previous=parse_financial_year("2018/19"), n=5
    )
    fig = plot_top_neighbourhoods(top, classification=hc)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 5
    labels = [t.get_text() for t in ax.get_yticklabels()][::-1]
    hatches = dict(zip(labels, [b.get_hatch() for b in bars][::-1]))
    assert hatches["Name P1"] == "///" and hatches["Name E1"] == "..." and hatches["Name I2"] == "xx"
    texts = [t.get_text() for t in ax.texts]
    assert "10  persistent hotspot" in texts and "10  emerging hotspot" in texts
    assert len({b.get_facecolor() for b in bars}) == 1  # one colour: class is not carried by colour
    assert "2 records with no location" in fig.get_supxlabel()
    plt.close(fig)


def test_hotspot_map_uses_a_marker_per_class():
    cen = pd.DataFrame(
        {
            "lsoa_code": ["P1", "E1", "F1", "N00"],
            "lsoa_name": ["p", "e", "f", "n"],
            "longitude": [-0.09, -0.08, -0.07, -0.06],
            "latitude": [51.51, 51.52, 51.51, 51.50],
        }
    )
    hc = classify_hotspots(_classification_data(), top_share=0.25)
    counts = hc.table.set_index("lsoa_code")["latest_count"]
    fig = plot_hotspot_map(cen, counts=counts, classification=hc)
    ax = fig.axes[0]
    assert len(ax.collections) == 4  # persistent, emerging, former, not a hotspot
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [PERSISTENT, EMERGING, FORMER, NOT_HOTSPOT]
    assert "Not drawn: 16 neighbourhoods" in fig.get_supxlabel()
    plt.close(fig)
