"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

from tests.conftest import POP_FILE
from tests.helpers.ingest import _raw_rows
from workbook.data.population import load_population


def test_population_loads_london_components():
    pop = load_population(POP_FILE)
    rows = _raw_rows(POP_FILE)
    want = next(int(r["value"]) for r in rows if r["lad23_code"] == "E09000022" and r["year"] == "2023" and r["component"] == "population")
    got = pop.query("area_code == 'E09000022' and year == 2023")["persons"].item()
    assert got == want
