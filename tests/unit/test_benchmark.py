"""Tests for workbook.stats.benchmark, with values worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2

from workbook.stats.peer_groups import build_peer_group, peer_group_from_config
from workbook.stats.benchmark import compare_to_benchmark, rank_among_peers
from workbook.stats.funnel import compute_funnel_limits
from workbook.core.errors import ValueInputError
from workbook.stats.rates import rate_per_1000

Z95 = 1.959963984540054
Z998 = 3.090232306167813


# --- compare_to_benchmark --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lower", "upper", "polarity", "expected"),
    [
        (8.0, 10.0, "lower_is_better", "similar"),
        (9.5, 11.0, "lower_is_better", "worse"),
        (7.0, 8.5, "lower_is_better", "better"),
        (9.5, 11.0, "higher_is_better", "better"),
        (7.0, 8.5, "higher_is_better", "worse"),
        (9.5, 11.0, "no_judgement", "higher"),
        (7.0, 8.5, "no_judgement", "lower"),
        (9.0, 11.0, "lower_is_better", "similar"),  # benchmark on the lower limit is inside
        (7.0, 9.0, "lower_is_better", "similar"),  # and on the upper limit
    ],
)
def test_fingertips_rule_against_a_benchmark_of_9(lower, upper, polarity, expected):
    assert compare_to_benchmark(lower, upper, 9.0, polarity=polarity) == expected


def test_second_tier_at_998():
    # 95% interval (9.5, 11) excludes 9; 99.8% interval (8.9, 11.8) includes it -> worse at 95% only.
    lib = "lower_is_better"
    assert compare_to_benchmark(9.5, 11.0, 9.0, polarity=lib, lower_998=8.9, upper_998=11.8) == "worse (95%)"
    tier = compare_to_benchmark(9.5, 11.0, 9.0, polarity=lib, lower_998=9.2, upper_998=11.8)
    assert tier == "worse (99.8%)"
    hib = "higher_is_better"
    assert compare_to_benchmark(5.0, 6.0, 9.0, polarity=hib, lower_998=4.5, upper_998=6.6) == "worse (99.8%)"
    nj = "no_judgement"
    assert compare_to_benchmark(8.0, 10.0, 9.0, polarity=nj, lower_998=7.0, upper_998=11.0) == "similar"


def test_vectorised_with_a_series_keeps_the_index_and_marks_missing():
    idx = pd.Index(["Aylesbury", "Chiltern & South Bucks", "Wycombe", "Suppressed"])
    lo = pd.Series([10.0, 5.0, 7.0, np.nan], index=idx)
    hi = pd.Series([12.0, 6.5, 9.5, np.nan], index=idx)
    out = compare_to_benchmark(lo, hi, 8.0, polarity="lower_is_better")
    assert out.index.equals(idx)
    assert out.tolist() == ["worse", "better", "similar", "not compared"]


def test_with_rate_intervals_from_rates():
    # 100 in 1,000 has 95% interval about (81.4, 121.6) per 1,000 (Byar's, worked in test_rates).
    r = rate_per_1000(pd.Series([100, 100], index=["a", "b"]), 1000)
    out = compare_to_benchmark(r["lower_95"], r["upper_95"], pd.Series([80.0, 90.0], index=["a", "b"]),
                               polarity="lower_is_better")
    assert out.tolist() == ["worse", "similar"]


def test_compare_bad_inputs():
    with pytest.raises(ValueInputError, match="polarity must be one of"):
        compare_to_benchmark(1, 2, 1.5, polarity="lower")
    with pytest.raises(ValueInputError, match="rate_lower 3 is above rate_upper 2"):
        compare_to_benchmark(3, 2, 1.5, polarity="lower_is_better")
    with pytest.raises(ValueInputError, match="both lower_998 and upper_998"):
        compare_to_benchmark(1, 2, 1.5, polarity="lower_is_better", lower_998=0.5)


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


# --- rank_among_peers ------------------------------------------------------------------------


def _peer_rates():
    return pd.DataFrame(
        {"area": ["Bucks", "Peer 1", "Peer 2", "Peer 3", "Peer 4"], "rate": [6.0, 4.0, 9.0, 6.0, 10.0]}
    )


def test_rank_lower_is_better():
    rates = _peer_rates()
    before = rates.copy()
    r = rank_among_peers(rates, area="Bucks", polarity="lower_is_better")
    pd.testing.assert_frame_equal(rates, before)
    # 4 < 6 = 6 < 9 < 10: ranks 1, 2, 2, 4, 5; mean (6+4+9+6+10)/5 = 7.
    assert r["area"].tolist() == ["Peer 1", "Bucks", "Peer 3", "Peer 2", "Peer 4"]
    assert r["rank"].tolist() == [1, 2, 2, 4, 5]
    focal = r.loc[r["is_focal"]].iloc[0]
    assert focal["position"] == "2 of 5"
    assert focal["peer_average"] == 7.0
    assert focal["difference_from_average"] == -1.0


def test_rank_higher_is_better_and_neutral():
    r = rank_among_peers(_peer_rates(), area="Bucks", polarity="higher_is_better")
    assert r["area"].iloc[0] == "Peer 4"
    assert r.loc[r["is_focal"], "rank"].item() == 3
    n = rank_among_peers(_peer_rates(), area="Peer 2", polarity="no_judgement")
    assert n.loc[n["is_focal"], "position"].item() == "2 of 5"


def test_rank_custom_columns_and_errors():
    t = _peer_rates().rename(columns={"area": "csp", "rate": "per_1000"})
    r = rank_among_peers(t, area="Peer 4", polarity="lower_is_better", area_col="csp", rate_col="per_1000")
    assert r.loc[r["is_focal"], "rank"].item() == 5
    with pytest.raises(ValueInputError, match="'Nowhere' is not in the rates table"):
        rank_among_peers(_peer_rates(), area="Nowhere", polarity="lower_is_better")
    dup = pd.concat([_peer_rates(), _peer_rates().iloc[[0]]])
    with pytest.raises(ValueInputError, match="more than once"):
        rank_among_peers(dup, area="Bucks", polarity="lower_is_better")
    gap = _peer_rates().assign(rate=[6.0, np.nan, 9.0, 6.0, 10.0])
    with pytest.raises(ValueInputError, match="missing or not a number for \\['Peer 1'\\]"):
        rank_among_peers(gap, area="Bucks", polarity="lower_is_better")


# --- peer groups -----------------------------------------------------------------------------


def _three_areas():
    # density mean 2, sd 1 -> z = -1, 0, 1.
    # imd mean 20, sd sqrt((100 + 100 + 400)/2) = sqrt(300) -> z = -1/sqrt3, -1/sqrt3, 2/sqrt3.
    return pd.DataFrame(
        {"density": [1.0, 2.0, 3.0], "imd": [10.0, 10.0, 40.0], "name": ["Aa", "Bb", "Cc"]},
        index=["A", "B", "C"],
    )


def test_peer_distances_by_hand():
    f = _three_areas()
    before = f.copy()
    g = build_peer_group(f, area="A", k=2, columns=["density", "imd"])
    pd.testing.assert_frame_equal(f, before)
    # A-B: sqrt(1^2 + 0^2) = 1; A-C: sqrt(2^2 + (3/sqrt3)^2) = sqrt(4 + 3) = sqrt 7.
    assert g.peers == ("B", "C")
    assert g.to_frame()["distance"].tolist() == pytest.approx([1.0, math.sqrt(7)])
    assert g.to_frame()["rank"].tolist() == [1, 2]
    # From C: C-B = sqrt(1 + 3) = 2, C-A = sqrt 7.
    c = build_peer_group(f, area="C", k=1, columns=["density", "imd"])
    assert c.peers == ("B",)
    assert c.to_frame()["distance"].item() == pytest.approx(2.0)


def test_peer_group_says_it_is_not_the_home_office_msg():
    g = build_peer_group(_three_areas(), area="A", k=1, columns=["density", "imd"])
    assert g.method == "nearest neighbours"
    assert "not the Home Office's Most Similar Group" in g.note
    assert g.columns == ("density", "imd")


def test_peer_group_ties_broken_by_area_code():
    f = pd.DataFrame({"v": [0.0, 1.0, -1.0]}, index=["M", "Z", "B"])
    assert build_peer_group(f, area="M", k=2).peers == ("B", "Z")


def test_peer_group_errors():
    f = _three_areas()
    with pytest.raises(ValueInputError, match="same value for every area"):
        build_peer_group(f.assign(flat=5.0), area="A", k=1, columns=["density", "flat"])
    with pytest.raises(ValueInputError, match="area 'B', column 'imd' is missing"):
        build_peer_group(f.assign(imd=[10.0, np.nan, 40.0]), area="A", k=1, columns=["density", "imd"])
    with pytest.raises(ValueInputError, match="k must be a whole number from 1 to 2"):
        build_peer_group(f, area="A", k=3, columns=["density", "imd"])
    with pytest.raises(ValueInputError, match="'Q' is not in the features index"):
        build_peer_group(f, area="Q", k=1, columns=["density"])
    with pytest.raises(ValueInputError, match="column 'name' is missing or not a number"):
        build_peer_group(f, area="A", k=1)


def test_peer_group_from_config():
    g = peer_group_from_config("E06000060", ["E06000055", "E06000056"])
    assert g.peers == ("E06000055", "E06000056")
    assert g.to_frame()["distance"].isna().all()
    with pytest.raises(ValueInputError, match="includes the area itself"):
        peer_group_from_config("A", ["A", "B"])
    with pytest.raises(ValueInputError, match="more than once"):
        peer_group_from_config("A", ["B", "B"])
