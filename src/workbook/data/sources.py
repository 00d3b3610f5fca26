"""Detecting a source's format and loading it with the right loader."""

from __future__ import annotations

import csv
import logging
import re
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


DOCUMENT_SUFFIXES = (".md", ".txt", ".pdf", ".html", ".rst")
"""Files a download folder may hold beside its data (read-me, provenance): placed, not loaded."""
_OTHER_POLICE_UK = re.compile(r"\d{4}-\d{2}-.+-(outcomes|stop-and-search)\.csv$", re.IGNORECASE)


def discover_sources(folder: str | Path) -> list[tuple[Path, str]]:
    """Every source a download folder holds, each with its format.

    A folder's data.police.uk street files are one source (the folder);
    every other CSV is a source of its own, in whatever format it is; a zip
    is a police.uk archive.  police.uk's outcomes and stop-and-search files
    and documentation (read-me, provenance) are recognised and not loaded (a
    log line says so); any other file is an error naming it, so nothing a
    user put there is silently skipped.

    Examples
    --------
    >>> import shutil, tempfile
    >>> from workbook.core.paths import DATA_DIR
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = shutil.copytree(DATA_DIR / "police_uk/city_of_london/raw", d / "2019-06")
    >>> _ = shutil.copy(DATA_DIR / "police_uk/city_of_london/col_month_lsoa_crime_type.csv", d)
    >>> [(p.name if p != d else "the folder", f) for p, f in discover_sources(d)]
    [('col_month_lsoa_crime_type.csv', 'tidy'), ('the folder', 'police_uk')]
    >>> _ = (d / "notes.xlsx").write_bytes(b"x")
    >>> try:
    ...     discover_sources(d)
    ... except DataError as exc:
    ...     print(str(exc).replace(str(d), "<folder>"))
    <folder>/notes.xlsx: cannot place this file in the download folder; expected data.police.uk street files, CSVs in a supported format, zips or documentation
    """
    folder = Path(folder)
    found: list[tuple[Path, str]] = []
    street = False
    for p in sorted(q for q in folder.rglob("*") if q.is_file()):
        name = p.name
        if name.startswith("."):
            continue
        if _STREET_FILE.search(name):
            street = True
        elif _OTHER_POLICE_UK.search(name):
            logger.info("%s: police.uk %s file, not crime counts; not used", p, _OTHER_POLICE_UK.search(name).group(1))
        elif p.suffix.lower() in DOCUMENT_SUFFIXES:
            logger.debug("%s: documentation; not loaded", p)
        elif p.suffix.lower() == ".zip":
            found.append((p, "police_uk"))
        elif p.suffix.lower() == ".csv":
            found.append((p, detect_format(p)))
        else:
            raise DataError("cannot place this file in the download folder; expected data.police.uk street files, "
                            "CSVs in a supported format, zips or documentation", path=p)
    if street:
        found.append((folder, "police_uk"))
    if not found:
        raise DataError("folder holds no data.police.uk street files (YYYY-MM-<force>-street.csv) and no other CSV "
                        "or zip of crime data", path=folder)
    return found
