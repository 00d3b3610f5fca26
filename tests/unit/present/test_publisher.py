"""Tests for workbook.present.publisher: every published file goes through one disclosure step.

The figures are small hand-made tables; what each published file must show is
worked out by hand from the rule.
"""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from workbook.config.disclosure import DisclosureRule
from workbook.core.errors import ValueInputError
from workbook.present.publisher import Publisher
from workbook.stats.compare import add_change_columns, comparison_protection


def comparison(rows: list[tuple[str, int, int]], label: str = "area_name") -> pd.DataFrame:
    t = pd.DataFrame(rows, columns=[label, "previous", "current"])
    return add_change_columns(t)


def cells(block) -> list[str]:
    return re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", block.html)


def test_table_html_and_csv_carry_the_same_protected_figures(tmp_path):
    pub = Publisher(tmp_path, disclosure=DisclosureRule())
    full = comparison([("A", 3, 10), ("B", 20, 25), ("C", 30, 28), ("Total", 53, 63)]).assign(category="Sexual offences")
    block = pub.table(full[["area_name", "previous", "current"]], name="sexual", caption="Sexual offences", csv=full,
                      protect=comparison_protection(full, label_col="area_name", total_label="Total",
                                                    category="Sexual offences"))
    csv = pd.read_csv(tmp_path / "tables" / "sexual.csv", dtype=str)
    # A's 3 is hidden, and B's 20 with it (53 - 20 - 30 = 3); every derived column of both rows too.
    assert csv["previous"].tolist() == ["<5", "<5", "30", "53"]
    assert set(csv.loc[0, ["difference", "pct_change", "rate_ratio", "p_value", "significant"]]) == {"<5"}
    assert cells(block)[3:6] == ["A", "&lt;5", "10"]
    assert "3" not in cells(block) and "20" not in cells(block)
    assert pub.suppression_log()["table"].unique().tolist() == ["Sexual offences"]


def test_breakdowns_are_protected_together_and_written_separately(tmp_path):
    pub = Publisher(tmp_path, disclosure=DisclosureRule(threshold=100, categories=["Sexual offences"]))
    tables = {
        "Violence": comparison([("A", 901, 951), ("B", 802, 821), ("Total", 1703, 1772)]),
        "Assault": comparison([("A", 847, 893), ("B", 760, 775), ("Total", 1607, 1668)]),
        "Sexual offences": comparison([("A", 54, 58), ("B", 42, 46), ("Total", 96, 104)]),
    }
    items = [{"key": k, "df": t[["area_name", "previous", "current"]], "csv": t, "name": f"t{i}",
              "caption": f"{k} by district"} for i, (k, t) in enumerate(tables.items())]
    blocks = pub.tables(items, protect=comparison_protection(tables["Violence"], label_col="area_name",
                                                             total_label="Total"),
                        parents={"Assault": "Violence", "Sexual offences": "Violence"})
    assert len(blocks) == 3
    csv = {i: pd.read_csv(tmp_path / "tables" / f"t{i}.csv", dtype=str) for i in range(3)}
    # Sexual offences' districts are small; Assault's would give them back as Violence minus Assault
    # (901 - 847 = 54), so they are hidden too; Violence itself is not sensitive and shows.
    assert csv[2]["previous"].tolist() == ["<100", "<100", "96"]
    assert csv[1]["previous"].tolist() == ["<100", "<100", "1607"]
    assert csv[0]["previous"].tolist() == ["901", "802", "1703"]
    assert "847" not in blocks[1].html and "54" not in blocks[2].html


def test_a_partnership_figure_keeps_the_form_it_was_first_published_in(tmp_path):
    rule = DisclosureRule(threshold=100, categories=["Sexual offences"], levels=["sub_area", "area"])
    pub = Publisher(tmp_path, disclosure=rule)
    # The year-to-date table: Sexual offences' 96 at partnership level is below 100, so hidden, and the
    # next-smallest category with it (Robbery's 400; All crime would otherwise give 96 back).
    ytd = comparison([("Sexual offences", 96, 104), ("Robbery", 400, 420), ("Burglary", 500, 510),
                      ("All crime", 996, 1034)], label="category")
    pub.table(ytd[["category", "previous"]], name="ytd", caption="Year to date", csv=ytd,
              protect=comparison_protection(ytd, label_col="category", category_col="category",
                                            total_label="All crime", level="area"))
    first = pd.read_csv(tmp_path / "tables" / "ytd.csv", dtype=str).set_index("category")
    assert first.loc[["Sexual offences", "Robbery"], "previous"].tolist() == ["<100", "<100"]
    # The district breakdown of Robbery (not sensitive) must not show the total 400 that the year-to-date
    # table hid: it is hidden there too, and a district with it (else 400 = 150 + 250).
    robbery = comparison([("A", 150, 160), ("B", 250, 260), ("Total", 400, 420)])
    pub.tables([{"key": "Robbery", "df": robbery, "name": "robbery", "caption": "Robbery by district"}],
               protect=comparison_protection(robbery, label_col="area_name", total_label="Total"))
    by = pd.read_csv(tmp_path / "tables" / "robbery.csv", dtype=str).set_index("area_name")
    assert by.loc["Total", "previous"] == "<100" and by.loc["A", "previous"] == "<100"
    assert by.loc["Total", "current"] == first.loc["Robbery", "current"] == "420"


def test_a_second_partnership_table_is_held_to_the_first():
    rule = DisclosureRule(threshold=100, categories=["Sexual offences"], levels=["sub_area", "area"])
    pub = Publisher(disclosure=rule)
    spec = {"label_col": "category", "category_col": "category", "total_label": "All crime", "level": "area"}
    first = comparison([("Sexual offences", 96, 104), ("Robbery", 400, 420), ("Burglary", 500, 510),
                        ("All crime", 996, 1034)], label="category")
    pub.table(first, name="a", caption="A", protect=comparison_protection(first, **spec))
    # Robbery's 400 was hidden to protect the 96; a table of the other groups must hide it too, and then
    # one more cell of its column (else 900 - 500 = 400).  Burglary's 500 is already published in A, so
    # hiding it would protect nothing: the total 900 goes instead.
    second = comparison([("Robbery", 400, 420), ("Burglary", 500, 510), ("All crime", 900, 930)], label="category")
    block = pub.table(second, name="b", caption="B", protect=comparison_protection(second, **spec))
    assert cells(block)[cells(block).index("Robbery") + 1] == "&lt;100"  # its previous count
    assert cells(block)[cells(block).index("All crime") + 1] == "&lt;100"
    assert cells(block)[cells(block).index("Burglary") + 1] == "500"
    assert ">400<" not in block.html and ">900<" not in block.html
    # A row under the same name with other figures (another window, say) is a different figure: not held.
    third = comparison([("Robbery", 401, 420), ("Burglary", 500, 510), ("All crime", 901, 930)], label="category")
    block3 = pub.table(third, name="c", caption="C", protect=comparison_protection(third, **spec))
    assert ">401<" in block3.html


def test_chart_data_go_through_the_rule(tmp_path):
    data = pd.DataFrame({"month": ["2023-01", "2023-02"], "Sexual offences": [3, 4], "Robbery": [40, 41]})
    # Partnership figures are outside the default rule: the chart and its data are published as they are.
    pub = Publisher(tmp_path, disclosure=DisclosureRule())
    fig, _ = plt.subplots()
    pub.figure(fig, name="trend", alt="Monthly counts of two offence groups in 2023.", caption="Trend", data=data)
    assert pd.read_csv(tmp_path / "tables" / "trend.csv")["Sexual offences"].tolist() == [3, 4]
    # A rule covering the partnership level refuses a chart of covered figures: it cannot be redrawn protected.
    strict = Publisher(tmp_path / "strict", disclosure=DisclosureRule(levels=["sub_area", "area"]))
    fig, _ = plt.subplots()
    with pytest.raises(ValueInputError, match="'Sexual offences'"):
        strict.figure(fig, name="trend", alt="Monthly counts of two offence groups in 2023.", caption="Trend",
                      data=data)
    assert not (tmp_path / "strict" / "tables" / "trend.csv").exists()
    # ... and the same for a table published without protect=
    with pytest.raises(ValueInputError, match="protect="):
        strict.table(pd.DataFrame({"category": ["Sexual offences"], "count": [3]}), name="harm", caption="Harm")
    fine = strict.figure(plt.subplots()[0], name="robbery", alt="Monthly counts of robbery in early 2023.",
                         caption="Robbery", data=data[["month", "Robbery"]])
    assert "41" in fine.html


def test_a_chart_whose_data_the_rule_would_change_is_refused(tmp_path):
    top = pd.DataFrame({"lsoa_name": ["X 001A", "X 001B"], "previous": [40, 3], "current": [41, 12]})
    top["difference"] = top["current"] - top["previous"]
    spec = {"count_columns": ["previous", "current"], "difference_columns": {"difference": ("current", "previous")},
            "label_col": "lsoa_name", "category": "All crime"}
    # All crime is outside the default rule: nothing changes, the chart is published.
    pub = Publisher(tmp_path, disclosure=DisclosureRule())
    pub.figure(plt.subplots()[0], name="top", alt="The neighbourhoods with most recorded crime.", caption="Top",
               data=top, protect=spec)
    assert pd.read_csv(tmp_path / "tables" / "top.csv")["previous"].tolist() == [40, 3]
    # A rule over every category would hide X 001B's 3: the bars would show it, so the chart is refused.
    strict = Publisher(tmp_path / "strict", disclosure=DisclosureRule(all_categories=True))
    with pytest.raises(ValueInputError, match="'top' would show figures"):
        strict.figure(plt.subplots()[0], name="top", alt="The neighbourhoods with most recorded crime.",
                      caption="Top", data=top, protect=spec)
    assert not (tmp_path / "strict" / "tables" / "top.csv").exists()
