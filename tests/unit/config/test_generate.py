"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import time

from tests.conftest import MPS_FILE
from workbook.config.area import load_area_config
from workbook.config.generate import list_london_boroughs, write_london_borough_configs
from workbook.data.sources import load_source

# --------------------------------------------------------------------------- London boroughs


def test_32_london_borough_configs_are_generated_and_valid(tmp_path):
    boroughs = list_london_boroughs()
    assert len(boroughs) == 32
    assert boroughs["code"].tolist() == [f"E090000{n:02d}" for n in range(2, 34)]
    paths = write_london_borough_configs(tmp_path)
    assert len(paths) == 32 and len(set(paths)) == 32
    southwark = load_area_config(tmp_path / "southwark.yml")
    assert southwark.slug == "southwark" and southwark.area_codes == ["E09000028"]
    assert southwark.name == "London Borough of Southwark"
    assert load_area_config(tmp_path / "westminster.yml").name == "City of Westminster"
    # unchanged content is not rewritten
    before = paths[0].stat().st_mtime_ns
    time.sleep(0.01)
    write_london_borough_configs(tmp_path)
    assert paths[0].stat().st_mtime_ns == before


def test_every_generated_borough_is_in_the_mps_file(tmp_path):
    codes = set(load_source(MPS_FILE, format="mps_borough")["area_code"])
    for path in write_london_borough_configs(tmp_path):
        assert set(load_area_config(path).area_codes) <= codes
