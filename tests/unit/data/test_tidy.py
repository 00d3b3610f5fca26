"""Loaders on the real embedded files and on broken copies of them."""

from __future__ import annotations

import pytest

from tests.conftest import COL_TIDY
from tests.helpers.ingest import _broken_copy, _raw_rows, _replace_field
from workbook.core.errors import DataError
from workbook.data.tidy import load_tidy


def test_tidy_city_of_london_aggregate():
    df = load_tidy(COL_TIDY)
    rows = _raw_rows(COL_TIDY)
    assert df["count"].sum() == sum(int(r["count"]) for r in rows) == 31824
    assert df["month"].nunique() == 48
    june = sum(int(r["count"]) for r in rows if r["month"] == "2019-06")
    assert df.loc[df["month"] == "2019-06-01", "count"].sum() == june == 922


def test_non_numeric_count_tidy(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 25, 4, "3.5"))
    with pytest.raises(DataError, match="not a whole number") as exc:
        load_tidy(path)
    assert (exc.value.row, exc.value.column) == (25, "count")
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 7, 4, "n/a"))
    with pytest.raises(DataError, match="'n/a' is not a number") as exc:
        load_tidy(path)
    assert exc.value.row == 7


def test_unparseable_month_tidy(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 3, 0, "2017-13"))
    with pytest.raises(DataError, match="cannot read month '2017-13'") as exc:
        load_tidy(path)
    assert exc.value.row == 3


def test_negative_count(tmp_path):
    path = _broken_copy(tmp_path, COL_TIDY, lambda t: _replace_field(t, 12, 4, "-2"))
    with pytest.raises(DataError, match="negative") as exc:
        load_tidy(path)
    assert exc.value.row == 12
