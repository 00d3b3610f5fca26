"""Hotspot neighbourhoods: how concentrated crime is, which neighbourhoods
(LSOAs) have most of it, and whether they stay hotspots from year to year.

Only data at neighbourhood level can be used (data.police.uk street-level
files give an LSOA per record; the Metropolitan Police borough file does not).

Definitions
-----------
Neighbourhoods
    The LSOAs in ``data`` (any month, any category), unless a list is given
    with ``neighbourhoods=`` (pass one to count LSOAs with no recorded crime
    at all, which a crime file cannot show).  Rows with no location
    (``lsoa_code`` missing) are never ranked; they are reported as a count.
The top share
    With ``N`` neighbourhoods and ``top_share`` s (default 0.10), the top
    group has ``k = ceil(s × N)`` neighbourhoods (at least one): the smallest
    whole number that is at least 10% of them.  131 LSOAs give k = 14.
Hotspot in a period
    A neighbourhood with at least one crime whose rank by count in that
    period is within the top ``k``, ranking ties together (the lowest rank
    of a tie), so two neighbourhoods tied at the cut-off are both hotspots
    and the hotspot list may be a little longer than ``k``.  The *share* of
    crime in the top group always uses exactly ``k`` neighbourhoods (the
    share does not depend on how ties are broken).
Hotspot classes (:func:`classify_membership`)
    Over ``P >= 3`` consecutive complete periods (financial years by
    default) with hotspot flags ``h_1 … h_P`` (``h_P`` the latest) and
    ``m`` the number of periods flagged:

    * **not a hotspot**: ``m = 0``;
    * **persistent hotspot**: ``h_P`` and ``m > P / 2`` (a hotspot in most
      periods, including the latest);
    * **emerging hotspot**: ``h_P``, not persistent, and every flagged period
      is in one unbroken run ending with the latest (a hotspot recently, never
      before);
    * **former hotspot**: ``m > 0`` but neither of the last two periods
      flagged (``h_{P-1} = h_P = 0``);
    * **intermittent hotspot**: any other pattern (a hotspot sometimes: with
      gaps, or dropping out only in the latest period).

    With three years: 011 and 101 and 111 are persistent, 001 emerging,
    100 former, 110 and 010 intermittent.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.core.periods import Window, check_window_in_data, financial_year_label, financial_year_start
from workbook.stats.compare import add_change_columns

logger = logging.getLogger(__name__)

PERSISTENT = "persistent hotspot"
EMERGING = "emerging hotspot"
INTERMITTENT = "intermittent hotspot"
FORMER = "former hotspot"
NOT_HOTSPOT = "not a hotspot"
HOTSPOT_CLASSES: tuple[str, ...] = (PERSISTENT, EMERGING, INTERMITTENT, FORMER, NOT_HOTSPOT)
MIN_PERIODS = 3


# --------------------------------------------------------------------------- helpers


def count_top_group(n_neighbourhoods: int, *, top_share: float = 0.10) -> int:
    """How many neighbourhoods make up the top ``top_share``: ``ceil(share × N)``, at least 1.

    Examples
    --------
    >>> count_top_group(131), count_top_group(130), count_top_group(20), count_top_group(5)
    (14, 13, 2, 1)
    """
    if not isinstance(top_share, (int, float)) or not 0 < top_share <= 1:
        raise ValueInputError(f"top_share must be above 0 and at most 1 (e.g. 0.10); got {top_share!r}")
    if n_neighbourhoods < 1:
        raise ValueInputError(f"need at least one neighbourhood; got {n_neighbourhoods}")
    # The small tolerance keeps 0.1 × 130 = 13.000000000000002 at 13.
    return max(1, math.ceil(top_share * n_neighbourhoods - 1e-9))


def _check_data(data: pd.DataFrame) -> None:
    missing = [c for c in ("month", "lsoa_code", "count") if c not in data.columns]
    if missing:
        raise ValueInputError(
            f"data lack column(s) {missing}; "
            "expected the canonical crime table with neighbourhoods (lsoa_code)"
        )
    if data["lsoa_code"].isna().all():
        raise ValueInputError(
            "data have no neighbourhoods (lsoa_code is blank on every row); hotspot analysis needs "
            "LSOA-level data such as data.police.uk street-level files"
        )
    if (data["count"] < 0).any():
        raise ValueInputError("counts must be >= 0; found a negative count")


def _universe(data: pd.DataFrame, neighbourhoods: Sequence[str] | None) -> pd.Index:
    if neighbourhoods is None:
        codes = data["lsoa_code"].dropna().unique()
    else:
        codes = pd.unique(pd.Series(list(neighbourhoods), dtype="string").dropna())
        if len(codes) == 0:
            raise ValueInputError("neighbourhoods is empty; expected LSOA codes")
    return pd.Index(sorted(str(c) for c in codes), name="lsoa_code")


def _names(data: pd.DataFrame) -> pd.Series:
    """LSOA code → name (the latest name used in the data)."""
    if "lsoa_name" not in data.columns:
        return pd.Series(dtype="string")
    rows = data.dropna(subset=["lsoa_code"]).sort_values("month", kind="stable")
    return rows.groupby("lsoa_code")["lsoa_name"].last().astype("string")


def _span(data: pd.DataFrame) -> pd.DatetimeIndex:
    """Every month from the first to the last in the data.

    Windows are checked against the span, not the months that have rows: a
    table filtered to one category may have months with no records.
    """
    return pd.date_range(data["month"].min(), data["month"].max(), freq="MS")


def _in_window(data: pd.DataFrame, window: Window) -> pd.DataFrame:
    return data[(data["month"] >= window.start) & (data["month"] <= window.end)]


def _neighbourhood_counts(data: pd.DataFrame, window: Window, universe: pd.Index) -> tuple[pd.Series, int]:
    """Counts per neighbourhood in ``window`` (0 where none) and the no-location count."""
    rows = _in_window(data, window)
    located = rows["lsoa_code"].notna()
    counts = rows[located].groupby("lsoa_code")["count"].sum()
    outside = counts.index.difference(universe)
    if len(outside):
        logger.info("%d neighbourhoods in the data are not in the list given and are left out", len(outside))
    counts = counts.reindex(universe, fill_value=0).astype("int64")
    return counts, int(rows.loc[~located, "count"].sum())


def _hotspot_flags(counts: pd.Series, k: int) -> pd.Series:
    ranks = counts.rank(method="min", ascending=False)
    return (ranks <= k) & (counts > 0)


# --------------------------------------------------------------------------- concentration


@dataclass(frozen=True)
class HotspotConcentration:
    """How much of a period's located crime the top neighbourhoods hold."""

    window: Window
    top_share: float
    n_neighbourhoods: int
    n_top: int
    top_count: int
    located_count: int
    no_location_count: int
    hotspots: tuple[str, ...]

    @property
    def share(self) -> float:
        """Share (0–1) of located crime in the top ``n_top`` neighbourhoods; NaN if none."""
        return self.top_count / self.located_count if self.located_count else math.nan

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "period": self.window.label,
                    "top_share": self.top_share,
                    "n_neighbourhoods": self.n_neighbourhoods,
                    "n_top": self.n_top,
                    "top_count": self.top_count,
                    "located_count": self.located_count,
                    "share": self.share,
                    "no_location_count": self.no_location_count,
                    "n_hotspots": len(self.hotspots),
                }
            ]
        )


def hotspot_concentration(
    data: pd.DataFrame,
    *,
    window: Window,
    top_share: float = 0.10,
    neighbourhoods: Sequence[str] | None = None,
) -> HotspotConcentration:
    """Share of a period's crime recorded in the top 10% of neighbourhoods.

    Parameters
    ----------
    data
        The canonical crime table (``month``, ``lsoa_code``, ``count``),
        already filtered to the categories wanted.
    window
        The period, e.g. a financial year from
        :func:`~workbook.core.periods.parse_financial_year`.
    top_share
        Fraction of neighbourhoods in the top group (see the module notes for
        the rounding and ties).
    neighbourhoods
        LSOA codes making up the area; default: those in ``data``.

    Returns
    -------
    HotspotConcentration
        ``share`` is the top group's count over the count of crimes with a
        location; crimes with no location are reported in
        ``no_location_count`` and are in neither.

    Raises
    ------
    ValueInputError
        Data without neighbourhoods, a negative count, a bad ``top_share``.
    PeriodError
        A window month is not in the data.

    Examples
    --------
    >>> df = pd.DataFrame({"month": pd.Timestamp("2020-04-01"),
    ...                    "lsoa_code": ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", pd.NA],
    ...                    "count": [50, 10, 8, 7, 6, 5, 4, 4, 3, 3, 9]})
    >>> w = Window(pd.Timestamp("2020-04-01"), pd.Timestamp("2020-04-01"))
    >>> c = hotspot_concentration(df, window=w)
    >>> c.n_top, c.top_count, c.located_count, c.share, c.no_location_count
    (1, 50, 100, 0.5, 9)
    """
    _check_data(data)
    check_window_in_data(window, _span(data))
    universe = _universe(data, neighbourhoods)
    k = count_top_group(len(universe), top_share=top_share)
    counts, no_loc = _neighbourhood_counts(data, window, universe)
    top = int(counts.sort_values(ascending=False).iloc[:k].sum())
    flags = _hotspot_flags(counts, k)
    order = counts[flags].sort_values(ascending=False, kind="stable").index
    return HotspotConcentration(
        window=window,
        top_share=float(top_share),
        n_neighbourhoods=len(universe),
        n_top=k,
        top_count=top,
        located_count=int(counts.sum()),
        no_location_count=no_loc,
        hotspots=tuple(str(c) for c in order),
    )


# --------------------------------------------------------------------------- top neighbourhoods


@dataclass(frozen=True)
class TopNeighbourhoods:
    """The neighbourhoods with most crime in a period, with change on an earlier one."""

    table: pd.DataFrame
    current: Window
    previous: Window
    located_current: int
    located_previous: int
    no_location_current: int
    no_location_previous: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()


def top_neighbourhoods(
    data: pd.DataFrame,
    *,
    current: Window,
    previous: Window,
    n: int = 10,
) -> TopNeighbourhoods:
    """The ``n`` neighbourhoods with the highest counts in ``current``, with change on ``previous``.

    Records with no location are not ranked; their counts are reported on
    the result (``no_location_current``, ``no_location_previous``).

    Parameters
    ----------
    data
        The canonical crime table with ``lsoa_code`` (and ``lsoa_name``).
    current, previous
        Two windows of the same length.
    n
        How many neighbourhoods to list.

    Returns
    -------
    TopNeighbourhoods
        ``table`` has ``rank`` (ties share the lowest rank), ``lsoa_code``,
        ``lsoa_name``, ``previous``, ``current``, ``pct_of_located`` (the
        current count as % of all located crime), then the change columns of
        :func:`workbook.stats.compare.add_change_columns` (``difference``,
        ``pct_change``, the Poisson test).  Ordered by current count, then
        code.

    Examples
    --------
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2019-04-01"] * 4 + ["2020-04-01"] * 4),
    ...     "lsoa_code": ["A", "B", "C", pd.NA] * 2, "lsoa_name": ["a", "b", "c", pd.NA] * 2,
    ...     "count": [10, 30, 5, 4, 20, 25, 5, 6]})
    >>> w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))
    >>> top = top_neighbourhoods(df, current=w(2020), previous=w(2019), n=2)
    >>> top.table[["rank", "lsoa_code", "previous", "current", "difference"]].values.tolist()
    [[1, 'B', 30, 25, -5], [2, 'A', 10, 20, 10]]
    >>> top.no_location_current, top.no_location_previous
    (6, 4)
    """
    _check_data(data)
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueInputError(f"n must be a whole number of 1 or more; got {n!r}")
    if current.n_months != previous.n_months:
        raise ValueInputError(
            f"windows differ in length ({current.label}: {current.n_months} months, "
            f"{previous.label}: {previous.n_months}); expected equal lengths"
        )
    months = _span(data)
    check_window_in_data(current, months, what="current period")
    check_window_in_data(previous, months, what="previous period")
    universe = _universe(data, None)
    cur, no_cur = _neighbourhood_counts(data, current, universe)
    prev, no_prev = _neighbourhood_counts(data, previous, universe)
    table = pd.DataFrame(
        {"lsoa_code": universe.astype(str), "previous": prev.to_numpy(), "current": cur.to_numpy()}
    )
    table["rank"] = table["current"].rank(method="min", ascending=False).astype("int64")
    table = table.sort_values(["current", "lsoa_code"], ascending=[False, True], kind="stable").head(n)
    table["lsoa_name"] = table["lsoa_code"].map(_names(data)).astype("string")
    located = int(cur.sum())
    table["pct_of_located"] = 100.0 * table["current"] / located if located else math.nan
    table = table[["rank", "lsoa_code", "lsoa_name", "previous", "current", "pct_of_located"]]
    table = add_change_columns(table.reset_index(drop=True))
    return TopNeighbourhoods(
        table=table,
        current=current,
        previous=previous,
        located_current=located,
        located_previous=int(prev.sum()),
        no_location_current=no_cur,
        no_location_previous=no_prev,
    )


# --------------------------------------------------------------------------- classification


def classify_membership(flags: Sequence[bool]) -> str:
    """Classify one neighbourhood from its hotspot flags, oldest period first.

    The rule is in the module notes; at least three periods are needed.

    Examples
    --------
    >>> for flags in ([0, 1, 1], [1, 0, 1], [0, 0, 1], [1, 0, 0], [1, 1, 0], [0, 0, 0], [1, 1, 1, 0, 0]):
    ...     print(flags, classify_membership(flags))
    [0, 1, 1] persistent hotspot
    [1, 0, 1] persistent hotspot
    [0, 0, 1] emerging hotspot
    [1, 0, 0] former hotspot
    [1, 1, 0] intermittent hotspot
    [0, 0, 0] not a hotspot
    [1, 1, 1, 0, 0] former hotspot
    """
    h = [bool(f) for f in flags]
    p = len(h)
    if p < MIN_PERIODS:
        raise ValueInputError(f"need hotspot flags for at least {MIN_PERIODS} periods; got {p}")
    m = sum(h)
    if m == 0:
        return NOT_HOTSPOT
    if h[-1] and m > p / 2:
        return PERSISTENT
    if h[-1]:
        first = h.index(True)
        if all(h[first:]):
            return EMERGING
        return INTERMITTENT
    if not h[-2]:
        return FORMER
    return INTERMITTENT


@dataclass(frozen=True)
class HotspotClassification:
    """Each neighbourhood's hotspot flag per period and its class."""

    table: pd.DataFrame
    periods: tuple[Window, ...]
    labels: tuple[str, ...]
    top_share: float
    n_top: int

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def class_counts(self) -> pd.Series:
        """Number of neighbourhoods in each class, in :data:`HOTSPOT_CLASSES` order."""
        return self.table["classification"].value_counts().reindex(list(HOTSPOT_CLASSES), fill_value=0)

    def classes(self) -> pd.Series:
        """Class by LSOA code."""
        return self.table.set_index("lsoa_code")["classification"]


def list_complete_periods(
    months: Sequence[pd.Timestamp] | pd.DatetimeIndex,
    *,
    period: Literal["financial_year"] | int = "financial_year",
    end: pd.Timestamp | None = None,
) -> list[tuple[str, Window]]:
    """The complete periods (label, window) the months cover, oldest first.

    ``"financial_year"``: April–March years every month of which is present.
    A whole number ``m``: consecutive blocks of ``m`` months ending with
    ``end`` (default the last month), an incomplete first block left out.

    Examples
    --------
    >>> ms = pd.date_range("2017-01-01", "2020-12-01", freq="MS")
    >>> [lab for lab, _ in list_complete_periods(ms)]
    ['2017/18', '2018/19', '2019/20']
    >>> [lab for lab, _ in list_complete_periods(ms, period=12)][-2:]
    ['January to December 2019', 'January to December 2020']
    """
    have = pd.DatetimeIndex(pd.to_datetime(pd.Index(months))).unique().sort_values()
    if have.empty:
        raise ValueInputError("no months to divide into periods")
    last = have.max() if end is None else pd.Timestamp(end)
    have_set = set(have)
    out: list[tuple[str, Window]] = []
    if period == "financial_year":
        start = financial_year_start(have.min())
        while start + pd.DateOffset(months=11) <= last:
            w = Window(start, start + pd.DateOffset(months=11))
            if set(w.months) <= have_set:
                out.append((financial_year_label(w.start), w))
            start = start + pd.DateOffset(years=1)
        return out
    if isinstance(period, bool) or not isinstance(period, (int, np.integer)) or period < 1:
        raise ValueInputError(f"period must be 'financial_year' or a whole number of months; got {period!r}")
    stop = last
    while True:
        w = Window(stop - pd.DateOffset(months=int(period) - 1), stop)
        if not set(w.months) <= have_set:
            break
        out.append((w.label, w))
        stop = stop - pd.DateOffset(months=int(period))
    return out[::-1]


def classify_hotspots(
    data: pd.DataFrame,
    *,
    period: Literal["financial_year"] | int = "financial_year",
    top_share: float = 0.10,
    end: pd.Timestamp | None = None,
    neighbourhoods: Sequence[str] | None = None,
) -> HotspotClassification:
    """Classify every neighbourhood as a persistent, emerging, intermittent or former hotspot, or not one.

    Each complete period (financial year by default, or blocks of
    ``period`` months ending with ``end``) marks the hotspots (top
    ``top_share`` by count, ties together); the run of flags gives the class
    (rule in the module notes and :func:`classify_membership`).  Partial
    periods at either end are left out.

    Parameters
    ----------
    data
        The canonical crime table with ``lsoa_code``.
    period
        ``"financial_year"`` or a number of months (e.g. 12).
    top_share
        Fraction of neighbourhoods counted as hotspots in each period.
    end
        Last month to use; default the latest in the data.
    neighbourhoods
        LSOA codes making up the area; default those in ``data``.

    Returns
    -------
    HotspotClassification
        ``table``: ``lsoa_code``, ``lsoa_name``, one boolean column per
        period (its label), ``n_hotspot_periods``, ``latest_count`` and
        ``classification``; ordered by class (persistent first), then by
        the latest period's count.

    Raises
    ------
    ValueInputError
        Fewer than three complete periods, or data without neighbourhoods.

    Examples
    --------
    >>> counts = {"2020-01": [9, 1, 1], "2020-02": [1, 9, 1], "2020-03": [9, 1, 1]}
    >>> rows = [(pd.Timestamp(m), code, c) for m, cs in counts.items() for code, c in zip("ABC", cs)]
    >>> df = pd.DataFrame(rows, columns=["month", "lsoa_code", "count"])
    >>> hc = classify_hotspots(df, period=1, top_share=0.3)
    >>> hc.labels
    ('January 2020', 'February 2020', 'March 2020')
    >>> hc.classes().to_dict()
    {'A': 'persistent hotspot', 'B': 'intermittent hotspot', 'C': 'not a hotspot'}
    """
    _check_data(data)
    found = list_complete_periods(_span(data), period=period, end=end)
    if len(found) < MIN_PERIODS:
        got = ", ".join(lab for lab, _ in found) or "none"
        raise ValueInputError(
            f"classifying hotspots needs at least {MIN_PERIODS} complete periods; the data give "
            f"{len(found)} ({got})"
        )
    universe = _universe(data, neighbourhoods)
    k = count_top_group(len(universe), top_share=top_share)
    flags = {}
    latest = None
    for label, w in found:
        counts, _ = _neighbourhood_counts(data, w, universe)
        flags[label] = _hotspot_flags(counts, k)
        latest = counts
    table = pd.DataFrame(flags, index=universe)
    labels = tuple(lab for lab, _ in found)
    table["n_hotspot_periods"] = table[list(labels)].sum(axis=1).astype("int64")
    table["latest_count"] = latest.astype("int64")
    table["classification"] = [classify_membership(r) for r in table[list(labels)].itertuples(index=False)]
    table = table.reset_index()
    table.insert(1, "lsoa_name", table["lsoa_code"].map(_names(data)).astype("string"))
    order = table["classification"].map({c: i for i, c in enumerate(HOTSPOT_CLASSES)})
    table = (
        table.assign(_o=order)
        .sort_values(["_o", "latest_count", "lsoa_code"], ascending=[True, False, True], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    logger.info(
        "hotspots classified over %s (top %d of %d neighbourhoods)", ", ".join(labels), k, len(universe)
    )
    return HotspotClassification(
        table=table, periods=tuple(w for _, w in found), labels=labels, top_share=float(top_share), n_top=k
    )
