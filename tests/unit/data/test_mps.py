"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import csv
import logging
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import COL_RAW, COL_TIDY, MPS_FILE
from tests.helpers.ingest import (
    PUBLIC_FEAR_COMMA,
    _broken_copy,
    _mps_current_copy,
    _raw_rows,
    _replace_field,
)
from workbook.core.categories import FRAUD_NFIB, NOT_IN_ALL_CRIME, select_all_crime
from workbook.core.errors import ConfigError, DataError
from workbook.core.paths import DATA_DIR
from workbook.data.canonical import CANONICAL_COLUMNS
from workbook.data.mps import load_mps_borough
from workbook.data.police_uk import load_police_uk_street
from workbook.data.tidy import load_tidy

# --------------------------------------------------------------------------- real files


def test_mps_file_totals_match_the_raw_wide_file():
    df = load_mps_borough(MPS_FILE)
    assert list(df.columns) == list(CANONICAL_COLUMNS)
    rows = _raw_rows(MPS_FILE)
    months = [c for c in rows[0] if c.isdigit()]
    assert len(months) == 164
    lambeth = sum(int(r[m]) for r in rows if r["BoroughName"] == "Lambeth" for m in months)
    assert df.loc[df["area_code"] == "E09000022", "count"].sum() == lambeth
    # every offence in the file is kept, the airports' too, but for borough "Unknown"'s
    assert df["count"].sum() == sum(int(r[m]) for r in rows for m in months if r["BoroughName"] != "Unknown")
    assert "Unknown" not in set(df["area_name"]) | set(df["area_code"])
    assert df["month"].nunique() == 164


def test_mps_residential_burglary_is_one_series_across_the_reclassification():
    df = load_mps_borough(MPS_FILE)
    res = df[(df["area_code"] == "E09000022") & (df["subcategory"] == "Residential burglary")]
    rows = [r for r in _raw_rows(MPS_FILE) if r["BoroughName"] == "Lambeth" and r["MajorText"] == "BURGLARY"]
    for month in ("201810", "201812", "202207", "202311"):
        expected = sum(int(r[month]) for r in rows if r["MinorText"] != "BURGLARY BUSINESS AND COMMUNITY")
        got = res.loc[res["month"] == pd.Timestamp(f"{month[:4]}-{month[4:]}-01"), "count"].sum()
        assert got == expected
    assert set(res["source_category"]) == {
        "DOMESTIC BURGLARY",
        "RES BURGLARY OF A HOME",
        "RES BURGLARY OF UNCONNECTED BUILDING",
    }


@pytest.mark.parametrize(
    ("src", "loader"),
    [(MPS_FILE, load_mps_borough), (COL_RAW, load_police_uk_street), (COL_TIDY, load_tidy)],
    ids=["mps", "police_uk", "tidy"],
)
def test_empty_file(tmp_path, src, loader):
    path = _broken_copy(tmp_path, src, lambda t: "")
    with pytest.raises(DataError, match="file is empty") as exc:
        loader(path)
    assert str(path) in str(exc.value)


@pytest.mark.parametrize(
    ("src", "loader", "column"),
    [(MPS_FILE, load_mps_borough, "MinorText"), (COL_RAW, load_police_uk_street, "Crime type"), (COL_TIDY, load_tidy, "count")],
    ids=["mps", "police_uk", "tidy"],
)
def test_missing_column(tmp_path, src, loader, column):
    def drop(text: str) -> str:
        df = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
        return df.drop(columns=[column]).to_csv(index=False)

    path = _broken_copy(tmp_path, src, drop)
    with pytest.raises(DataError, match=f"missing column '{column}'") as exc:
        loader(path)
    assert str(path) in str(exc.value) and exc.value.column == column


def test_non_numeric_count_mps(tmp_path):
    # line 10, column 202001 (month columns start at index 3; 201004 + 117 months)
    header = MPS_FILE.read_text().splitlines()[0].split(",")
    col = header.index("202001")
    path = _broken_copy(tmp_path, MPS_FILE, lambda t: _replace_field(t, 10, col, "twelve"))
    with pytest.raises(DataError) as exc:
        load_mps_borough(path)
    assert exc.value.row == 10 and exc.value.column == "202001"
    assert f"{path}, line 10, column '202001'" in str(exc.value)


def test_unparseable_month_column_mps(tmp_path):
    path = _broken_copy(tmp_path, MPS_FILE, lambda t: t.replace("201004", "201013", 1))
    with pytest.raises(DataError, match="'201013' is not a real month") as exc:
        load_mps_borough(path)
    assert exc.value.column == "201013"


def test_unknown_category_is_named(tmp_path):
    path = _broken_copy(tmp_path, MPS_FILE, lambda t: t.replace("BICYCLE THEFT", "CYCLE THEFT", 1))
    with pytest.raises(DataError, match="unknown crime category 'CYCLE THEFT'"):
        load_mps_borough(path)


# --------------------------------------------------------------------------- the Met's current files
# Copies of the historical file changed as the Met changed its "most recent 24
# months" file (tests/helpers/ingest.py: _mps_current_copy): the last 24 months,
# rows for BURGLARY - RESIDENTIAL and NFIB (one of them in borough "Unknown"),
# and in the newer layout the header Group, SubGroup, BOCU and the comma in
# "PUBLIC FEAR, ALARM OR DISTRESS".  Expected figures are summed from the
# written CSV with the csv module.

RESIDENTIAL_BURGLARY_CODES = {
    "DOMESTIC BURGLARY",
    "RES BURGLARY OF A HOME",
    "RES BURGLARY OF UNCONNECTED BUILDING",
    "BURGLARY - RESIDENTIAL",
}
LAYOUTS = ("MajorText", "Group")


def _raw_wide(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a Met file, by position (the two layouts name the columns differently)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _raw_totals(path: Path, *, keep=lambda row: True) -> Counter:
    """Offences per (borough, month YYYY-MM) summed from the raw file, borough "Unknown" left out."""
    header, rows = _raw_wide(path)
    out: Counter = Counter()
    for row in rows:
        if row[2] == "Unknown" or not keep(row):
            continue
        for col, value in zip(header[3:], row[3:]):
            out[(row[2], f"{col[:4]}-{col[4:]}")] += int(value)
    return out


def _loaded_totals(df: pd.DataFrame) -> Counter:
    sums = df.groupby(["area_name", df["month"].dt.strftime("%Y-%m")])["count"].sum()
    return Counter({key: int(v) for key, v in sums.items()})


@pytest.fixture(scope="module", params=LAYOUTS)
def current(request, tmp_path_factory):
    """(path, loaded table) of a current file in each layout."""
    path = _mps_current_copy(tmp_path_factory.mktemp(request.param), MPS_FILE, layout=request.param)
    return path, load_mps_borough(path)


def test_the_fixture_is_the_layout_it_claims(current):
    path, _ = current
    header, rows = _raw_wide(path)
    assert len(header) == 3 + 24 and header[3] == "202112" and header[-1] == "202311"
    if "Group" in path.name:
        assert header[:3] == ["Group", "SubGroup", "BOCU"]
        assert f'"{PUBLIC_FEAR_COMMA}"' in path.read_text()  # quoted, as the Met writes it
    added = Counter((r[0], r[1]) for r in rows)
    assert added[("NFIB FRAUD", "NFIB")] == 3 and added[("BURGLARY", "BURGLARY - RESIDENTIAL")] == 2


def test_current_file_totals_per_borough_and_month_match_the_raw_file(current):
    path, df = current
    expected = _raw_totals(path)
    assert _loaded_totals(df) == expected
    assert len(expected) == 33 * 24  # 32 boroughs and the airports, 24 months
    # Lambeth, November 2023, also summed with awk from the shipped historical file
    # (awk -F, '$3=="Lambeth"{s+=$NF}'): no row was added for Lambeth
    assert expected[("Lambeth", "2023-11")] == 2_977


def test_unknown_borough_is_in_no_borough_and_its_offences_are_logged(current, caplog):
    path, df = current
    assert "Unknown" not in set(df["area_name"]) | set(df["area_code"])
    _header, rows = _raw_wide(path)
    unknown = sum(int(v) for r in rows if r[2] == "Unknown" for v in r[3:])
    # the historical file's "Unknown" rows over 2021-12 to 2023-11 (65,843, summed with awk)
    # and the added NFIB row, a copy of Unknown's FRAUD AND FORGERY (1 offence, 2023-07)
    assert unknown == 65_843 + 1
    with caplog.at_level(logging.INFO, logger="workbook.data.mps"):
        load_mps_borough(path)
    assert f"{unknown:,} offences in borough 'Unknown' left out" in caplog.text


def test_nfib_fraud_is_its_own_category_outside_all_crime(current):
    path, df = current
    _header, rows = _raw_wide(path)
    nfib_rows = [r for r in rows if r[1] == "NFIB" and r[2] != "Unknown"]
    nfib = df[df["source_category"] == "NFIB"]
    assert set(nfib["category"]) == set(nfib["subcategory"]) == {FRAUD_NFIB} == {"Fraud (Action Fraud, NFIB)"}
    # Ealing 3 (2022-12) + 1 (2023-08), Lewisham 3 (2022-09): their FRAUD AND FORGERY rows
    assert nfib["count"].sum() == sum(int(v) for r in nfib_rows for v in r[3:]) == 4 + 3
    assert set(nfib.loc[nfib["count"] > 0, "area_name"]) == {"Ealing", "Lewisham"}
    # "All crime" is every row but NFIB's (and ASB's, which the Met's files do not hold)
    assert FRAUD_NFIB in NOT_IN_ALL_CRIME
    all_crime = select_all_crime(df)
    assert FRAUD_NFIB not in set(all_crime["category"])
    assert _loaded_totals(all_crime) == _raw_totals(path, keep=lambda r: r[0] != "NFIB FRAUD")
    assert all_crime["count"].sum() == df["count"].sum() - 7


def test_burglary_residential_joins_the_residential_burglary_series(current):
    path, df = current
    header, rows = _raw_wide(path)
    new = df[df["source_category"] == "BURGLARY - RESIDENTIAL"]
    assert set(new["area_name"]) == {"Barnet", "Kingston upon Thames"}
    assert set(new["category"]) == {"Burglary"} and set(new["subcategory"]) == {"Residential burglary"}
    res = df[df["subcategory"] == "Residential burglary"]
    assert set(res["source_category"]) == RESIDENTIAL_BURGLARY_CODES
    for borough in ("Barnet", "Kingston upon Thames", "Lambeth"):
        for month in ("202112", "202208", "202311"):
            col = header.index(month)
            expected = sum(int(r[col]) for r in rows if r[2] == borough and r[1] in RESIDENTIAL_BURGLARY_CODES)
            got = res.loc[(res["area_name"] == borough) & (res["month"] == pd.Timestamp(f"{month[:4]}-{month[4:]}-01")),
                          "count"].sum()
            assert got == expected
    # Barnet, November 2023 (the raw file's last column): the historical codes 0 + 132 + 34,
    # and BURGLARY - RESIDENTIAL's 34 (copied from RES BURGLARY OF UNCONNECTED BUILDING)
    barnet = res[(res["area_name"] == "Barnet") & (res["month"] == "2023-11-01")]
    assert barnet.groupby("source_category")["count"].sum().to_dict() == {
        "BURGLARY - RESIDENTIAL": 34, "DOMESTIC BURGLARY": 0, "RES BURGLARY OF A HOME": 132,
        "RES BURGLARY OF UNCONNECTED BUILDING": 34,
    }


def test_both_layouts_load_to_the_same_table(tmp_path):
    a = load_mps_borough(_mps_current_copy(tmp_path, MPS_FILE, layout="MajorText"))
    b = load_mps_borough(_mps_current_copy(tmp_path, MPS_FILE, layout="Group"))
    key = ["month", "area_code", "area_name", "category", "subcategory"]
    assert a.groupby(key)["count"].sum().equals(b.groupby(key)["count"].sum())
    fear = b[b["source_category"] == PUBLIC_FEAR_COMMA]
    assert set(fear["category"]) == {"Public order"} and fear["area_name"].nunique() == 33


def test_unknown_category_names_itself_and_how_to_map_it(tmp_path):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout="Group")
    # the Met renaming a category, as it did for residential burglary
    text = path.read_text().replace("BICYCLE THEFT", "THEFT OF PEDAL CYCLE")
    path.write_text(text)
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if "THEFT OF PEDAL CYCLE" in line)
    with pytest.raises(DataError) as exc:
        load_mps_borough(path)
    msg = str(exc.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}, line {first}: unknown crime category 'THEFT OF PEDAL CYCLE'; map it in the area config")
    assert "category_map: {'THEFT OF PEDAL CYCLE': <harmonised category>}" in msg
    assert "Bicycle theft" in msg and "Residential burglary" in msg  # the names it may be mapped to
    # mapped in the config, it loads into the right series without editing the package
    df = load_mps_borough(path, category_map={"Theft of pedal cycle": "Bicycle theft"})
    _header, rows = _raw_wide(path)
    bikes = sum(int(v) for r in rows if r[1] == "THEFT OF PEDAL CYCLE" and r[2] != "Unknown" for v in r[3:])
    assert df.loc[df["category"] == "Bicycle theft", "count"].sum() == bikes > 0
    assert set(df.loc[df["category"] == "Bicycle theft", "source_category"]) == {"THEFT OF PEDAL CYCLE"}


def test_a_category_map_naming_no_harmonised_category_is_refused(tmp_path):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout="Group")
    with pytest.raises(ConfigError, match="'Cycle crime' is not a harmonised category") as exc:
        load_mps_borough(path, category_map={"THEFT OF PEDAL CYCLE": "Cycle crime"})
    assert exc.value.key == "category_map.THEFT OF PEDAL CYCLE"


@pytest.mark.parametrize("column", ["Group", "SubGroup", "BOCU"])
def test_newer_layout_missing_column(tmp_path, column):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout="Group")
    df = pd.read_csv(path, dtype=str, keep_default_na=False).drop(columns=[column])
    df.to_csv(path, index=False)
    with pytest.raises(DataError, match=f"missing column '{column}'") as exc:
        load_mps_borough(path)
    assert exc.value.column == column and str(path) in str(exc.value)


def test_newer_layout_duplicate_row_is_named(tmp_path):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout="Group")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:5], lines[4], *lines[5:]]) + "\n")
    with pytest.raises(DataError, match="appears twice") as exc:
        load_mps_borough(path)
    assert exc.value.row == 6


# The Met's own current files, where the data folder holds them.
REAL_CURRENT = sorted((DATA_DIR / "mps").glob("MPS_Borough_Level_Crime_most_recent_24_months_*.csv"))


@pytest.mark.skipif(not REAL_CURRENT, reason="no current Met file in data/mps")
@pytest.mark.parametrize("path", REAL_CURRENT, ids=[p.stem[-17:] for p in REAL_CURRENT])
def test_real_current_files_load_with_every_offence_but_unknown(path):
    df = load_mps_borough(path)
    assert _loaded_totals(df) == _raw_totals(path)
    assert "Unknown" not in set(df["area_name"])
    _header, rows = _raw_wide(path)
    nfib = sum(int(v) for r in rows if r[1] == "NFIB" and r[2] != "Unknown" for v in r[3:])
    assert df.loc[df["category"] == FRAUD_NFIB, "count"].sum() == nfib
    assert select_all_crime(df)["count"].sum() == df["count"].sum() - nfib
