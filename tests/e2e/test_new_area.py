"""End to end: a partnership outside London from nothing.  ``workbook new-area
"Central Bedfordshire"`` writes its config from the ONS lookups, and ``workbook
assess`` runs it on the raw Bedfordshire Police download as police.uk gives it;
the report's figures are checked against sums worked out here from the raw
street files and the ONS LSOA lookup with the csv module."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from workbook.assessment.peers import compare_with_peers
from workbook.assessment.prepare import prepare_assessment
from workbook.cli import main
from workbook.core.paths import AREAS_DIR, DATA_DIR

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/work/shared/data/real/bedfordshire_police_street_2021-05_to_2023-10").is_dir(),
                       reason="the raw Bedfordshire Police download is not on this machine"),
]

RAW = Path("/work/shared/data/real/bedfordshire_police_street_2021-05_to_2023-10")
LSOA_LOOKUP = DATA_DIR / "lookups" / "lsoa21_ward24_lad24_lookup.csv"
CENTRAL_BEDS = "E06000056"
BEDFORDSHIRE = {"E06000032", "E06000055", "E06000056"}
ASB = "Anti-social behaviour"
CURRENT = {f"2023-{m:02d}" for m in range(4, 11)}
PREVIOUS = {f"2022-{m:02d}" for m in range(4, 11)}


@lru_cache(maxsize=1)
def _lookup() -> dict[str, dict[str, str]]:
    with open(LSOA_LOOKUP, newline="", encoding="utf-8") as fh:
        return {r["LSOA21CD"]: r for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def _raw_central_beds() -> list[dict[str, str]]:
    """Every raw street record whose LSOA code is in Central Bedfordshire (by the ONS lookup)."""
    out = []
    for f in sorted(RAW.glob("*/*-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            for r in csv.DictReader(fh):
                row = _lookup().get(r["LSOA code"])
                if row is not None and row["LAD24CD"] == CENTRAL_BEDS:
                    out.append(r | {"ward": row["WD24CD"]})
    return out


def _raw_counts(key: str, *, asb: bool) -> dict[str, dict[str, int]]:
    """previous/current counts by ``key`` (a raw column) for crime (asb=False) or ASB (asb=True)."""
    out: dict[str, dict[str, int]] = {}
    for r in _raw_central_beds():
        if (r["Crime type"] == ASB) != asb:
            continue
        part = "current" if r["Month"] in CURRENT else "previous" if r["Month"] in PREVIOUS else None
        if part:
            cell = out.setdefault(r[key], {"previous": 0, "current": 0})
            cell[part] += 1
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("areas")
    assert main(["new-area", "Central Bedfordshire", "--config-dir", str(folder)]) == 0
    return folder / "central-bedfordshire.yml"


@pytest.fixture(scope="module")
def report(generated, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    rc = main(["-q", "assess", "--area", str(generated), "--period", "2023-10", "--data", str(RAW), "--output", str(out)])
    assert rc == 0
    return out / "central-bedfordshire" / "2023-10"


def test_generated_config_is_the_committed_one(generated):
    assert generated.read_text() == (AREAS_DIR / "central-bedfordshire.yml").read_text()
    cfg = yaml.safe_load(generated.read_text())
    assert cfg["areas"] == [{"code": CENTRAL_BEDS, "name": "Central Bedfordshire"}]
    assert cfg["csp_code"] == "E22000353" and cfg["data"]["select"] == "areas"


def test_year_to_date_crime_equals_the_raw_files(report):
    ytd = pd.read_csv(report / "tables" / "ytd_comparison.csv").set_index("category")
    raw = _raw_counts("Crime type", asb=False)
    assert ASB not in ytd.index  # incidents, not crimes
    assert {c: {"previous": int(r["previous"]), "current": int(r["current"])}
            for c, r in ytd.drop(index="All crime").iterrows()} == raw
    total = ytd.loc["All crime"]
    assert (total["previous"], total["current"]) == (sum(v["previous"] for v in raw.values()),
                                                     sum(v["current"] for v in raw.values()))
    assert (total["previous"], total["current"]) == (9486, 9164)


def test_asb_has_its_own_rows(report):
    asb = pd.read_csv(report / "tables" / "asb_ytd.csv").set_index("category")
    raw = _raw_counts("Crime type", asb=True)[ASB]
    assert asb.loc[ASB, ["previous", "current"]].tolist() == [raw["previous"], raw["current"]] == [2717, 2703]


@pytest.mark.parametrize(("table", "asb"), [("by_ward.csv", False), ("asb_by_ward.csv", True)])
def test_ward_rows_equal_the_raw_files_and_add_up_to_the_total(report, table, asb):
    t = pd.read_csv(report / "tables" / table, keep_default_na=False)
    wards = t[t["ward"] != "Total"]
    total = t[t["ward"] == "Total"].iloc[0]
    assert (wards["previous"].sum(), wards["current"].sum()) == (total["previous"], total["current"])
    got = {r["ward_code"]: {"previous": int(r["previous"]), "current": int(r["current"])}
           for _, r in wards.iterrows() if r["previous"] or r["current"]}
    assert got == _raw_counts("ward", asb=asb)
    # every 2024 ward of Central Bedfordshire has a row, and no record is in no ward
    assert set(wards["ward_code"]) == {r["WD24CD"] for r in _lookup().values() if r["LAD24CD"] == CENTRAL_BEDS}
    ytd = pd.read_csv(report / "tables" / ("asb_ytd.csv" if asb else "ytd_comparison.csv")).iloc[-1]
    assert (total["previous"], total["current"]) == (ytd["previous"], ytd["current"])


def test_report_has_the_ward_chapter_and_no_neighbour_as_a_peer(report):
    html = (report / "assessment.html").read_text()
    assert "By ward" in html and "Recorded crime by ward" in html
    peers = report / "tables" / "peer_rates.csv"
    assert not peers.exists()  # the force's download holds no complete peer group


def test_stray_records_in_neighbouring_districts_never_make_a_peer(generated, tmp_path):
    """With land areas configured (so peers.py can build a group), the districts police.uk snapped
    Bedfordshire's records into (North Hertfordshire, Milton Keynes, ... 140 or so) are not peers."""
    strays = set()
    for f in sorted(RAW.glob("*/*-street.csv")):
        with open(f, newline="", encoding="utf-8-sig") as fh:
            strays |= {_lookup()[r["LSOA code"]]["LAD24CD"] for r in csv.DictReader(fh)
                       if r["LSOA code"] in _lookup()} - BEDFORDSHIRE
    assert len(strays) > 100 and "E07000099" in strays  # North Hertfordshire
    cfg = yaml.safe_load(generated.read_text())
    cfg["population"]["households_path"] = "data/population/la_census2011_population_households.csv"
    path = tmp_path / "central-bedfordshire.yml"
    path.write_text(yaml.safe_dump(cfg))
    a = prepare_assessment(path, period="2023-10", data_path=RAW)
    assert not strays & set(a.source_data["area_code"])
    pc = compare_with_peers(a)
    assert pc is None or not strays & set(pc.group.peers)


def test_embedded_aggregate_gives_the_same_partnership_data_as_the_raw_download():
    from_aggregate = prepare_assessment("central-bedfordshire", period="2023-10")
    from_raw = prepare_assessment("central-bedfordshire", period="2023-10", data_path=RAW)
    pd.testing.assert_frame_equal(from_aggregate.data, from_raw.data)
    pd.testing.assert_frame_equal(from_aggregate.incidents, from_raw.incidents)
