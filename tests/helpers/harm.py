"""Harm weight files for the weights loader and the harm tests."""

from __future__ import annotations

from workbook.core.paths import DATA_DIR

INPUTS = DATA_DIR / "harm" / "ons_css_group_inputs_england_wales.csv"

HEADER = "# name: test table\n# version: 0.1\n"


def write_table(tmp_path, text: str, name: str = "w.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p
