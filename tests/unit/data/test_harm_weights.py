"""Tests for workbook.data.harm_weights: the ONS offence weights, the offence mix and the weight table.

Expected values are ONS's published Crime Severity Score weights (the
2019/20 "List of weights": residential burglary 465.3814732, robbery
799.6288702, theft from the person 80.4051597, bicycle theft 15.17572799,
shoplifting 11.85553905) and ONS police force area Table P1 counts for
England and Wales, year ending December 2018, typed here as published.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import pytest

from tests.helpers.harm import (
    HEADER,
    INPUTS,
    MIX_HEADER,
    OFFENCE_MIX,
    OFFENCE_WEIGHTS,
    OFFENCE_WEIGHTS_HEADER,
    write_table,
)
from workbook.core.categories import POLICE_UK_CATEGORIES, load_category_map
from workbook.core.errors import DataError
from workbook.core.paths import DATA_DIR
from workbook.data.harm_weights import load_harm_weights, load_offence_mix, load_offence_weights
from workbook.stats.harm import build_harm_weights

# Published ONS CSS weights, 2019/20 list (days of custody equivalent)
RESIDENTIAL_BURGLARY = 465.3814732  # 28E Burglary Residential
BUSINESS_BURGLARY = 123.0183965  # 30C Burglary Business and Community
ROBBERY = 799.6288702  # 34A and 34B
THEFT_FROM_THE_PERSON = 80.4051597  # 39
BICYCLE_THEFT = 15.17572799  # 44
SHOPLIFTING = 11.85553905  # 46


def _category_rows(w: pd.DataFrame) -> pd.DataFrame:
    return w[w["source_category"].isna()].set_index("category")


def _finer_rows(w: pd.DataFrame) -> pd.DataFrame:
    return w.dropna(subset=["source_category"]).set_index("source_category")


# --- the ONS offence-code weights ----------------------------------------------


def test_offence_weights_are_the_published_ons_values():
    w = load_offence_weights().set_index("offence_code")["css_weight"]
    assert w["28E"] == RESIDENTIAL_BURGLARY
    assert w["34A"] == w["34B"] == ROBBERY
    assert w["39"] == THEFT_FROM_THE_PERSON
    assert w["44"] == BICYCLE_THEFT
    assert w["46"] == SHOPLIFTING
    # codes are text: 4.1 (manslaughter) and 4.10 (corporate manslaughter) are two codes
    assert {"4.1", "4.10"} <= set(w.index)
    assert len(w) == 134


def test_residential_burglary_outweighs_shoplifting_by_the_published_ratio():
    w = load_offence_weights().set_index("offence_code")["css_weight"]
    # 465.3814732 / 11.85553905 = 39.2544..., about 40-fold
    assert w["28E"] / w["46"] == 465.3814732 / 11.85553905
    assert 39.25 < w["28E"] / w["46"] < 39.26


def test_offence_weights_copy_is_byte_for_byte_the_one_recorded_in_provenance():
    digest = hashlib.sha256(OFFENCE_WEIGHTS.read_bytes()).hexdigest()
    assert digest == "66b0ae8ac46a4ad112087b1ee8a603630743eb4a7c392c1889d49bbee85c0cc7"
    assert digest in (OFFENCE_WEIGHTS.parent / "PROVENANCE.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "shown"),
    [("", "blank"), ("-5.2", "-5.2"), ("lots", "'lots'"), ("inf", "inf")],
)
def test_bad_offence_weight_is_a_one_line_error_naming_file_line_and_column(tmp_path, value, shown):
    p = write_table(
        tmp_path,
        OFFENCE_WEIGHTS_HEADER
        + "46,Shoplifting,theft offences,11.85553905,Shoplifting\n"
        + f"44,Theft or unauthorised taking of a pedal cycle,theft offences,{value},Bicycle Theft\n",
    )
    with pytest.raises(DataError) as info:
        load_offence_weights(p)
    message = str(info.value)
    assert "\n" not in message
    assert message == f"{p}, line 3, column 'css_weight': css_weight {shown} for offence code '44'; expected a number >= 0"
    assert (info.value.row, info.value.column) == (3, "css_weight")


def test_repeated_offence_code_names_its_line(tmp_path):
    p = write_table(tmp_path, OFFENCE_WEIGHTS_HEADER + "46,a,b,1,Shoplifting\n46,a,b,2,Shoplifting\n")
    with pytest.raises(DataError, match=r"line 3, column 'offence_code': offence code '46' appears twice"):
        load_offence_weights(p)


def test_offence_weights_without_weight_column(tmp_path):
    p = write_table(tmp_path, "offence_code,weight\n46,1\n")
    with pytest.raises(DataError, match="column 'css_weight'"):
        load_offence_weights(p)


# --- the offence mix -----------------------------------------------------------


def test_mix_counts_are_ons_table_p1_for_england_and_wales_2018():
    m = load_offence_mix()
    cells = m.drop_duplicates("p1_column").set_index("p1_column")["ew_offences_2018"]
    # Table P1, year ending December 2018, England and Wales (published)
    assert cells["Residential burglary"] == 298_276
    assert cells["Non-residential burglary"] == 126_570
    assert cells["Shoplifting"] == 374_895
    # the sub-groups add up to ONS's published group totals (also in ons_css_group_inputs_england_wales.csv)
    groups = pd.read_csv(INPUTS).query("vintage == 'css-ye-mar2019'").set_index("offence_group")["offences"]
    vap = ["Homicide", "Violence with injury", "Violence without injury", "Stalking and harassment",
           "Death or serious injury - unlawful driving"]
    theft = ["Residential burglary", "Non-residential burglary", "Vehicle offences", "Theft from the person",
             "Bicycle theft", "Shoplifting", "Other theft offences"]
    society = ["Drug offences", "Possession of weapons offences", "Public order offences", "Miscellaneous crimes"]
    assert cells[vap].sum() == groups["Violence against the person"] == 1_608_505
    assert cells["Sexual offences"] == groups["Sexual offences"] == 159_740
    assert cells[theft].sum() == groups["Theft offences"] == 2_002_253
    assert cells[society].sum() == groups["Other crimes against society"] == 728_233


def test_mix_london_counts_are_the_metropolitan_police_file():
    m = load_offence_mix()
    # the published wide file, every row (boroughs, airports, "Unknown"), summed over the calendar year
    mps = pd.read_csv(DATA_DIR / "mps" / "MPS_Borough_Level_Crime_Historical.csv")
    for year in (2018, 2021):
        months = [c for c in mps.columns if c.startswith(str(year))]
        assert len(months) == 12
        totals = mps.groupby("MinorText")[months].sum().sum(axis=1)
        used = m[m[f"london_offences_{year}"].notna()]
        assert len(used) == 16
        for _, r in used.iterrows():
            name = r["source_categories"].split(";")[0]
            assert r[f"london_offences_{year}"] == totals[name], (year, name)
    # e.g. London 2018: 2,006 arson against 54,736 criminal damage
    assert m.set_index("harm_class").loc[["Arson", "Criminal damage"], "london_offences_2018"].tolist() == [2006, 54736]


def test_every_current_offence_code_is_counted_or_listed_as_left_out():
    codes = set(load_offence_weights()["offence_code"])
    m = load_offence_mix()
    used = {c for col in ("offence_codes", "left_out") for v in m[col] for c in v.split(";") if c}
    outcome_only = {c for c, d in zip(load_offence_weights()["offence_code"],
                                      load_offence_weights()["offence_description"]) if "outcome only" in d}
    assert codes - used - outcome_only == {"1/4.1/4.10/4.2"}  # the four homicide codes, combined


def test_mix_with_unknown_within_rule_names_its_line(tmp_path):
    p = write_table(tmp_path, MIX_HEADER + "Burglary,Homes,,28E,typical,,Residential burglary,298276,\n")
    with pytest.raises(DataError, match=r"line 2, column 'within_mix': within_mix 'typical'"):
        load_offence_mix(p)


def test_mix_with_bad_count_names_its_line(tmp_path):
    p = write_table(
        tmp_path,
        MIX_HEADER + "Burglary,Homes,,28E,one weight,,Residential burglary,298276,\n"
        "Burglary,Shops,,30C,one weight,,Non-residential burglary,-4,\n",
    )
    with pytest.raises(DataError, match=r"line 3, column 'ew_offences_2018': count '-4'"):
        load_offence_mix(p)


def test_mix_category_must_be_a_police_uk_crime_type(tmp_path):
    p = write_table(tmp_path, MIX_HEADER + "Anti-social behaviour,ASB,,28E,one weight,,x,1,\n")
    with pytest.raises(DataError, match="'Anti-social behaviour' is not a police.uk crime category"):
        load_offence_mix(p)


# --- the shipped weight table -------------------------------------------------


def test_default_table_names_itself_and_covers_every_police_uk_crime_type():
    w = load_harm_weights()
    assert w.attrs["name"].startswith("ONS Crime Severity Score weights 2019/20")
    assert w.attrs["version"].startswith("2.0")
    assert "DERIVED" in w.attrs["status"] and "ASSUMED offence mix" in w.attrs["status"]
    assert "Open Government Licence v3.0" in w.attrs["licence"]
    cats = _category_rows(w)
    crimes = set(POLICE_UK_CATEGORIES) - {"Anti-social behaviour"}
    assert set(cats.index) == crimes
    assert "Anti-social behaviour" not in set(w["category"])
    assert set(w["basis"]) == {"published", "assumption"}
    # every row says how its weight was made
    assert w["mix"].str.len().gt(0).all()
    assert cats.loc[cats["basis"] == "assumption", "mix"].str.startswith("assumed mix").all()


def test_single_weight_categories_carry_the_published_weight():
    cats = _category_rows(load_harm_weights())
    assert cats.loc["Robbery", "weight"] == ROBBERY
    assert cats.loc["Theft from the person", "weight"] == THEFT_FROM_THE_PERSON
    assert cats.loc["Bicycle theft", "weight"] == BICYCLE_THEFT
    assert cats.loc["Shoplifting", "weight"] == SHOPLIFTING
    published = ["Robbery", "Theft from the person", "Bicycle theft", "Shoplifting"]
    assert cats.loc[published, "basis"].eq("published").all()
    assert set(cats.index[cats["basis"] == "published"]) == set(published)


def test_burglary_and_shoplifting_now_differ():
    cats = _category_rows(load_harm_weights())
    # by hand from the published weights and Table P1's 2018 counts:
    # (298,276 x 465.3814732 + 126,570 x 123.0183965) / 424,846 = 363.38
    expected = (298_276 * RESIDENTIAL_BURGLARY + 126_570 * BUSINESS_BURGLARY) / 424_846
    assert cats.loc["Burglary", "weight"] == pytest.approx(expected, rel=1e-9)
    assert cats.loc["Burglary", "weight"] == pytest.approx(363.38, abs=0.005)
    assert cats.loc["Burglary", "weight"] / cats.loc["Shoplifting", "weight"] > 30
    assert cats.loc["Burglary", "basis"] == "assumption"


def test_finer_categories_carry_their_offence_weights():
    fine = _finer_rows(load_harm_weights())
    for name in ("DOMESTIC BURGLARY", "RES BURGLARY OF A HOME", "BURGLARY - RESIDENTIAL", "Burglary in a Dwelling"):
        assert fine.loc[name, "weight"] == RESIDENTIAL_BURGLARY
        assert fine.loc[name, "category"] == "Burglary"
    assert fine.loc["BURGLARY BUSINESS AND COMMUNITY", "weight"] == BUSINESS_BURGLARY
    assert fine.loc["DOMESTIC BURGLARY", "weight"] / fine.loc["SHOPLIFTING", "weight"] == 465.3814732 / 11.85553905
    assert fine.loc["ROBBERY OF PERSONAL PROPERTY", "weight"] == ROBBERY
    assert fine.loc["THEFT FROM A VEHICLE", "weight"] == 32.92067737  # code 45, published
    # aggravated burglary (29A, 2,288.67) is named as left out, so the row is an assumption
    assert fine.loc["DOMESTIC BURGLARY", "basis"] == "assumption"
    assert "29A (2,288.67)" in fine.loc["DOMESTIC BURGLARY", "mix"]


def test_every_metropolitan_police_minor_category_has_a_finer_weight():
    fine = load_harm_weights().dropna(subset=["source_category"])
    keys = set(zip(fine["category"], fine["source_category"].str.casefold()))
    cmap = load_category_map()
    crimes = set(POLICE_UK_CATEGORIES) - {"Anti-social behaviour"}
    mps = cmap[(cmap["source"] == "mps") & cmap["category"].isin(crimes)]  # Action Fraud's fraud has no CSS weight
    missing = [s for c, s in zip(mps["category"], mps["source_category"]) if (c, s.casefold()) not in keys]
    assert missing == []


def test_shipped_table_is_what_the_builder_makes_from_data_harm():
    shipped = load_harm_weights().reset_index(drop=True)
    built = build_harm_weights(load_offence_weights(), load_offence_mix(), year=2018)
    cols = ["category", "source_category", "weight", "basis", "harm_class", "offence_codes", "mix_offences", "mix"]
    pd.testing.assert_frame_equal(
        shipped[cols].astype(str), built[cols].astype(str), check_dtype=False
    )


# --- weight table errors -----------------------------------------------------------


def test_table_without_version_is_a_data_error(tmp_path):
    p = write_table(tmp_path, "# name: x\ncategory,weight\nRobbery,1\n")
    with pytest.raises(DataError, match="has no version"):
        load_harm_weights(p)


def test_negative_weight_names_its_line(tmp_path):
    p = write_table(tmp_path, HEADER + "category,weight\nRobbery,1\nBurglary,-2\n")
    with pytest.raises(DataError, match=r"line 5, column 'weight': weight -2 for 'Burglary'") as info:
        load_harm_weights(p)
    assert info.value.row == 5


@pytest.mark.parametrize(("value", "shown"), [("", "blank"), ("heavy", "'heavy'")])
def test_missing_or_non_numeric_weight_is_a_one_line_error(tmp_path, value, shown):
    p = write_table(tmp_path, HEADER + f"category,source_category,weight\nBurglary,,1\nBurglary,DOMESTIC BURGLARY,{value}\n")
    with pytest.raises(DataError) as info:
        load_harm_weights(p)
    assert str(info.value) == (
        f"{p}, line 5, column 'weight': weight {shown} for 'Burglary' / 'DOMESTIC BURGLARY'; expected a number >= 0"
    )


def test_repeated_category_names_its_line(tmp_path):
    p = write_table(tmp_path, HEADER + "category,weight\nRobbery,1\nRobbery,2\n")
    with pytest.raises(DataError, match="'Robbery' appears twice") as info:
        load_harm_weights(p)
    assert info.value.row == 5


def test_repeated_finer_category_names_its_line(tmp_path):
    p = write_table(
        tmp_path,
        HEADER + "category,source_category,weight\nBurglary,,1\nBurglary,ARSON,2\nBurglary,arson,3\n",
    )
    with pytest.raises(DataError, match="category 'Burglary' with source category 'arson' appears twice") as info:
        load_harm_weights(p)
    assert info.value.row == 6


def test_missing_weight_column(tmp_path):
    p = write_table(tmp_path, HEADER + "category,severity\nRobbery,1\n")
    with pytest.raises(DataError, match="column 'weight'"):
        load_harm_weights(p)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read harm weight table"):
        load_harm_weights(tmp_path / "none.csv")


def test_offence_mix_default_path_is_in_data_harm():
    assert OFFENCE_MIX.exists() and OFFENCE_WEIGHTS.exists()
