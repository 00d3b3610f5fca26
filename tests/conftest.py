"""Shared fixtures: paths of the real embedded data, and a clean matplotlib state."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from workbook.core.paths import DATA_DIR  # noqa: E402

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


# The shipped areas and the month their embedded data end in.
SHIPPED_AREAS = {"lambeth": "2023-11", "lambeth-southwark": "2023-11", "city-of-london": "2020-12",
                 "central-bedfordshire": "2023-10"}


@pytest.fixture(scope="session")
def shipped_report(tmp_path_factory):
    """``shipped_report(area, product="assessment")`` -> that area's report folder, generated once per
    test session through the CLI (``workbook assess``, ``monitor``, ``targets`` or ``explore <chapter>``
    for the products ``explore-<chapter>``) into a temporary folder."""
    from workbook.cli import main
    from workbook.run.products import EXPLORE_CHAPTERS

    root = tmp_path_factory.mktemp("shipped-reports")
    done: dict[tuple[str, str], Path] = {}

    commands = {"assessment": ["assess"], "monitoring": ["monitor"], "targets": ["targets"]} | {
        f"explore-{chapter}": ["explore", chapter] for chapter in EXPLORE_CHAPTERS}

    def get(area: str, product: str = "assessment") -> Path:
        if (area, product) not in done:
            period = SHIPPED_AREAS[area]
            rc = main(["-q", *commands[product], "--area", area, "--period", period, "--output", str(root)])
            assert rc == 0, f"workbook {' '.join(commands[product])} --area {area} exited {rc}"
            done[area, product] = root / area / (period if product == "assessment" else f"{period}-{product}")
        return done[area, product]

    return get
