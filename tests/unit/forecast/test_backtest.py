"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from tests.helpers.forecast import monthly, seasonal
from workbook.core.errors import ValueInputError
from workbook.forecast.backtest import backtest_series, choose_method

# --- Backtest -------------------------------------------------------------------------------------


def test_backtest_mase_and_wape_by_hand():
    # y_t = 100 + t: seasonal naive is always 12 too low, and the in-sample seasonal naive MAE is 12,
    # so MASE = 1.
    # 3 origins (2023-12 to 2024-02, the last of 60 months from 2019-04): 1 + 2 + 3 = 6 errors of 12;
    # actuals 157 + 158 + 159 + 158 + 159 + 159 = 950; WAPE = 72 / 950.
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"), calibration=pd.DataFrame())
    table = bt.to_frame().set_index("method")
    assert table.loc["seasonal_naive", "mase"] == pytest.approx(1.0)
    assert table.loc["seasonal_naive", "wape"] == pytest.approx(72 / 950)
    assert table.loc["seasonal_naive", "n_errors"] == 6
    # a straight line is fitted exactly
    assert table.loc["regression", "mase"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["regression", "relative_mase"] == pytest.approx(0.0, abs=1e-9)
    # no calibration table: no intervals, and coverage is not claimed
    assert table.loc["seasonal_naive", "n_intervals"] == 0
    assert math.isnan(table.loc["seasonal_naive", "coverage_95"])
    assert bt.origins.strftime("%Y-%m").tolist() == ["2023-12", "2024-01", "2024-02"]


def test_backtest_origins_as_months_and_subset():
    y = seasonal(60, noise=3, seed=2)
    bt = backtest_series(y, origins=["2022-03-01", "2022-06-01"], methods=("seasonal_naive",))
    assert bt.origins.strftime("%Y-%m").tolist() == ["2022-03", "2022-06"]
    assert len(bt.subset(["2022-06-01"]).errors) == 12
    with pytest.raises(ValueInputError, match="training data"):
        backtest_series(y, origins=["2020-01-01"], methods=("seasonal_naive",))


def test_backtest_totals_by_hand():
    # y_t = 100 + t from 2019-04; origin 2023-03 (t = 47): the last 12 months recorded 136 + ... + 147 = 1,698,
    # the next 12 recorded 148 + ... + 159 = 1,842.  Seasonal naive forecasts 1,698 (144 too few); the
    # regression continues the line exactly.  Every 12-month total in the window is 144 above the one a
    # year before, so s_12 = 144 and s_1 = 12.
    y = monthly(100 + np.arange(72))
    bt = backtest_series(y, origins=["2023-03-01"], methods=("seasonal_naive", "regression"))
    t = bt.totals.set_index("method")
    assert t.loc["seasonal_naive", ["previous", "actual", "forecast", "scale"]].tolist() == [1698, 1842, 1698, 144]
    assert t.loc["regression", "forecast"] == pytest.approx(1842)
    e = bt.errors.loc[(bt.errors["method"] == "seasonal_naive") & (bt.errors["horizon"] == 12)].iloc[0]
    assert (e["total_actual"], e["total_forecast"], e["total_scale"], e["scale"]) == (1842, 1698, 144, 12)
    # the shipped table gives every row an interval
    assert bt.errors[["lower_80", "upper_95"]].notna().all().all()


def test_choose_method_prefers_the_combination_unless_clearly_beaten():
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"))
    choice = choose_method(bt)  # no combination tested: the lowest MASE wins
    assert choice.method == "regression" and "lowest MASE" in choice.reason
    assert choice.to_frame().set_index("method")["chosen"].to_dict() == {"seasonal_naive": False,
                                                                          "regression": True}
