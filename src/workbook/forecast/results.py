"""Result types of forecasting: forecasts, backtests, method choice, direction of travel."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.forecast.methods import METHOD_LABELS, METHODS
from workbook.forecast.scores import summarise_errors, summarise_totals

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
        The seasonal naive mean absolute error of the training window (the
        MASE scale), by which the monthly intervals' quantiles are multiplied.
    total_scales
        For each ``k``, the scale ``s_k`` of the total of the first ``k``
        months (see :func:`workbook.forecast.intervals.total_scales`).
    total_halfwidths
        For each ``k`` and level, the half-width of the interval of the total
        of the first ``k`` months, in crimes; used by :meth:`total`.
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
    total_scales: Mapping[int, float] = field(default_factory=dict, repr=False)
    total_halfwidths: Mapping[int, Mapping[int, float]] = field(default_factory=dict, repr=False)

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
        the monthly bounds.  The interval is the total +/- ``s_k x q``: ``q``
        the conformal quantile of the scaled errors of ``k``-month totals
        pooled over many series and origins, ``s_k`` this series' own scale
        for a ``k``-month total (see :mod:`workbook.forecast.intervals`).
        Without a calibrated half-width (a series too short for ``s_k``) the
        monthly bounds are added, which assumes perfectly correlated errors
        and errs wide.

        Parameters
        ----------
        months
            How many months from the start of the forecast; all by default.

        Examples
        --------
        >>> f = pd.date_range("2024-04-01", periods=3, freq="MS")
        >>> fc = ForecastResult(method="ets", requested_method="ets", reason=None, history=pd.Series(dtype=float),
        ...     forecast=pd.Series(10.0, index=f), lower={80: pd.Series(7.0, index=f)},
        ...     upper={80: pd.Series(13.0, index=f)}, levels=(80,), interval_method="test", scale=2.0,
        ...     total_halfwidths={2: {80: 5.0}})
        >>> t2, t3 = fc.total(2), fc.total(3)
        >>> (t2.point, t2.lower[80], t2.upper[80]), (t3.point, t3.lower[80], t3.upper[80])
        ((20.0, 15.0, 25.0), (30.0, 21.0, 39.0))
        """
        k = self.horizon if months is None else int(months)
        if not 1 <= k <= self.horizon:
            raise ValueInputError(f"months must be between 1 and the horizon {self.horizon}; got {months!r}")
        point = float(self.forecast.iloc[:k].sum())
        halves = self.total_halfwidths.get(k)
        lower: dict[int, float] = {}
        upper: dict[int, float] = {}
        if halves is not None and all(level in halves for level in self.levels):
            for level in self.levels:
                lower[level] = max(0.0, point - float(halves[level]))
                upper[level] = point + float(halves[level])
            how = f"conformal quantile of scaled errors of {k}-month totals"
        else:
            for level in self.levels:
                lower[level] = float(self.lower[level].iloc[:k].sum())
                upper[level] = float(self.upper[level].iloc[:k].sum())
            how = "sum of monthly bounds (no calibrated interval for this total)"
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
    train, horizon, levels
        The settings used.
    totals
        For origins whose whole horizon was recorded: ``method, origin,
        previous`` (the recorded total of the ``horizon`` months up to the
        origin), ``actual, forecast, scale`` (of the total over the horizon)
        and its interval (as :meth:`ForecastResult.total` makes it), one row
        per method and origin.
    """

    errors: pd.DataFrame
    series: pd.Series
    train: int
    horizon: int
    levels: tuple[int, ...]
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
    """The predicted direction of travel of a series, with the evidence.

    The rule (see :func:`workbook.forecast.direction.assess_direction`):
    "increasing" when the whole ``level``% prediction interval of the next
    12 months' total lies above the last 12 months' recorded total,
    "decreasing" when it lies wholly below, otherwise "no clear change".
    The five-year trend is carried beside it as context and does not change
    the label.

    Attributes
    ----------
    label
        ``"increasing"``, ``"decreasing"`` or ``"no clear change"``.
    forecast_label
        The same as ``label`` (the label is the forecast's); kept for callers.
    trend_label
        What the five-year trend says (``"increasing"``, ``"decreasing"``,
        ``"no significant change"``), shown for context only, or ``None`` if
        none was given or it could not be calculated.
    last_12_months, next_12_months
        Recorded total of the last 12 months and forecast total of the next.
    change_pct
        ``(next - last) / last x 100``; ``None`` if the last total is zero.
    lower, upper
        Prediction interval of the next 12 months' total at ``level``.
    level
        Interval level of the rule, in per cent.
    outside_normal_variation
        Whether the whole interval lies on one side of the last 12 months'
        total (the label is not "no clear change").
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

    @property
    def change_lower_pct(self) -> float | None:
        """Lower end of the interval of the change, in per cent of the last 12 months."""
        return None if self.last_12_months == 0 else (self.lower - self.last_12_months) / self.last_12_months * 100

    @property
    def change_upper_pct(self) -> float | None:
        """Upper end of the interval of the change, in per cent of the last 12 months."""
        return None if self.last_12_months == 0 else (self.upper - self.last_12_months) / self.last_12_months * 100

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
            "change_lower_pct": self.change_lower_pct,
            "change_upper_pct": self.change_upper_pct,
            "outside_normal_variation": self.outside_normal_variation,
            "sentence": self.sentence,
        }])
