"""Direction of travel for an assessment: forecasts of each main category,
their direction, and the published forecasts table.

The direction of travel follows one stated rule
(:func:`workbook.forecast.direction.assess_direction`): "increasing" when
the whole 80% prediction interval of the next 12 months' forecast total lies
above the last 12 months' recorded total, "decreasing" when it lies wholly
below, otherwise "no clear change".  The five-year trend is shown beside it
as context and does not change it.

Forecasts are cached on disk (``.cache/forecasts/``, or under
``$WORKBOOK_CACHE_DIR``) keyed by a SHA-256 of the series, the method and
the forecasting code with its calibration table: re-running a report on the
same data vintage reuses them, and any change of data or code computes
afresh.  A cache that cannot be written is skipped, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from workbook.core.periods import check_window_in_data, parse_financial_year
from workbook.forecast.direction import assess_direction
from workbook.forecast.results import DirectionOfTravel, ForecastResult
from workbook.forecast.store import FORECAST_COLUMNS, forecast_cached
from workbook.stats.targets import evaluate_target


@dataclass(frozen=True)
class TravelResult:
    """Forecasts and directions of travel for an area's main categories."""

    forecasts: Mapping[str, ForecastResult]
    directions: Mapping[str, DirectionOfTravel]
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
        """One row per category: the label and the evidence of its rule.

        Columns: ``category, direction`` (increasing, decreasing or no clear
        change), ``last_12_months, next_12_months, change_pct`` (per cent),
        ``change_lower_pct, change_upper_pct`` (the 80% interval of the change,
        per cent of the last 12 months), ``outside_normal_variation`` (the
        whole interval on one side of no change), ``trend_5_years`` (context,
        not used in the label), ``method, evidence``.
        """
        return pd.DataFrame([
            {
                "category": cat,
                "direction": d.label,
                "last_12_months": d.last_12_months,
                "next_12_months": d.next_12_months,
                "change_pct": d.change_pct,
                "change_lower_pct": d.change_lower_pct,
                "change_upper_pct": d.change_upper_pct,
                "outside_normal_variation": d.outside_normal_variation,
                "trend_5_years": d.trend_label,
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

    The label is the forecast's: the next 12 months' total against the last
    12 months', judged by the forecast total's 80% interval (see
    :func:`workbook.forecast.direction.assess_direction`).  ``trends`` (the
    five-year trend of each category) is shown beside the label as context
    and does not change it.

    Examples
    --------
    A step from 100 to 150 crimes a month six months ago: the last 12 months
    recorded 1,500 and the combination expects about 1,700, all of its 80%
    interval above 1,500.  A steady line, however steep, is "no clear
    change": its forecast rise is one typical year-on-year change, well
    inside the interval.

    >>> idx = pd.date_range("2019-01-01", periods=60, freq="MS")
    >>> m = pd.DataFrame({"A": [100.0] * 54 + [150.0] * 6, "B": [100.0 + i for i in range(60)]}, index=idx)
    >>> r = assess_travel(m, categories=["A", "B"], trends={"B": "Increasing"}, area_code="X")
    >>> r.to_frame()["month"].iloc[0]
    '2024-01'
    >>> r.directions_frame()[["category", "direction"]].values.tolist()
    [['A', 'increasing'], ['B', 'no clear change']]
    >>> r.directions["B"].trend_label, r.directions["A"].trend_label is None
    ('increasing', True)
    """
    forecasts, directions = {}, {}
    for cat in categories:
        y = monthly[cat].astype(float)
        f = forecast_cached(y, method=method, horizon=horizon)
        forecasts[cat] = f
        directions[cat] = assess_direction(y, f, trend=trends.get(cat))
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
        One row per target (:meth:`workbook.stats.targets.TargetEvaluation.to_frame`
        columns, plus ``category``).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> from workbook.config.targets import TargetSpec
    >>> spec = TargetSpec(name="Robbery down 5%", indicator="count", category="Robbery", polarity="lower_is_better",
    ...                   baseline="2021/22", pct_change=-5, trajectory="single", years=1)
    >>> t = evaluate_area_targets(prepare_assessment("lambeth", period="2023-03"), specs=[spec])
    >>> t[["financial_year", "year_complete", "status"]].values.tolist()[0][:2]
    ['2022/23', True]
    """

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
