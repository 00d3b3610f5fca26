"""Several sources, one series: joining downloads of different vintages month by month.

A partnership's history often comes in pieces: the Met's long historical
borough file and its current "most recent 24 months" file, re-published monthly
with recent months revised; a police.uk folder of new months beside the area's
earlier data.  Sources are ordered by *vintage* (a source's own last month,
or an explicit ``vintage:`` in the config); where they overlap, the newer
vintage wins each month it holds, and every count it changed is listed as a
revision.  Months missing between the sources are an error naming them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError

REVISION_COLUMNS = ("month", "category", "old_count", "new_count", "difference", "old_source", "new_source")


@dataclass(frozen=True)
class Source:
    """One loaded source: its canonical rows, where they came from and its vintage."""

    data: pd.DataFrame
    path: Path
    vintage: pd.Timestamp

    @property
    def label(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class CombinedSources:
    """The joined series, which source each month came from, and the revisions between sources."""

    data: pd.DataFrame
    months_from: pd.DataFrame
    revisions: pd.DataFrame


def make_source(data: pd.DataFrame, *, path: str | Path, vintage: str | pd.Timestamp | None = None) -> Source:
    """A source with its vintage: ``vintage`` if given, else the last month it holds.

    Examples
    --------
    >>> d = pd.DataFrame({"month": pd.to_datetime(["2023-01-01", "2023-02-01"]), "category": ["Robbery"] * 2,
    ...                   "count": [1, 2]})
    >>> make_source(d, path="a.csv").vintage
    Timestamp('2023-02-01 00:00:00')
    """
    if data.empty:
        raise DataError("the source holds no rows", path=path)
    v = pd.Timestamp(vintage) if vintage is not None else data["month"].max()
    return Source(data=data, path=Path(path), vintage=v)


def combine_sources(sources: list[Source], *, areas: Sequence[str] | None = None) -> CombinedSources:
    """Join sources into one series, the newer vintage winning each month it holds.

    Parameters
    ----------
    sources
        Loaded sources (any order); each must be the canonical table.
    areas
        Area codes whose revisions are reported (the partnership's); default all.

    Returns
    -------
    CombinedSources
        ``data``: the joined rows; ``months_from``: ``month, source``;
        ``revisions``: for each month both an older and the winning source
        hold, each category whose count differs (summed over ``areas``):
        ``month, category, old_count, new_count, difference, old_source,
        new_source``.

    Raises
    ------
    DataError
        Naming the missing months when the sources leave a gap, or two
        sources with the same vintage that disagree about which months
        they hold.

    Examples
    --------
    >>> def src(months, counts, name):
    ...     d = pd.DataFrame({"month": pd.to_datetime(months), "category": "Robbery", "count": counts})
    ...     return make_source(d, path=name)
    >>> old = src(["2023-01-01", "2023-02-01", "2023-03-01"], [10, 11, 12], "historical.csv")
    >>> new = src(["2023-03-01", "2023-04-01"], [13, 14], "current.csv")
    >>> c = combine_sources([new, old])
    >>> c.data["count"].tolist()
    [10, 11, 13, 14]
    >>> c.revisions[["category", "old_count", "new_count"]].values.tolist()
    [['Robbery', 12, 13]]
    >>> combine_sources([src(["2023-01-01"], [1], "a.csv"), src(["2023-03-01"], [1], "b.csv")])
    Traceback (most recent call last):
    ...
    workbook.core.errors.DataError: b.csv: the sources leave a gap: no data for 2023-02 (between a.csv and b.csv); add a source holding those months
    """
    if not sources:
        raise DataError("no data sources given; expected at least one")
    ordered = sorted(sources, key=lambda s: (s.vintage, s.data["month"].max()))
    taken: dict[pd.Timestamp, int] = {}
    for i, s in enumerate(ordered):
        for m in s.data["month"].unique():
            taken[pd.Timestamp(m)] = i  # later (newer) sources overwrite earlier ones
    parts, revisions = [], []
    for i, s in enumerate(ordered):
        mine = s.data[s.data["month"].map(taken) == i]
        parts.append(mine)
        for j in range(i):  # what this source changed in each older source's months
            older = ordered[j]
            overlap = older.data[older.data["month"].isin(mine["month"].unique())]
            if overlap.empty:
                continue
            newer = mine[mine["month"].isin(overlap["month"].unique())]
            if areas is not None:  # revisions as the partnership sees them
                overlap, newer = overlap[overlap["area_code"].isin(areas)], newer[newer["area_code"].isin(areas)]
            before = overlap.groupby(["month", "category"])["count"].sum()
            after = newer.groupby(["month", "category"])["count"].sum()
            both = pd.concat([before.rename("old_count"), after.rename("new_count")], axis=1).fillna(0).astype("int64")
            # a category the older source never held (e.g. Action Fraud's in the Met's newer files) is new, not revised
            held = both.index.get_level_values("category").isin(set(older.data["category"]))
            changed = both[held & (both["old_count"] != both["new_count"])].reset_index()
            if not changed.empty:
                changed["difference"] = changed["new_count"] - changed["old_count"]
                changed["old_source"] = older.label
                changed["new_source"] = s.label
                revisions.append(changed)
    data = pd.concat(parts, ignore_index=True).sort_values(["month"], kind="stable").reset_index(drop=True)
    months = pd.DatetimeIndex(sorted(taken))
    full = pd.date_range(months.min(), months.max(), freq="MS")
    missing = full.difference(months)
    if len(missing):
        after = next(s for s in ordered if s.data["month"].min() > missing[0])
        before = next(s for s in reversed(ordered) if s.data["month"].max() < missing[0])
        shown = ", ".join(f"{m:%Y-%m}" for m in missing[:12]) + (" ..." if len(missing) > 12 else "")
        raise DataError(
            f"the sources leave a gap: no data for {shown} (between {before.label} and {after.label}); "
            "add a source holding those months",
            path=after.path,
        )
    months_from = pd.DataFrame({"month": months, "source": [ordered[taken[m]].label for m in months]})
    rev = (pd.concat(revisions, ignore_index=True) if revisions
           else pd.DataFrame({c: pd.Series(dtype="object") for c in REVISION_COLUMNS}))
    return CombinedSources(data=data, months_from=months_from, revisions=rev.reindex(columns=list(REVISION_COLUMNS)))
