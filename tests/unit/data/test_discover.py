"""A download folder is read in every format it holds; a file it cannot place is an error naming it."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from tests.conftest import COL_RAW, COL_TIDY
from workbook.assessment.prepare import prepare_assessment
from workbook.core.errors import DataError


def test_a_folder_of_street_files_and_a_tidy_history_is_one_series(tmp_path):
    """The City of London's tidy history up to 2019-05 plus a police.uk month folder for 2019-06 in one folder."""
    raw = pd.read_csv(COL_TIDY, dtype=str, keep_default_na=False)
    raw[raw["month"] <= "2019-05"].to_csv(tmp_path / "history.csv", index=False)
    (tmp_path / "2019-06").mkdir()
    shutil.copy(COL_RAW, tmp_path / "2019-06" / COL_RAW.name)
    (tmp_path / "README.md").write_text("downloaded from data.police.uk\n")
    (tmp_path / "2019-06" / "2019-06-city-of-london-outcomes.csv").write_text("Crime ID,Month\n")
    a = prepare_assessment("city-of-london", period="2019-06", data_path=tmp_path)
    assert a.data["month"].max() == pd.Timestamp("2019-06-01")
    assert sorted(p.name for p in a.data_paths) == sorted(["history.csv", tmp_path.name])
    street = pd.read_csv(COL_RAW)
    june = a.data.loc[a.data["month"] == pd.Timestamp("2019-06-01"), "count"].sum() + \
        a.incidents.loc[a.incidents["month"] == pd.Timestamp("2019-06-01"), "count"].sum()
    assert june == len(street)  # every record of the June street file, crimes and ASB


def test_a_file_the_folder_cannot_place_is_named(tmp_path):
    shutil.copy(COL_RAW, tmp_path / COL_RAW.name)
    (tmp_path / "figures.xlsx").write_bytes(b"not a police file")
    with pytest.raises(DataError, match=r"figures.xlsx: cannot place this file in the download folder"):
        prepare_assessment("city-of-london", period="2019-06", data_path=tmp_path)
