"""Tests for workbook.stats.benchmark, with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from workbook.core.errors import ValueInputError
from workbook.stats.funnel import compute_funnel_limits

Z95 = 1.959963984540054
Z998 = 3.090232306167813


# --- funnel limits ---------------------------------------------------------------------------

# Five areas of 10,000 people against 10 per 1,000: E = 100 each, s = 1/(2*10) = 0.05,
# z = (sqrt(O/100) - 1)/0.05 = 2 sqrt(O) - 20:
#   O = 80, 90, 100, 110, 150 -> z = -2.11146, -1.02633, 0, 0.97618, 4.49490.
# 10th/90th percentiles (linear, position 0.4 and 3.6 of 0..4):
#   -2.11146 + 0.4 * 1.08512 = -1.67741;  0.97618 + 0.6 * 3.51872 = 3.08741.
# Winsorised squares: 2.81370 + 1.05336 + 0 + 0.95292 + 9.53210 = 14.35207, phi = 2.87041.
# w = 1/s^2 = 400 each: sum w - sum w^2/sum w = 2000 - 400 = 1600; tau2 = (5 phi - 4)/1600 = 0.0064700.
HAND_PHI = 2.87041
HAND_TAU2 = 0.0064700


def _five_areas():
    denominators = pd.Series([10_000] * 5, index=["A", "B", "C", "D", "E"])
    observed = pd.Series([80, 90, 100, 110, 150], index=denominators.index)
    return denominators, observed


def test_overdispersion_phi_and_tau2_worked_by_hand():
    denominators, observed = _five_areas()
    f = compute_funnel_limits(10, denominators, observed=observed)
    assert f.phi == pytest.approx(HAND_PHI, abs=1e-4)
    assert f.tau2 == pytest.approx(HAND_TAU2, abs=1e-6)
    assert f.adjusted is True

    # The same, written out from the formulas.
    z = np.array([2 * math.sqrt(o) - 20 for o in (80, 90, 100, 110, 150)])
    lo_q = z[0] + 0.4 * (z[1] - z[0])
    hi_q = z[3] + 0.6 * (z[4] - z[3])
    phi = sum(min(max(v, lo_q), hi_q) ** 2 for v in z) / 5
    assert f.phi == pytest.approx(phi)
    assert f.tau2 == pytest.approx((5 * phi - 4) / (2000 - 5 * 400**2 / 2000))


def test_overdispersed_limits_and_positions():
    denominators, observed = _five_areas()
    t = compute_funnel_limits(10, denominators, observed=observed).to_frame()
    sd = math.sqrt(0.05**2 + HAND_TAU2)  # 0.094710
    # 10 * (1 + 1.96 * 0.094710)^2 = 10 * 1.185629^2 = 14.057; 10 * (1 - 0.185629)^2 = 6.632.
    assert t["upper_95"].iloc[0] == pytest.approx(14.057, abs=1e-3)
    assert t["lower_95"].iloc[0] == pytest.approx(6.632, abs=1e-3)
    assert t["upper_99_8"].iloc[0] == pytest.approx(10 * (1 + Z998 * sd) ** 2, abs=1e-4)  # 16.71
    assert t["upper_99_8"].iloc[0] == pytest.approx(16.710, abs=1e-3)
    # E's rate is 15 per 1,000: above the 95% limit (14.06), inside the 99.8% one (16.71).
    assert t["rate"].tolist() == pytest.approx([8, 9, 10, 11, 15])
    assert t["position"].tolist() == ["within", "within", "within", "within", "above 95%"]
    # z adjusted = (sqrt(O/E) - 1) / sqrt(s^2 + tau2): E is (1.224745 - 1)/0.094710 = 2.3730.
    assert t.loc["E", "z_adjusted"] == pytest.approx(2.3730, abs=1e-3)
    assert t.loc["E", "z"] == pytest.approx(4.4949, abs=1e-4)


def test_no_overdispersion_found_falls_back_to_exact_poisson():
    denominators = pd.Series([10_000, 20_000, 5_000], index=["x", "y", "z"])
    observed = pd.Series([100, 200, 50], index=denominators.index)  # exactly as expected: phi = 0
    f = compute_funnel_limits(10, denominators, observed=observed)
    assert f.phi == 0
    assert f.tau2 == 0
    assert f.adjusted is False
    t = f.to_frame()
    # E = 100 for x: lower chi2(0.025; 200)/2, upper chi2(0.975; 202)/2, per 10 thousand -> per 1,000.
    assert t.loc["x", "lower_95"] == pytest.approx(chi2.ppf(0.025, 200) / 2 / 10)
    assert t.loc["x", "upper_95"] == pytest.approx(chi2.ppf(0.975, 202) / 2 / 10)
    assert t.loc["z", "upper_99_8"] == pytest.approx(chi2.ppf(0.999, 102) / 2 / 5)
    assert (t["position"] == "within").all()


def test_poisson_limits_without_observed_counts():
    f = compute_funnel_limits(5, [2000, 8000], overdispersion=False, levels=(0.95,))
    t = f.to_frame()
    assert math.isnan(f.phi)
    # E = 10: chi-square tables give chi2(0.025; 20) = 9.591, chi2(0.975; 22) = 36.781.
    assert t["lower_95"].iloc[0] == pytest.approx(9.591 / 2 / 2, abs=1e-3)
    assert t["upper_95"].iloc[0] == pytest.approx(36.781 / 2 / 2, abs=1e-3)
    # Funnel narrows as the denominator grows.
    assert t["upper_95"].iloc[1] < t["upper_95"].iloc[0]


def test_limits_at_gives_the_curve_with_the_same_adjustment():
    denominators, observed = _five_areas()
    f = compute_funnel_limits(10, denominators, observed=observed)
    curve = f.limits_at([2500, 10_000, 40_000])
    # At 10,000 it matches the per-area table; at 2,500 (E = 25) s = 0.1.
    assert curve["upper_95"].iloc[1] == pytest.approx(f.to_frame()["upper_95"].iloc[0])
    assert curve["upper_95"].iloc[0] == pytest.approx(10 * (1 + Z95 * math.sqrt(0.01 + HAND_TAU2)) ** 2)


def test_lower_limit_floored_at_zero():
    denominators, observed = _five_areas()
    f = compute_funnel_limits(10, denominators, observed=observed)
    # At a denominator of 10 (E = 0.1), 1 - 1.96 * sqrt(2.5 + tau2) < 0.
    assert f.limits_at([10])["lower_95"].iloc[0] == 0


def test_funnel_bad_inputs():
    with pytest.raises(ValueInputError, match="needs the observed counts"):
        compute_funnel_limits(10, [1000, 2000])
    with pytest.raises(ValueInputError, match="denominator must be above 0; got 0 \\(at 1\\)"):
        compute_funnel_limits(10, [1000, 0], overdispersion=False)
    with pytest.raises(ValueInputError, match="observed count must be a whole number, 0 or more; got -1"):
        compute_funnel_limits(10, [1000, 2000], observed=[5, -1])
    with pytest.raises(ValueInputError, match="benchmark_rate must be above 0"):
        compute_funnel_limits(0, [1000, 2000], overdispersion=False)
    with pytest.raises(ValueInputError, match="observed has 1 values but denominators has 2"):
        compute_funnel_limits(10, [1000, 2000], observed=[5])
