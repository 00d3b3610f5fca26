"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import csv
import re
import time
from pathlib import Path

import pytest

from tests.conftest import MPS_FILE
from workbook.cli import main
from workbook.config.area import load_area_config
from workbook.config.generate import (
    find_partnership,
    list_london_boroughs,
    write_area_config,
    write_london_borough_configs,
)
from workbook.core.errors import ConfigError
from workbook.core.paths import AREAS_DIR, DATA_DIR, REPO_ROOT
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


# --------------------------------------------------------------------------- any partnership: workbook new-area


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _district_rows() -> list[dict[str, str]]:
    return _csv_rows(DATA_DIR / "lookups" / "lad24_csp24_pfa24_lookup.csv")


def _expected(csp_name: str) -> tuple[str, list[tuple[str, str]], str]:
    rows = [r for r in _district_rows() if r["CSP24NM"] == csp_name]
    return rows[0]["CSP24CD"], sorted((r["LAD24CD"], r["LAD24NM"]) for r in rows), rows[0]["PFA24NM"]


@pytest.mark.parametrize(("query", "csp"), [
    ("Luton", "Luton"), ("bedford", "Bedford"), ("CWM TAF", "Cwm Taf"), ("W06000024", "Cwm Taf"),
    ("E22000353", "Central Bedfordshire"), ("Central Bedfordshire", "Central Bedfordshire"),
])
def test_new_area_configs_load_and_validate(tmp_path, query, csp):
    path = write_area_config(query, folder=tmp_path)
    cfg = load_area_config(path)
    csp_code, districts, force = _expected(csp)
    assert path.name == re.sub(r"[^a-z0-9]+", "-", csp.lower()).strip("-") + ".yml"
    assert (cfg.name, cfg.csp_code) == (csp, csp_code)
    assert [(a.code, a.name) for a in cfg.areas] == districts
    # every district has a population and Census 2021 households in the files the config names
    pop = {(r["lad23_code"], r["year"]) for r in _csv_rows(REPO_ROOT / cfg.population.path)}
    assert all((code, "2022") in pop for code, _ in districts)
    census = {r["lad21_code"] for r in _csv_rows(REPO_ROOT / cfg.population.census2021_path)}
    assert {code for code, _ in districts} <= census
    text = path.read_text()
    assert f"Police force area: {force}" in text
    # nothing invented: the analyst's sections are empty, with a comment on what to fill in
    assert (cfg.targets, cfg.priorities, cfg.appendices, cfg.peers, cfg.local_indicators) == ([], {}, {}, [], None)
    assert cfg.illustrative_inputs == []
    for key in ("targets", "priorities", "appendices", "peers", "local_indicators"):
        assert re.search(rf"# .*\n{key}:", text), key


def test_new_area_copies_nothing_from_lambeth(tmp_path):
    text = write_area_config("Luton", folder=tmp_path).read_text()
    lambeth = (AREAS_DIR / "lambeth.yml").read_text()
    invented = [line.split(":", 1)[1].strip() for line in lambeth.splitlines()
                if re.match(r"\s+-?\s*(name|activity|action|owner|priority|reason|progress):", line)]
    assert invented and not [v for v in invented if v in text]
    assert "ILLUSTRATIVE" not in text and "illustrative" not in text


def test_new_area_data_for_bedfordshire_wales_london_and_the_city(tmp_path):
    beds = load_area_config(write_area_config("Luton", folder=tmp_path))
    assert (beds.source.path, beds.source.format, beds.source.select) == (
        "data/police_uk/bedfordshire/bedfordshire_month_lsoa_crime_type.csv", "tidy", "areas")
    wales = load_area_config(write_area_config("Cwm Taf", folder=tmp_path))
    assert (wales.source.path, wales.source.format) == ("data/police_uk/south-wales", "police_uk")
    assert "YYYY-MM/YYYY-MM-south-wales-street.csv" in (tmp_path / "cwm-taf.yml").read_text()
    camden = load_area_config(write_area_config("camden", folder=tmp_path))
    assert (camden.source.format, camden.area_codes) == ("mps_borough", ["E09000007"])
    assert camden.population.path.endswith("london_borough_population_components_mid2011_mid2024.csv")
    city = load_area_config(write_area_config("City of London", folder=tmp_path))
    assert (city.source.select, city.source.path) == ("all", "data/police_uk/city_of_london/col_month_lsoa_crime_type.csv")


def test_new_area_refuses_to_overwrite_without_force(tmp_path):
    path = write_area_config("Bedford", folder=tmp_path)
    path.write_text(path.read_text().replace("targets: []", "targets: [] # mine"))
    with pytest.raises(ConfigError, match=r"bedford\.yml: already exists; pass --force"):
        write_area_config("Bedford", folder=tmp_path)
    assert "# mine" in path.read_text()
    write_area_config("Bedford", folder=tmp_path, force=True)
    assert "# mine" not in path.read_text()


def test_unknown_names_list_close_matches_and_split_districts_are_explained(tmp_path, capsys):
    with pytest.raises(ConfigError, match=r"no partnership or district called 'Central Beds'; close matches: "
                                          r"Central Bedfordshire"):
        find_partnership("Central Beds")
    assert main(["new-area", "Bedfordshir", "--config-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "close matches: Bedford" in err
    # Aylesbury Vale is one of four CSPs the lookup carves out of Buckinghamshire: refused, the district offered
    with pytest.raises(ConfigError, match=r"part of district 'Buckinghamshire' \(E06000060\).*new-area 'Buckinghamshire'"):
        find_partnership("Aylesbury Vale")
    bucks = load_area_config(write_area_config("Buckinghamshire", folder=tmp_path))
    assert (bucks.area_codes, bucks.csp_code) == (["E06000060"], None)


def test_new_area_cli_writes_the_committed_central_bedfordshire_config(tmp_path, capsys):
    assert main(["new-area", "Central Bedfordshire", "--config-dir", str(tmp_path)]) == 0
    written = Path(capsys.readouterr().out.strip())
    assert written == tmp_path / "central-bedfordshire.yml"
    assert written.read_text() == (AREAS_DIR / "central-bedfordshire.yml").read_text()
