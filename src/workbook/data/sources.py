"""Detecting a source's format and loading it with the right loader."""

from __future__ import annotations

import csv
import logging
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError
from workbook.data.mps import MPS_LAYOUTS, load_mps_borough
from workbook.data.police_uk import _STREET_FILE, load_police_uk_street
from workbook.data.tidy import load_tidy

logger = logging.getLogger(__name__)

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

    The Met's newer layout (``Group, SubGroup, BOCU``) is the same format:

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "MPS Borough Level Crime (most recent 24 months).csv"
    >>> _ = p.write_text('Group,SubGroup,BOCU,202606\\nBURGLARY,"BURGLARY - RESIDENTIAL",Barnet,0\\n')
    >>> detect_format(p)
    'mps_borough'
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file or folder", path=path)
    if path.is_dir() or zipfile.is_zipfile(path) or _STREET_FILE.search(path.name):
        return "police_uk"
    with open(path, "rb") as fh:
        head = fh.readline(4096).decode("utf-8-sig", errors="replace")
    try:
        cols = [c.strip() for c in next(csv.reader([head]), [])]
    except csv.Error:  # not CSV the csv module reads; the loader will say what is wrong
        cols = [c.strip().strip('"') for c in head.split(",")]
    if _is_mps_header(cols):
        return "mps_borough"
    if "Crime type" in cols and "LSOA code" in cols:
        return "police_uk"
    return "tidy"


def _is_mps_header(cols: list[str]) -> bool:
    """A Met borough file's header: ``MajorText`` (as always detected), or two of a layout's three columns."""
    if "MajorText" in cols:
        return True
    return any(
        (major in cols) + (minor in cols) + any(n in cols for n in names) >= 2 for major, minor, names in MPS_LAYOUTS
    )


LOADERS = {"police_uk": load_police_uk_street, "mps_borough": load_mps_borough, "tidy": load_tidy}
# Loaders that take an area's own category map.
MAPPED_FORMATS = frozenset({"mps_borough"})


def load_source(
    path: str | Path, *, format: str = "auto", category_map: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Load any supported crime file or folder into the canonical table.

    Parameters
    ----------
    path
        A file or folder (see the module docstring for formats).
    format
        ``"auto"`` (default) to detect, or one of ``"police_uk"``,
        ``"mps_borough"``, ``"tidy"``.
    category_map
        The area config's ``category_map`` section (published category to
        harmonised subcategory or category), for categories the package's
        map does not know.  Only the Met's borough files take one; for other
        formats it is not used (their unknown categories are still errors).

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
    if fmt in MAPPED_FORMATS:
        return LOADERS[fmt](path, category_map=category_map)
    if category_map:
        # Safe to leave unused: a category police.uk's map does not know is still an error.
        logger.info("%s: the area's category_map applies to the Met's borough files only; not used for %s", path, fmt)
    return LOADERS[fmt](path)
