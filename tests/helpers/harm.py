"""Harm weight files for the weights loaders and the harm tests."""

from __future__ import annotations

from workbook.core.paths import DATA_DIR

INPUTS = DATA_DIR / "harm" / "ons_css_group_inputs_england_wales.csv"
OFFENCE_WEIGHTS = DATA_DIR / "harm" / "css_offence_weights_2019-20.csv"
OFFENCE_MIX = DATA_DIR / "harm" / "harm_offence_mix.csv"

HEADER = "# name: test table\n# version: 0.1\n"

OFFENCE_WEIGHTS_HEADER = "offence_code,offence_description,offence_group,css_weight,police_uk_category\n"

MIX_HEADER = (
    "category,harm_class,source_categories,offence_codes,within_mix,left_out,p1_column,"
    "ew_offences_2018,london_offences_2018\n"
)


def write_table(tmp_path, text: str, name: str = "w.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p
