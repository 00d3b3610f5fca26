"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import COL_RAW
from tests.helpers.ingest import _broken_copy, _raw_rows, _replace_field
from workbook.core.errors import DataError
from workbook.core.paths import DATA_DIR
from workbook.data.police_uk import load_police_uk_street
from workbook.data.sources import load_source


def test_police_uk_raw_month_aggregates_every_record():
    df = load_police_uk_street(COL_RAW)
    rows = _raw_rows(COL_RAW)
    assert df["count"].sum() == len(rows) == 922
    by_type = pd.Series([r["Crime type"] for r in rows]).value_counts()
    got = df.groupby("category")["count"].sum()
    assert got.sort_index().to_dict() == by_type.sort_index().to_dict()
    e01000001 = sum(1 for r in rows if r["LSOA code"] == "E01000001")
    assert df.loc[df["lsoa_code"] == "E01000001", "count"].sum() == e01000001
    no_loc = sum(1 for r in rows if not r["LSOA code"])
    assert df.loc[df["area_name"] == "No location", "count"].sum() == no_loc
    assert df.loc[df["area_name"] == "City of London", "area_code"].unique().tolist() == ["E09000001"]


def test_police_uk_folder_and_zip_as_downloaded(tmp_path):
    folder = tmp_path / "download" / "2019-06"
    folder.mkdir(parents=True)
    shutil.copy(COL_RAW, folder / COL_RAW.name)
    (folder / "2019-06-city-of-london-outcomes.csv").write_text("Crime ID,Month\nx,2019-06\n")
    from_folder = load_police_uk_street(tmp_path / "download")
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(folder / COL_RAW.name, f"2019-06/{COL_RAW.name}")
    from_zip = load_source(archive)
    pd.testing.assert_frame_equal(from_folder, from_zip)
    assert from_folder["count"].sum() == 922


def test_same_force_month_twice_is_refused(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(COL_RAW, tmp_path / sub / COL_RAW.name)
    with pytest.raises(DataError, match=r"month 2019-06 of City of London Police is also in"):
        load_police_uk_street(tmp_path)


def test_unparseable_month_police_uk(tmp_path):
    path = _broken_copy(tmp_path, COL_RAW, lambda t: _replace_field(t, 40, 1, "June 2019"))
    with pytest.raises(DataError, match="cannot read month 'June 2019'; expected YYYY-MM") as exc:
        load_police_uk_street(path)
    assert (exc.value.row, exc.value.column) == (40, "Month")


# --------------------------------------------------------------------------- districts by LSOA code; Bedfordshire

BEDS_RAW = Path("/work/shared/data/real/bedfordshire_police_street_2021-05_to_2023-10")
BEDS_AGGREGATE = DATA_DIR / "police_uk" / "bedfordshire" / "bedfordshire_month_lsoa_crime_type.csv"
LSOA_LOOKUP = DATA_DIR / "lookups" / "lsoa21_ward24_lad24_lookup.csv"
needs_beds_raw = pytest.mark.skipif(not BEDS_RAW.is_dir(), reason=f"the raw Bedfordshire download is not at {BEDS_RAW}")


def _lsoa_district() -> dict[str, str]:
    return {r["LSOA21CD"]: r["LAD24CD"] for r in _raw_rows(LSOA_LOOKUP)}


def _street_file(folder: Path, month: str, rows: list[tuple[str, str, str]]) -> Path:
    """A street file as police.uk writes it, with the given (LSOA code, LSOA name, crime type) rows."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{month}-bedfordshire-street.csv"
    lines = [("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
              "Last outcome category,Context")]
    lines += [f"x{i},{month},Bedfordshire Police,Bedfordshire Police,-0.4,51.9,On or near X,{code},{name},{ctype},,"
              for i, (code, name, ctype) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_police_uk_district_goes_by_lsoa_code_not_name(tmp_path):
    lad = _lsoa_district()
    luton = next(c for c, d in lad.items() if d == "E06000032")
    north_herts = next(c for c, d in lad.items() if d == "E07000099")
    # made-up rows: a Luton code under a Central Bedfordshire name, a record snapped into North Hertfordshire,
    # a real prefix disagreement (E01027857 "Scarborough 004F" is in North Yorkshire), and no location
    path = _street_file(tmp_path, "2023-01", [
        (luton, "Central Bedfordshire 001A", "Burglary"),
        (north_herts, "North Hertfordshire 001A", "Robbery"),
        ("E01027857", "Scarborough 004F", "Drugs"),
        ("", "", "Anti-social behaviour"),
    ])
    df = load_police_uk_street(path).set_index("source_category")
    assert df.loc["Burglary", ["area_code", "area_name"]].tolist() == ["E06000032", "Luton"]
    # Bedfordshire Police's records placed in other forces' districts are not those districts'
    assert df.loc["Robbery", "area_code"] == df.loc["Drugs", "area_code"] == "OUTSIDE_FORCE"
    assert df.loc["Robbery", "lsoa_code"] == north_herts  # the LSOA is kept for neighbourhood analysis
    assert df.loc["Anti-social behaviour", "area_code"] == "NO_LOCATION"
    # a file not named after a force assigns every record to its LSOA's district
    renamed = path.rename(tmp_path / "records.csv")
    got = load_police_uk_street(renamed).set_index("source_category")["area_code"]
    assert got["Robbery"] == "E07000099" and got["Drugs"] == "E06000065"


@needs_beds_raw
def test_bedfordshire_download_by_district_equals_the_raw_files():
    lad = _lsoa_district()
    expected: dict[str, int] = {}
    n = 0
    for f in sorted(BEDS_RAW.glob("*/*-street.csv")):
        for r in _raw_rows(f):
            n += 1
            code = lad.get(r["LSOA code"], "") if r["LSOA code"] else "NO_LOCATION"
            key = code if code in {"E06000032", "E06000055", "E06000056", "NO_LOCATION"} else "OUTSIDE_FORCE"
            expected[key] = expected.get(key, 0) + 1
    df = load_police_uk_street(BEDS_RAW)
    assert int(df["count"].sum()) == n == 152477
    assert df.groupby("area_code")["count"].sum().to_dict() == expected
    assert expected["E06000056"] == 49080 and expected["NO_LOCATION"] == 5158  # as PROVENANCE.md says
    # no neighbouring district appears as an area of Bedfordshire's download
    assert set(df["area_code"]) == {"E06000032", "E06000055", "E06000056", "NO_LOCATION", "OUTSIDE_FORCE"}


@needs_beds_raw
def test_bedfordshire_aggregate_reads_back_as_the_raw_download():
    raw = load_police_uk_street(BEDS_RAW)
    agg = load_source(BEDS_AGGREGATE, format="tidy")
    pd.testing.assert_frame_equal(agg, raw)
    asb = sum(1 for f in BEDS_RAW.glob("*/*-street.csv") for r in _raw_rows(f) if r["Crime type"] == "Anti-social behaviour")
    assert int(agg.loc[agg["category"] == "Anti-social behaviour", "count"].sum()) == asb == 29622


def test_bedfordshire_aggregate_is_compact_and_complete():
    rows = _raw_rows(BEDS_AGGREGATE)
    assert BEDS_AGGREGATE.stat().st_size < 6_000_000
    assert sum(int(r["count"]) for r in rows) == 152477
    assert {r["month"] for r in rows} == {f"{y}-{m:02d}" for y in (2021, 2022, 2023) for m in range(1, 13)
                                          if "2021-05" <= f"{y}-{m:02d}" <= "2023-10"}
    lad = _lsoa_district()
    assert all(lad[r["lsoa_code"]] == r["area_code"] for r in rows if r["area_code"].startswith("E06"))
