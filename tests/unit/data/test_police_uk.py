"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import shutil
import zipfile

import pandas as pd
import pytest

from tests.conftest import COL_RAW
from tests.helpers.ingest import _broken_copy, _raw_rows, _replace_field
from workbook.core.errors import DataError
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
