"""Tests for workbook.stats.harm: the weight table and harm-weighted counts.

Expected values are worked by hand from harm = count × weight, share =
harm / Σ harm and rate = harm / population × 1,000, and, for the shipped
table, from ONS's published figures: average weight = CSS × population /
offences.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers.harm import HEADER, INPUTS, write_table
from workbook.core.categories import POLICE_UK_CATEGORIES
from workbook.core.errors import DataError
from workbook.data.harm_weights import load_harm_weights
from workbook.stats.harm import harm_weighted

# --- the shipped table -------------------------------------------------------


def test_default_table_names_itself_and_covers_every_police_uk_crime_type():
    w = load_harm_weights()
    assert w.attrs["name"].startswith("ONS Crime Severity Score offence-group average weights")
    assert w.attrs["version"].startswith("1.0")
    assert "NOT PUBLISHED" in w.attrs["status"]
    crimes = set(POLICE_UK_CATEGORIES) - {"Anti-social behaviour"}
    assert crimes <= set(w["category"])
    assert "Anti-social behaviour" not in set(w["category"])
    assert set(w["basis"]) == {"derived", "assumption"}


def test_default_weights_follow_from_published_ons_figures_by_hand():
    w = load_harm_weights().set_index("category")["weight"]
    # Robbery: CSS 1.45305 (E&W, year ending Mar 2019) x 58,744,600 / 82,566 offences = 1,033.8
    assert w["Robbery"] == pytest.approx(1.45305 * 58_744_600 / 82_566, abs=0.05)
    assert w["Robbery"] == 1033.8
    # Criminal damage and arson: 0.226199 x 58,744,600 / 571,767 = 23.24
    assert w["Criminal damage and arson"] == 23.2
    # Violence and sexual offences pools the two ONS groups:
    # (4.20364 + 4.49878) x 58,744,600 / (1,608,505 + 159,740) = 289.1
    assert w["Violence and sexual offences"] == pytest.approx(
        (4.20364 + 4.49878) * 58_744_600 / (1_608_505 + 159_740), abs=0.05
    )
    # Every theft category carries the theft-offences group average (an assumption):
    # 4.53624 x 58,744,600 / 2,002,253 = 133.1
    thefts = ["Burglary", "Vehicle crime", "Shoplifting", "Bicycle theft", "Theft from the person"]
    for cat in [*thefts, "Other theft"]:
        assert w[cat] == 133.1


def test_default_weights_match_the_inputs_shipped_in_data_harm():
    inputs = pd.read_csv(INPUTS)
    v = inputs[inputs["vintage"] == "css-ye-mar2019"].set_index("offence_group")
    implied = v["severity_score"] * v["population"] / v["offences"]
    table = load_harm_weights()
    by_group = table.drop_duplicates("ons_offence_group").set_index("ons_offence_group")["weight"]
    for group in ["Robbery", "Theft offences", "Criminal damage and arson", "Other crimes against society",
                  "Violence against the person", "Sexual offences"]:
        assert by_group[group] == pytest.approx(implied[group], abs=0.05), group


def test_default_table_with_real_shaped_counts():
    w = load_harm_weights()
    counts = pd.DataFrame(
        {"category": ["Violence and sexual offences", "Shoplifting", "Robbery"], "count": [100, 200, 10]}
    )
    out = harm_weighted(counts, weights=w, population=100_000)
    # 100 x 289.1 = 28,910; 200 x 133.1 = 26,620; 10 x 1033.8 = 10,338; total 65,868
    assert out["harm"].tolist() == pytest.approx([28_910.0, 26_620.0, 10_338.0])
    assert out["harm_share"].iloc[0] == pytest.approx(28_910 / 65_868)
    assert out["harm_rate"].sum() == pytest.approx(658.68)


def test_table_without_version_is_a_data_error(tmp_path):
    p = write_table(tmp_path, "# name: x\ncategory,weight\nRobbery,1\n")
    with pytest.raises(DataError, match="has no version"):
        load_harm_weights(p)


def test_negative_weight_names_its_line(tmp_path):
    p = write_table(tmp_path, HEADER + "category,weight\nRobbery,1\nBurglary,-2\n")
    with pytest.raises(DataError, match=r"line 5, column 'weight': weight -2 for 'Burglary'") as info:
        load_harm_weights(p)
    assert info.value.row == 5


def test_repeated_category_names_its_line(tmp_path):
    p = write_table(tmp_path, HEADER + "category,weight\nRobbery,1\nRobbery,2\n")
    with pytest.raises(DataError, match="'Robbery' appears twice") as info:
        load_harm_weights(p)
    assert info.value.row == 5


def test_missing_weight_column(tmp_path):
    p = write_table(tmp_path, HEADER + "category,severity\nRobbery,1\n")
    with pytest.raises(DataError, match="column 'weight'"):
        load_harm_weights(p)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read harm weight table"):
        load_harm_weights(tmp_path / "none.csv")
