"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from workbook.core.errors import DataError
from workbook.data.canonical import CANONICAL_COLUMNS
from workbook.data.mps import load_mps_borough
from workbook.data.police_uk import load_police_uk_street
from workbook.data.population import load_population
from workbook.data.sources import load_source
from workbook.data.tidy import load_tidy
from tests.conftest import COL_RAW, COL_TIDY, MPS_FILE, POP_FILE


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


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


def test_tidy_city_of_london_aggregate():
    df = load_tidy(COL_TIDY)
    rows = _raw_rows(COL_TIDY)
    assert df["count"].sum() == sum(int(r["count"]) for r in rows) == 31824
    assert df["month"].nunique() == 48
    june = sum(int(r["count"]) for r in rows if r["month"] == "2019-06")
    assert df.loc[df["month"] == "2019-06-01", "count"].sum() == june == 922


def test_population_loads_london_components():
    pop = load_population(POP_FILE)
    rows = _raw_rows(POP_FILE)
    want = next(int(r["value"]) for r in rows if r["lad23_code"] == "E09000022" and r["year"] == "2023" and r["component"] == "population")
    got = pop.query("area_code == 'E09000022' and year == 2023")["persons"].item()
    assert got == want


# --------------------------------------------------------------------------- broken copies


def _broken_copy(tmp_path: Path, src: Path, edit) -> Path:
    text = src.read_text(encoding="utf-8-sig")
    dest = tmp_path / src.name
    dest.write_text(edit(text), encoding="utf-8")
    return dest


def _replace_field(text: str, line_no: int, col: int, value: str) -> str:
    lines = text.splitlines()
    cells = next(csv.reader([lines[line_no - 1]]))
    cells[col] = value
    buf = pd.io.common.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[line_no - 1] = buf.getvalue()
    return "\n".join(lines) + "\n"


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


def test_non_numeric_count_tidy(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 25, 4, "3.5"))
    with pytest.raises(DataError, match="not a whole number") as exc:
        load_tidy(path)
    assert (exc.value.row, exc.value.column) == (25, "count")
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 7, 4, "n/a"))
    with pytest.raises(DataError, match="'n/a' is not a number") as exc:
        load_tidy(path)
    assert exc.value.row == 7


def test_unparseable_month_police_uk(tmp_path):
    path = _broken_copy(tmp_path, COL_RAW, lambda t: _replace_field(t, 40, 1, "June 2019"))
    with pytest.raises(DataError, match="cannot read month 'June 2019'; expected YYYY-MM") as exc:
        load_police_uk_street(path)
    assert (exc.value.row, exc.value.column) == (40, "Month")


def test_unparseable_month_tidy(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 3, 0, "2017-13"))
    with pytest.raises(DataError, match="cannot read month '2017-13'") as exc:
        load_tidy(path)
    assert exc.value.row == 3


def test_unparseable_month_column_mps(tmp_path):
    path = _broken_copy(tmp_path, MPS_FILE, lambda t: t.replace("201004", "201013", 1))
    with pytest.raises(DataError, match="'201013' is not a real month") as exc:
        load_mps_borough(path)
    assert exc.value.column == "201013"


def test_unknown_category_is_named(tmp_path):
    path = _broken_copy(tmp_path, MPS_FILE, lambda t: t.replace("BICYCLE THEFT", "CYCLE THEFT", 1))
    with pytest.raises(DataError, match="unknown crime category 'CYCLE THEFT'"):
        load_mps_borough(path)


def test_negative_count(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 12, 4, "-2"))
    with pytest.raises(DataError, match="negative") as exc:
        load_tidy(path)
    assert exc.value.row == 12
