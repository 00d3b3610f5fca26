"""Preparing an area: population for a year no file has is carried forward and said so."""

from __future__ import annotations

import pandas as pd
import yaml

from tests.conftest import POP_FILE
from workbook.assessment.prepare import prepare_assessment
from workbook.core.paths import AREAS_DIR, REPO_ROOT
from workbook.present.annex import sources_markdown
from workbook.present.tables import context_table


def test_a_missing_latest_population_year_is_carried_forward(tmp_path):
    raw = pd.read_csv(POP_FILE)
    raw[raw["year"] != 2023].to_csv(tmp_path / "pop.csv", index=False)
    cfg = yaml.safe_load((AREAS_DIR / "lambeth.yml").read_text())
    cfg["population"]["path"] = str(tmp_path / "pop.csv")
    for key in ("households_path", "census2021_path"):
        cfg["population"][key] = str(REPO_ROOT / cfg["population"][key])
    cfg["data"]["path"] = str(REPO_ROOT / cfg["data"]["path"])
    cfg["local_indicators"] = None
    (tmp_path / "lambeth.yml").write_text(yaml.safe_dump(cfg))
    a = prepare_assessment(tmp_path / "lambeth.yml", period="2023-11")
    lambeth_2022 = raw.query("lad23_code == 'E09000022' and year == 2022 and component == 'population'")["value"].item()
    assert (a.population.year, a.population.estimate_year, a.population.persons) == (2023, 2022, lambeth_2022)
    ctx = context_table(a).set_index("Measure")
    assert "Residents (mid-2022 estimate, the latest, carried forward to 2023)" in ctx.index
    assert "no estimate for 2023, so the latest, mid-2022, is carried forward" in sources_markdown(a)


def test_the_year_itself_is_used_when_present():
    a = prepare_assessment("lambeth", period="2023-11")
    assert a.population.estimate_year == 2023 and not a.population.carried_forward
