"""Shared fixtures: paths of the real embedded data, and a clean matplotlib state."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from workbook.paths import DATA_DIR  # noqa: E402

MPS_FILE = DATA_DIR / "mps" / "MPS_Borough_Level_Crime_Historical.csv"
COL_TIDY = DATA_DIR / "police_uk" / "city_of_london" / "col_month_lsoa_crime_type.csv"
COL_RAW = DATA_DIR / "police_uk" / "city_of_london" / "raw" / "2019-06-city-of-london-street.csv"
POP_FILE = DATA_DIR / "population" / "london_borough_population_components_mid2011_mid2024.csv"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture
def mps_file() -> Path:
    return MPS_FILE


@pytest.fixture
def col_raw() -> Path:
    return COL_RAW
