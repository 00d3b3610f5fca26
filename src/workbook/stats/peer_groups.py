"""Peer groups: nearest neighbours by crime mix and size, or a configured list."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.stats.benchmark import NEAREST_NEIGHBOUR_NOTE

logger = logging.getLogger(__name__)

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
