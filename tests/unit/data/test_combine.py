"""Several sources, one series: the City of London's shipped history split the way real
downloads come (an older file and a newer one that overlaps it and revises some months)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import COL_TIDY
from workbook.assessment.prepare import prepare_assessment
from workbook.core.errors import DataError

REVISED = ("2019-07", "Shoplifting")


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """history to 2019-12; a newer download from 2019-06 with one month's shoplifting revised up by 3."""
    raw = pd.read_csv(COL_TIDY, dtype=str, keep_default_na=False)
    d = tmp_path_factory.mktemp("col")
    old = raw[raw["month"] <= "2019-12"]
    new = raw[raw["month"] >= "2019-06"].copy()
    first = new[(new["month"] == REVISED[0]) & (new["crime_type"] == REVISED[1])].index[0]
    new.loc[first, "count"] = str(int(new.loc[first, "count"]) + 3)
    old.to_csv(d / "history.csv", index=False)
    new.to_csv(d / "latest.csv", index=False)
    gap = raw[raw["month"] >= "2020-03"]
    gap.to_csv(d / "from_2020-03.csv", index=False)
    return d, raw


def test_history_plus_later_months_is_one_continuous_series(split):
    d, raw = split
    a = prepare_assessment("city-of-london", period="2020-12", data_path=[d / "history.csv", d / "latest.csv"])
    whole = prepare_assessment("city-of-london", period="2020-12")
    assert [p.name for p in a.data_paths] == ["history.csv", "latest.csv"]
    assert a.data["month"].nunique() == whole.data["month"].nunique() == raw["month"].nunique()
    by_month = a.data.groupby("month")["count"].sum() - whole.data.groupby("month")["count"].sum()
    assert by_month[by_month != 0].to_dict() == {pd.Timestamp("2019-07-01"): 3}  # the newer file's revision wins
    months_from = a.months_from.set_index("month")["source"]
    assert months_from[pd.Timestamp("2019-05-01")] == "history.csv"
    assert months_from[pd.Timestamp("2019-06-01")] == "latest.csv"


def test_revisions_are_listed(split):
    d, raw = split
    a = prepare_assessment("city-of-london", period="2020-12", data_path=[d / "latest.csv", d / "history.csv"])
    shop = raw[(raw["month"] == REVISED[0]) & (raw["crime_type"] == REVISED[1])]["count"].astype(int).sum()
    assert a.revisions[["category", "old_count", "new_count", "difference"]].values.tolist() == [
        ["Shoplifting", shop, shop + 3, 3]]
    assert a.revisions["month"].dt.strftime("%Y-%m").tolist() == ["2019-07"]


def test_a_gap_between_sources_names_the_missing_months(split):
    d, _ = split
    with pytest.raises(DataError, match=r"from_2020-03.csv: the sources leave a gap: no data for 2020-01, 2020-02"):
        prepare_assessment("city-of-london", period="2020-12", data_path=[d / "history.csv", d / "from_2020-03.csv"])
