"""Local indicators: the CSV's checks (file, line, column), Wilson intervals
worked from the formula, changes on the previous period, and the
illustrative flag."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from workbook.core.errors import DataError, ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data.local_indicators import expected_marac_cases, load_local_indicators

EXAMPLE = DATA_DIR / "local_indicators" / "lambeth_ILLUSTRATIVE_local_indicators.csv"
HEADER = "indicator,period,numerator,denominator,unit,source,polarity"
Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval from its formula (Wilson 1927)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def write(tmp_path: Path, body: str, *, name: str = "area_indicators.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(header + "\n" + body.strip() + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shipped example


def test_example_is_illustrative_and_complete():
    li = load_local_indicators(EXAMPLE)
    assert li.illustrative is True
    assert "ILLUSTRATIVE" in EXAMPLE.name
    assert li.indicators == [
        "Confidence that the police and council deal with ASB and crime that matter",
        "Feel safe walking alone after dark",
        "MARAC cases discussed",
        "MARAC repeat referrals",
        "People in effective drug treatment",
        "Council-recorded ASB incidents",
    ]
    per = li.table.groupby("indicator")["period"].count()
    assert (per >= 3).all()
    assert li.table["source"].str.startswith("ILLUSTRATIVE").all()


def test_example_figures_by_formula():
    t = load_local_indicators(EXAMPLE).table.set_index(["indicator", "period"])
    conf = t.loc[("Confidence that the police and council deal with ASB and crime that matter", "2023/24")]
    lo, hi = wilson(526, 1021)
    assert conf["value"] == pytest.approx(526 / 1021)
    assert conf["lower_95"] == pytest.approx(lo, abs=1e-12)
    assert conf["upper_95"] == pytest.approx(hi, abs=1e-12)
    assert conf["difference"] == pytest.approx(526 / 1021 - 471 / 1004)  # in proportion points
    assert math.isnan(conf["pct_change"])  # no % change of a proportion
    repeat = t.loc[("MARAC repeat referrals", "2023/24")]
    assert repeat["value"] == pytest.approx(151 / 529)  # 28.5%
    drugs = t.loc[("People in effective drug treatment", "2023/24")]
    assert (drugs["previous_period"], drugs["previous_value"], drugs["difference"]) == ("2022/23", 1209, 38)
    assert drugs["pct_change"] == pytest.approx(100 * 38 / 1209)  # +3.14%
    assert math.isnan(drugs["lower_95"])


def test_latest_rows():
    latest = load_local_indicators(EXAMPLE).latest().set_index("indicator")
    assert set(latest["period"]) == {"2023/24"}
    assert latest.loc["Council-recorded ASB incidents", "value"] == 5731


def test_marac_expected_volume():
    # SafeLives: about 40 cases a year per 10,000 women aged 16 and over.
    assert expected_marac_cases(134_000) == 536
    assert expected_marac_cases(10_000) == 40
    with pytest.raises(ValueInputError):
        expected_marac_cases(-1)


# --------------------------------------------------------------------------- the flag


def test_flag_from_name_or_rows(tmp_path):
    body = "ASB,2023-01,5,,count,Council,lower_is_better"
    assert load_local_indicators(write(tmp_path, body, name="x_illustrative.csv")).illustrative
    assert not load_local_indicators(write(tmp_path, body, name="x.csv")).illustrative
    declared = write(tmp_path, body + ",true", name="y.csv", header=HEADER + ",illustrative")
    assert load_local_indicators(declared).illustrative
    undeclared = write(tmp_path, body + ",false", name="z.csv", header=HEADER + ",illustrative")
    assert not load_local_indicators(undeclared).illustrative


# --------------------------------------------------------------------------- computations


def test_wilson_interval_38_of_100(tmp_path):
    # NI 32 baseline: 38% repeat incidents; Wilson 95% for 38/100 is 29.1% to 47.8%.
    li = load_local_indicators(write(tmp_path, "Repeat DV,2007/08,38,100,proportion,MARAC,no_judgement"))
    row = li.table.iloc[0]
    assert round(row["lower_95"], 4) == 0.2910
    assert round(row["upper_95"], 4) == 0.4779
    assert (row["lower_95"], row["upper_95"]) == tuple(pytest.approx(v) for v in wilson(38, 100))


def test_count_change_uses_previous_period_in_series(tmp_path):
    body = """
ASB,2023-04,90,,count,Council,lower_is_better
ASB,2023-01,100,,count,Council,lower_is_better
ASB,2023-02,0,,count,Council,lower_is_better
"""
    t = load_local_indicators(write(tmp_path, body)).table
    assert t["period"].tolist() == ["2023-01", "2023-02", "2023-04"]  # sorted by period
    assert t["difference"].tolist()[1:] == [-100, 90]
    assert t["pct_change"].iloc[1] == -100
    assert math.isnan(t["pct_change"].iloc[2])  # no % change on a zero base
    assert t["previous_period"].iloc[2] == "2023-02"  # the gap (March) is visible
    assert t["line"].tolist() == [3, 4, 2]


def test_thousands_separators(tmp_path):
    li = load_local_indicators(write(tmp_path, 'ASB,2022/23,"6,412",,count,Council,lower_is_better'))
    assert li.table["value"].iloc[0] == 6412


# --------------------------------------------------------------------------- errors name file, line, column


@pytest.mark.parametrize(
    ("row", "line", "column", "words"),
    [
        ("Safe,2022/23,600,500,proportion,Survey,higher_is_better", 3, "numerator", "above the denominator"),
        ("ASB,2022/23,-4,,count,Council,lower_is_better", 3, "numerator", "negative"),
        ("Safe,2022/23,60,-100,proportion,Survey,higher_is_better", 3, "denominator", "negative"),
        ("ASB,2022-23,4,,count,Council,lower_is_better", 3, "period", "not a month"),
        ("ASB,2023-13,4,,count,Council,lower_is_better", 3, "period", "2023-13"),
        ("ASB,2022/24,4,,count,Council,lower_is_better", 3, "period", "malformed"),
        ("ASB,2022/23,4,10,count,Council,lower_is_better", 3, "denominator", "given for a count"),
        ("Safe,2022/23,60,,proportion,Survey,higher_is_better", 3, "denominator", "blank denominator"),
        ("Safe,2022/23,60,0,proportion,Survey,higher_is_better", 3, "denominator", "is 0"),
        ("ASB,2022/23,four,,count,Council,lower_is_better", 3, "numerator", "not a number"),
        ("ASB,2022/23,4.5,,count,Council,lower_is_better", 3, "numerator", "whole number"),
        ("ASB,2022/23,4,,rate,Council,lower_is_better", 3, "unit", "count or proportion"),
        ("ASB,2022/23,4,,count,Council,down", 3, "polarity", "lower_is_better"),
        ("ASB,2022/23,4,,count,,lower_is_better", 3, "source", "blank source"),
        ("ASB,2021/22,4,,count,Council,lower_is_better", 3, "period", "appears twice"),
        ("ASB,2023-03,4,,count,Council,lower_is_better", 3, "period", "kind of period"),
        ("ASB,2020/21,4,,count,Council,higher_is_better", 3, "polarity", "one polarity"),
    ],
)
def test_row_errors(tmp_path, row, line, column, words):
    path = write(tmp_path, "ASB,2021/22,5,,count,Council,lower_is_better\n" + row)
    with pytest.raises(DataError) as exc:
        load_local_indicators(path)
    err = exc.value
    assert (err.path, err.row, err.column) == (path, line, column)
    assert words in str(err)
    assert str(err).startswith(f"{path}, line {line}, column {column!r}:")


def test_missing_and_unknown_columns(tmp_path):
    path = write(tmp_path, "ASB,2022/23,4,,count,lower_is_better", header=HEADER.replace(",source", ""))
    with pytest.raises(DataError) as exc:
        load_local_indicators(path)
    assert exc.value.column == "source" and "missing column" in str(exc.value)
    path = write(tmp_path, "ASB,2022/23,4,,count,Council,lower_is_better,x", header=HEADER + ",colour")
    with pytest.raises(DataError, match="unexpected column 'colour'"):
        load_local_indicators(path)


def test_empty_missing_and_ragged_files(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_local_indicators(tmp_path / "nothing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="empty"):
        load_local_indicators(empty)
    with pytest.raises(DataError, match="no rows"):
        load_local_indicators(write(tmp_path, ""))
    with pytest.raises(DataError) as exc:
        load_local_indicators(write(tmp_path, "ASB,2022/23,4,,count"))
    assert exc.value.row == 2 and "5 fields" in str(exc.value)
