"""Forecast monthly crime counts and judge their direction of travel.

Methods (DOMAIN.md, "Forecasting monthly counts").  Rolling-origin tests on
police recorded crime found a simple equal-weight combination of ETS,
seasonal naive, STL and a trend-and-season regression usually the most
accurate, and the M4 competition found combinations beat single methods.
The candidates here, all fitted with statsmodels on the last ``train``
months (36 by default, the window the backtest evaluates):

``seasonal_naive``
    Each month is forecast by the same month a year earlier (m = 12).
``ets``
    ETS with additive errors, additive damped trend and additive seasonality
    (``ETSModel(error="add", trend="add", damped_trend=True,
    seasonal="add")``).  Multiplicative-error ETS is never used: in
    statsmodels it is known to explode on short monthly series.  Initial
    states come from the standard heuristic (Hyndman et al. 2008), which is
    ten times faster than estimating them and keeps a report quick.
``arima``
    The "airline" seasonal ARIMA(0,1,1)(0,1,1)\\ :sub:`12` of Box and Jenkins,
    one small fixed model rather than a search, for speed.
``stl_ets``
    STL decomposition, then ETS (additive errors, damped trend) on the
    seasonally adjusted series, the seasonal component carried forward
    (statsmodels ``STLForecast``).
``regression``
    Ordinary least squares on a linear trend and 11 month dummies.
``combination``
    The equal-weight mean of the members in :data:`COMBINATION_MEMBERS`.

Prediction intervals are empirical, not model-based, so that every method,
the combination included, gets them the same way (split-conformal
prediction): the method is re-run from each of the last
``calibration_origins`` (36) month-ends with the same training window, its
errors are divided by that window's in-sample seasonal naive mean absolute
error (the MASE scale, so windows with different levels can be pooled), and
the level-L interval for horizon *h* is the point forecast plus or minus the
current scale times the ceil((n + 1) L)-th smallest of the n absolute scaled
errors at horizons *h* - 2 to *h* + 2.  Only errors whose month had already
been recorded at the forecast origin are used, so the backtest checks the
intervals' coverage honestly with exactly the same rule.  (Symmetric
intervals from absolute errors covered close to their nominal level on the
London borough series; separate quantiles for each tail chased short-lived
bias and covered only about 88% at 95%.)  Where there is too little history
to calibrate (fewer than :data:`MIN_CALIBRATION_ERRORS` errors) the width of
the seasonal naive method's normal interval is used instead, and the result
says so.  The interval of a total over several months (for targets and the
direction of travel) comes from the backtest errors of that total, with a
Student t allowance for how few independent totals there are (see
:meth:`ForecastResult.total`).

Counts are never forecast below zero: points and bounds are clipped at 0.

Speed: a forecast with calibrated intervals fits its method(s) 37 times on
36 months (about 1 to 3 seconds for the combination).  The fits are tiny,
and multithreaded BLAS on a busy machine makes them several times slower:
run with ``OPENBLAS_NUM_THREADS=1`` (the benchmark script sets it).  Passing
a :func:`backtest_series` result already computed for the series avoids
refitting.

Series shorter than :data:`MIN_MONTHS_MODEL` (30 months: two full years to
estimate a seasonal pattern, plus six months so that seasonal differencing
leaves something to fit) or mostly zero (at least
:data:`SPARSE_ZERO_SHARE` of the training months) are forecast by seasonal
naive, and series shorter than 12 months by their mean; the reason is
recorded on the result.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from workbook.errors import ValueInputError

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

CALIBRATION_ORIGINS = 36
"""How many recent forecast origins calibrate the intervals."""

HORIZON_BAND = 2
"""Errors at horizons within this many months are pooled for a quantile."""

MIN_CALIBRATION_ERRORS = 20
"""Fewest pooled errors for an empirical interval at one horizon."""

MIN_TOTAL_ERRORS = 8
"""Fewest backtest totals for the empirical interval of a total."""

# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastTotal:
    """A forecast total over the first ``months`` forecast months.

    ``lower`` and ``upper`` map each level (e.g. 95) to the bound.
    """

    months: int
    point: float
    lower: Mapping[int, float]
    upper: Mapping[int, float]
    interval_method: str

    def to_frame(self) -> pd.DataFrame:
        """One row: months, total and the bounds at each level."""
        row: dict[str, Any] = {"months": self.months, "total": self.point}
        for level in sorted(self.lower):
            row[f"lower_{level}"] = self.lower[level]
            row[f"upper_{level}"] = self.upper[level]
        row["interval_method"] = self.interval_method
        return pd.DataFrame([row])


@dataclass(frozen=True)
class ForecastResult:
    """A monthly forecast with prediction intervals.

    Attributes
    ----------
    method
        The method actually used (see :data:`METHODS`, or ``"naive_mean"``).
    requested_method
        The method asked for.
    reason
        Why a fallback method was used (or, for the combination, which
        member could not be fitted and was replaced by seasonal naive), or
        ``None``.
    history
        The series the forecast was made from.
    forecast
        Point forecasts, indexed by month.
    lower, upper
        Bounds for each level, e.g. ``lower[95]``, indexed by month.
    levels
        The interval levels, in per cent.
    interval_method
        How the intervals were made, in words.
    scale
        The seasonal naive mean absolute error of the training window, by
        which the backtest errors were scaled.
    total_errors
        Scaled backtest errors of the total over the first *k* months, for
        each *k*, used by :meth:`total`.
    total_df
        Their effective degrees of freedom (see :meth:`total`); the number
        of totals where missing.
    """

    method: str
    requested_method: str
    reason: str | None
    history: pd.Series
    forecast: pd.Series
    lower: Mapping[int, pd.Series]
    upper: Mapping[int, pd.Series]
    levels: tuple[int, ...]
    interval_method: str
    scale: float
    total_errors: Mapping[int, np.ndarray] = field(default_factory=dict, repr=False)
    total_df: Mapping[int, float] = field(default_factory=dict, repr=False)

    @property
    def horizon(self) -> int:
        """Number of months forecast."""
        return len(self.forecast)

    def to_frame(self) -> pd.DataFrame:
        """The forecast as a table.

        Columns ``month, forecast, lower_80, upper_80, lower_95, upper_95,
        method`` (one lower/upper pair per level).
        """
        out = pd.DataFrame({"month": self.forecast.index, "forecast": self.forecast.to_numpy()})
        for level in self.levels:
            out[f"lower_{level}"] = self.lower[level].to_numpy()
            out[f"upper_{level}"] = self.upper[level].to_numpy()
        out["method"] = self.method
        return out

    def total(self, months: int | None = None) -> ForecastTotal:
        """Total of the first ``months`` forecast months, with its interval.

        Monthly errors are correlated (a month forecast too high is usually
        followed by another), so the bounds of a total are not the sums of
        the monthly bounds.  The interval comes from the same backtest that
        calibrated the monthly intervals: the scaled errors of the same
        total from each past origin, summarised by their root mean square,
        give total +/- t x scale x RMS, with Student's t on as many degrees
        of freedom as the totals span non-overlapping periods (totals from
        overlapping origins are not independent; with 36 origins, about 3
        for a 12-month total).  On the London borough series these 95%
        intervals covered 95-96% of 12-month totals.  With fewer than
        :data:`MIN_TOTAL_ERRORS` such totals the monthly bounds are added,
        which assumes perfectly correlated errors and errs wide.

        Parameters
        ----------
        months
            How many months from the start of the forecast; all by default.
        """
        k = self.horizon if months is None else int(months)
        if not 1 <= k <= self.horizon:
            raise ValueInputError(f"months must be between 1 and the horizon {self.horizon}; got {months!r}")
        point = float(self.forecast.iloc[:k].sum())
        errs = np.asarray(self.total_errors.get(k, np.array([])), dtype=float)
        halves = _total_halfwidths(errs, self.total_df.get(k), self.levels)
        lower: dict[int, float] = {}
        upper: dict[int, float] = {}
        if halves is not None:
            for level in self.levels:
                lower[level] = max(0.0, point - self.scale * halves[level])
                upper[level] = point + self.scale * halves[level]
            how = f"Student t from {errs.size} backtest totals"
        else:
            for level in self.levels:
                lower[level] = float(self.lower[level].iloc[:k].sum())
                upper[level] = float(self.upper[level].iloc[:k].sum())
            how = "sum of monthly bounds (too few backtest totals)"
        return ForecastTotal(months=k, point=point, lower=lower, upper=upper, interval_method=how)

    def plot(
        self, ax: Any = None, target: float | pd.Series | None = None, *, history_months: int = 36
    ) -> Any:
        """Draw the recent history, the forecast and both intervals.

        Colours are from the Okabe-Ito colour-blind-safe palette, and every
        element also differs by line style, marker or hatching and is named
        in the legend, so no meaning rests on colour alone.

        Parameters
        ----------
        ax
            Matplotlib axes to draw on; a new figure if ``None``.
        target
            A monthly target level (a number, drawn as a horizontal line) or
            a monthly target series.
        history_months
            How many months of history to show.

        Returns
        -------
        matplotlib.axes.Axes
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 4))
        hist = self.history.iloc[-history_months:]
        ax.plot(hist.index, hist.to_numpy(), color="#000000", linestyle="-", marker="o", markersize=3,
                label="Recorded")
        levels = sorted(self.levels, reverse=True)
        shades = {0: ("#56B4E9", 0.25, "//"), 1: ("#0072B2", 0.35, None)}
        for i, level in enumerate(levels):
            colour, alpha, hatch = shades.get(min(i, 1), shades[1])
            ax.fill_between(self.forecast.index, self.lower[level].to_numpy(), self.upper[level].to_numpy(),
                            color=colour, alpha=alpha, hatch=hatch, linewidth=0,
                            label=f"{level}% prediction interval")
        ax.plot(self.forecast.index, self.forecast.to_numpy(), color="#0072B2", linestyle="--", marker="s",
                markersize=3, label=f"Forecast ({METHOD_LABELS.get(self.method, self.method)})")
        if target is not None:
            if isinstance(target, pd.Series):
                ax.step(target.index, target.to_numpy(), where="post", color="#D55E00", linestyle="-.",
                        label="Target")
            else:
                ax.axhline(float(target), color="#D55E00", linestyle="-.", label="Target")
        ax.set_ylim(bottom=0)
        ax.set_xlabel("Month")
        ax.set_ylabel("Recorded crimes per month")
        ax.legend(loc="best", fontsize="small")
        return ax


@dataclass(frozen=True)
class BacktestResult:
    """Rolling-origin forecast errors and their summary.

    Attributes
    ----------
    errors
        One row per method, origin and horizon: ``method, origin`` (last
        month of training data), ``horizon, month, actual, forecast,
        scale`` (the origin's seasonal naive MAE), and ``lower_<L>,
        upper_<L>`` for each level (missing where too little earlier
        evidence existed to calibrate an interval).
    series
        The series tested.
    train, horizon, levels, calibration_origins
        The settings used.
    totals
        For origins whose whole horizon was recorded: the actual and
        forecast total over the horizon and its interval (as
        :meth:`ForecastResult.total` makes it), one row per method and
        origin.
    """

    errors: pd.DataFrame
    series: pd.Series
    train: int
    horizon: int
    levels: tuple[int, ...]
    calibration_origins: int
    totals: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @property
    def methods(self) -> tuple[str, ...]:
        """Methods tested, in report order."""
        present = set(self.errors["method"])
        return tuple(m for m in METHODS if m in present)

    @property
    def origins(self) -> pd.DatetimeIndex:
        """The forecast origins (last month of each training window)."""
        return pd.DatetimeIndex(sorted(self.errors["origin"].unique()))

    def to_frame(self) -> pd.DataFrame:
        """Accuracy by method.

        Columns: ``method``; ``mase`` (mean absolute error over the origin's
        in-sample seasonal naive MAE); ``wape`` (sum of absolute errors over
        sum of actuals); ``relative_mase`` (MASE over seasonal naive's);
        ``coverage_<L>`` (share of actuals inside the level-L interval,
        where one could be calibrated); ``n_origins``, ``n_errors``,
        ``n_intervals``; and, where totals were checked,
        ``total_coverage_<L>`` (share of horizon totals inside their
        interval) and ``n_totals``.
        """
        out = summarise_errors(self.errors, levels=self.levels)
        if len(self.totals):
            cov = summarise_totals(self.totals, levels=self.levels)
            out = out.merge(cov, on="method", how="left")
        return out

    def subset(self, origins: Iterable[Any]) -> BacktestResult:
        """The same backtest restricted to some origins (months)."""
        wanted = pd.DatetimeIndex([pd.Timestamp(o) for o in origins])
        keep = self.errors["origin"].isin(wanted)
        totals = self.totals
        if len(totals):
            totals = totals.loc[totals["origin"].isin(wanted)].reset_index(drop=True)
        return BacktestResult(
            totals=totals,
            errors=self.errors.loc[keep].reset_index(drop=True),
            series=self.series,
            train=self.train,
            horizon=self.horizon,
            levels=self.levels,
            calibration_origins=self.calibration_origins,
        )


@dataclass(frozen=True)
class MethodChoice:
    """The method chosen from backtest evidence, with the reason."""

    method: str
    reason: str
    evidence: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The backtest summary with a ``chosen`` column."""
        out = self.evidence.copy()
        out["chosen"] = out["method"] == self.method
        return out


@dataclass(frozen=True)
class DirectionOfTravel:
    """The predicted direction of travel of a series.

    Attributes
    ----------
    label
        ``"increasing"``, ``"stable"`` or ``"decreasing"``.
    forecast_label
        What the forecast alone says (same vocabulary).
    trend_label
        What the recent trend says, or ``None`` if none was given or it
        could not be calculated.
    last_12_months, next_12_months
        Recorded total of the last 12 months and forecast total of the next.
    change_pct
        ``(next - last) / last x 100``; ``None`` if the last total is zero.
    lower, upper
        Interval of the forecast total at ``level``.
    level
        Interval level used for "normal variation", in per cent.
    outside_normal_variation
        Whether the last 12 months' total lies outside that interval.
    sentence
        The evidence in words.
    """

    label: str
    forecast_label: str
    trend_label: str | None
    last_12_months: float
    next_12_months: float
    change_pct: float | None
    lower: float
    upper: float
    level: int
    outside_normal_variation: bool
    sentence: str

    def to_frame(self) -> pd.DataFrame:
        """One row with every attribute."""
        return pd.DataFrame([{
            "label": self.label,
            "forecast_label": self.forecast_label,
            "trend_label": self.trend_label,
            "last_12_months": self.last_12_months,
            "next_12_months": self.next_12_months,
            "change_pct": self.change_pct,
            f"lower_{self.level}": self.lower,
            f"upper_{self.level}": self.upper,
            "outside_normal_variation": self.outside_normal_variation,
            "sentence": self.sentence,
        }])


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


def _z(level: float) -> float:
    return float(stats.norm.ppf(0.5 + level / 200.0))


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
    values, so the rolling-origin backtests that calibrate intervals can be
    computed once per data vintage: next month's run of the same series
    meets 35 of its 36 calibration windows (and this month's final window)
    already fitted.  Results are identical to fitting afresh; the caller
    should key the store by the forecasting code too (see
    :mod:`workbook.travel`).

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


def _window(values: np.ndarray, position: int, train: int | None) -> np.ndarray:
    start = 0 if train is None else max(0, position + 1 - train)
    return values[start:position + 1]


def _rolling(values: np.ndarray, positions: Sequence[int], *, train: int | None, horizon: int,
             methods: Sequence[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Forecasts from each origin position: ``{method: (P, H) array}`` and scales."""
    base = _members(methods)
    out = {m: np.full((len(positions), horizon), np.nan) for m in base}
    scales = np.empty(len(positions))
    for i, p in enumerate(positions):
        x = _window(values, p, train)
        scales[i] = _scale(x)
        for m in base:
            out[m][i], _ = _fit_predict(m, x, horizon)
    if "combination" in methods:
        out["combination"] = np.mean([out[m] for m in COMBINATION_MEMBERS], axis=0)
    return {m: out[m] for m in methods}, scales


def _actuals(values: np.ndarray, positions: Sequence[int], horizon: int) -> np.ndarray:
    n = len(values)
    act = np.full((len(positions), horizon), np.nan)
    for i, p in enumerate(positions):
        k = min(horizon, n - 1 - p)
        if k > 0:
            act[i, :k] = values[p + 1:p + 1 + k]
    return act


def _conformal_halfwidth(e: np.ndarray, level: int) -> float:
    """Split-conformal half-width: the ceil((n + 1) L)-th smallest |error|.

    Clamped to the largest error when n is too small for that rank.
    """
    a = np.sort(np.abs(e))
    n = a.size
    k = int(math.ceil((n + 1) * level / 100.0))
    return float(a[min(max(k, 1), n) - 1])


def _total_halfwidths(errs: np.ndarray, df: float | None, levels: Sequence[int]) -> dict[int, float] | None:
    """Scaled half-widths of a total's interval: t(df) quantile x RMS error.

    Centred on the forecast.  With errors e_i ~ N(0, s^2), a new error over
    the root mean square of the others follows Student's t; because totals
    from overlapping origins are far from independent, ``df`` is the number
    of non-overlapping k-month periods the totals span (about 3 for
    12-month totals from 36 origins), not their count.  ``None`` with fewer
    than :data:`MIN_TOTAL_ERRORS` totals.
    """
    errs = np.asarray(errs, dtype=float)
    if errs.size < MIN_TOTAL_ERRORS:
        return None
    df = float(errs.size if df is None else max(df, 1.0))
    rms = float(np.sqrt(np.mean(errs ** 2)))
    return {level: float(stats.t.ppf(0.5 + level / 200.0, df)) * rms for level in levels}


def _calibrate(scaled: np.ndarray, positions: np.ndarray, at: int, *, window: int,
               levels: Sequence[int]) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray],
                                                dict[int, tuple[np.ndarray, float]]]:
    """Scaled interval offsets for a forecast made at position ``at``.

    Uses the errors of origins ``at - window`` to ``at - 1`` whose month had
    been recorded by ``at``.  Returns lower and upper offsets per level
    (NaN where too few errors) and, for each k, the scaled errors of the
    totals of the first k months with their effective degrees of freedom
    (the number of non-overlapping k-month periods they span).
    """
    horizon = scaled.shape[1]
    use = (positions >= at - window) & (positions < at)
    sub, pos = scaled[use], positions[use]
    hs = np.arange(1, horizon + 1)
    seen = (pos[:, None] + hs[None, :] <= at) & np.isfinite(sub)
    lower = {level: np.full(horizon, np.nan) for level in levels}
    upper = {level: np.full(horizon, np.nan) for level in levels}
    for j in range(horizon):
        band = slice(max(0, j - HORIZON_BAND), min(horizon, j + HORIZON_BAND + 1))
        e = sub[:, band][seen[:, band]]
        if e.size >= MIN_CALIBRATION_ERRORS:
            for level in levels:
                half = _conformal_halfwidth(e, level)
                lower[level][j], upper[level][j] = -half, half
    totals = {}
    csum = np.cumsum(np.where(seen, sub, 0.0), axis=1)
    for k in range(1, horizon + 1):
        rows = seen[:, :k].all(axis=1)
        span = float(pos[rows].max() - pos[rows].min() + k) if rows.any() else 0.0
        totals[k] = (csum[rows, k - 1], max(span / k, 1.0))
    return lower, upper, totals


def _parametric_offsets(x: np.ndarray, point: np.ndarray, levels: Sequence[int]
                        ) -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Normal interval half-widths of the seasonal naive (or mean) method.

    sd_h = sigma x sqrt(floor((h - 1) / 12) + 1), sigma the standard deviation
    of the year-on-year differences; below 13 months the standard deviation
    of the months x sqrt(1 + 1/n).  Never narrower than Poisson noise
    (sqrt of the point forecast), since these are counts.
    """
    h = np.arange(1, len(point) + 1)
    if len(x) > SEASON + 1:
        sigma = float(np.std(x[SEASON:] - x[:-SEASON], ddof=1))
        sd = sigma * np.sqrt(np.floor((h - 1) / SEASON) + 1)
    elif len(x) > 1:
        sd = np.full(len(point), float(np.std(x, ddof=1)) * math.sqrt(1 + 1 / len(x)))
    else:
        sd = np.zeros(len(point))
    sd = np.maximum(sd, np.sqrt(np.maximum(point, 1.0)))
    lower = {level: -_z(level) * sd for level in levels}
    upper = {level: _z(level) * sd for level in levels}
    return lower, upper


def _fallback(y: pd.Series, method: str, train: int | None) -> tuple[str, str | None]:
    """Which method to use on ``y``, and why if not ``method``."""
    n = len(y)
    if n < SEASON:
        return "naive_mean", (f"only {n} months of data (fewer than {SEASON}), so the forecast is the mean "
                              "of the months available")
    if n < MIN_MONTHS_MODEL:
        if method == "seasonal_naive":
            return method, None
        return "seasonal_naive", (f"only {n} months of data (fewer than {MIN_MONTHS_MODEL}, two full years "
                                  "and six months, needed to fit a model), so seasonal naive is used")
    window = y.to_numpy() if train is None else y.to_numpy()[-train:]
    zeros = int(np.sum(window == 0))
    if zeros >= SPARSE_ZERO_SHARE * len(window) and method != "seasonal_naive":
        return "seasonal_naive", (f"{zeros} of the last {len(window)} months are zero (too sparse to fit a "
                                  "model), so seasonal naive is used")
    return method, None


# ---------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------


def forecast_series(
    y: pd.Series,
    *,
    horizon: int = 12,
    method: str = "combination",
    levels: Sequence[int] = (80, 95),
    train: int | None = 36,
    calibration_origins: int = CALIBRATION_ORIGINS,
    backtest: BacktestResult | None = None,
) -> ForecastResult:
    """Forecast a monthly count series with prediction intervals.

    Parameters
    ----------
    y
        Monthly counts indexed by consecutive month starts (freq ``"MS"``).
    horizon
        Months to forecast.
    method
        One of :data:`METHODS`; ``"combination"`` by default.
    levels
        Prediction interval levels in per cent.
    train
        Fit on the last ``train`` months (the window the backtest tests);
        ``None`` for the whole series.
    calibration_origins
        How many recent origins' backtest errors calibrate the intervals.
    backtest
        A :func:`backtest_series` result on the same series (and settings)
        whose errors are reused for the intervals instead of re-running the
        method; it must include the method and the recent origins.

    Returns
    -------
    ForecastResult

    Raises
    ------
    ValueInputError
        If ``y`` is not a monthly series of counts >= 0 or an option is
        out of range.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> months = pd.date_range("2019-04-01", periods=60, freq="MS")
    >>> y = pd.Series(rng.poisson(100 + 20 * np.sin(2 * np.pi * np.arange(60) / 12)), index=months)
    >>> fc = forecast_series(y, horizon=12)
    >>> fc.method, len(fc.forecast), list(fc.to_frame().columns)
    ('combination', 12, ['month', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95', 'method'])
    >>> bool((fc.lower[95] <= fc.lower[80]).all() and (fc.upper[80] <= fc.upper[95]).all())
    True
    >>> short = forecast_series(y.iloc[:20])
    >>> short.method, short.reason[:42]
    ('seasonal_naive', 'only 20 months of data (fewer than 30, two')
    """
    y = _check_series(y)
    method = _check_method(method)
    levels = _check_levels(levels)
    if int(horizon) < 1:
        raise ValueInputError(f"expected a horizon of at least 1 month; got {horizon!r}")
    if train is not None and int(train) < MIN_MONTHS_MODEL:
        raise ValueInputError(
            f"expected a training window of at least {MIN_MONTHS_MODEL} months; got {train!r}")
    horizon = int(horizon)
    values = y.to_numpy()
    n = len(values)
    used, reason = _fallback(y, method, train)
    x = _window(values, n - 1, train)
    months = pd.date_range(y.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")

    if used == "naive_mean":
        point = np.full(horizon, float(values.mean()))
    elif used == "combination":
        fits = [_fit_predict(m, x, horizon) for m in COMBINATION_MEMBERS]
        point = np.mean([f for f, _ in fits], axis=0)
        failures = [msg for _, msg in fits if msg is not None]
        if failures:
            reason = "; ".join(failures)
    else:
        point, failure = _fit_predict(used, x, horizon)
        if failure is not None:
            used, reason = "seasonal_naive", failure
    point = np.clip(point, 0.0, None)
    scale = _scale(x)

    lower_q: dict[int, np.ndarray] | None = None
    totals: dict[int, np.ndarray] = {}
    total_df: dict[int, float] = {}
    if used != "naive_mean":
        min_window = MIN_MONTHS_MODEL if used != "seasonal_naive" else 2 * SEASON
        scaled, positions = _calibration_errors(
            y, used, horizon=horizon, train=train, window=calibration_origins, min_window=min_window,
            backtest=backtest)
        if scaled is not None:
            lq, uq, calibrated = _calibrate(scaled, positions, n - 1, window=calibration_origins,
                                            levels=levels)
            totals = {k: errs for k, (errs, _) in calibrated.items()}
            total_df = {k: df for k, (_, df) in calibrated.items()}
            if all(np.isfinite(lq[level]).all() for level in levels):
                lower_q, upper_q = lq, uq
    if lower_q is not None:
        lower = {level: np.clip(point + scale * lower_q[level], 0.0, None) for level in levels}
        upper = {level: np.clip(point + scale * upper_q[level], 0.0, None) for level in levels}
        how = (f"empirical (split conformal): absolute scaled errors from the last {calibration_origins} "
               f"rolling origins, horizons pooled within +/-{HORIZON_BAND} months")
    else:
        lo_off, hi_off = _parametric_offsets(x, point, levels)
        lower = {level: np.clip(point + lo_off[level], 0.0, None) for level in levels}
        upper = {level: np.clip(point + hi_off[level], 0.0, None) for level in levels}
        how = "normal approximation with seasonal naive widths (too little history to calibrate empirically)"
        totals, total_df = {}, {}
    return ForecastResult(
        method=used,
        requested_method=method,
        reason=reason,
        history=y,
        forecast=pd.Series(point, index=months, name="forecast"),
        lower={level: pd.Series(lower[level], index=months, name=f"lower_{level}") for level in levels},
        upper={level: pd.Series(upper[level], index=months, name=f"upper_{level}") for level in levels},
        levels=levels,
        interval_method=how,
        scale=scale,
        total_errors=totals,
        total_df=total_df,
    )


def _calibration_errors(y: pd.Series, method: str, *, horizon: int, train: int | None, window: int,
                        min_window: int, backtest: BacktestResult | None
                        ) -> tuple[np.ndarray | None, np.ndarray]:
    """Scaled errors ``(P, H)`` of ``method`` from the last ``window`` origins."""
    n = len(y)
    if backtest is not None:
        if (method in backtest.methods and backtest.horizon >= horizon and backtest.train == train
                and backtest.series.equals(y)):
            rows = backtest.errors.loc[backtest.errors["method"] == method]
            pos_of = {m: i for i, m in enumerate(y.index)}
            positions = np.array(sorted({pos_of[o] for o in rows["origin"]}))
            positions = positions[positions >= n - 1 - window]
            if positions.size:
                scaled = np.full((positions.size, horizon), np.nan)
                index = {p: i for i, p in enumerate(positions)}
                for r in rows.itertuples(index=False):
                    p = pos_of[r.origin]
                    if p in index and r.horizon <= horizon and not math.isnan(r.actual):
                        scaled[index[p], r.horizon - 1] = (r.actual - r.forecast) / r.scale
                return scaled, positions
        logger.info("backtest given does not match the series or method; recalibrating")
    positions = np.arange(max(min_window - 1, n - 1 - window), n - 1)
    if positions.size == 0:
        return None, positions
    values = y.to_numpy()
    fc, scales = _rolling(values, positions, train=train, horizon=horizon, methods=(method,))
    scaled = (_actuals(values, positions, horizon) - fc[method]) / scales[:, None]
    return scaled, positions


def _origin_positions(y: pd.Series, origins: None | int | Sequence[Any], *, train: int) -> np.ndarray:
    n = len(y)
    first = train - 1
    if origins is None:
        positions = np.arange(first, n - 1)
    elif isinstance(origins, (int, np.integer)) and not isinstance(origins, bool):
        if origins < 1:
            raise ValueInputError(f"expected a positive number of origins; got {origins!r}")
        positions = np.arange(max(first, n - 1 - int(origins)), n - 1)
    else:
        idx = {m: i for i, m in enumerate(y.index)}
        found = []
        for o in origins:
            ts = pd.Timestamp(o)
            if ts not in idx:
                raise ValueInputError(f"origin {o!r} is not a month of the series "
                                      f"({y.index[0]:%Y-%m} to {y.index[-1]:%Y-%m})")
            if not first <= idx[ts] < n - 1:
                raise ValueInputError(
                    f"origin {ts:%Y-%m} needs {train} months of training data before it and at least "
                    "one recorded month after it")
            found.append(idx[ts])
        positions = np.array(sorted(set(found)), dtype=int)
    if positions.size == 0:
        raise ValueInputError(
            f"a backtest with a {train}-month training window needs at least {train + 1} months; "
            f"got {n}")
    return positions


def backtest_series(
    y: pd.Series,
    *,
    train: int = 36,
    horizon: int = 12,
    origins: None | int | Sequence[Any] = None,
    methods: Sequence[str] = METHODS,
    levels: Sequence[int] = (80, 95),
    calibration_origins: int = CALIBRATION_ORIGINS,
) -> BacktestResult:
    """Rolling-origin backtest of forecasting methods on one series.

    From each origin (the last month of a ``train``-month training window)
    every method forecasts ``horizon`` months; each forecast is compared
    with what was recorded.  The interval for an origin is calibrated
    exactly as :func:`forecast_series` would have done then, from the
    errors of the previous ``calibration_origins`` origins *within this
    backtest* whose months had been recorded, so coverage is only checked
    once enough earlier origins exist.

    Parameters
    ----------
    y
        Monthly counts indexed by consecutive month starts.
    train
        Training window in months (36).
    horizon
        Months forecast from each origin (12).
    origins
        ``None``: every origin with a full training window and at least one
        recorded month after it; an integer N: the N most recent such
        origins (the latest ones have fewer than ``horizon`` recorded months
        to compare, so short horizons weigh a little more); or a list of
        origin months.
    methods
        Methods to test (all by default).
    levels
        Interval levels in per cent.
    calibration_origins
        Window of earlier origins used to calibrate each interval.

    Returns
    -------
    BacktestResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> months = pd.date_range("2018-04-01", periods=60, freq="MS")
    >>> y = pd.Series(rng.poisson(50 + 10 * np.cos(2 * np.pi * np.arange(60) / 12)), index=months)
    >>> bt = backtest_series(y, origins=6, methods=("seasonal_naive", "regression"))
    >>> bt.to_frame()[["method", "n_origins", "n_errors"]].values.tolist()
    [['seasonal_naive', 6, 21], ['regression', 6, 21]]
    """
    y = _check_series(y)
    levels = _check_levels(levels)
    methods = tuple(_check_method(m) for m in methods)
    if int(train) < MIN_MONTHS_MODEL:
        raise ValueInputError(
            f"expected a training window of at least {MIN_MONTHS_MODEL} months; got {train!r}")
    if int(horizon) < 1:
        raise ValueInputError(f"expected a horizon of at least 1 month; got {horizon!r}")
    train, horizon = int(train), int(horizon)
    values = y.to_numpy()
    positions = _origin_positions(y, origins, train=train)
    fc, scales = _rolling(values, positions, train=train, horizon=horizon, methods=methods)
    act = _actuals(values, positions, horizon)
    frames, total_rows = [], []
    full = np.isfinite(act).all(axis=1)
    for m in methods:
        scaled = (act - fc[m]) / scales[:, None]
        bounds = {(level, side): np.full(act.shape, np.nan)
                  for level in levels for side in ("lower", "upper")}
        for i, p in enumerate(positions):
            lq, uq, totals = _calibrate(scaled, positions, p, window=calibration_origins, levels=levels)
            for level in levels:
                bounds[(level, "lower")][i] = np.clip(fc[m][i] + scales[i] * lq[level], 0.0, None)
                bounds[(level, "upper")][i] = np.clip(fc[m][i] + scales[i] * uq[level], 0.0, None)
            if full[i]:
                point = float(fc[m][i].sum())
                row: dict[str, Any] = {"method": m, "origin": y.index[p], "actual": float(act[i].sum()),
                                       "forecast": point, "scale": float(scales[i])}
                halves = _total_halfwidths(*totals[horizon], levels)
                for level in levels:
                    half = np.nan if halves is None else scales[i] * halves[level]
                    row[f"lower_{level}"] = max(0.0, point - half) if halves is not None else np.nan
                    row[f"upper_{level}"] = point + half
                total_rows.append(row)
        frame = pd.DataFrame({
            "method": m,
            "origin": np.repeat(y.index[positions], horizon),
            "horizon": np.tile(np.arange(1, horizon + 1), len(positions)),
            "actual": act.ravel(),
            "forecast": fc[m].ravel(),
            "scale": np.repeat(scales, horizon),
        })
        frame["month"] = [o + pd.DateOffset(months=int(h)) for o, h in zip(frame["origin"], frame["horizon"])]
        for level in levels:
            frame[f"lower_{level}"] = bounds[(level, "lower")].ravel()
            frame[f"upper_{level}"] = bounds[(level, "upper")].ravel()
        frames.append(frame.loc[frame["actual"].notna()])
    errors = pd.concat(frames, ignore_index=True)
    errors = errors[["method", "origin", "horizon", "month", "actual", "forecast", "scale"]
                    + [f"{side}_{level}" for level in levels for side in ("lower", "upper")]]
    totals_frame = pd.DataFrame(total_rows, columns=["method", "origin", "actual", "forecast", "scale"]
                                + [f"{side}_{level}" for level in levels for side in ("lower", "upper")])
    return BacktestResult(errors=errors, series=y, train=train, horizon=horizon, levels=levels,
                          calibration_origins=int(calibration_origins), totals=totals_frame)


def summarise_errors(errors: pd.DataFrame, *, levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """Accuracy by method from a long table of backtest errors.

    Parameters
    ----------
    errors
        Rows with ``method, origin, actual, forecast, scale`` and optional
        ``lower_<L>, upper_<L>`` (as in :attr:`BacktestResult.errors`).
    levels
        Interval levels whose coverage to report.

    Returns
    -------
    pandas.DataFrame
        ``method, mase, wape, relative_mase, coverage_<L>..., n_origins,
        n_errors, n_intervals``; ``relative_mase`` is missing without a
        seasonal naive row.

    Examples
    --------
    >>> e = pd.DataFrame({"method": ["a", "a"], "origin": ["2020-01-01"] * 2, "actual": [10.0, 20.0],
    ...                   "forecast": [12.0, 17.0], "scale": [2.0, 2.0],
    ...                   "lower_95": [11.0, 18.0], "upper_95": [15.0, 25.0]})
    >>> summarise_errors(e, levels=(95,)).loc[0, ["mase", "wape", "coverage_95"]].tolist()
    [1.25, 0.16666666666666666, 0.5]
    """
    rows = []
    order = {m: i for i, m in enumerate(METHODS)}
    for m, g in sorted(errors.groupby("method", sort=False), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        abs_err = (g["actual"] - g["forecast"]).abs()
        total = g["actual"].sum()
        row: dict[str, Any] = {
            "method": m,
            "mase": float((abs_err / g["scale"]).mean()),
            "wape": float(abs_err.sum() / total) if total > 0 else float("nan"),
        }
        n_int = 0
        for level in levels:
            lo, hi = f"lower_{level}", f"upper_{level}"
            if lo in g and hi in g:
                ok = g[lo].notna() & g[hi].notna()
                inside = (g.loc[ok, "actual"] >= g.loc[ok, lo]) & (g.loc[ok, "actual"] <= g.loc[ok, hi])
                row[f"coverage_{level}"] = float(inside.mean()) if ok.any() else float("nan")
                n_int = max(n_int, int(ok.sum()))
            else:
                row[f"coverage_{level}"] = float("nan")
        row["n_origins"] = int(g["origin"].nunique())
        row["n_errors"] = len(g)
        row["n_intervals"] = n_int
        rows.append(row)
    out = pd.DataFrame(rows)
    base = out.loc[out["method"] == "seasonal_naive", "mase"]
    out.insert(3, "relative_mase", out["mase"] / float(base.iloc[0]) if len(base) else float("nan"))
    return out


def summarise_totals(totals: pd.DataFrame, *, levels: Sequence[int] = (80, 95)) -> pd.DataFrame:
    """Coverage of the intervals of horizon totals, by method.

    Parameters
    ----------
    totals
        Rows with ``method, actual`` and ``lower_<L>, upper_<L>`` (as in
        :attr:`BacktestResult.totals`).
    levels
        Interval levels.

    Returns
    -------
    pandas.DataFrame
        ``method, total_coverage_<L>..., n_totals`` (totals with an
        interval).

    Examples
    --------
    >>> t = pd.DataFrame({"method": ["a"] * 3, "actual": [100.0, 120.0, 90.0],
    ...                   "lower_95": [95.0, 100.0, None], "upper_95": [110.0, 115.0, None]})
    >>> summarise_totals(t, levels=(95,)).values.tolist()
    [['a', 0.5, 2]]
    """
    rows = []
    for m, g in totals.groupby("method", sort=False):
        row: dict[str, Any] = {"method": m}
        n = 0
        for level in levels:
            ok = g[f"lower_{level}"].notna() & g[f"upper_{level}"].notna()
            inside = (g.loc[ok, "actual"] >= g.loc[ok, f"lower_{level}"]) & (
                g.loc[ok, "actual"] <= g.loc[ok, f"upper_{level}"])
            row[f"total_coverage_{level}"] = float(inside.mean()) if ok.any() else float("nan")
            n = max(n, int(ok.sum()))
        row["n_totals"] = n
        rows.append(row)
    columns = ["method", *[f"total_coverage_{level}" for level in levels], "n_totals"]
    return pd.DataFrame(rows, columns=columns)


def choose_method(
    backtest: BacktestResult, *, prefer: str = "combination", tolerance: float = 0.05
) -> MethodChoice:
    """Choose a forecasting method from backtest evidence.

    The published evidence favours the combination, and a few origins on
    one series are noisy evidence, so ``prefer`` is kept unless another
    method's MASE is lower by more than ``tolerance`` (5%) of it.  If
    ``prefer`` was not tested, the lowest MASE wins.

    Parameters
    ----------
    backtest
        A :func:`backtest_series` result.
    prefer
        The default method.
    tolerance
        Relative MASE advantage another method needs to be chosen.

    Returns
    -------
    MethodChoice

    Examples
    --------
    >>> e = pd.DataFrame({"method": ["seasonal_naive", "combination", "ets"], "origin": ["2020-01-01"] * 3,
    ...                   "actual": [10.0] * 3, "forecast": [14.0, 12.0, 11.0], "scale": [2.0] * 3})
    >>> bt = BacktestResult(errors=e, series=pd.Series(dtype=float), train=36, horizon=1, levels=(95,),
    ...                     calibration_origins=36)
    >>> choose_method(bt).method
    'ets'
    >>> choose_method(bt, tolerance=0.6).method
    'combination'
    """
    table = backtest.to_frame()
    mase = dict(zip(table["method"], table["mase"]))
    best = min(mase, key=lambda m: (mase[m], METHODS.index(m) if m in METHODS else 99))
    if prefer in mase and not mase[best] < (1.0 - tolerance) * mase[prefer]:
        method = prefer
        reason = (f"{METHOD_LABELS.get(prefer, prefer)} kept: MASE {mase[prefer]:.2f}; no method was more "
                  f"than {tolerance:.0%} more accurate (best {METHOD_LABELS.get(best, best)}, "
                  f"{mase[best]:.2f})")
    else:
        method = best
        reason = f"{METHOD_LABELS.get(best, best)} had the lowest MASE, {mase[best]:.2f}"
        if prefer in mase:
            reason += (f", more than {tolerance:.0%} below {METHOD_LABELS.get(prefer, prefer)} "
                       f"({mase[prefer]:.2f})")
    return MethodChoice(method=method, reason=reason, evidence=table)


_TREND_WORDS = (
    (r"cannot|insufficient|not enough", None),
    (r"no significant|no change|stable|flat", "stable"),
    (r"increas|rising|\bup(ward)?\b", "increasing"),
    (r"decreas|falling|\bdown(ward)?\b", "decreasing"),
)


def _trend_label(trend: Any) -> str | None:
    """Normalise a recent-trend result or label to the direction vocabulary."""
    if trend is None:
        return None
    if not isinstance(trend, str):
        for attr in ("label", "direction", "trend", "marker"):
            if isinstance(getattr(trend, attr, None), str):
                trend = getattr(trend, attr)
                break
        else:
            raise ValueInputError(
                f"expected a trend label or a result with a 'label' attribute; got {trend!r}")
    text = trend.strip().lower()
    for pattern, label in _TREND_WORDS:
        if re.search(pattern, text):
            return label
    raise ValueInputError(
        f"expected a trend label such as 'increasing', 'decreasing', 'no significant change' or "
        f"'cannot be calculated'; got {trend!r}")


def assess_direction(y: pd.Series, forecast: ForecastResult, *, trend: Any = None, level: int | None = None
                     ) -> DirectionOfTravel:
    """The predicted direction of travel: increasing, stable or decreasing.

    The forecast total of the next 12 months is compared with the recorded
    total of the last 12.  If the last 12 months' total lies outside the
    forecast total's prediction interval (the range of normal variation),
    the forecast says "increasing" or "decreasing"; otherwise "stable".

    A recent-trend result (for example from ``workbook.spc.recent_trend``,
    or just its label such as ``"Increasing"`` or ``"No significant
    change"``) is combined as follows: if either is "stable" or the trend
    cannot be calculated, the other's direction stands (a significant trend
    is evidence of travel even when next year's change is within normal
    variation); if they point opposite ways the label is "stable" and the
    sentence says they disagree.

    Parameters
    ----------
    y
        The recorded monthly series (at least 12 months).
    forecast
        A forecast of ``y`` of at least 12 months from the month after it.
    trend
        Optional recent-trend label or result with a ``label`` attribute.
    level
        Interval level for normal variation; the widest of the forecast's.

    Returns
    -------
    DirectionOfTravel

    Examples
    --------
    >>> months = pd.date_range("2022-04-01", periods=12, freq="MS")
    >>> f = pd.date_range("2023-04-01", periods=12, freq="MS")
    >>> fc = ForecastResult(method="ets", requested_method="ets", reason=None,
    ...     history=pd.Series(100.0, index=months), forecast=pd.Series(106.0, index=f),
    ...     lower={95: pd.Series(102.0, index=f)}, upper={95: pd.Series(110.0, index=f)},
    ...     levels=(95,), interval_method="test", scale=5.0)
    >>> d = assess_direction(pd.Series(100.0, index=months), fc)
    >>> d.label
    'increasing'
    >>> d.sentence
    'Expected to rise about 6% over the next 12 months (from 1,200 to 1,272); the rise is outside the range of normal variation.'
    """
    y = _check_series(y)
    if len(y) < SEASON:
        raise ValueInputError(f"expected at least 12 months of recorded data; got {len(y)}")
    if forecast.horizon < SEASON:
        raise ValueInputError(f"expected a forecast of at least 12 months; got {forecast.horizon}")
    level = max(forecast.levels) if level is None else int(level)
    if level not in forecast.levels:
        raise ValueInputError(f"level {level} is not among the forecast's levels {forecast.levels}")
    expected_start = y.index[-1] + pd.offsets.MonthBegin(1)
    if forecast.forecast.index[0] != expected_start:
        raise ValueInputError(
            f"expected the forecast to start in {expected_start:%Y-%m}, the month after the series; "
            f"it starts in {forecast.forecast.index[0]:%Y-%m}")
    last = float(y.iloc[-SEASON:].sum())
    total = forecast.total(SEASON)
    nxt, lo, hi = total.point, total.lower[level], total.upper[level]
    if last < lo:
        f_label = "increasing"
    elif last > hi:
        f_label = "decreasing"
    else:
        f_label = "stable"
    outside = f_label != "stable"
    t_label = _trend_label(trend)
    if t_label is None or t_label == f_label:
        label = f_label
    elif f_label == "stable":
        label = t_label
    elif t_label == "stable":
        label = f_label
    else:
        label = "stable"

    change = None if last == 0 else (nxt - last) / last * 100.0
    if change is None:
        what = f"Expected to record about {nxt:,.0f} over the next 12 months, after none in the last 12"
        noun = "change"
    else:
        verb = "rise" if nxt > last else "fall" if nxt < last else "stay level"
        noun = "rise" if nxt > last else "fall" if nxt < last else "change"
        if verb == "stay level":
            what = f"Expected to stay level over the next 12 months (about {last:,.0f})"
        else:
            size = f"about {abs(change):.0f}%" if round(abs(change)) >= 1 else "slightly (less than 1%)"
            what = (f"Expected to {verb} {size} over the next 12 months "
                    f"(from {last:,.0f} to {nxt:,.0f})")
    where = "outside" if outside else "within"
    sentence = f"{what}; the {noun} is {where} the range of normal variation"
    if t_label is not None:
        if t_label == f_label:
            sentence += f"; the recent trend is also {t_label}"
        elif label == "stable" and f_label != "stable":
            sentence += f"; but the recent trend is {t_label}, so the evidence is mixed"
        else:
            sentence += f"; the recent trend is {t_label}"
    elif trend is not None:
        sentence += "; the recent trend cannot be calculated"
    return DirectionOfTravel(
        label=label, forecast_label=f_label, trend_label=t_label, last_12_months=last, next_12_months=nxt,
        change_pct=change, lower=lo, upper=hi, level=level, outside_normal_variation=outside,
        sentence=sentence + ".",
    )
