"""Tests for workbook.forecast.methods: small synthetic series (fixed seeds) whose answers can be worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.helpers.forecast import SEASON, monthly, seasonal
from workbook.core.errors import ValueInputError
from workbook.forecast.backtest import backtest_series, choose_method

# --- Backtest -------------------------------------------------------------------------------------


def test_backtest_mase_and_wape_by_hand():
    # y_t = 100 + t: seasonal naive is always 12 too low, and the in-sample seasonal naive MAE is 12,
    # so MASE = 1.
    # 3 origins (2023-12 to 2024-02, the last of 60 months from 2019-04): 1 + 2 + 3 = 6 errors of 12;
    # actuals 157 + 158 + 159 + 158 + 159 + 159 = 950; WAPE = 72 / 950.
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"))
    table = bt.to_frame().set_index("method")
    assert table.loc["seasonal_naive", "mase"] == pytest.approx(1.0)
    assert table.loc["seasonal_naive", "wape"] == pytest.approx(72 / 950)
    assert table.loc["seasonal_naive", "n_errors"] == 6
    # a straight line is fitted exactly
    assert table.loc["regression", "mase"] == pytest.approx(0.0, abs=1e-9)
    assert table.loc["regression", "relative_mase"] == pytest.approx(0.0, abs=1e-9)
    # too few earlier errors to calibrate any interval: coverage is not claimed
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


def test_backtest_interval_coverage_is_close_to_nominal_on_an_exchangeable_series():
    # Poisson noise around a fixed seasonal pattern: seasonal naive errors are exchangeable, so conformal
    # intervals should cover about 80% and 95%.
    rng = np.random.default_rng(11)
    t = np.arange(120)
    y = monthly(rng.poisson(60 + SEASON[t % 12]))
    bt = backtest_series(y, origins=70, methods=("seasonal_naive",))
    row = bt.to_frame().iloc[0]
    assert row["n_intervals"] > 400
    assert 0.72 <= row["coverage_80"] <= 0.88
    assert 0.90 <= row["coverage_95"] <= 0.99
    assert 0.85 <= row["total_coverage_95"] <= 1.0


def test_choose_method_prefers_the_combination_unless_clearly_beaten():
    y = monthly(100 + np.arange(60))
    bt = backtest_series(y, origins=3, methods=("seasonal_naive", "regression"))
    choice = choose_method(bt)  # no combination tested: the lowest MASE wins
    assert choice.method == "regression" and "lowest MASE" in choice.reason
    assert choice.to_frame().set_index("method")["chosen"].to_dict() == {"seasonal_naive": False,
                                                                          "regression": True}
