"""Detecting a source's format and loading it with the right loader."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError
from workbook.data.mps import load_mps_borough
from workbook.data.police_uk import _STREET_FILE, load_police_uk_street
from workbook.data.tidy import load_tidy

# --------------------------------------------------------------------------- dispatch


def detect_format(path: str | Path) -> str:
    """Say which loader reads ``path``: ``"police_uk"``, ``"mps_borough"`` or ``"tidy"``.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> detect_format(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv")
    'mps_borough'
    >>> detect_format(DATA_DIR / "police_uk/city_of_london/raw")
    'police_uk'
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or folder", path=path)
    if path.is_dir() or zipfile.is_zipfile(path) or _STREET_FILE.search(path.name):
        return "police_uk"
    with open(path, "rb") as fh:
        head = fh.readline(4096).decode("utf-8-sig", errors="replace")
    cols = [c.strip().strip('"') for c in head.split(",")]
    if "MajorText" in cols:
        return "mps_borough"
    if "Crime type" in cols and "LSOA code" in cols:
        return "police_uk"
    return "tidy"


LOADERS = {"police_uk": load_police_uk_street, "mps_borough": load_mps_borough, "tidy": load_tidy}


def load_source(path: str | Path, *, format: str = "auto") -> pd.DataFrame:
    """Load any supported crime file or folder into the canonical table.

    Parameters
    ----------
    path
        A file or folder (see the module docstring for formats).
    format
        ``"auto"`` (default) to detect, or one of ``"police_uk"``,
        ``"mps_borough"``, ``"tidy"``.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> from workbook.data.canonical import CANONICAL_COLUMNS
    >>> list(load_source(DATA_DIR / "police_uk/city_of_london/raw").columns) == list(CANONICAL_COLUMNS)
    True
    """
    fmt = detect_format(path) if format == "auto" else format
    if fmt not in LOADERS:
        raise DataError(f"unknown data format {fmt!r}; expected one of {', '.join(LOADERS)} or 'auto'", path=path)
    return LOADERS[fmt](path)
