"""Sentences built from hand-made results: wording follows direction, size and significance."""

from __future__ import annotations

from workbook.present.formats import format_pct, md_text


def test_percent_rounding_and_escaping():
    assert format_pct(-44.97) == "-45%" and format_pct(0.4, signed=True) == "0%"
    assert md_text("<b>*x*</b>") == "&lt;b&gt;\\*x\\*&lt;/b&gt;"
