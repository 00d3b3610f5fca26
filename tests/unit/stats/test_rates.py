"""Tests for workbook.stats.benchmark, with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from workbook.core.errors import ValueInputError
from workbook.stats.benchmark import compare_to_benchmark
from workbook.stats.rates import compute_wilson_interval, level_label, poisson_count_interval, rate_per_1000

Z95 = 1.959963984540054  # standard normal 97.5th percentile
Z998 = 3.090232306167813  # standard normal 99.9th percentile


def exact_lower(x: int, alpha: float) -> float:
    return 0.0 if x == 0 else chi2.ppf(alpha / 2, 2 * x) / 2


def exact_upper(x: int, alpha: float) -> float:
    return chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2


def byar_lower(x: int, z: float) -> float:
    return x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3


def byar_upper(x: int, z: float) -> float:
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3


def wilson(k: int, n: int, z: float) -> tuple[float, float]:
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return centre - half, centre + half


def test_with_rate_intervals_from_rates():
    # 100 in 1,000 has 95% interval about (81.4, 121.6) per 1,000 (Byar's, worked in test_rates).
    r = rate_per_1000(pd.Series([100, 100], index=["a", "b"]), 1000)
    out = compare_to_benchmark(r["lower_95"], r["upper_95"], pd.Series([80.0, 90.0], index=["a", "b"]),
                               polarity="lower_is_better")
    assert out.tolist() == ["worse", "similar"]


@pytest.mark.parametrize("x", range(10))
def test_counts_below_ten_use_the_exact_chi_square_interval(x):
    r = rate_per_1000(x, 1000).iloc[0]
    assert r["rate"] == pytest.approx(x)
    assert r["lower_95"] == pytest.approx(exact_lower(x, 0.05))
    assert r["upper_95"] == pytest.approx(exact_upper(x, 0.05))
    assert r["lower_99_8"] == pytest.approx(exact_lower(x, 0.002))
    assert r["upper_99_8"] == pytest.approx(exact_upper(x, 0.002))
    assert r["ci_method"] == "exact Poisson"


@pytest.mark.parametrize("x", [10, 11, 37, 100, 2500])
def test_counts_from_ten_use_byars_approximation(x):
    r = rate_per_1000(x, 50_000).iloc[0]
    assert r["rate"] == pytest.approx(x / 50)
    assert r["lower_95"] == pytest.approx(byar_lower(x, Z95) / 50)
    assert r["upper_95"] == pytest.approx(byar_upper(x, Z95) / 50)
    assert r["lower_99_8"] == pytest.approx(byar_lower(x, Z998) / 50)
    assert r["upper_99_8"] == pytest.approx(byar_upper(x, Z998) / 50)
    assert r["ci_method"] == "Byar"


def test_hand_worked_values_per_1000_of_a_population_of_1000():
    r = rate_per_1000([0, 9, 10, 100], [1000, 1000, 1000, 1000], conf_levels=(0.95,))
    # x = 0: chi-square with 2 df has p-quantile -2 ln(1 - p), so upper = -ln(0.025).
    assert r["lower_95"].iloc[0] == 0
    assert r["upper_95"].iloc[0] == pytest.approx(-math.log(0.025))  # 3.6889
    # x = 9: chi-square tables, 18 df at 2.5% = 8.231, 20 df at 97.5% = 34.170.
    assert r["lower_95"].iloc[1] == pytest.approx(8.231 / 2, abs=1e-3)
    assert r["upper_95"].iloc[1] == pytest.approx(34.170 / 2, abs=1e-3)
    # x = 10, Byar: 10 * (1 - 1/90 - 1.96/(3*3.16228))^3 = 10 * 0.782291^3 = 4.7875;
    # 11 * (1 - 1/99 + 1.96/(3*3.31662))^3 = 11 * 1.186883^3 = 18.3914.
    assert r["lower_95"].iloc[2] == pytest.approx(4.7875, abs=1e-3)
    assert r["upper_95"].iloc[2] == pytest.approx(18.3914, abs=1e-3)
    # x = 100: 100 * (1 - 1/900 - 1.96/30)^3 = 81.36; 101 * 1.063907^3 = 121.63.
    assert r["lower_95"].iloc[3] == pytest.approx(81.36, abs=0.01)
    assert r["upper_95"].iloc[3] == pytest.approx(121.63, abs=0.01)
    # 99.8% upper for zero events: -ln(0.001) = 6.9078.
    upper_998 = rate_per_1000(0, 1000, conf_levels=(0.998,))["upper_99_8"].iloc[0]
    assert upper_998 == pytest.approx(6.9078, abs=1e-4)


def test_switch_is_at_ten_not_above():
    r = rate_per_1000([9, 10], 1000)
    assert r["ci_method"].tolist() == ["exact Poisson", "Byar"]
    # The exact interval for 10 would start at chi2(0.025; 20)/2 = 9.591/2 = 4.795; Byar gives 4.787.
    assert r["lower_95"].iloc[1] == pytest.approx(byar_lower(10, Z95))
    assert r["lower_95"].iloc[1] != pytest.approx(exact_lower(10, 0.05), abs=1e-3)


def test_series_inputs_keep_their_index_and_scalars_broadcast():
    counts = pd.Series([12, 30], index=pd.Index(["E06000060", "E07000004"], name="area_code"))
    pops = pd.Series([200_000, 150_000], index=counts.index)
    r = rate_per_1000(counts, pops)
    assert r.index.equals(counts.index)
    assert r["rate"].tolist() == pytest.approx([0.06, 0.2])
    per_100k = rate_per_1000(counts, 200_000, per=100_000, conf_levels=(0.95,))
    assert per_100k["rate"].tolist() == pytest.approx([6.0, 15.0])
    assert list(per_100k.columns) == ["count", "population", "rate", "lower_95", "upper_95", "ci_method"]


def test_inputs_are_not_changed():
    counts = pd.Series([3, 40], index=["a", "b"])
    pops = pd.Series([1000.0, 2000.0], index=["a", "b"])
    before = (counts.copy(), pops.copy())
    rate_per_1000(counts, pops)
    pd.testing.assert_series_equal(counts, before[0])
    pd.testing.assert_series_equal(pops, before[1])


@pytest.mark.parametrize(
    ("count", "population", "fragment"),
    [
        (-3, 1000, "got -3"),
        (2.5, 1000, "got 2.5"),
        (float("nan"), 1000, "count must be a whole number, 0 or more; got a missing value"),
        (5, 0, "population must be above 0; got 0"),
        (5, -10, "population must be above 0; got -10"),
        (5, float("nan"), "population must be above 0; got a missing value"),
    ],
)
def test_bad_values_raise_naming_the_value(count, population, fragment):
    with pytest.raises(ValueInputError, match=fragment.replace("(", r"\(")):
        rate_per_1000(count, population)


def test_bad_value_in_a_series_names_its_label():
    counts = pd.Series([4, -1], index=["Aylesbury", "Wycombe"])
    with pytest.raises(ValueInputError, match="got -1 \\(at 'Wycombe'\\)"):
        rate_per_1000(counts, 1000)
    pops = pd.Series([1000, pd.NA], index=["Aylesbury", "Wycombe"], dtype="Int64")
    expected = "population must be above 0; got a missing value \\(at 'Wycombe'\\)"
    with pytest.raises(ValueInputError, match=expected):
        rate_per_1000(pd.Series([4, 1], index=["Aylesbury", "Wycombe"]), pops)


def test_misaligned_inputs_raise():
    with pytest.raises(ValueInputError, match="different indexes"):
        rate_per_1000(pd.Series([1, 2], index=["a", "b"]), pd.Series([10, 20], index=["b", "a"]))
    with pytest.raises(ValueInputError, match="3 values but population has 2"):
        rate_per_1000([1, 2, 3], [10, 20])


@pytest.mark.parametrize("level", [0, 1, 1.5, 95])
def test_confidence_level_must_be_a_fraction(level):
    with pytest.raises(ValueInputError, match="between 0 and 1"):
        rate_per_1000(5, 1000, conf_levels=(level,))


def test_level_labels():
    assert level_label(0.95) == "95"
    assert level_label(0.998) == "99_8"
    assert level_label(0.9) == "90"


def test_poisson_count_interval_on_its_own():
    lo, hi = poisson_count_interval([0, 10], conf_level=0.95)
    assert lo.tolist() == pytest.approx([0.0, byar_lower(10, Z95)])
    assert hi.tolist() == pytest.approx([exact_upper(0, 0.05), byar_upper(10, Z95)])


@pytest.mark.parametrize(("k", "n"), [(38, 100), (0, 20), (20, 20), (17, 100), (347, 438)])
def test_wilson_interval_matches_the_score_formula(k, n):
    w = compute_wilson_interval(k, n, conf_level=0.95).iloc[0]
    lo, hi = wilson(k, n, Z95)
    assert w["proportion"] == pytest.approx(k / n)
    assert w["lower"] == pytest.approx(lo, abs=1e-12)
    assert w["upper"] == pytest.approx(hi, abs=1e-12)


def test_wilson_hand_worked_38_of_100():
    # p = 0.38, z^2/n = 0.038416: centre 0.399208/1.038416 = 0.38444,
    # half-width 1.96 * sqrt(0.002356 + 0.000096) / 1.038416 = 0.09347.
    w = compute_wilson_interval(38, 100).iloc[0]
    assert w["lower"] == pytest.approx(0.2910, abs=1e-4)
    assert w["upper"] == pytest.approx(0.4779, abs=1e-4)


def test_wilson_vectorised_with_998_level():
    k = pd.Series([10, 50], index=["x", "y"])
    n = pd.Series([100, 100], index=["x", "y"])
    w = compute_wilson_interval(k, n, conf_level=0.998)
    assert w.index.tolist() == ["x", "y"]
    assert w["upper"].tolist() == pytest.approx([wilson(10, 100, Z998)[1], wilson(50, 100, Z998)[1]])


@pytest.mark.parametrize(
    ("k", "n", "fragment"),
    [
        (11, 10, "numerator 11 is above its denominator 10"),
        (1, 0, "denominator must be above 0; got 0"),
        (-1, 10, "numerator must be a whole number, 0 or more; got -1"),
        (1.5, 10, "got 1.5"),
        (1, float("nan"), "denominator must be a whole number, 0 or more; got a missing value"),
    ],
)
def test_wilson_bad_values_raise(k, n, fragment):
    with pytest.raises(ValueInputError, match=fragment):
        compute_wilson_interval(k, n)


def test_wilson_array_input():
    w = compute_wilson_interval(np.array([1, 2]), np.array([4, 4]))
    assert w["proportion"].tolist() == [0.25, 0.5]
