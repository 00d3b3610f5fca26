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

from typing import Any

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.core.polarity import Polarity, check_polarity

#: Share of z-scores pulled in at each tail before estimating overdispersion (FunnelPlotR's default).
WINSORISE_TAIL = 0.10

NEAREST_NEIGHBOUR_NOTE = (
    "Peer group built by the workbook: the {k} areas nearest to {area} by Euclidean distance on "
    "z-standardised published variables ({columns}). This is not the Home Office's Most Similar Group."
)


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
