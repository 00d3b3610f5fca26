"""Key figures checked in the notebooks: each notebook's ``# NBVAL_CHECK_OUTPUT`` cell is given
the figures a test works out from the raw Met file (never from the package), and nbval runs the
notebook and compares.  A change in a number is a notebook test failure; the committed notebooks
stay without outputs."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MPS_FILE
from workbook.core.paths import NOTEBOOKS_DIR, REPO_ROOT

pytestmark = pytest.mark.slow

# Met major (and theft minor) categories -> police.uk's, written here independently of the package.
MAJOR = {"VIOLENCE AGAINST THE PERSON": "Violence and sexual offences", "SEXUAL OFFENCES": "Violence and sexual offences",
         "ROBBERY": "Robbery", "BURGLARY": "Burglary", "DRUG OFFENCES": "Drugs", "VEHICLE OFFENCES": "Vehicle crime",
         "POSSESSION OF WEAPONS": "Possession of weapons", "PUBLIC ORDER OFFENCES": "Public order",
         "ARSON AND CRIMINAL DAMAGE": "Criminal damage and arson"}
THEFT = {"BICYCLE THEFT": "Bicycle theft", "SHOPLIFTING": "Shoplifting", "OTHER THEFT": "Other theft",
         "THEFT FROM THE PERSON": "Theft from the person"}


def raw_ytd(borough: str, year: int, last_month: int) -> dict[str, tuple[int, int]]:
    """(current, previous) financial-year-to-date counts by category from the raw CSV."""
    cur = [f"{year}{m:02d}" for m in range(4, last_month + 1)]
    prev = [f"{year - 1}{m:02d}" for m in range(4, last_month + 1)]
    out: dict[str, list[int]] = {}
    with open(MPS_FILE, newline="", encoding="utf-8-sig") as fh:
        for r in csv.DictReader(fh):
            if r["BoroughName"] != borough:
                continue
            cat = THEFT[r["MinorText"]] if r["MajorText"] == "THEFT" else MAJOR.get(r["MajorText"], "Other crime")
            for name in (cat, "All crime"):
                c = out.setdefault(name, [0, 0])
                c[0] += sum(int(r[m] or 0) for m in cur)
                c[1] += sum(int(r[m] or 0) for m in prev)
    return {k: (v[0], v[1]) for k, v in out.items()}


def expected_text(area: str, span: str, categories: list[str], counts: dict[str, tuple[int, int]]) -> str:
    lines = [f"{area}, {span} (a year earlier)"]
    lines += [f"{c}: {counts[c][0]:,} ({counts[c][1]:,})" for c in ["All crime", *categories]]
    return "\n".join(lines) + "\n"


def run_with_expected(notebook: Path, text: str, tmp_path: Path, parameters: dict[str, str]) -> subprocess.CompletedProcess:
    nb = json.loads(notebook.read_text())
    for cell in nb["cells"]:
        src = "".join(cell["source"])
        if cell["cell_type"] == "code" and src.startswith("# NBVAL_CHECK_OUTPUT"):
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
            cell["execution_count"] = 1
        elif "parameters" in cell.get("metadata", {}).get("tags", []):
            for k, v in parameters.items():
                src = src.replace(f'{k}: str = ""', f'{k}: str = "{v}"')
            cell["source"] = src
    copy = tmp_path / notebook.name
    copy.write_text(json.dumps(nb))
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", "-p", "no:cacheprovider",
                           "-p", "no:randomly", "--rootdir", str(tmp_path), str(copy)],
                          capture_output=True, text=True, cwd=REPO_ROOT)


LAMBETH_ORDER = ["Violence and sexual offences", "Other theft", "Theft from the person", "Vehicle crime",
                 "Public order", "Burglary", "Robbery", "Criminal damage and arson", "Drugs", "Shoplifting",
                 "Bicycle theft", "Other crime", "Possession of weapons"]


def test_assessment_headline_figures_match_the_raw_file(tmp_path):
    counts = raw_ytd("Lambeth", 2023, 11)
    order = sorted((c for c in counts if c != "All crime"), key=lambda c: -counts[c][0])
    text = expected_text("Lambeth", "April to November 2023", order, counts)
    assert "All crime: 24,269 (22,582)" in text
    proc = run_with_expected(NOTEBOOKS_DIR / "assessment.ipynb", text, tmp_path, {"period": "2023-11"})
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_a_changed_figure_fails_the_notebook_test(tmp_path):
    counts = raw_ytd("Lambeth", 2023, 11)
    counts["All crime"] = (counts["All crime"][0] + 1, counts["All crime"][1])
    order = sorted((c for c in counts if c != "All crime"), key=lambda c: -counts[c][0])
    proc = run_with_expected(NOTEBOOKS_DIR / "assessment.ipynb",
                             expected_text("Lambeth", "April to November 2023", order, counts), tmp_path,
                             {"period": "2023-11"})
    assert proc.returncode != 0
    assert "24,270" in proc.stdout and "24,269" in proc.stdout


def test_monitoring_headline_figures_match_the_raw_file(tmp_path):
    counts = raw_ytd("Lambeth", 2023, 11)
    cur = [f"2023{m:02d}" for m in range(4, 12)]
    prev = [f"2022{m:02d}" for m in range(4, 12)]
    residential = ("DOMESTIC BURGLARY", "RES BURGLARY OF A HOME", "RES BURGLARY OF UNCONNECTED BUILDING")
    with open(MPS_FILE, newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if r["BoroughName"] == "Lambeth" and r["MinorText"] in residential]
    counts["Residential burglary"] = (sum(int(r[m] or 0) for r in rows for m in cur),
                                      sum(int(r[m] or 0) for r in rows for m in prev))
    # the watched groups: the target's subcategory first, then the six largest groups by this year's count
    main = ["Violence and sexual offences", "Other theft", "Theft from the person", "Vehicle crime", "Public order",
            "Burglary"]
    text = expected_text("Lambeth", "April to November 2023", ["Residential burglary", *main], counts)
    proc = run_with_expected(NOTEBOOKS_DIR / "monitoring.ipynb", text, tmp_path, {"period": "2023-11"})
    assert proc.returncode == 0, proc.stdout[-3000:]
