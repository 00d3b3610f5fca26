"""The forecasting methods (seasonal naive, ETS, ARIMA, STL, regression, combination) and fitting them."""

from __future__ import annotations

import contextvars
import hashlib
import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError

logger = logging.getLogger(__name__)

SEASON = 12
"""Months in a seasonal cycle."""

BASE_METHODS: tuple[str, ...] = ("seasonal_naive", "ets", "arima", "stl_ets", "regression")
"""The single methods, in the order they are reported."""

METHODS: tuple[str, ...] = BASE_METHODS + ("combination",)
"""Every method :func:`forecast_series` accepts."""

COMBINATION_MEMBERS: tuple[str, ...] = ("seasonal_naive", "ets", "stl_ets", "regression")
"""Members of the equal-weight combination: the four of the published
evidence on police recorded crime.  ARIMA is a candidate on its own but is
not a member; ``benchmarks/forecast_accuracy.py`` reports the combination
with ARIMA added too."""

METHOD_LABELS: Mapping[str, str] = {
    "seasonal_naive": "seasonal naive",
    "ets": "ETS (additive errors, damped trend)",
    "arima": "seasonal ARIMA(0,1,1)(0,1,1)12",
    "stl_ets": "STL + ETS",
    "regression": "trend + seasonal dummies regression",
    "combination": "combination (equal-weight mean)",
    "naive_mean": "mean of the months available",
}
"""Plain-English names for reports."""

MIN_MONTHS_MODEL = 30
"""Fewest months on which the models are fitted (two full seasons plus six)."""

SPARSE_ZERO_SHARE = 0.5
"""A training window with at least this share of zero months is 'sparse'."""


# ---------------------------------------------------------------------------
# Input checks
# ---------------------------------------------------------------------------


def _check_series(y: pd.Series) -> pd.Series:
    """Return ``y`` as a float series on consecutive month starts, or raise."""
    if not isinstance(y, pd.Series):
        raise ValueInputError(f"expected a pandas Series of monthly counts; got {type(y).__name__}")
    if len(y) == 0:
        raise ValueInputError("expected a monthly series with at least one month; got an empty series")
    if not isinstance(y.index, pd.DatetimeIndex):
        raise ValueInputError(
            f"expected a monthly series indexed by a DatetimeIndex; got {type(y.index).__name__}"
        )
    expected = pd.date_range(y.index[0], periods=len(y), freq="MS")
    if not y.index[0] == expected[0] or not y.index.equals(expected):
        raise ValueInputError(
            "expected consecutive months indexed by the first day of each month (freq 'MS'); "
            f"got an index from {y.index.min()} to {y.index.max()} with {len(y)} entries"
        )
    values = pd.to_numeric(y, errors="coerce").astype(float)
    if values.isna().any():
        bad = values.index[values.isna()][0]
        raise ValueInputError(f"expected a count for every month; the value for {bad:%Y-%m} is missing")
    if (values < 0).any():
        bad = values.index[values < 0][0]
        raise ValueInputError(
            f"expected counts of 0 or more; got {values[bad]:g} for {bad:%Y-%m}"
        )
    return pd.Series(values.to_numpy(), index=expected, name=y.name)


def _check_levels(levels: Sequence[int]) -> tuple[int, ...]:
    out = tuple(int(level) for level in levels)
    if not out or any(not 0 < level < 100 for level in out) or len(set(out)) != len(out):
        raise ValueInputError(
            f"expected distinct interval levels between 0 and 100 (per cent); got {levels!r}")
    return tuple(sorted(out))


def _check_method(method: str) -> str:
    if method not in METHODS:
        raise ValueInputError(f"expected a method among {', '.join(METHODS)}; got {method!r}")
    return method


# ---------------------------------------------------------------------------
# The methods, on plain arrays
# ---------------------------------------------------------------------------


def _seasonal_naive(x: np.ndarray, h: int) -> np.ndarray:
    last_year = x[-SEASON:]
    return np.array([last_year[i % SEASON] for i in range(h)], dtype=float)


def _ets(x: np.ndarray, h: int) -> np.ndarray:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    model = ETSModel(x, error="add", trend="add", damped_trend=True, seasonal="add",
                     seasonal_periods=SEASON, initialization_method="heuristic")
    return np.asarray(model.fit(disp=False).forecast(h), dtype=float)


def _arima(x: np.ndarray, h: int) -> np.ndarray:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    # Fitting the differenced series directly (simple_differencing) with the
    # scale concentrated out is three times faster than the diffuse
    # state-space form and gives the same forecasts; undo the differencing
    # (1 - B)(1 - B^12) by hand.
    model = SARIMAX(x, order=(0, 1, 1), seasonal_order=(0, 1, 1, SEASON), simple_differencing=True,
                    concentrate_scale=True)
    w = np.asarray(model.fit(disp=False).forecast(h), dtype=float)
    ext = list(x)
    for wi in w:
        ext.append(wi + ext[-1] + ext[-SEASON] - ext[-SEASON - 1])
    return np.array(ext[len(x):], dtype=float)


def _stl_ets(x: np.ndarray, h: int) -> np.ndarray:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    from statsmodels.tsa.forecasting.stl import STLForecast

    model = STLForecast(x, ETSModel, period=SEASON,
                        model_kwargs={"error": "add", "trend": "add", "damped_trend": True,
                                      "initialization_method": "heuristic"})
    return np.asarray(model.fit(fit_kwargs={"disp": False}).forecast(h), dtype=float)


def _regression(x: np.ndarray, h: int) -> np.ndarray:
    n = len(x)
    t = np.arange(n + h, dtype=float)
    month = np.arange(n + h) % SEASON
    design = np.column_stack([np.ones(n + h), t] + [(month == k).astype(float) for k in range(1, SEASON)])
    coef, *_ = np.linalg.lstsq(design[:n], x, rcond=None)
    return design[n:] @ coef


_FITTERS = {
    "seasonal_naive": _seasonal_naive,
    "ets": _ets,
    "arima": _arima,
    "stl_ets": _stl_ets,
    "regression": _regression,
}


# Fitted forecasts to reuse, keyed by method, horizon and training window
# (see reuse_fits); None: fit every time.
_FIT_STORE: contextvars.ContextVar[MutableMapping[str, tuple[np.ndarray, str | None]] | None] = (
    contextvars.ContextVar("workbook_fit_store", default=None))
_CHEAP_METHODS = frozenset({"seasonal_naive", "regression"})  # quicker to refit than to look up


def fit_key(method: str, x: np.ndarray, h: int) -> str:
    """The key of one fit: method, horizon and the exact training values.

    Examples
    --------
    >>> fit_key("ets", np.array([1.0, 2.0]), 12) == fit_key("ets", np.array([1, 2]), 12)
    True
    >>> fit_key("ets", np.array([1.0, 2.0]), 12) == fit_key("ets", np.array([1.0, 2.5]), 12)
    False
    """
    digest = hashlib.sha256(np.ascontiguousarray(x, dtype=np.float64).tobytes()).hexdigest()
    return f"{method}|{int(h)}|{digest}"


@contextmanager
def reuse_fits(store: MutableMapping[str, tuple[np.ndarray, str | None]]) -> Iterator[None]:
    """Within the block, every model fit is looked up in ``store`` first and
    added to it after.

    A fit depends only on the method, the horizon and its training window's
    values, so a rolling-origin backtest re-run on a longer series refits
    only its new windows, and a report re-run on the same data refits
    nothing.  Results are identical to fitting afresh; the caller should key
    the store by the forecasting code too (see
    :class:`workbook.forecast.store.FitStore`).

    Examples
    --------
    >>> store = {}
    >>> x = np.arange(48, dtype=float) % 12 + 10
    >>> with reuse_fits(store):
    ...     first, _ = _fit_predict("ets", x, 3)
    >>> sorted(k.split("|")[0] for k in store)
    ['ets']
    >>> with reuse_fits(store):
    ...     again, _ = _fit_predict("ets", x, 3)
    >>> bool(np.array_equal(first, again))
    True
    """
    token = _FIT_STORE.set(store)
    try:
        yield
    finally:
        _FIT_STORE.reset(token)


def _fit_predict(method: str, x: np.ndarray, h: int) -> tuple[np.ndarray, str | None]:
    """Forecast ``h`` months by a single method; seasonal naive if it fails.

    Returns the forecast (clipped at zero) and the failure message, if any.
    Within :func:`reuse_fits`, a fit already in the store is not redone.
    """
    store = _FIT_STORE.get()
    key = None
    if store is not None and method not in _CHEAP_METHODS:
        key = fit_key(method, x, h)
        hit = store.get(key)
        if hit is not None:
            return np.array(hit[0], dtype=float), hit[1]
    out, failure = _fit_predict_now(method, x, h)
    if key is not None:
        store[key] = (out.copy(), failure)
    return out, failure


def _fit_predict_now(method: str, x: np.ndarray, h: int) -> tuple[np.ndarray, str | None]:
    failure = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = _FITTERS[method](x, h)
            if not np.all(np.isfinite(out)):
                raise FloatingPointError("non-finite forecast")
        except (ValueError, np.linalg.LinAlgError, FloatingPointError, IndexError) as exc:
            failure = f"{method} could not be fitted ({exc}); seasonal naive used instead"
            logger.warning(failure)
            out = _seasonal_naive(x, h)
    for w in caught:
        logger.debug("%s fit: %s", method, w.message)
    return np.clip(out, 0.0, None), failure


def _members(methods: Iterable[str]) -> tuple[str, ...]:
    """Base methods needed to produce ``methods``."""
    need = set()
    for m in methods:
        need.update(COMBINATION_MEMBERS if m == "combination" else (m,))
    return tuple(m for m in BASE_METHODS if m in need)


def _scale(x: np.ndarray) -> float:
    """In-sample seasonal naive MAE of ``x`` (the MASE denominator)."""
    if len(x) > SEASON:
        s = float(np.mean(np.abs(x[SEASON:] - x[:-SEASON])))
        if s > 0:
            return s
    # A perfectly repeating (or too short) window: fall back to the mean
    # absolute first difference, then to the mean level, then to one crime.
    if len(x) > 1:
        s = float(np.mean(np.abs(np.diff(x))))
        if s > 0:
            return s
    return max(float(np.mean(np.abs(x))), 1.0)
