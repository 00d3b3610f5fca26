"""Format detection and dispatch, on the real embedded files and on copies
changed the way the Met changed its current file (tests/helpers/ingest.py)."""

from __future__ import annotations

import csv
import logging

import pytest

from tests.conftest import COL_RAW, COL_TIDY, MPS_FILE
from tests.helpers.ingest import _mps_current_copy
from workbook.core.errors import DataError
from workbook.data.mps import load_mps_borough
from workbook.data.sources import detect_format, load_source


@pytest.mark.parametrize(
    ("path", "expected"),
    [(MPS_FILE, "mps_borough"), (COL_RAW, "police_uk"), (COL_RAW.parent, "police_uk"), (COL_TIDY, "tidy")],
    ids=["mps historical", "police.uk file", "police.uk folder", "tidy"],
)
def test_real_files_are_detected(path, expected):
    assert detect_format(path) == expected


@pytest.mark.parametrize("layout", ["MajorText", "Group"])
def test_the_mets_current_file_is_detected_in_both_layouts(tmp_path, layout):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout=layout, name="download.csv")
    assert detect_format(path) == "mps_borough"
    # and loads as the Met loader loads it
    assert load_source(path).equals(load_mps_borough(path))


def test_a_quoted_header_is_detected(tmp_path):
    # spreadsheet software often quotes every field when it saves a CSV
    src = _mps_current_copy(tmp_path, MPS_FILE, layout="Group", name="src.csv")
    with open(src, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    path = tmp_path / "quoted.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows(rows)
    assert path.read_text().startswith('"Group","SubGroup","BOCU","202112"')
    assert detect_format(path) == "mps_borough"


def test_category_map_reaches_the_met_loader(tmp_path):
    path = _mps_current_copy(tmp_path, MPS_FILE, layout="Group", name="renamed.csv")
    path.write_text(path.read_text().replace("SHOPLIFTING", "THEFT FROM SHOPS"))
    with pytest.raises(DataError, match="unknown crime category 'THEFT FROM SHOPS'"):
        load_source(path)
    df = load_source(path, category_map={"THEFT FROM SHOPS": "Shoplifting"})
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    expected = sum(int(v) for r in rows if r[1] == "THEFT FROM SHOPS" and r[2] != "Unknown" for v in r[3:])
    assert df.loc[df["category"] == "Shoplifting", "count"].sum() == expected > 0


def test_category_map_is_not_used_for_a_police_uk_source(caplog):
    # a London borough's config may carry a map for the Met's files and still be run on
    # police.uk data; police.uk categories the package does not know remain errors
    with caplog.at_level(logging.INFO, logger="workbook.data.sources"):
        df = load_source(COL_TIDY, category_map={"THEFT FROM SHOPS": "Shoplifting"})
    assert df.equals(load_source(COL_TIDY))
    assert "category_map applies to the Met's borough files only" in caplog.text


def test_police_uk_unknown_category_says_what_is_expected(tmp_path):
    path = tmp_path / COL_TIDY.name
    path.write_text(COL_TIDY.read_text().replace("Bicycle theft", "Bike theft", 1))
    with pytest.raises(DataError, match="unknown crime category 'Bike theft'; expected one of the police_uk categories"):
        load_source(path, category_map={"Bike theft": "Bicycle theft"})
