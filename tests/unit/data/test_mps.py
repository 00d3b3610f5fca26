"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import COL_RAW, COL_TIDY, MPS_FILE
from tests.helpers.ingest import _broken_copy, _raw_rows, _replace_field
from workbook.core.errors import DataError
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
    # every offence in the file is kept, including the airports and "Unknown"
    assert df["count"].sum() == sum(int(r[m]) for r in rows for m in months)
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
