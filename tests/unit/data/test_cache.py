"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import errno

import pandas as pd
import pytest

from tests.conftest import COL_TIDY
from workbook.core.errors import DataError
from workbook.data.cache import CACHE_ENV, clear_memory_cache, load_source_cached, source_cache_key
from workbook.data.sources import load_source

# --------------------------------------------------------------------------- parsed-data cache


def test_cached_table_equals_the_loaders_and_is_reused(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    clear_memory_cache()
    first = load_source_cached(COL_TIDY, format="tidy")
    pd.testing.assert_frame_equal(first, load_source(COL_TIDY, format="tidy"))
    files = list((tmp_path / "parsed").glob("*.parquet"))
    assert len(files) == 1
    clear_memory_cache()
    again = load_source_cached(COL_TIDY, format="tidy")  # read back from parquet
    pd.testing.assert_frame_equal(again, first)
    assert again.dtypes.to_dict() == first.dtypes.to_dict()


def test_cache_key_follows_the_bytes(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    clear_memory_cache()
    src = tmp_path / "data.csv"
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,1\n2023-02,E09000022,Burglary,2\n")
    assert int(load_source_cached(src)["count"].sum()) == 3
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,1\n2023-02,E09000022,Burglary,5\n")
    assert int(load_source_cached(src)["count"].sum()) == 6
    src.write_text("month,area_code,category,count\n2023-01,E09000022,Burglary,-1\n")
    with pytest.raises(DataError, match="count '-1' is negative"):
        load_source_cached(src)


def test_a_damaged_or_unwritable_cache_is_never_fatal(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    clear_memory_cache()
    key = source_cache_key(COL_TIDY, format="tidy")
    (tmp_path / "parsed").mkdir()
    (tmp_path / "parsed" / f"{key}.parquet").write_bytes(b"not parquet")
    assert int(load_source_cached(COL_TIDY, format="tidy")["count"].sum()) == 31824
    clear_memory_cache()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert int(load_source_cached(COL_TIDY, format="tidy")["count"].sum()) == 31824
    assert not list((tmp_path / "elsewhere" / "parsed").glob("*.parquet"))
