"""A disk store of forecasts and fits, keyed by training window and code."""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbook.data.cache import cache_dir
from workbook.forecast.methods import reuse_fits
from workbook.forecast.results import ForecastResult
from workbook.forecast.series import forecast_series

logger = logging.getLogger(__name__)

FORECAST_COLUMNS = ("area_code", "category", "month", "forecast", "lower_80", "upper_80", "lower_95", "upper_95", "method")


FORECAST_DIR = Path(__file__).resolve().parent


def _code_fingerprint() -> str:
    # Any change to the forecasting code or its calibration table invalidates stored forecasts and fits.
    h = hashlib.sha256()
    for f in sorted([*FORECAST_DIR.glob("*.py"), *FORECAST_DIR.glob("*.csv")]):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()[:16]


def forecast_key(y: pd.Series, *, method: str, horizon: int) -> str:
    """Cache key of a forecast: the series (dates and values), method, horizon and code.

    Examples
    --------
    >>> y = pd.Series([1.0, 2.0], index=pd.date_range("2020-01-01", periods=2, freq="MS"))
    >>> forecast_key(y, method="combination", horizon=12) == forecast_key(y.copy(), method="combination", horizon=12)
    True
    >>> forecast_key(y, method="combination", horizon=12) == forecast_key(y + 1, method="combination", horizon=12)
    False
    """
    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(y.astype(float), index=True).to_numpy().tobytes())
    h.update(f"{method}|{horizon}|{_code_fingerprint()}".encode())
    return h.hexdigest()


def forecast_cached(y: pd.Series, *, method: str = "combination", horizon: int = 12) -> ForecastResult:
    """:func:`workbook.forecast.series.forecast_series`, cached on disk by :func:`forecast_key`."""
    key = forecast_key(y, method=method, horizon=horizon)
    path = cache_dir() / "forecasts" / f"{key}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            logger.info("forecast cache entry %s unreadable (%s); recomputing", path.name, exc)
    with FitStore(cache_dir() / "forecasts" / "fits.sqlite") as store, reuse_fits(store):
        result = forecast_series(y, horizon=horizon, method=method)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{id(result)}")
        with open(tmp, "wb") as fh:
            pickle.dump(result, fh)
        tmp.replace(path)
    except OSError as exc:
        logger.info("forecast cache not written (%s)", exc)
    return result


class FitStore:
    """Model fits kept in one SQLite file, shared by runs and worker processes.

    Keys are :func:`workbook.forecast.methods.fit_key` prefixed with the forecasting
    code's fingerprint, so a change of code never meets an old fit.  Reads go
    to the file; new fits are written together when the block ends.  If the
    file cannot be opened or written (read-only, locked for too long, damaged)
    the store works in memory only and says so in the log.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> path = Path(tempfile.mkdtemp()) / "fits.sqlite"
    >>> with FitStore(path) as store:
    ...     store["ets|12|abc"] = (np.array([1.0, 2.0]), None)
    >>> with FitStore(path) as store:
    ...     store.get("ets|12|abc")
    (array([1., 2.]), None)
    """

    def __init__(self, path: Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.timeout = timeout
        self.prefix = _code_fingerprint() + "|"
        self._new: dict[str, tuple[Any, str | None]] = {}
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> FitStore:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=self.timeout)
            self._db.execute("CREATE TABLE IF NOT EXISTS fits (key TEXT PRIMARY KEY, forecast BLOB, failure TEXT)")
        except (OSError, sqlite3.Error) as exc:
            logger.info("fit store %s not used (%s); fitting in memory", self.path, exc)
            self._close()
        return self

    def get(self, key: str) -> tuple[Any, str | None] | None:
        if key in self._new:
            return self._new[key]
        if self._db is None:
            return None
        try:
            row = self._db.execute("SELECT forecast, failure FROM fits WHERE key = ?", (self.prefix + key,)).fetchone()
        except sqlite3.Error as exc:
            logger.info("fit store %s unreadable (%s); fitting afresh", self.path, exc)
            self._close()
            return None
        if row is None:
            return None
        return np.frombuffer(row[0], dtype=np.float64).copy(), row[1]

    def __setitem__(self, key: str, value: tuple[Any, str | None]) -> None:
        self._new[key] = value

    def __exit__(self, *exc: object) -> None:
        if self._db is not None and self._new:
            rows = [(self.prefix + k, np.ascontiguousarray(v[0], dtype=np.float64).tobytes(), v[1])
                    for k, v in self._new.items()]
            try:
                with self._db:
                    self._db.executemany("INSERT OR REPLACE INTO fits VALUES (?, ?, ?)", rows)
            except sqlite3.Error as exc:
                logger.info("fit store %s not written (%s)", self.path, exc)
        self._close()

    def _close(self) -> None:
        if self._db is not None:
            self._db.close()
        self._db = None
