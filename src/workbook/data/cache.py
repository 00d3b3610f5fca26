"""Parsed crime data cached as parquet, keyed by checksum.

Parsing and checking a source file (the Met's wide borough file takes about
a second) happens twice in every run (once to validate before the kernel
starts, once in the notebook) and again for every area of a batch.  The
canonical table it yields depends only on the file's bytes and the loader's
code, so it is cached under ``.cache/parsed/<key>.parquet`` at the
repository root (git-ignored), or under ``$WORKBOOK_CACHE_DIR``, where the
key is a SHA-256 of the file's bytes, the requested format and the loader's
own source files.  Change any of them and the key changes: a stale entry can
never be read.  A cache that cannot be written (a read-only checkout) is
skipped with a log message, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from workbook.core.paths import DATA_DIR, PACKAGE_DIR, REPO_ROOT, RESOURCES_DIR
from workbook.data.canonical import CANONICAL_COLUMNS
from workbook.data.lookups import LOOKUP_PATH
from workbook.data.sources import load_source

logger = logging.getLogger(__name__)

CACHE_ENV = "WORKBOOK_CACHE_DIR"
DEFAULT_CACHE_DIR = REPO_ROOT / ".cache"
_MEMORY_ITEMS = 4
_memory: OrderedDict[str, pd.DataFrame] = OrderedDict()


def cache_dir() -> Path:
    """The cache's root folder: ``$WORKBOOK_CACHE_DIR`` or ``.cache/`` at the repository root.

    Examples
    --------
    >>> cache_dir() == Path(os.environ[CACHE_ENV]) if CACHE_ENV in os.environ else cache_dir() == REPO_ROOT / ".cache"
    True
    """
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else DEFAULT_CACHE_DIR


def checksum_path(path: str | Path) -> str:
    """SHA-256 of a file, or of every file under a folder (names relative to it, sorted).

    Examples
    --------
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "a.csv").write_bytes(b"abc")
    >>> checksum_path(d / "a.csv") == hashlib.sha256(b"abc").hexdigest()
    True
    >>> checksum_path(d) == checksum_path(d)
    True
    """
    path = Path(path)
    if path.is_dir():
        h = hashlib.sha256()
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f.relative_to(path).as_posix().encode())
            h.update(b"\0")
            h.update(hashlib.sha256(f.read_bytes()).digest())
        return h.hexdigest()
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=1)
def loader_fingerprint() -> str:
    """A checksum of everything that decides what a loader returns.

    The data package's modules, the category lookups they read, the ONS district
    lookup, and the pandas and pyarrow versions.

    Examples
    --------
    >>> len(loader_fingerprint())
    64
    """

    h = hashlib.sha256()
    files = sorted((PACKAGE_DIR / "data").glob("*.py")) + [PACKAGE_DIR / "core" / "categories.py", LOOKUP_PATH]
    files += sorted((DATA_DIR / "lookups").glob("*.csv"))  # the loaders place records by LSOA through these
    files += sorted(RESOURCES_DIR.glob("*.csv"))
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes() if f.exists() else b"")
    for lib in ("pandas", "pyarrow"):
        h.update(f"{lib}=={metadata.version(lib)}".encode())
    return h.hexdigest()


def source_cache_key(path: str | Path, *, format: str = "auto", category_map: Mapping[str, str] | None = None) -> str:
    """The cache key of a source: its bytes, the format asked for, and the loader's code.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> k = source_cache_key(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv", format="mps_borough")
    >>> k == source_cache_key(DATA_DIR / "mps/MPS_Borough_Level_Crime_Historical.csv", format="auto")
    False
    """
    h = hashlib.sha256()
    h.update(checksum_path(path).encode())
    h.update(format.encode())
    h.update(json.dumps(sorted((category_map or {}).items())).encode())  # an area's own category map
    h.update(loader_fingerprint().encode())
    return h.hexdigest()


def _remember(key: str, df: pd.DataFrame) -> None:
    _memory[key] = df
    _memory.move_to_end(key)
    while len(_memory) > _MEMORY_ITEMS:
        _memory.popitem(last=False)


def _read_cached(file: Path) -> pd.DataFrame | None:

    try:
        df = pd.read_parquet(file)
    except Exception as exc:  # noqa: BLE001 - a damaged cache entry is rebuilt, never fatal
        logger.warning("ignoring unreadable cache entry %s (%s)", file, exc)
        return None
    if tuple(df.columns) != CANONICAL_COLUMNS:
        logger.warning("ignoring cache entry %s with columns %s", file, list(df.columns))
        return None
    return df


def _write_cached(df: pd.DataFrame, file: Path) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{file.stem}-", suffix=".tmp", dir=file.parent)
        os.close(fd)
        try:
            df.to_parquet(tmp, index=False)
            os.replace(tmp, file)  # whole or not at all: readers never see half a file
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        logger.info("not caching parsed data at %s: %s", file.parent, exc.strerror or exc)


def load_source_cached(
    path: str | Path, *, format: str = "auto", use_disk: bool = True, category_map: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """:func:`workbook.data.sources.load_source`, cached by checksum.

    Parameters
    ----------
    path
        A crime data file or folder (any format a loader reads).
    format
        As for :func:`~workbook.data.sources.load_source`.
    use_disk
        Also keep a parquet copy under :func:`cache_dir`; with ``False`` only
        this process's memory is used.

    Returns
    -------
    pandas.DataFrame
        The canonical crime table, equal to what ``load_source`` returns.
        Errors are the loader's own (:class:`~workbook.core.errors.DataError`),
        raised every time: only good tables are cached.

    Examples
    --------
    >>> from workbook.data.sources import load_source
    >>> from workbook.core.paths import DATA_DIR
    >>> p = DATA_DIR / "police_uk/city_of_london/col_month_lsoa_crime_type.csv"
    >>> load_source_cached(p, use_disk=False).equals(load_source(p))
    True
    """

    path = Path(path)
    try:
        key = source_cache_key(path, format=format, category_map=category_map)
    except OSError:
        return load_source(path, format=format, category_map=category_map)  # let the loader name the problem
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key].copy(deep=False)
    file = cache_dir() / "parsed" / f"{key}.parquet"
    df = _read_cached(file) if use_disk and file.is_file() else None
    if df is None:
        df = load_source(path, format=format, category_map=category_map)
        if use_disk:
            _write_cached(df, file)
    else:
        logger.debug("parsed %s read from cache %s", path, file.name)
    _remember(key, df)
    return df.copy(deep=False)


def clear_memory_cache() -> None:
    """Forget the tables held in this process (the parquet files stay).

    Examples
    --------
    >>> clear_memory_cache()
    """
    _memory.clear()
