"""Comparing an area with a benchmark and with its peers.

* :func:`compare_to_benchmark`: the OHID Fingertips rule. An area is
  "similar" when the benchmark lies inside its 95% interval, otherwise
  "better" or "worse" by the indicator's polarity (or the neutral "higher" /
  "lower" where more is not simply good or bad).
* :func:`compute_funnel_limits`: Poisson funnel limits around a benchmark
  rate, with the overdispersion adjustment of the R package FunnelPlotR
  (Spiegelhalter 2005): z-scores winsorised at 10% in each tail,
  phi = sum z^2 / n, DerSimonian-Laird tau^2, limits from sqrt(s^2 + tau^2).
* :func:`rank_among_peers`: rank, position and the peer-group average.
* :func:`build_peer_group`: a transparent nearest-neighbour peer group from
  published variables.  It is **not** the Home Office's Most Similar Group,
  and every result says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from workbook.errors import ValueInputError
from workbook.rates import level_label

logger = logging.getLogger(__name__)

Polarity = Literal["lower_is_better", "higher_is_better", "no_judgement"]
POLARITIES: tuple[str, ...] = ("lower_is_better", "higher_is_better", "no_judgement")

#: Share of z-scores pulled in at each tail before estimating overdispersion (FunnelPlotR's default).
WINSORISE_TAIL = 0.10

NEAREST_NEIGHBOUR_NOTE = (
    "Peer group built by the workbook: the {k} areas nearest to {area} by Euclidean distance on "
    "z-standardised published variables ({columns}). This is not the Home Office's Most Similar Group."
)


def check_polarity(polarity: str) -> str:
    """Return ``polarity`` if it is one of :data:`POLARITIES`, else raise.

    Examples
    --------
    >>> check_polarity("lower_is_better")
    'lower_is_better'
    """
    if polarity not in POLARITIES:
        raise ValueInputError(f"polarity must be one of {', '.join(POLARITIES)}; got {polarity!r}")
    return polarity


# --- benchmark comparison --------------------------------------------------------------------


def compare_to_benchmark(
    rate_lower: Any,
    rate_upper: Any,
    benchmark: Any,
    *,
    polarity: Polarity,
    lower_998: Any = None,
    upper_998: Any = None,
) -> str | pd.Series:
    """Classify an area against a benchmark by whether the benchmark is in its interval.

    The benchmark inside the area's 95% interval (ends included) gives
    ``"similar"``.  Otherwise the area's value is higher or lower than the
    benchmark, which is ``"better"`` or ``"worse"`` by ``polarity``, or the
    neutral ``"higher"`` / ``"lower"`` for ``"no_judgement"`` (e.g. recorded
    domestic abuse, where more reporting can be good).  With the 99.8% limits
    given as well (Fingertips' second tier), a difference is labelled with the
    widest interval it clears: ``"worse (99.8%)"`` or ``"worse (95%)"``.
    Missing limits or benchmark give ``"not compared"``.

    Parameters
    ----------
    rate_lower, rate_upper
        The area's 95% interval (one value each, or aligned Series/arrays).
    benchmark
        The benchmark value(s): a national, regional or peer-group rate.
    polarity
        ``"lower_is_better"`` (most crime), ``"higher_is_better"`` or ``"no_judgement"``.
    lower_998, upper_998
        Optional 99.8% interval for the second tier.

    Returns
    -------
    str or pandas.Series
        A label for scalar inputs; a Series of labels (keeping a Series
        input's index) otherwise.

    Raises
    ------
    ValueInputError
        An unknown polarity, or a lower limit above its upper limit.

    Examples
    --------
    >>> compare_to_benchmark(8.1, 9.9, 9.0, polarity="lower_is_better")
    'similar'
    >>> compare_to_benchmark(10.2, 12.0, 9.0, polarity="lower_is_better")
    'worse'
    >>> compare_to_benchmark(10.2, 12.0, 9.0, polarity="no_judgement")
    'higher'
    >>> compare_to_benchmark(10.2, 12.0, 9.0, polarity="lower_is_better", lower_998=9.5, upper_998=12.9)
    'worse (99.8%)'
    """
    check_polarity(polarity)
    tiered = lower_998 is not None or upper_998 is not None
    if tiered and (lower_998 is None or upper_998 is None):
        raise ValueInputError("give both lower_998 and upper_998 for the 99.8% tier, or neither")
    inputs = {"rate_lower": rate_lower, "rate_upper": rate_upper, "benchmark": benchmark}
    if tiered:
        inputs |= {"lower_998": lower_998, "upper_998": upper_998}
    scalar = all(np.ndim(v) == 0 and not isinstance(v, pd.Series) for v in inputs.values())
    index = next((v.index for v in inputs.values() if isinstance(v, pd.Series)), None)
    arrays = {k: _as_float(v, k) for k, v in inputs.items()}
    try:
        b = np.broadcast_arrays(*arrays.values())
    except ValueError as exc:
        raise ValueInputError(
            "rate_lower, rate_upper and benchmark (and the 99.8% limits) must be one value or the same length"
        ) from exc
    arrays = dict(zip(arrays, b, strict=True))
    lo, hi, bench = arrays["rate_lower"], arrays["rate_upper"], arrays["benchmark"]
    _check_ordered(lo, hi, "rate_lower", "rate_upper")

    labels = np.array([_side_word("high", polarity)] * lo.size, dtype=object).reshape(lo.shape)
    labels[hi < bench] = _side_word("low", polarity)
    labels[(lo <= bench) & (bench <= hi)] = "similar"
    missing = np.isnan(lo) | np.isnan(hi) | np.isnan(bench)
    if tiered:
        lo9, hi9 = arrays["lower_998"], arrays["upper_998"]
        _check_ordered(lo9, hi9, "lower_998", "upper_998")
        differs = labels != "similar"
        outside_998 = (bench < lo9) | (bench > hi9)
        labels[differs & outside_998] = labels[differs & outside_998] + " (99.8%)"
        labels[differs & ~outside_998] = labels[differs & ~outside_998] + " (95%)"
        missing |= np.isnan(lo9) | np.isnan(hi9)
    labels[missing] = "not compared"
    if scalar:
        return str(labels.reshape(-1)[0])
    flat = labels.reshape(-1)
    if index is not None and len(index) == flat.size:
        return pd.Series(flat, index=index, name="comparison", dtype="str")
    return pd.Series(flat, name="comparison", dtype="str")


def _side_word(side: str, polarity: str) -> str:
    if polarity == "no_judgement":
        return "higher" if side == "high" else "lower"
    good_side = "high" if polarity == "higher_is_better" else "low"
    return "better" if side == good_side else "worse"


def _as_float(values: Any, name: str) -> np.ndarray:
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueInputError(f"{name} must be numeric; got {values!r}") from exc


def _fmt(v: float) -> str:
    """A number as a reader would write it: 3, 2.5, a missing value."""
    v = float(v)
    if np.isnan(v):
        return "a missing value"
    return str(int(v)) if v.is_integer() else repr(v)


def _check_ordered(lo: np.ndarray, hi: np.ndarray, lo_name: str, hi_name: str) -> None:
    with np.errstate(invalid="ignore"):
        bad = lo > hi
    if np.any(bad):
        i = int(np.flatnonzero(np.ravel(bad))[0])
        raise ValueInputError(
            f"{lo_name} {_fmt(np.ravel(lo)[i])} is above {hi_name} {_fmt(np.ravel(hi)[i])}; "
            "expected lower <= upper"
        )


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


# --- ranking among peers ---------------------------------------------------------------------


def rank_among_peers(
    rates: pd.DataFrame,
    *,
    area: str,
    polarity: Polarity,
    area_col: str = "area",
    rate_col: str = "rate",
) -> pd.DataFrame:
    """Rank every area in a peer group, best first, and place one area among them.

    Rank 1 is the best rate by ``polarity`` (lowest for ``"lower_is_better"``,
    highest for ``"higher_is_better"``; for ``"no_judgement"`` rank 1 is simply
    the highest).  Tied rates share the best rank they cover ("min" ranking).
    The peer average is the unweighted mean of every rate in the table, the
    focal area included.

    Parameters
    ----------
    rates
        One row per area, with an area column and a rate column.
    area
        The focal area (the partnership the report is about).
    polarity
        ``"lower_is_better"``, ``"higher_is_better"`` or ``"no_judgement"``.
    area_col, rate_col
        Column names in ``rates``.

    Returns
    -------
    pandas.DataFrame
        Sorted by rank: ``area``, ``rate``, ``rank``, ``n_areas``,
        ``position`` (e.g. ``"2 of 4"``), ``peer_average``,
        ``difference_from_average`` (rate - peer average) and ``is_focal``.

    Raises
    ------
    ValueInputError
        Missing columns, the focal area not in the table, an area listed
        twice, or a missing rate.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["A", "B", "C", "D"], "rate": [12.0, 8.0, 10.0, 14.0]})
    >>> r = rank_among_peers(t, area="C", polarity="lower_is_better")
    >>> r.loc[r["is_focal"], ["rank", "position", "peer_average"]].to_dict("records")
    [{'rank': 2, 'position': '2 of 4', 'peer_average': 11.0}]
    """
    check_polarity(polarity)
    missing = [c for c in (area_col, rate_col) if c not in rates.columns]
    if missing:
        raise ValueInputError(f"rates has no column(s) {missing}; expected {area_col!r} and {rate_col!r}")
    table = rates[[area_col, rate_col]].copy()
    table.columns = ["area", "rate"]
    dupes = table["area"][table["area"].duplicated()].unique().tolist()
    if dupes:
        raise ValueInputError(f"each area must appear once in rates; {dupes} appear more than once")
    if area not in set(table["area"]):
        raise ValueInputError(f"area {area!r} is not in the rates table; areas are {table['area'].tolist()}")
    table["rate"] = pd.to_numeric(table["rate"], errors="coerce").astype(float)
    if table["rate"].isna().any():
        gaps = table.loc[table["rate"].isna(), "area"].tolist()
        raise ValueInputError(f"rate is missing or not a number for {gaps}")
    ascending = polarity == "lower_is_better"
    table["rank"] = table["rate"].rank(method="min", ascending=ascending).astype(int)
    table["n_areas"] = len(table)
    table["position"] = [f"{r} of {len(table)}" for r in table["rank"]]
    table["peer_average"] = float(table["rate"].mean())
    table["difference_from_average"] = table["rate"] - table["peer_average"]
    table["is_focal"] = table["area"] == area
    return table.sort_values(["rank", "area"], kind="stable").reset_index(drop=True)


# --- peer groups -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PeerGroup:
    """An area's peer group and how it was made.

    Attributes
    ----------
    area
        The area the group is for.
    peers
        The peer areas, nearest first (the area itself not included).
    method
        ``"nearest neighbours"`` (built by :func:`build_peer_group`) or
        ``"configured"`` (a list given in the area's config).
    note
        A sentence for the report saying how the group was made.
    distances
        ``peer``, ``distance``, ``rank`` (NaN distances for a configured list).
    columns
        The variables used for the distances (empty for a configured list).
    """

    area: str
    peers: tuple[str, ...]
    method: str
    note: str
    distances: pd.DataFrame
    columns: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """The peers with their distance and rank (a copy).

        Examples
        --------
        >>> peer_group_from_config("A", ["B", "C"]).to_frame()["peer"].tolist()
        ['B', 'C']
        """
        return self.distances.copy()


def build_peer_group(
    features: pd.DataFrame,
    *,
    area: str,
    k: int = 10,
    columns: Sequence[str] | None = None,
) -> PeerGroup:
    """The ``k`` areas most like ``area`` on published variables (nearest neighbours).

    Each variable is z-standardised across all areas in ``features``
    ((value - mean) / sample standard deviation, ddof = 1), so every variable
    counts equally; the distance is Euclidean on the z-scores.  Ties in
    distance are broken by area code.

    This is a transparent stand-in for a peer group.  It is **not** the Home
    Office's Most Similar Group (iQuanta), which uses its own variables and
    weights; the result's ``note`` says so for the report.

    Parameters
    ----------
    features
        One row per area, indexed by area code, numeric columns (e.g.
        population density, an index of deprivation, share of one-person households).
    area
        The area to find peers for (an index label of ``features``).
    k
        How many peers to return.
    columns
        The variables to use; all columns of ``features`` by default.

    Returns
    -------
    PeerGroup

    Raises
    ------
    ValueInputError
        The area not in ``features``, a duplicated area, a missing or
        non-numeric value, a variable that is the same for every area, or
        ``k`` not between 1 and the number of other areas.

    Examples
    --------
    >>> f = pd.DataFrame({"density": [1.0, 2.0, 3.0], "imd": [10.0, 10.0, 40.0]},
    ...                  index=["A", "B", "C"])
    >>> g = build_peer_group(f, area="A", k=2)
    >>> g.peers, [round(d, 4) for d in g.to_frame()["distance"]]
    (('B', 'C'), [1.0, 2.6458])
    """
    cols = list(features.columns if columns is None else columns)
    if not cols:
        raise ValueInputError(
            "no variables to build a peer group from: give columns= or a non-empty features table"
        )
    absent = [c for c in cols if c not in features.columns]
    if absent:
        raise ValueInputError(f"features has no column(s) {absent}; it has {list(features.columns)}")
    if features.index.has_duplicates:
        dupes = features.index[features.index.duplicated()].unique().tolist()
        raise ValueInputError(f"each area must appear once in features; {dupes} appear more than once")
    if area not in features.index:
        raise ValueInputError(f"area {area!r} is not in the features index")
    others = len(features) - 1
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= others:
        raise ValueInputError(f"k must be a whole number from 1 to {others} (the other areas); got {k!r}")

    values = features[cols].apply(pd.to_numeric, errors="coerce").astype(float)
    if values.isna().any().any():
        row, col = next((r, c) for c in cols for r in values.index if pd.isna(values.at[r, c]))
        raise ValueInputError(f"features value for area {row!r}, column {col!r} is missing or not a number")
    sd = values.std(ddof=1)
    flat = sd.index[~(sd > 0)].tolist()
    if flat:
        raise ValueInputError(f"column(s) {flat} have the same value for every area and cannot separate them")
    z = (values - values.mean()) / sd
    distance = np.sqrt(((z - z.loc[area]) ** 2).sum(axis=1)).drop(index=area)
    ranked = (
        pd.DataFrame({"peer": distance.index.astype(str), "distance": distance.to_numpy()})
        .sort_values(["distance", "peer"], kind="stable")
        .head(k)
        .reset_index(drop=True)
    )
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    note = NEAREST_NEIGHBOUR_NOTE.format(k=k, area=area, columns=", ".join(map(str, cols)))
    logger.info("built nearest-neighbour peer group for %s from %s", area, cols)
    return PeerGroup(
        area=area,
        peers=tuple(ranked["peer"]),
        method="nearest neighbours",
        note=note,
        distances=ranked,
        columns=tuple(map(str, cols)),
    )


def peer_group_from_config(area: str, peers: Sequence[str]) -> PeerGroup:
    """A peer group given as a list (e.g. the official MSG copied into the area config).

    Examples
    --------
    >>> g = peer_group_from_config("E06000060", ["E06000055", "E06000056"])
    >>> g.method, g.peers
    ('configured', ('E06000055', 'E06000056'))
    """
    peer_list = [str(p) for p in peers]
    if not peer_list:
        raise ValueInputError(f"the peer list for {area!r} is empty")
    if str(area) in peer_list:
        raise ValueInputError(f"the peer list for {area!r} includes the area itself")
    dupes = sorted({p for p in peer_list if peer_list.count(p) > 1})
    if dupes:
        raise ValueInputError(f"the peer list for {area!r} names {dupes} more than once")
    table = pd.DataFrame(
        {
            "peer": peer_list,
            "distance": np.full(len(peer_list), np.nan),
            "rank": np.arange(1, len(peer_list) + 1),
        }
    )
    return PeerGroup(
        area=str(area),
        peers=tuple(peer_list),
        method="configured",
        note=f"Peer group as listed in the area's configuration ({len(peer_list)} areas).",
        distances=table,
    )
