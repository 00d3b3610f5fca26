"""Tests for workbook.stats.targets: published trajectories (DOMAIN.md), validation and the status rule.

Expected figures come from Central Bedfordshire's published plans or are worked by hand in comments.
"""

from __future__ import annotations

import math

import pytest

from tests.helpers.targets import ROBBERY, ni40
from workbook.config.targets import TargetSpec, load_targets
from workbook.core.errors import ValueInputError
from workbook.stats.targets import evaluate_target, target_for_year, target_trajectory

# --- The status rule at each boundary (hand-made, target 100) -------------------------------------

def level_spec(polarity: str, indicator: str = "count", level: float = 100) -> TargetSpec:
    return TargetSpec(name="t", indicator=indicator, category="Burglary", polarity=polarity,
                      baseline="2022/23", level=level)

# --- Trajectory arithmetic ------------------------------------------------------------------------


def test_minus_8_percent_a_year_compounds_to_22_1_percent_not_24():
    compound = target_trajectory(100, pct_change=-8, years=3, method="compound")
    linear = target_trajectory(100, pct_change=-8, years=3, method="linear")
    # 0.92^3 = 0.778688 -> -22.13%; linear 1 - 3 x 0.08 = 0.76 -> -24%
    assert compound.iloc[-1] / 100 - 1 == pytest.approx(-0.221312)
    assert round((compound.iloc[-1] / 100 - 1) * 100, 1) == -22.1
    assert linear.iloc[-1] / 100 - 1 == pytest.approx(-0.24)
    assert compound.index.tolist() == [1, 2, 3]


def test_single_year_applies_only_to_the_final_year():
    t = target_trajectory(200, pct_change=-10, years=1, method="single")
    assert t.to_dict() == {1: pytest.approx(180.0)}


def test_trajectory_is_not_rounded():
    # 493 x 0.92 = 453.56 exactly; rounding is for display only
    assert target_trajectory(493, pct_change=-8, years=1, method="compound").iloc[0] == pytest.approx(453.56)


@pytest.mark.parametrize("kwargs", [
    {"pct_change": -100, "years": 1, "method": "compound"},
    {"pct_change": -40, "years": 3, "method": "linear"},  # 1 - 3 x 0.4 < 0
    {"pct_change": -5, "years": 0, "method": "compound"},
    {"pct_change": -5, "years": 2, "method": "exponential"},
])
def test_trajectory_rejects_impossible_arguments(kwargs):
    with pytest.raises(ValueInputError):
        target_trajectory(100, **kwargs)


def test_trajectory_rejects_negative_baseline():
    with pytest.raises(ValueInputError, match="baseline"):
        target_trajectory(-1, pct_change=-5, years=1, method="single")


def test_ni40_drug_treatment_693_to_714_728_742():
    # Published: baseline 693; +3% = 714 (2008/09), +5% = 728 (2009/10), +7% = 742 (2010/11),
    # each on the baseline.
    specs = load_targets([ni40(3, 1), ni40(5, 2), ni40(7, 3)])
    got = [round(target_for_year(s, fy)) for s, fy in zip(specs, ["2008/09", "2009/10", "2010/11"])]
    assert got == [714, 728, 742]
    # unrounded: 713.79, 727.65, 741.51
    assert target_for_year(specs[1], "2009/10") == pytest.approx(727.65)


def test_robbery_trajectory_reproduces_published_455_420_388():
    spec = load_targets([ROBBERY])[0]
    t = target_trajectory(spec.baseline_value, pct_change=spec.pct_change, years=spec.years,
                          method=spec.trajectory)
    assert [round(v) for v in t] == [455, 420, 388]
    # published percentages, rounded to whole per cent: -8% a year, -21% over three years
    assert round(spec.pct_change) == -8
    assert round((t.iloc[-1] / 493 - 1) * 100) == -21


def test_robbery_literal_minus_8_compound_gives_454_417_384():
    # 493 x 0.92 = 453.56, x 0.92 = 417.28, x 0.92 = 383.89: why the plan's -8% must be a rounded figure
    t = target_trajectory(493, pct_change=-8, years=3, method="compound")
    assert [round(v) for v in t] == [454, 417, 384]


def test_robbery_finished_year_met_and_not_met():
    spec = load_targets([ROBBERY])[0]
    # 2008/09 target 455.2: an outturn of 440 is met
    met = evaluate_target(spec, financial_year="2008/09", actual_to_date=440, year_complete=True)
    assert met.status == "met" and met.probability_met == 1.0
    assert round(met.target) == 455
    # 2009/10 target 420.2: an outturn of 431 is not met
    missed = evaluate_target(spec, financial_year="2009/10", actual_to_date=431, year_complete=True)
    assert missed.status == "not met" and missed.probability_met == 0.0
    assert round(missed.target) == 420


def test_robbery_in_year_on_track_at_risk_off_track():
    spec = load_targets([ROBBERY])[0]
    target = 493 * (1 - 0.0767) ** 3  # 2010/11: 388.04
    # 8 months recorded, 250 robberies; pro rata target 388.04 x 8/12 = 258.69
    on = evaluate_target(spec, financial_year="2010/11", actual_to_date=250, months_elapsed=8,
                         forecast_remaining=(120, 105, 135))   # outturn 370 (355 to 385): all below 388.04
    risk = evaluate_target(spec, financial_year="2010/11", actual_to_date=250, months_elapsed=8,
                           forecast_remaining=(135, 120, 150))  # 385 (370 to 400): contains 388.04
    off = evaluate_target(spec, financial_year="2010/11", actual_to_date=250, months_elapsed=8,
                          forecast_remaining=(160, 145, 175))   # 410 (395 to 425): all above 388.04
    assert (on.status, risk.status, off.status) == ("on track", "at risk", "off track")
    assert on.target == pytest.approx(target)
    assert on.target_to_date == pytest.approx(target * 8 / 12)
    assert (on.projected, on.projected_lower, on.projected_upper) == (370, 355, 385)
    # probability: normal with sd = (385 - 370) / 1.95996 = 7.653 on the side facing the target;
    # P(outturn <= 388.04) = Phi((388.04 - 370) / 7.653) = Phi(2.357) = 0.9908
    assert on.probability_met == pytest.approx(0.9908, abs=5e-4)
    # off: sd = (410 - 395) / 1.95996 = 7.653; P = Phi((388.04 - 410) / 7.653) = Phi(-2.869) = 0.00206
    assert off.probability_met == pytest.approx(0.00206, abs=5e-5)


@pytest.mark.parametrize("interval, status", [
    ((80, 90, 99.9), "on track"),
    ((80, 90, 100), "on track"),      # upper bound exactly on the target: at or below it, met
    ((85, 95, 100.1), "at risk"),
    ((95, 105, 115), "at risk"),
    ((100, 105, 110), "at risk"),     # lower bound exactly on the target: only the best case meets it
    ((100.1, 105, 110), "off track"),
])
def test_status_boundaries_lower_is_better(interval, status):
    lo, point, hi = interval
    ev = evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=0,
                         months_elapsed=1, forecast_remaining=(point, lo, hi))
    assert ev.status == status


@pytest.mark.parametrize("interval, status", [
    ((100.1, 110, 120), "on track"),
    ((100, 110, 120), "on track"),    # lower bound exactly on the target
    ((99.9, 110, 120), "at risk"),
    ((90, 95, 100), "at risk"),       # upper bound exactly on the target
    ((90, 95, 99.9), "off track"),
])
def test_status_boundaries_higher_is_better(interval, status):
    lo, point, hi = interval
    ev = evaluate_target(level_spec("higher_is_better"), financial_year="2024/25", actual_to_date=0,
                         months_elapsed=1, forecast_remaining=(point, lo, hi))
    assert ev.status == status


def test_target_exactly_at_projection_has_even_chance():
    ev = evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=60,
                         months_elapsed=6, forecast_remaining=(40, 30, 50))
    assert ev.projected == 100 and ev.status == "at risk"
    assert ev.probability_met == pytest.approx(0.5)


def test_counts_accumulate_so_in_year_results_can_be_certain():
    # higher is better, 104 already recorded against a target of 100 with 3 months to go: met
    up = evaluate_target(level_spec("higher_is_better"), financial_year="2024/25", actual_to_date=104,
                         months_elapsed=9)
    assert up.status == "met" and up.probability_met == 1.0
    # lower is better, 101 already recorded: the target is already missed
    down = evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=101,
                           months_elapsed=9)
    assert down.status == "not met" and down.probability_met == 0.0
    # exactly 100 with months to go, lower is better: not yet decided, needs a projection
    with pytest.raises(ValueInputError, match="forecast_remaining"):
        evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=100,
                        months_elapsed=9)


def test_proportion_uses_projected_outturn_and_no_pro_rata():
    spec = TargetSpec(name="MARAC repeats", indicator="proportion", category="Domestic abuse",
                      polarity="lower_is_better", baseline="2007/08", baseline_value=38, level=35)
    # a proportion so far above the target is not final: 40% so far, projected 33% (30% to 34.5%)
    ev = evaluate_target(spec, financial_year="2008/09", actual_to_date=40, months_elapsed=6,
                         projected_outturn=(33, 30, 34.5))
    assert ev.status == "on track"
    assert ev.target_to_date == 35
    with pytest.raises(ValueInputError, match="projected_outturn"):
        evaluate_target(spec, financial_year="2008/09", actual_to_date=40, months_elapsed=6)


def test_monthly_actuals_and_seasonal_profile():
    spec = level_spec("lower_is_better", level=1200)
    # profile: April-September 120 a month, October-March 80: first 6 months carry 720 / 1200 = 60%
    profile = [120] * 6 + [80] * 6
    ev = evaluate_target(spec, financial_year="2024/25", actual_to_date=[110, 100, 120, 90, 100, 100],
                         forecast_remaining=(500, 450, 560), seasonal_profile=profile)
    assert ev.months_elapsed == 6 and ev.actual_to_date == 620
    assert ev.target_to_date == pytest.approx(720)
    assert ev.projected == 1120 and ev.status == "on track"   # 1070 to 1180, all <= 1200


def test_forecast_result_total_is_used_for_the_remaining_months():
    import numpy as np
    import pandas as pd

    from workbook.forecast.results import ForecastResult

    f = pd.date_range("2024-10-01", periods=12, freq="MS")
    fc = ForecastResult(method="ets", requested_method="ets", reason=None,
                        history=pd.Series(10.0, index=pd.date_range("2022-10-01", periods=24, freq="MS")),
                        forecast=pd.Series(10.0, index=f), lower={95: pd.Series(8.0, index=f)},
                        upper={95: pd.Series(12.0, index=f)}, levels=(95,), interval_method="test", scale=1.0,
                        total_errors={6: np.array([-2.0, -1, 0, 0, 0, 0, 1, 2])})
    # 6 months left: forecast total 60; backtest totals' root mean square sqrt(10/8) = 1.1180;
    # 8 totals, t(0.975, 8) = 2.306004: 95% interval 60 +/- 2.578
    ev = evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=50,
                         months_elapsed=6, forecast_remaining=fc)
    assert ev.projected == pytest.approx(110)
    assert ev.projected_upper == pytest.approx(110 + 2.306004 * math.sqrt(10 / 8))
    assert ev.projected_lower == pytest.approx(110 - 2.306004 * math.sqrt(10 / 8))
    assert ev.status == "off track"
    # a forecast that does not start the month after the last actual is refused
    with pytest.raises(ValueInputError, match="starts in 2024-10"):
        evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=50,
                        months_elapsed=5, forecast_remaining=fc)


def test_evaluation_to_frame_has_one_row():
    ev = evaluate_target(level_spec("lower_is_better"), financial_year="2024/25", actual_to_date=90,
                         year_complete=True)
    frame = ev.to_frame()
    assert frame.shape[0] == 1
    assert frame.loc[0, "status"] == "met" and frame.loc[0, "target"] == 100


def test_baseline_value_computed_from_data_when_not_declared():
    raw = {**ROBBERY, "baseline_value": None}
    spec = load_targets([raw])[0]
    with pytest.raises(ValueInputError, match="baseline"):
        target_for_year(spec, "2008/09")
    assert round(target_for_year(spec, "2008/09", baseline_value=493)) == 455
