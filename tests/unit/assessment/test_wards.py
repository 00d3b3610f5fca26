"""Wards and the partnership's records: records are placed by LSOA code through
the ONS lookup (never by the LSOA name's prefix), every ward of the
partnership is listed, and the ward rows add up to the partnership's total;
checked against the lookup and the embedded Bedfordshire aggregate read here
with the csv module."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from workbook.assessment.prepare import prepare_assessment, select_partnership
from workbook.assessment.wards import (
    NO_LOCATION_ROW,
    OUTSIDE_ROW,
    UNKNOWN_ROW,
    compare_by_ward,
    compare_wards,
    list_partnership_wards,
)
from workbook.config.area import parse_area_config
from workbook.core.errors import DataError
from workbook.core.paths import DATA_DIR
from workbook.core.periods import Window

LSOA_LOOKUP = DATA_DIR / "lookups" / "lsoa21_ward24_lad24_lookup.csv"
BEDS_AGGREGATE = DATA_DIR / "police_uk" / "bedfordshire" / "bedfordshire_month_lsoa_crime_type.csv"
CENTRAL_BEDS = "E06000056"


@lru_cache(maxsize=1)
def _lookup() -> dict[str, dict[str, str]]:
    with open(LSOA_LOOKUP, newline="", encoding="utf-8") as fh:
        return {r["LSOA21CD"]: r for r in csv.DictReader(fh)}


def _lsoas_of(district: str) -> list[str]:
    return sorted(c for c, r in _lookup().items() if r["LAD24CD"] == district)


def _config(codes_names: list[tuple[str, str]], *, select: str = "areas"):
    return parse_area_config({
        "name": "Test", "short_name": "Test", "areas": [{"code": c, "name": n} for c, n in codes_names],
        "data": {"path": "x.csv", "description": "test", "select": select},
        "population": {"path": "p.csv", "description": "test"},
    }, slug="test")


def _window(year: int) -> Window:
    return Window(pd.Timestamp(year, 4, 1), pd.Timestamp(year, 10, 1))


# --------------------------------------------------------------------------- selecting the partnership's records


def test_a_record_named_after_one_district_but_coded_in_another_goes_by_the_code():
    central, luton = _lsoas_of(CENTRAL_BEDS)[0], _lsoas_of("E06000032")[0]
    data = pd.DataFrame({
        "area_code": [CENTRAL_BEDS, CENTRAL_BEDS, "OUTSIDE_FORCE", "NO_LOCATION"],
        "area_name": ["Central Bedfordshire"] * 2 + ["Outside the force area", "No location"],
        # row 2: a Luton LSOA code under a Central Bedfordshire name (made up)
        "lsoa_code": [central, luton, _lsoas_of("E07000099")[0], None],
        "lsoa_name": ["Central Bedfordshire 001A", "Central Bedfordshire 099Z", "North Hertfordshire 001A", None],
        "count": [1, 2, 4, 8],
    })
    mine = select_partnership(data, _config([(CENTRAL_BEDS, "Central Bedfordshire")]), path=Path("x.csv"))
    assert mine[["lsoa_code", "count"]].values.tolist() == [[central, 1]]
    luton_rows = select_partnership(data, _config([("E06000032", "Luton")]), path=Path("x.csv"))
    assert luton_rows[["area_code", "area_name", "count"]].values.tolist() == [["E06000032", "Luton", 2]]
    # with select: all the whole file is the partnership
    assert select_partnership(data, _config([(CENTRAL_BEDS, "C")], select="all"), path=Path("x.csv"))["count"].sum() == 15


def test_district_level_data_are_selected_by_area_code_and_a_missing_district_is_named():
    data = pd.DataFrame({"area_code": ["E09000022", "E09000028"], "area_name": ["Lambeth", "Southwark"],
                         "lsoa_code": pd.array([pd.NA, pd.NA], dtype="string"), "count": [3, 5]})
    got = select_partnership(data, _config([("E09000022", "Lambeth")]), path=Path("x.csv"))
    assert got[["area_code", "count"]].values.tolist() == [["E09000022", 3]]
    with pytest.raises(DataError, match=r"x.csv, column 'area_code': area Camden \(E09000007\) from the config is not"):
        select_partnership(data, _config([("E09000007", "Camden")]), path=Path("x.csv"))


# --------------------------------------------------------------------------- wards


def test_every_ward_of_the_districts_is_listed():
    expected = sorted({(r["WD24CD"], r["WD24NM"]) for r in _lookup().values() if r["LAD24CD"] == CENTRAL_BEDS})
    got = list_partnership_wards([CENTRAL_BEDS])
    assert list(zip(got["ward_code"], got["ward_name"])) == expected
    assert len(expected) == 31


def test_ward_rows_add_up_with_records_placed_in_no_ward_on_rows_of_their_own():
    lsoas = _lsoas_of(CENTRAL_BEDS)
    a, b = lsoas[0], next(c for c in lsoas if _lookup()[c]["WD24CD"] != _lookup()[lsoas[0]]["WD24CD"])
    months = pd.to_datetime(["2022-05-01", "2023-05-01", "2023-06-01", "2023-06-01", "2023-07-01", "2023-08-01",
                             "2021-05-01"])
    data = pd.DataFrame({"month": months, "lsoa_code": [a, a, b, None, _lsoas_of("E06000032")[0], "E01099999", a],
                         "count": [4, 6, 3, 2, 1, 5, 100]})
    t = compare_by_ward(data, area_codes=[CENTRAL_BEDS], current=_window(2023), previous=_window(2022)).set_index("ward")
    ward_a, ward_b = _lookup()[a]["WD24NM"], _lookup()[b]["WD24NM"]
    assert t.loc[ward_a, ["previous", "current"]].tolist() == [4, 6]
    assert t.loc[ward_b, ["previous", "current"]].tolist() == [0, 3]
    assert t.loc[NO_LOCATION_ROW, "current"] == 2 and t.loc[OUTSIDE_ROW, "current"] == 1
    assert t.loc[UNKNOWN_ROW, "current"] == 5
    assert t.loc["Total", ["previous", "current", "difference"]].tolist() == [4, 17, 13]  # 2021 is in neither
    rows = t.drop(index="Total")
    assert rows["current"].sum() == 17 and rows["previous"].sum() == 4
    assert len(rows) == 31 + 3  # all 31 wards, most with nothing, and the three rows of records in none
    assert set(t.index[-4:-1]) == {NO_LOCATION_ROW, OUTSIDE_ROW, UNKNOWN_ROW} and t.index[-1] == "Total"


def test_wards_sharing_a_name_are_told_apart_by_district():
    # Derby and Worcester both have an "Arboretum" ward (2024)
    derby, worcester = "E06000015", "E07000237"
    arb = [c for c, r in _lookup().items() if r["WD24NM"] == "Arboretum" and r["LAD24CD"] in (derby, worcester)]
    data = pd.DataFrame({"month": [pd.Timestamp(2023, 4, 1)] * 2, "lsoa_code": [arb[0], arb[-1]], "count": [1, 1]})
    t = compare_by_ward(data, area_codes=[derby, worcester], current=_window(2023), previous=_window(2022))
    assert {"Arboretum (Derby)", "Arboretum (Worcester)"} <= set(t["ward"])
    assert t["ward"].is_unique


def test_central_bedfordshire_by_ward_equals_the_aggregate_read_here():
    a = prepare_assessment("central-bedfordshire", period="2023-10")
    w = compare_wards(a)
    lookup = _lookup()
    expected: dict[tuple[str, str], dict[str, int]] = {}
    with open(BEDS_AGGREGATE, newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            row = lookup.get(r["lsoa_code"])
            if row is None or row["LAD24CD"] != CENTRAL_BEDS:
                continue
            part = "current" if "2023-04" <= r["month"] <= "2023-10" else "previous" if "2022-04" <= r["month"] <= "2022-10" else None
            kind = "asb" if r["crime_type"] == "Anti-social behaviour" else "crime"
            if part:
                cell = expected.setdefault((kind, row["WD24CD"]), {"previous": 0, "current": 0})
                cell[part] += int(r["count"])
    for kind, table in (("crime", w.crime), ("asb", w.incidents)):
        wards = table[table["ward_code"] != ""].set_index("ward_code")
        got = {c: {"previous": int(r["previous"]), "current": int(r["current"])} for c, r in wards.iterrows()}
        assert got == {c: v for (k, c), v in expected.items() if k == kind}
        total = table.set_index("ward").loc["Total"]
        # the ward rows add up to the partnership's total (select: areas, so no record is in no ward)
        assert (wards["previous"].sum(), wards["current"].sum()) == (total["previous"], total["current"])
        assert len(table) == 32
    assert w.crime.set_index("ward").loc["Total", ["previous", "current"]].tolist() == [9486, 9164]
    assert w.incidents.set_index("ward").loc["Total", ["previous", "current"]].tolist() == [2717, 2703]


def test_district_level_data_have_no_ward_breakdown():
    assert compare_wards(prepare_assessment("lambeth", period="2023-11")) is None
