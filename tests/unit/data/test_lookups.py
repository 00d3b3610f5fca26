"""Hotspots: concentration, top neighbourhoods and the hotspot classes, on
hand-made data whose answers are worked out by hand, and on the City of
London aggregate checked against a plain pandas calculation."""

from __future__ import annotations

import pandas as pd
import pytest

from workbook.core.errors import ValueInputError
from workbook.core.paths import DATA_DIR
from workbook.data.lookups import lsoa_centroids

COL_RAW = DATA_DIR / "police_uk" / "city_of_london" / "raw" / "2019-06-city-of-london-street.csv"


# --------------------------------------------------------------------------- coordinates and charts


def test_lsoa_centroids_by_hand():
    raw = pd.DataFrame(
        {
            "Longitude": [-0.10, -0.08, -0.09, None],
            "Latitude": [51.50, 51.52, 51.51, None],
            "LSOA code": ["A", "A", "B", "B"],
            "LSOA name": ["Alpha", "Alpha", "Beta", "Beta"],
        }
    )
    c = lsoa_centroids(raw).set_index("lsoa_code")
    assert c.loc["A", "longitude"] == pytest.approx(-0.09)
    assert c.loc["A", "latitude"] == pytest.approx(51.51)
    assert c.loc["B", "n_records"] == 1  # the row without coordinates is left out
    assert c.loc["B", "lsoa_name"] == "Beta"


def test_lsoa_centroids_checks_columns_and_degrees():
    with pytest.raises(ValueInputError, match="Longitude"):
        lsoa_centroids(pd.DataFrame({"LSOA code": ["A"]}))
    with pytest.raises(ValueInputError, match="not a position"):
        lsoa_centroids(pd.DataFrame({"LSOA code": ["A"], "Longitude": [530000.0], "Latitude": [180000.0]}))


def test_centroids_from_the_raw_city_month():
    raw = pd.read_csv(COL_RAW)
    c = lsoa_centroids(raw)
    assert len(c) == raw["LSOA code"].dropna().nunique()
    # City of London 001F, computed here without the library.
    f = raw[raw["LSOA code"] == "E01032739"]
    row = c.set_index("lsoa_code").loc["E01032739"]
    assert row["longitude"] == pytest.approx(f["Longitude"].mean())
    assert row["n_records"] == len(f)
