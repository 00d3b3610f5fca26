"""Tests for workbook.stats.harm: weights from an offence mix, and harm-weighted counts.

Expected values are worked by hand from harm = count × weight, share =
harm / Σ harm, rate = harm / population × 1,000 and a category weight =
Σ count × weight / Σ count over its offence classes, using ONS's published
Crime Severity Score weights (2019/20 list) and ONS Table P1 counts where
the shipped table is involved.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from tests.helpers.harm import HEADER, INPUTS, MIX_HEADER, OFFENCE_WEIGHTS_HEADER, write_table
from workbook.core.errors import DataError, ValueInputError
from workbook.data.harm_weights import load_harm_weights, load_offence_mix, load_offence_weights
from workbook.stats.harm import build_harm_weights, harm_weighted


@pytest.fixture
def simple_weights(tmp_path):
    return load_harm_weights(
        write_table(
            tmp_path, HEADER + "category,weight\nBurglary,100\nRobbery,1000\nCriminal damage and arson,20\n"
        )
    )


@pytest.fixture
def finer_weights(tmp_path):
    return load_harm_weights(
        write_table(
            tmp_path,
            HEADER + "category,source_category,weight\n"
            "Burglary,,300\nBurglary,DOMESTIC BURGLARY,465.3814732\n"
            "Burglary,BURGLARY BUSINESS AND COMMUNITY,123.0183965\nShoplifting,,11.85553905\n",
        )
    )


# --- weights from an offence mix -------------------------------------------------


def _small_weights(tmp_path):
    return load_offence_weights(write_table(
        tmp_path,
        OFFENCE_WEIGHTS_HEADER
        + "28E,Burglary Residential,theft offences,465.3814732,Burglary\n"
        + "29A,Aggravated Burglary Residential,theft offences,2288.669158,Burglary\n"
        + "30C,Burglary Business and Community,theft offences,123.0183965,Burglary\n"
        + "31A,Aggravated Burglary Business and Community,theft offences,1849.520062,Burglary\n"
        + "46,Shoplifting,theft offences,11.85553905,Shoplifting\n",
        name="weights.csv",
    ))


def test_category_weight_is_the_mix_weighted_mean_of_its_codes_on_a_hand_worked_mix(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path,
        MIX_HEADER
        + "Burglary,Homes,HOMES,28E;29A,equal,,Homes,30,\n"
        + "Burglary,Businesses,SHOPS;OFFICES,30C,main offence,31A,Businesses,10,\n"
        + "Shoplifting,Shoplifting,,46,one weight,,Shoplifting,50,\n",
        name="mix.csv",
    ))
    t = build_harm_weights(weights, mix)
    cats = t[t["source_category"].isna()].set_index("category")
    fine = t.dropna(subset=["source_category"]).set_index("source_category")
    # Homes: (465.3814732 + 2288.669158) / 2 = 1377.0253156; Businesses: 123.0183965 (31A left out)
    assert fine.loc["HOMES", "weight"] == pytest.approx(1377.0253156, rel=1e-9)
    assert fine.loc["SHOPS", "weight"] == fine.loc["OFFICES", "weight"] == 123.0183965
    # Burglary: (30 x 1377.0253156 + 10 x 123.0183965) / 40 = 1063.52358583
    assert cats.loc["Burglary", "weight"] == pytest.approx((30 * 1377.0253156 + 10 * 123.0183965) / 40, rel=1e-9)
    assert cats.loc["Burglary", "weight"] == pytest.approx(1063.523586, abs=1e-6)
    assert cats.loc["Burglary", "mix_offences"] == 40
    assert cats.loc["Shoplifting", "weight"] == 11.85553905
    assert cats.loc[["Burglary", "Shoplifting"], "basis"].tolist() == ["assumption", "published"]
    assert fine.loc["SHOPS", "basis"] == "assumption"  # a code was left out
    assert "31A (1,849.52)" in fine.loc["SHOPS", "mix"]


def test_a_shared_table_p1_count_is_split_by_the_london_counts(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path,
        MIX_HEADER
        + "Burglary,Homes,,28E,one weight,,Burglary,400,3\n"
        + "Burglary,Businesses,,30C,one weight,,Burglary,400,1\n",
        name="mix.csv",
    ))
    t = build_harm_weights(weights, mix)
    cats = t[t["source_category"].isna()].set_index("category")
    # 400 split 3:1 -> 300 homes, 100 businesses; (300 x 465.3814732 + 100 x 123.0183965) / 400
    assert cats.loc["Burglary", "weight"] == pytest.approx((3 * 465.3814732 + 123.0183965) / 4, rel=1e-9)
    assert t.dropna(subset=["harm_class"])["mix_offences"].tolist() == [300, 100]


def test_drugs_weight_follows_the_2018_and_2021_mixes_by_hand():
    weights, mix = load_offence_weights(), load_offence_mix()
    t18, t21 = (build_harm_weights(weights, mix, year=y) for y in (2018, 2021))
    possession = (8.082043408 + 1.770623478) / 2  # 92D and 92E, weighted equally
    trafficking = 512.9573594  # 92A
    # Table P1 drug offences are split by the Met's London counts: 2,958 trafficking to 33,816 possession
    # in 2018, 5,088 to 42,118 in 2021 (the E&W totals, 144,741 and 183,463, cancel out)
    hand18 = (2958 * trafficking + 33816 * possession) / (2958 + 33816)
    hand21 = (5088 * trafficking + 42118 * possession) / (5088 + 42118)
    w18 = t18[t18["source_category"].isna()].set_index("category")["weight"]
    w21 = t21[t21["source_category"].isna()].set_index("category")["weight"]
    assert w18["Drugs"] == pytest.approx(hand18, rel=1e-9)
    assert w21["Drugs"] == pytest.approx(hand21, rel=1e-9)
    # as the table's caveats say: Drugs +30%, Violence and sexual offences -12%, others 5% or less
    change = (w21 / w18 - 1) * 100
    assert round(change["Drugs"]) == 30
    assert round(change["Violence and sexual offences"]) == -12
    assert change.drop(["Drugs", "Violence and sexual offences"]).abs().max() <= 5


def test_the_2019_20_list_runs_below_the_average_ons_css_implied_for_2018_19():
    # Robbery has one weight, so no mix is involved: ONS's CSS for the year ending March 2019
    # implies 1.45305 x 58,744,600 / 82,566 = 1,033.8 per offence, the 2019/20 list gives 799.63.
    inputs = pd.read_csv(INPUTS).query("vintage == 'css-ye-mar2019'").set_index("offence_group")
    implied = inputs["severity_score"] * inputs["population"] / inputs["offences"]
    assert implied["Robbery"] == pytest.approx(1033.8, abs=0.05)
    w = load_harm_weights()
    robbery = w[w["source_category"].isna()].set_index("category").loc["Robbery", "weight"]
    assert robbery / implied["Robbery"] == pytest.approx(0.7735, abs=0.0005)


def test_unknown_offence_code_in_a_mix_names_the_mix_line_and_column(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path, MIX_HEADER + "Burglary,Homes,,28E,one weight,,Homes,1,\nBurglary,Sheds,,28Z,one weight,,Sheds,1,\n",
        name="mix.csv",
    ))
    with pytest.raises(DataError, match=r"mix.csv, line 3, column 'offence_codes': offence code '28Z'"):
        build_harm_weights(weights, mix)


def test_code_of_another_category_is_refused(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path, MIX_HEADER + "Burglary,Homes,,28E;46,equal,,Homes,1,\n", name="mix.csv"))
    with pytest.raises(DataError, match="'46' belongs to police.uk category 'shoplifting'"):
        build_harm_weights(weights, mix)


def test_one_weight_codes_must_share_their_weight(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path, MIX_HEADER + "Burglary,Homes,,28E;29A,one weight,,Homes,1,\n", name="mix.csv"))
    with pytest.raises(DataError, match=r"line 2, column 'within_mix': 'Homes' is marked 'one weight'"):
        build_harm_weights(weights, mix)


def test_shared_p1_count_without_london_counts_is_refused(tmp_path):
    weights = _small_weights(tmp_path)
    mix = load_offence_mix(write_table(
        tmp_path,
        MIX_HEADER + "Burglary,Homes,,28E,one weight,,Burglary,4,\nBurglary,Shops,,30C,one weight,,Burglary,4,\n",
        name="mix.csv",
    ))
    with pytest.raises(DataError, match="column 'london_offences_2018'.*shared by 2 classes"):
        build_harm_weights(weights, mix)


# --- harm_weighted ---------------------------------------------------------------


def test_harm_share_and_rate_worked_by_hand(simple_weights):
    counts = pd.DataFrame(
        {"category": ["Burglary", "Robbery", "Criminal damage and arson"], "count": [30, 5, 50]}
    )
    out = harm_weighted(counts, weights=simple_weights, population=20_000)
    # harm: 30x100 = 3000, 5x1000 = 5000, 50x20 = 1000; total 9000
    assert out["harm"].tolist() == [3000.0, 5000.0, 1000.0]
    assert out["harm_share"].tolist() == pytest.approx([1 / 3, 5 / 9, 1 / 9])
    # rate per 1,000: 3000/20000x1000 = 150, 250, 50
    assert out["harm_rate"].tolist() == pytest.approx([150.0, 250.0, 50.0])
    assert out["weights_name"].unique().tolist() == ["test table"]
    assert out["weights_version"].unique().tolist() == ["0.1"]
    assert out.attrs["harm_weights"]["version"] == "0.1"


def test_rate_base_can_be_changed(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery"], "count": [2]})
    out = harm_weighted(counts, weights=simple_weights, population=40_000, per=1)
    # 2 x 1000 / 40,000 = 0.05 per resident
    assert out["harm_rate"].iloc[0] == pytest.approx(0.05)


def test_rows_of_one_category_are_added(simple_weights):
    counts = pd.DataFrame(
        {"category": ["Robbery", "Burglary", "Robbery"], "count": [2, 10, 3], "month": ["a", "a", "b"]}
    )
    out = harm_weighted(counts, weights=simple_weights)
    assert out["category"].tolist() == ["Robbery", "Burglary"]
    assert out["count"].tolist() == [5, 10]
    # 5 x 1000 = 5000 and 10 x 100 = 1000: shares 5/6 and 1/6
    assert out["harm_share"].tolist() == pytest.approx([5 / 6, 1 / 6])


def test_without_population_the_rate_is_empty(simple_weights):
    out = harm_weighted(pd.DataFrame({"category": ["Burglary"], "count": [4]}), weights=simple_weights)
    assert out["harm"].iloc[0] == 400.0
    assert math.isnan(out["harm_rate"].iloc[0])


def test_all_zero_counts_give_no_share(simple_weights):
    counts = pd.DataFrame({"category": ["Burglary", "Robbery"], "count": [0, 0]})
    out = harm_weighted(counts, weights=simple_weights)
    assert out["harm"].tolist() == [0.0, 0.0]
    assert out["harm_share"].isna().all()


def test_inputs_are_not_changed(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Robbery"], "count": [1, 2]})
    before = counts.copy()
    harm_weighted(counts, weights=simple_weights, population=1000)
    pd.testing.assert_frame_equal(counts, before)


# --- errors -------------------------------------------------------------------


def test_category_without_weight_is_named(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Drugs"], "count": [1, 2]})
    with pytest.raises(ValueInputError, match=r"no harm weight for category 'Drugs'.*'test table'"):
        harm_weighted(counts, weights=simple_weights)


def test_anti_social_behaviour_has_no_weight_and_says_why():
    counts = pd.DataFrame({"category": ["Anti-social behaviour", "Robbery"], "count": [500, 2]})
    with pytest.raises(ValueInputError, match="Anti-social behaviour.*not crimes"):
        harm_weighted(counts, weights=load_harm_weights())


@pytest.mark.parametrize("population", [0, -5, float("nan"), "1000", True])
def test_population_must_be_above_zero(simple_weights, population):
    with pytest.raises(ValueInputError, match="population must be a number above 0"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=simple_weights,
                      population=population)


def test_per_must_be_above_zero(simple_weights):
    with pytest.raises(ValueInputError, match="per must be a number above 0"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=simple_weights, per=0)


def test_negative_count_is_named(simple_weights):
    with pytest.raises(ValueInputError, match="count -3 for 'Burglary' is negative"):
        harm_weighted(
            pd.DataFrame({"category": ["Robbery", "Burglary"], "count": [1, -3]}), weights=simple_weights
        )


def test_missing_count_is_named(simple_weights):
    counts = pd.DataFrame({"category": ["Robbery", "Burglary"], "count": [1.0, float("nan")]})
    with pytest.raises(ValueInputError, match="for 'Burglary' is not a number"):
        harm_weighted(counts, weights=simple_weights)


def test_counts_need_category_and_count_columns(simple_weights):
    with pytest.raises(ValueInputError, match="no column 'count'"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "n": [1]}), weights=simple_weights)


def test_weights_without_name_and_version_are_refused():
    w = pd.DataFrame({"category": ["Robbery"], "weight": [1.0]})
    with pytest.raises(ValueInputError, match="no name or version"):
        harm_weighted(pd.DataFrame({"category": ["Robbery"], "count": [1]}), weights=w)


# --- harm at the finer level ------------------------------------------------------


def test_finer_categories_set_the_category_weight_from_the_areas_own_mix(finer_weights):
    counts = pd.DataFrame({
        "category": ["Burglary", "Burglary", "Shoplifting"],
        "source_category": ["DOMESTIC BURGLARY", "BURGLARY BUSINESS AND COMMUNITY", "SHOPLIFTING"],
        "count": [30, 10, 100],
    })
    out = harm_weighted(counts, weights=finer_weights, population=10_000, detail="source_category")
    b = out.set_index("category").loc["Burglary"]
    # harm: 30 x 465.3814732 + 10 x 123.0183965 = 13,961.444196 + 1,230.183965 = 15,191.628161
    assert b["harm"] == pytest.approx(15_191.628161, rel=1e-12)
    assert b["count"] == 40
    assert b["weight"] == pytest.approx(15_191.628161 / 40, rel=1e-12)  # 379.79, not the table's 300
    # SHOPLIFTING has no finer row: the category's weight, 100 x 11.85553905
    assert out.set_index("category").loc["Shoplifting", "harm"] == pytest.approx(1185.553905)
    d = pd.DataFrame(out.attrs["detail"])
    assert d["weight_level"].tolist() == ["finer", "finer", "category"]
    assert d["harm"].sum() == pytest.approx(out["harm"].sum())


def test_residential_burglary_outweighs_shoplifting_by_the_published_ratio_in_harm():
    counts = pd.DataFrame({"category": ["Burglary", "Shoplifting"],
                           "source_category": ["DOMESTIC BURGLARY", "SHOPLIFTING"], "count": [1, 1]})
    out = harm_weighted(counts, weights=load_harm_weights(), detail="source_category").set_index("category")
    assert out.loc["Burglary", "harm"] / out.loc["Shoplifting", "harm"] == pytest.approx(465.3814732 / 11.85553905,
                                                                                          rel=1e-12)


def test_finer_names_match_ignoring_case_and_spaces(finer_weights):
    counts = pd.DataFrame({"category": ["Burglary"], "source_category": ["  domestic burglary "], "count": [2]})
    out = harm_weighted(counts, weights=finer_weights, detail="source_category")
    assert out["harm"].iloc[0] == pytest.approx(2 * 465.3814732)


def test_unknown_finer_name_falls_back_to_the_category_weight_and_says_so(finer_weights):
    counts = pd.DataFrame({"category": ["Burglary", "Burglary"], "source_category": ["Burglary", None],
                           "count": [3, 1]})
    out = harm_weighted(counts, weights=finer_weights, detail="source_category")
    assert out["harm"].iloc[0] == 4 * 300.0
    assert [r["weight_level"] for r in out.attrs["detail"]] == ["category", "category"]


def test_result_can_be_joined_and_concatenated(finer_weights):
    counts = pd.DataFrame({"category": ["Burglary"], "source_category": ["DOMESTIC BURGLARY"], "count": [2]})
    a = harm_weighted(counts, weights=finer_weights, detail="source_category")
    b = harm_weighted(counts, weights=finer_weights)
    assert len(pd.concat([a, b])) == 2
    assert len(a.merge(b, on="category", suffixes=("", "_b"))) == 1


def test_zero_count_category_keeps_its_table_weight(finer_weights):
    counts = pd.DataFrame({"category": ["Burglary"], "source_category": ["DOMESTIC BURGLARY"], "count": [0]})
    out = harm_weighted(counts, weights=finer_weights, detail="source_category")
    assert out["weight"].iloc[0] == 300.0
    assert out["harm"].iloc[0] == 0.0


def test_without_detail_the_finer_rows_are_not_used(finer_weights):
    counts = pd.DataFrame({"category": ["Burglary"], "source_category": ["DOMESTIC BURGLARY"], "count": [2]})
    out = harm_weighted(counts, weights=finer_weights)
    assert out["weight"].iloc[0] == 300.0
    assert out.attrs["detail"] is None


def test_detail_column_must_exist(finer_weights):
    with pytest.raises(ValueInputError, match="no column 'source_category'"):
        harm_weighted(pd.DataFrame({"category": ["Burglary"], "count": [1]}), weights=finer_weights,
                      detail="source_category")


def test_current_call_with_the_default_table_still_works():
    # as assessment/analyse.py calls it: category counts, load_harm_weights(), population
    w = load_harm_weights()
    counts = pd.DataFrame({"category": ["Burglary", "Shoplifting", "Robbery"], "count": [100, 200, 10]})
    out = harm_weighted(counts[counts["category"].isin(w["category"])], weights=w, population=100_000)
    # Burglary (298,276 x 465.3814732 + 126,570 x 123.0183965) / 424,846 = 363.38 (Table P1 2018 mix)
    burglary = (298_276 * 465.3814732 + 126_570 * 123.0183965) / 424_846
    assert out["harm"].tolist() == pytest.approx([100 * burglary, 200 * 11.85553905, 10 * 799.6288702], rel=1e-9)
    assert out["weights_name"].iloc[0].startswith("ONS Crime Severity Score weights 2019/20")
