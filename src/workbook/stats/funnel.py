"""Funnel plot limits with Spiegelhalter's overdispersion adjustment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from workbook.core.errors import ValueInputError
from workbook.core.polarity import check_polarity
from workbook.stats.benchmark import WINSORISE_TAIL, _as_float, _fmt
from workbook.stats.rates import level_label

# --- funnel limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelLimits:
    """Funnel-plot limits around a benchmark rate, from :func:`compute_funnel_limits`.

    Attributes
    ----------
    benchmark_rate
        The centre line, per ``per``.
    per
        The rate multiplier (1,000 for a rate per 1,000).
    levels
        The confidence levels of the limits.
    overdispersion
        Whether the overdispersion adjustment was asked for.
    adjusted
        Whether the limits were widened (asked for and tau^2 > 0); otherwise
        they are exact Poisson limits.
    phi
        The dispersion ratio, sum of winsorised z^2 over n (NaN without observed counts).
    tau2
        DerSimonian-Laird between-area variance on the square-root scale (0 if none).
    table
        One row per area: ``denominator``, ``expected``, then (with observed
        counts) ``observed``, ``rate``, ``z``, ``z_adjusted``, then the limits
        ``lower_<level>`` / ``upper_<level>`` and (with observed counts)
        ``position``: ``"within"``, ``"above 95%"``, ``"below 99.8%"``...
    """

    benchmark_rate: float
    per: float
    levels: tuple[float, ...]
    overdispersion: bool
    adjusted: bool
    phi: float
    tau2: float
    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The per-area table (a copy).

        Examples
        --------
        >>> f = compute_funnel_limits(10, [1000, 4000], overdispersion=False)
        >>> list(f.to_frame().columns)
        ['denominator', 'expected', 'lower_95', 'upper_95', 'lower_99_8', 'upper_99_8']
        """
        return self.table.copy()

    def limits_at(self, denominators: Sequence[float] | np.ndarray) -> pd.DataFrame:
        """The limits at any denominators, e.g. a smooth range to draw the funnel.

        Examples
        --------
        >>> f = compute_funnel_limits(10, [1000, 4000], overdispersion=False)
        >>> f.limits_at([1000, 2000, 4000])["denominator"].tolist()
        [1000.0, 2000.0, 4000.0]
        """
        n = np.asarray(denominators, dtype=float)
        tau2 = self.tau2 if self.adjusted else None
        return _limits_frame(n, self.benchmark_rate, self.per, self.levels, tau2)


def compute_funnel_limits(
    benchmark_rate: float,
    denominators: Sequence[float] | np.ndarray | pd.Series,
    *,
    per: float = 1000,
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion: bool = True,
    observed: Sequence[float] | np.ndarray | pd.Series | None = None,
) -> FunnelLimits:
    """Poisson funnel limits around a benchmark rate, optionally adjusted for overdispersion.

    Each area's expected count is E = benchmark_rate x denominator / per.
    Without adjustment the limits are exact Poisson ones, as FunnelPlotR
    draws them: lower = chi2(alpha/2; 2E)/2, upper = chi2(1 - alpha/2; 2E + 2)/2,
    as a rate (x per / denominator).

    With ``overdispersion=True`` (FunnelPlotR's square-root method, after
    Spiegelhalter 2005): y = sqrt(O/E), s = 1/(2 sqrt E), z = (y - 1)/s;
    z is winsorised (values beyond its 10th and 90th percentiles, linear
    interpolation, are set to them); phi = sum z^2 / n;
    tau^2 = max(0, (n phi - (n - 1)) / (sum w - sum w^2 / sum w)) with w = 1/s^2;
    the limits are benchmark x (1 +/- z_alpha sqrt(s^2 + tau^2))^2, a lower
    limit floored at 0 where 1 - z_alpha sqrt(s^2 + tau^2) < 0.  When tau^2 is
    0 (no overdispersion found) the exact Poisson limits are used.

    Parameters
    ----------
    benchmark_rate
        The centre line (e.g. the peer-group rate), per ``per``; above 0.
    denominators
        Each area's population (or households); a Series keeps its index.
    per
        The rate multiplier.
    levels
        Confidence levels for the limits, e.g. 95% and 99.8%.
    overdispersion
        Estimate and apply the overdispersion adjustment (needs ``observed``).
    observed
        Each area's count, aligned with ``denominators``; gives each area's
        rate, z-score and position against the limits.

    Returns
    -------
    FunnelLimits

    Raises
    ------
    ValueInputError
        A missing, zero or negative denominator or benchmark, a negative or
        fractional count, ``overdispersion=True`` without observed counts,
        or fewer than 2 areas to estimate overdispersion from.

    Examples
    --------
    >>> f = compute_funnel_limits(10, pd.Series([10_000] * 5, index=list("ABCDE")),
    ...                           observed=[80, 90, 100, 110, 150])
    >>> round(f.phi, 3), round(f.tau2, 5), f.adjusted
    (2.87, 0.00647, True)
    >>> f.to_frame()["position"].tolist()
    ['within', 'within', 'within', 'within', 'above 95%']
    """
    if not np.isfinite(benchmark_rate) or benchmark_rate <= 0:
        raise ValueInputError(f"benchmark_rate must be above 0; got {benchmark_rate!r}")
    if not np.isfinite(per) or per <= 0:
        raise ValueInputError(f"per must be above 0; got {per!r}")
    levels = tuple(levels)
    for level in levels:
        level_label(level)  # checks the level
    index = denominators.index if isinstance(denominators, pd.Series) else None
    n = _as_float(denominators, "denominators").reshape(-1)
    index = index if index is not None else pd.RangeIndex(n.size)
    bad = ~np.isfinite(n) | (n <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueInputError(f"denominator must be above 0; got {_fmt(n[i])} (at {index[i]!r})")

    expected = benchmark_rate * n / per
    obs = None
    if observed is not None:
        obs = _as_float(observed, "observed").reshape(-1)
        if isinstance(observed, pd.Series) and not observed.index.equals(index):
            raise ValueInputError(
                "observed and denominators are Series with different indexes; align them first"
            )
        if obs.size != n.size:
            raise ValueInputError(
                f"observed has {obs.size} values but denominators has {n.size}; they must match"
            )
        bad = ~np.isfinite(obs) | (obs < 0) | (obs != np.floor(obs))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueInputError(
                f"observed count must be a whole number, 0 or more; got {_fmt(obs[i])} (at {index[i]!r})"
            )

    phi = tau2 = float("nan")
    adjusted = False
    if overdispersion:
        if obs is None:
            raise ValueInputError("the overdispersion adjustment needs the observed counts: pass observed=")
        if n.size < 2:
            raise ValueInputError(f"overdispersion needs at least 2 areas; got {n.size}")
        s = 1 / (2 * np.sqrt(expected))
        z = (np.sqrt(obs / expected) - 1) / s
        phi, tau2 = _estimate_overdispersion(z, s)
        adjusted = tau2 > 0
    elif obs is not None:
        s = 1 / (2 * np.sqrt(expected))
        z = (np.sqrt(obs / expected) - 1) / s

    table = _limits_frame(n, benchmark_rate, per, levels, tau2 if adjusted else None)
    table.index = index
    if obs is not None:
        table.insert(2, "observed", obs)
        table.insert(3, "rate", obs / n * per)
        table.insert(4, "z", z)
        table.insert(5, "z_adjusted", z / np.sqrt(1 + 4 * expected * (tau2 if adjusted else 0.0)))
        table["position"] = _positions(table, levels)
    return FunnelLimits(
        benchmark_rate=float(benchmark_rate),
        per=float(per),
        levels=levels,
        overdispersion=overdispersion,
        adjusted=bool(adjusted),
        phi=float(phi),
        tau2=float(tau2) if overdispersion else 0.0,
        table=table,
    )


def _estimate_overdispersion(z: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """phi and DerSimonian-Laird tau^2 from z-scores winsorised at 10% each tail."""
    # numpy's default "linear" quantile is R's type 7, which FunnelPlotR uses.
    lo, hi = np.quantile(z, [WINSORISE_TAIL, 1 - WINSORISE_TAIL])
    zw = np.clip(z, lo, hi)
    k = z.size
    phi = float(np.sum(zw**2) / k)
    w = 1 / s**2
    if k * phi < k - 1:
        return phi, 0.0
    tau2 = max(0.0, (k * phi - (k - 1)) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    return phi, float(tau2)


def _limits_frame(
    n: np.ndarray, benchmark_rate: float, per: float, levels: tuple[float, ...], tau2: float | None
) -> pd.DataFrame:
    expected = benchmark_rate * n / per
    out = pd.DataFrame({"denominator": n, "expected": expected})
    for level in levels:
        alpha = 1 - level
        suffix = level_label(level)
        if tau2 is None:
            lower = stats.chi2.ppf(alpha / 2, 2 * expected) / 2
            upper = stats.chi2.ppf(1 - alpha / 2, 2 * expected + 2) / 2
            out[f"lower_{suffix}"] = lower / n * per
            out[f"upper_{suffix}"] = upper / n * per
        else:
            z = stats.norm.ppf(1 - alpha / 2)
            sd = np.sqrt(1 / (4 * expected) + tau2)
            out[f"lower_{suffix}"] = benchmark_rate * np.clip(1 - z * sd, 0, None) ** 2
            out[f"upper_{suffix}"] = benchmark_rate * (1 + z * sd) ** 2
    return out


def _positions(table: pd.DataFrame, levels: tuple[float, ...]) -> list[str]:
    """Widest limit each area's rate lies beyond, e.g. "above 99.8%"; "within" if none."""
    order = sorted(levels, reverse=True)
    out = []
    for _, row in table.iterrows():
        label = "within"
        for level in order:
            suffix = level_label(level)
            if row["rate"] > row[f"upper_{suffix}"]:
                label = f"above {level * 100:g}%"
                break
            if row["rate"] < row[f"lower_{suffix}"]:
                label = f"below {level * 100:g}%"
                break
        out.append(label)
    return out


def funnel_verdict(position: str, *, polarity: str) -> str:
    """The peer verdict a funnel position supports: the rule the report states.

    An area is *similar* to its peers when its rate lies within the
    overdispersion-adjusted 95% limits of the funnel (FunnelPlotR's
    random-effects limits, Spiegelhalter 2005); beyond them it is *better*
    or *worse* by the indicator's polarity (or *higher*/*lower* where no
    judgement is made), marked "(99.8%)" when also beyond the 99.8% limits.

    Examples
    --------
    >>> funnel_verdict("within", polarity="lower_is_better")
    'similar'
    >>> funnel_verdict("above 99.8%", polarity="lower_is_better")
    'worse (99.8%)'
    >>> funnel_verdict("below 95%", polarity="lower_is_better")
    'better (95%)'
    >>> funnel_verdict("above 95%", polarity="no_judgement")
    'higher (95%)'
    """
    check_polarity(polarity)
    if position == "within":
        return "similar"
    side, _, level = position.partition(" ")
    if side not in ("above", "below") or not level.endswith("%"):
        raise ValueInputError(f"expected a funnel position like 'within' or 'above 95%'; got {position!r}")
    word = {
        ("above", "lower_is_better"): "worse", ("below", "lower_is_better"): "better",
        ("above", "higher_is_better"): "better", ("below", "higher_is_better"): "worse",
        ("above", "no_judgement"): "higher", ("below", "no_judgement"): "lower",
    }[(side, polarity)]
    return f"{word} ({level})"
