"""ONS lookups: LSOA centroids for the hotspot charts, and districts, wards and
force areas by LSOA code, each checked against the lookup CSVs read here with
the csv module."""

from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd
import pytest

from workbook.core.errors import DataError, ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data import lookups
from workbook.data.lookups import (
    NO_LOCATION_CODE,
    OUTSIDE_FORCE_CODE,
    assign_districts,
    assign_wards,
    find_force_districts,
    load_district_lookup,
    load_lsoa_lookup,
    lsoa_centroids,
    police_uk_force_id,
)

COL_RAW = DATA_DIR / "police_uk" / "city_of_london" / "raw" / "2019-06-city-of-london-street.csv"


# --------------------------------------------------------------------------- coordinates and charts


def test_lsoa_centroids_by_hand():
    raw = pd.DataFrame(
        {
            "Longitude": [-0.10, -0.08, -0.09, None],
            "Latitude": [51.50, 51.52, 51.51, None],
            "LSOA code": ["A", "A", "B", "B"],
            "LSOA name": ["Alpha", "Alpha", "Beta", "Beta"],
        }
    )
    c = lsoa_centroids(raw).set_index("lsoa_code")
    assert c.loc["A", "longitude"] == pytest.approx(-0.09)
    assert c.loc["A", "latitude"] == pytest.approx(51.51)
    assert c.loc["B", "n_records"] == 1  # the row without coordinates is left out
    assert c.loc["B", "lsoa_name"] == "Beta"


def test_lsoa_centroids_checks_columns_and_degrees():
    with pytest.raises(ValueInputError, match="Longitude"):
        lsoa_centroids(pd.DataFrame({"LSOA code": ["A"]}))
    with pytest.raises(ValueInputError, match="not a position"):
        lsoa_centroids(pd.DataFrame({"LSOA code": ["A"], "Longitude": [530000.0], "Latitude": [180000.0]}))


def test_centroids_from_the_raw_city_month():
    raw = pd.read_csv(COL_RAW)
    c = lsoa_centroids(raw)
    assert len(c) == raw["LSOA code"].dropna().nunique()
    # City of London 001F, computed here without the library.
    f = raw[raw["LSOA code"] == "E01032739"]
    row = c.set_index("lsoa_code").loc["E01032739"]
    assert row["longitude"] == pytest.approx(f["Longitude"].mean())
    assert row["n_records"] == len(f)


# --------------------------------------------------------------------------- districts and wards by LSOA code

LSOA_LOOKUP = DATA_DIR / "lookups" / "lsoa21_ward24_lad24_lookup.csv"
DISTRICT_LOOKUP = DATA_DIR / "lookups" / "lad24_csp24_pfa24_lookup.csv"


@lru_cache(maxsize=2)
def _lookup_rows(path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _lsoa(code: str) -> dict[str, str]:
    return next(r for r in _lookup_rows(LSOA_LOOKUP) if r["LSOA21CD"] == code)


def test_a_name_prefix_that_disagrees_with_the_code_goes_by_the_code():
    # As published: E01027857 is named "Scarborough 004F" but lies in North Yorkshire (2023 unitary);
    # police.uk writes "Bristol 058A" for ONS's "Bristol, City of"; the third row is made up:
    # a Luton LSOA code under a Central Bedfordshire name.
    luton = next(r for r in _lookup_rows(LSOA_LOOKUP) if r["LAD24NM"] == "Luton")
    codes = pd.Series(["E01027857", "E01014485", luton["LSOA21CD"]])
    names = pd.Series(["Scarborough 004F", "Bristol 058A", "Central Bedfordshire 001A"])
    got = assign_districts(codes, names)
    expected = [(_lsoa(c)["LAD24CD"], _lsoa(c)["LAD24NM"]) for c in codes]
    assert list(got.itertuples(index=False, name=None)) == expected
    assert expected[0] == ("E06000065", "North Yorkshire") and expected[1][1] == "Bristol, City of"
    assert expected[2] == ("E06000032", "Luton")


def test_codes_the_2021_lookup_lacks_fall_back_to_the_name_and_blanks_have_no_location():
    # E01000000 is not an LSOA code; the City of London's 2011 names still give its district.
    got = assign_districts(pd.Series(["E01000000", "", None]), pd.Series(["City of London 001X", "", None]))
    assert got.values.tolist() == [["E09000001", "City of London"], [NO_LOCATION_CODE, "No location"],
                                   [NO_LOCATION_CODE, "No location"]]


def test_records_a_force_placed_in_other_forces_districts_are_outside_the_force():
    bedfordshire = {r["LAD24CD"] for r in _lookup_rows(DISTRICT_LOOKUP) if r["PFA24NM"] == "Bedfordshire"}
    assert find_force_districts("bedfordshire") == bedfordshire == {"E06000032", "E06000055", "E06000056"}
    north_herts = next(r for r in _lookup_rows(LSOA_LOOKUP) if r["LAD24NM"] == "North Hertfordshire")
    central = next(r for r in _lookup_rows(LSOA_LOOKUP) if r["LAD24NM"] == "Central Bedfordshire")
    codes = pd.Series([north_herts["LSOA21CD"], central["LSOA21CD"], ""])
    got = assign_districts(codes, force_districts=find_force_districts("bedfordshire"))
    assert got["area_code"].tolist() == [OUTSIDE_FORCE_CODE, "E06000056", "NO_LOCATION"]
    # without a force, the same record is North Hertfordshire's
    assert assign_districts(codes)["area_code"].iloc[0] == north_herts["LAD24CD"]


def test_police_uk_force_ids_match_every_force_area():
    forces = {r["PFA24NM"] for r in _lookup_rows(DISTRICT_LOOKUP)}
    assert len(forces) == 43
    ids = {police_uk_force_id(f) for f in forces}
    assert len(ids) == 43 and {"bedfordshire", "city-of-london", "metropolitan", "thames-valley",
                               "devon-and-cornwall", "south-wales", "dyfed-powys"} <= ids
    assert all(find_force_districts(i) for i in ids)
    assert find_force_districts("btp") is None  # British Transport Police: no force area


def test_wards_by_lsoa_code_from_the_lookup():
    rows = [r for r in _lookup_rows(LSOA_LOOKUP) if r["LAD24CD"] == "E06000056"][:5]
    got = assign_wards(pd.Series([r["LSOA21CD"] for r in rows] + ["E01099999"]))
    assert got[["ward_code", "ward_name", "district_code"]].iloc[:5].values.tolist() == [
        [r["WD24CD"], r["WD24NM"], r["LAD24CD"]] for r in rows
    ]
    assert got.iloc[5].isna().all()


def test_lookup_files_are_complete_and_one_row_per_lsoa():
    raw = _lookup_rows(LSOA_LOOKUP)
    lk = load_lsoa_lookup()
    assert len(lk) == len(raw) == 35672 and lk["LSOA21CD"].is_unique
    assert len(load_district_lookup()) == len(_lookup_rows(DISTRICT_LOOKUP)) == 332
    # every district of the LSOA lookup is in the district lookup and the other way round
    assert set(lk["LAD24CD"]) == {r["LAD24CD"] for r in _lookup_rows(DISTRICT_LOOKUP)}


def test_a_broken_lookup_is_named(tmp_path, monkeypatch):
    bad = tmp_path / "lsoa.csv"
    bad.write_text("LSOA21CD,LSOA21NM,WD24CD,WD24NM,LAD24CD,LAD24NM\nE01000001,City of London 001A,,x,E09000001,City\n")
    monkeypatch.setattr(lookups, "LSOA_LOOKUP_PATH", bad)
    lookups._lsoa_table.cache_clear()
    try:
        with pytest.raises(DataError, match=r"lsoa.csv, line 2, column 'WD24CD': blank cell"):
            lookups.load_lsoa_lookup()
    finally:
        monkeypatch.undo()
        lookups._lsoa_table.cache_clear()
