"""Published output protects small numbers and shows hostile text as text."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from workbook.core.paths import AREAS_DIR, DATA_DIR
from workbook.run.assess import run_assessment

pytestmark = pytest.mark.slow

HOSTILE = "<script>alert(1)</script>"


def test_no_published_csv_holds_a_suppressed_count(tmp_path):
    """A strict rule (counts below 700 of sexual offences by district) on Lambeth and
    Southwark: the district counts 703/685 and 655/637 are hidden, and neither
    they nor anything that reveals them is in any published file."""
    raw = yaml.safe_load((AREAS_DIR / "lambeth-southwark.yml").read_text())
    raw["disclosure"] = {"threshold": 700, "categories": ["Sexual offences"]}
    cfg = tmp_path / "strict.yml"
    cfg.write_text(yaml.safe_dump(raw))
    result = run_assessment(cfg, period="2023-11", output_root=tmp_path / "out")
    tables = result.report_dir / "tables"
    sexual = [p for p in tables.glob("by_district_*.csv") if "Sexual offences" in p.read_text()]
    assert len(sexual) == 1
    published = pd.read_csv(sexual[0], dtype=str).set_index("area_name")
    for district in ("Lambeth", "Southwark"):
        for col in ("previous", "current", "difference", "pct_change", "rate_ratio", "p_value"):
            assert published.loc[district, col] == "<700", (district, col)
    # the hidden district counts appear nowhere in the published files or the page
    hidden = {"703", "685", "655", "637"}
    assert not any(v in sexual[0].read_text() for v in hidden)
    # other tables may legitimately hold these numbers for other categories; what must not
    # appear anywhere is a sexual-offences row for a district with its real numbers
    checked = 0
    for path in tables.glob("*.csv"):
        t = pd.read_csv(path, dtype=str, keep_default_na=False)
        if not {"area_name", "category"} <= set(t.columns):
            continue
        rows = t[(t["category"] == "Sexual offences") & t["area_name"].isin(["Lambeth", "Southwark"])]
        checked += len(rows)
        assert not rows.isin(hidden).any().any(), path.name
    assert checked == 2  # the two district rows of the suppressed table itself
    html = result.html_path.read_text()
    shown = re.findall(r"<table\b(?:(?!</table>).)*Sexual offences by district(?:(?!</table>).)*</table>", html, re.S)
    assert len(shown) == 1
    cells = set(re.findall(r"<t[dh][^>]*>\s*([^<]*?)\s*</t[dh]>", shown[0]))
    assert "&lt;700" in cells and not cells & hidden
    assert "Suppressed in this report: Sexual offences by district" in html
    # the analyst keeps the real numbers in the executed notebook, which is not published
    assert "703" in (result.report_dir / "assessment.ipynb").read_text()


def test_hostile_names_in_config_and_data_are_escaped(tmp_path):
    src = DATA_DIR / "police_uk" / "city_of_london" / "col_month_lsoa_crime_type.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    df["subcategory"] = df["crime_type"].where(df["crime_type"] != "Robbery", HOSTILE)
    data = tmp_path / "hostile.csv"
    df.to_csv(data, index=False)
    raw = yaml.safe_load((AREAS_DIR / "city-of-london.yml").read_text())
    raw["name"] = f"City {HOSTILE}"
    raw["short_name"] = f"Short {HOSTILE}"
    raw["data"]["path"] = str(data)
    raw["data"]["description"] = f"Police data {HOSTILE} *bold* [link](javascript:alert(1))"
    cfg = tmp_path / "hostile.yml"
    cfg.write_text(yaml.safe_dump(raw))
    result = run_assessment(cfg, period="2020-12", output_root=tmp_path / "out")
    html = result.html_path.read_text()
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[link](javascript:alert(1))" in html  # shown as text, not made a link
    assert "href=\"javascript" not in html
    assert "<script" not in html.lower()
