"""Direction of travel for an assessment: forecasts of each main category,
their direction, and the published forecasts table.

A forecast with honest intervals needs a rolling-origin backtest of its
own (see :func:`workbook.forecast.forecast_series`), which takes seconds per
series.  The result depends only on the series, the method and the
forecasting code, so it is cached on disk (``.cache/forecasts/``, or under
``$WORKBOOK_CACHE_DIR``) keyed by a SHA-256 of all three: re-running a
report on the same data vintage reuses it, and any change of data or code
computes afresh.  The model fits behind the backtest are kept too
(:class:`FitStore`, keyed by each training window's values), so next month's
run of a series refits only the windows that are new.  A cache that cannot be written is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbook import forecast as fc
from workbook.cache import cache_dir

logger = logging.getLogger(__name__)

FORECAST_COLUMNS = ("area_code", "category", "month", "forecast", "lower_80", "upper_80", "lower_95", "upper_95", "method")


def _code_fingerprint() -> str:
    return hashlib.sha256(fc.__file__.encode() + open(fc.__file__, "rb").read()).hexdigest()[:16]


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


def forecast_cached(y: pd.Series, *, method: str = "combination", horizon: int = 12) -> fc.ForecastResult:
    """:func:`workbook.forecast.forecast_series`, cached on disk by :func:`forecast_key`."""
    key = forecast_key(y, method=method, horizon=horizon)
    path = cache_dir() / "forecasts" / f"{key}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            logger.info("forecast cache entry %s unreadable (%s); recomputing", path.name, exc)
    with FitStore(cache_dir() / "forecasts" / "fits.sqlite") as store, fc.reuse_fits(store):
        result = fc.forecast_series(y, horizon=horizon, method=method)
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

    Keys are :func:`workbook.forecast.fit_key` prefixed with the forecasting
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


@dataclass(frozen=True)
class TravelResult:
    """Forecasts and directions of travel for an area's main categories."""

    forecasts: Mapping[str, fc.ForecastResult]
    directions: Mapping[str, fc.DirectionOfTravel]
    area_code: str

    def to_frame(self) -> pd.DataFrame:
        """The forecasts table: ``area_code, category, month, forecast, lower_80 ... method``."""
        frames = []
        for cat, f in self.forecasts.items():
            t = f.to_frame()
            t.insert(0, "category", cat)
            t.insert(0, "area_code", self.area_code)
            frames.append(t)
        out = pd.concat(frames, ignore_index=True)
        out["month"] = pd.to_datetime(out["month"]).dt.strftime("%Y-%m")
        return out[list(FORECAST_COLUMNS)]

    def directions_frame(self) -> pd.DataFrame:
        """One row per category: direction, change expected, whether outside normal variation, sentence."""
        return pd.DataFrame([
            {
                "category": cat,
                "direction": d.label,
                "last_12_months": d.last_12_months,
                "next_12_months": d.next_12_months,
                "change_pct": d.change_pct,
                "outside_normal_variation": d.outside_normal_variation,
                "method": self.forecasts[cat].method,
                "evidence": d.sentence,
            }
            for cat, d in self.directions.items()
        ])


def assess_travel(
    monthly: pd.DataFrame,
    *,
    categories: Sequence[str],
    trends: Mapping[str, object],
    area_code: str,
    method: str = "combination",
    horizon: int = 12,
) -> TravelResult:
    """Forecast each category's monthly counts and label its direction of travel.

    The direction combines the forecast (next 12 months against the last 12,
    judged against the forecast total's 95% interval) with the five-year
    trend (see :func:`workbook.forecast.assess_direction`).

    Examples
    --------
    >>> idx = pd.date_range("2019-01-01", periods=60, freq="MS")
    >>> m = pd.DataFrame({"A": [100.0 + i for i in range(60)]}, index=idx)
    >>> r = assess_travel(m, categories=["A"], trends={}, area_code="X", method="seasonal_naive")
    >>> r.to_frame()["month"].iloc[0], r.directions["A"].label
    ('2024-01', 'stable')
    """
    forecasts, directions = {}, {}
    for cat in categories:
        y = monthly[cat].astype(float)
        f = forecast_cached(y, method=method, horizon=horizon)
        forecasts[cat] = f
        directions[cat] = fc.assess_direction(y, f, trend=trends.get(cat))
    return TravelResult(forecasts=forecasts, directions=directions, area_code=area_code)


def evaluate_area_targets(assessment, *, specs) -> pd.DataFrame:  # noqa: ANN001 - Assessment, list[TargetSpec]
    """Evaluate each declared count or rate target for the assessment's financial year.

    The baseline value is the config's, or the baseline year's recorded
    count; the projected outturn adds the forecast of the year's remaining
    months (its 95% interval) to the count so far.  Rates per 1,000 are the
    counts over the year's residents.

    Returns
    -------
    pandas.DataFrame
        One row per target (:meth:`workbook.targets.TargetEvaluation.to_frame`
        columns, plus ``category``).

    Examples
    --------
    >>> from workbook.assessment import prepare_assessment
    >>> from workbook.targets import TargetSpec
    >>> spec = TargetSpec(name="Robbery down 5%", indicator="count", category="Robbery", polarity="lower_is_better",
    ...                   baseline="2021/22", pct_change=-5, trajectory="single", years=1)
    >>> t = evaluate_area_targets(prepare_assessment("lambeth", period="2023-03"), specs=[spec])
    >>> t[["financial_year", "year_complete", "status"]].values.tolist()[0][:2]
    ['2022/23', True]
    """
    from workbook.periods import check_window_in_data, parse_financial_year
    from workbook.targets import evaluate_target

    a = assessment
    rows = []
    if not specs:
        return pd.DataFrame()
    fy = a.periods.financial_year
    months_elapsed = a.periods.current.n_months
    by_cat, by_sub = a.monthly(by="category"), a.monthly(by="subcategory")
    for spec in specs:
        series = by_cat[spec.category] if spec.category in by_cat else by_sub[spec.category]
        series = series.astype(float)
        scale = 1.0
        if spec.indicator == "rate_per_1000":
            scale = 1000.0 / a.population.persons
        baseline = spec.baseline_value
        if baseline is None and spec.level is None:
            w = parse_financial_year(spec.baseline)
            check_window_in_data(w, series.index, what=f"target {spec.name!r} baseline")
            baseline = float(series[w.start:w.end].sum()) * scale
        actual = series[a.periods.current.start:a.periods.current.end] * scale
        complete = months_elapsed == 12
        remaining = None
        if not complete:
            f = forecast_cached(series)
            months_left = 12 - months_elapsed
            t = f.total(months_left)
            remaining = (t.point * scale, t.lower[95] * scale, t.upper[95] * scale)
        ev = evaluate_target(
            spec, financial_year=fy, actual_to_date=actual, months_elapsed=months_elapsed,
            baseline_value=baseline, forecast_remaining=remaining, year_complete=complete,
        )
        rows.append(ev.to_frame().assign(category=spec.category))
    return pd.concat(rows, ignore_index=True)
