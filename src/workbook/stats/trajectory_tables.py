"""Checking a published trajectory table: are its rates, its overall change and its district sums consistent?

Real plans' trajectory tables are not always internally consistent (DOMAIN.md: South Beds serious
acquisitive crime 2008/09 is published as 2,355 while its four parts add to 2,350); this finds where.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import Any

import pandas as pd

from workbook.core.errors import PeriodError, ValueInputError
from workbook.core.periods import parse_financial_year

PROBLEM_COLUMNS: tuple[str, ...] = ("row", "year", "check", "expected", "published", "parts")
"""Columns of :func:`check_trajectory_table`'s result."""
_OVERALL = "overall %"


def _column_year(column: Any) -> str | None:
    """The financial year a count column is named after, else None."""
    try:
        parse_financial_year(str(column))
    except PeriodError:
        return None
    return str(column).strip()


def check_trajectory_table(
    table: pd.DataFrame,
    *,
    identities: Mapping[str, Sequence[str]] | None = None,
    pct_decimals: int = 0,
    count_rounding: float = 0.5,
    identity_tolerance: float = 1.0,
) -> pd.DataFrame:
    """Check a published trajectory table for internal consistency.

    A row is internally consistent when every published % agrees with its
    counts: each year's change on the year before (``"year %"``) and the
    change from the first year to the last (``"overall %"``).  A % agrees
    when some exact counts that round to the published ones give a change
    that rounds to the published %: the % may be off by half its last
    digit, each count by ``count_rounding``.  An identity (a row that is
    the sum of others, e.g. Central Bedfordshire = Mid + South Bedfordshire)
    holds in a year when the parts add to the published whole within
    ``identity_tolerance``.

    Parameters
    ----------
    table
        One row per area (or category), labelled by the index.  Count
        columns are named by financial year (``"2007/08"``), earliest
        first; ``"<year> %"`` holds the published % change on the year
        before and ``"overall %"`` the change from the first count column to
        the last.  Either kind of % column may be absent or hold NaN (not
        published), and then is not checked.
    identities
        ``{whole: [part, ...]}`` by row label, e.g. ``{"C Beds": ["M Beds",
        "S Beds"], "Total": ["N Beds", "C Beds"]}``.
    pct_decimals
        Decimal places the % columns were published to (0: whole per cent).
    count_rounding
        How far a published count may be from the exact figure behind it
        (0.5 for counts rounded to whole numbers; 0 to take them as exact).
    identity_tolerance
        How far a sum of rounded parts may be from its rounded whole.

    Returns
    -------
    pandas.DataFrame
        One row per problem, columns :data:`PROBLEM_COLUMNS`: the ``row``
        label, the ``year`` (the last year for ``"overall %"``), the
        ``check`` (``"year %"``, ``"overall %"`` or ``"identity"``),
        ``expected`` (the % the published counts give, or the sum of the
        parts), ``published``, and for an identity its ``parts`` joined by
        ``" + "``.  Empty when everything agrees.

    Raises
    ------
    ValueInputError
        For a column that is none of the above, count columns out of order,
        a % column without its count column, a negative or missing count,
        duplicate row labels, or an identity naming a row not in the table.

    Examples
    --------
    Central Bedfordshire's robbery trajectory (DOMAIN.md), with North
    Bedfordshire's 2009/10 figure mistyped as 263 for 253:

    >>> t = pd.DataFrame({"2007/08": [301, 192, 493], "2008/09": [276, 179, 455], "2008/09 %": [-8, -7, -8],
    ...                   "2009/10": [263, 167, 420], "2009/10 %": [-8, -7, -8]},
    ...                  index=["N Beds", "C Beds", "Total"])
    >>> p = check_trajectory_table(t, identities={"Total": ["N Beds", "C Beds"]})
    >>> p[["row", "year", "check", "published"]].values.tolist()
    [['N Beds', '2009/10', 'year %', -8.0], ['Total', '2009/10', 'identity', 420.0]]
    >>> round(float(p["expected"].iloc[0]), 2), float(p["expected"].iloc[1])
    (-4.71, 430.0)
    """
    if not isinstance(table, pd.DataFrame):
        raise ValueInputError(f"expected a DataFrame of counts by year; got {type(table).__name__}")
    if table.index.has_duplicates:
        dupes = sorted({str(x) for x in table.index[table.index.duplicated()]})
        raise ValueInputError(f"expected one row per label; {', '.join(dupes)} repeated")
    if pct_decimals < 0 or count_rounding < 0 or identity_tolerance < 0:
        raise ValueInputError("expected pct_decimals, count_rounding and identity_tolerance of 0 or more")
    years: list[str] = []
    pct_cols: dict[str, Any] = {}
    overall = None
    for col in table.columns:
        name = str(col).strip()
        if _column_year(name) is not None:
            years.append(name)
        elif name.endswith("%") and _column_year(name[:-1]) is not None:
            pct_cols[_column_year(name[:-1])] = col
        elif name == _OVERALL:
            overall = col
        else:
            raise ValueInputError(f"column {col!r} is not a financial year ('2007/08'), a '<year> %' change "
                                  f"or {_OVERALL!r}")
    if not years:
        raise ValueInputError("expected at least one count column named by financial year, e.g. '2007/08'")
    starts = [parse_financial_year(y).start for y in years]
    if starts != sorted(starts) or len(set(starts)) != len(starts):
        raise ValueInputError(f"expected count columns earliest first, each once; got {years}")
    for y in pct_cols:
        if y not in years[1:]:
            raise ValueInputError(f"column '{y} %' needs a count column {y!r} after the first year {years[0]}")
    by_name = {str(c).strip(): c for c in table.columns}
    counts = table[[by_name[y] for y in years]].apply(pd.to_numeric, errors="coerce").astype(float)
    counts.columns = years
    bad = counts.isna() | (counts < 0)
    if bad.any().any():
        row, year = next((r, y) for r in counts.index for y in years if bad.loc[r, y])
        raise ValueInputError(f"row {row!r}, column {year!r}: expected a count of 0 or more; "
                              f"got {table.loc[row, by_name[year]]!r}")

    for whole, parts in (identities or {}).items():
        missing = [p for p in [whole, *parts] if p not in counts.index]
        if missing or not parts:
            raise ValueInputError(f"identity for {whole!r} names rows not in the table: {missing or 'no parts'}")

    half = 0.5 * 10.0 ** (-pct_decimals) + 1e-9
    e = float(count_rounding)
    problems: list[dict[str, Any]] = []

    def check_pct(row: Any, year: str, before: float, after: float, published: Any, check: str) -> None:
        published = pd.to_numeric(published, errors="coerce")
        if pd.isna(published):
            return
        expected = 100.0 * (after / before - 1.0) if before > 0 else math.nan
        low = 100.0 * ((max(after - e, 0.0)) / (before + e) - 1.0) if before + e > 0 else math.nan
        high = 100.0 * ((after + e) / (before - e) - 1.0) if before - e > 0 else math.inf
        agrees = not math.isnan(low) and low <= published + half and high >= published - half
        if not agrees:
            problems.append({"row": row, "year": year, "check": check, "expected": expected,
                             "published": float(published), "parts": None})

    for row in counts.index:
        for prev, year in pairwise(years):
            if year in pct_cols:
                check_pct(row, year, counts.loc[row, prev], counts.loc[row, year],
                          table.loc[row, pct_cols[year]], "year %")
        if overall is not None and len(years) > 1:
            check_pct(row, years[-1], counts.loc[row, years[0]], counts.loc[row, years[-1]],
                      table.loc[row, overall], "overall %")
        for whole, parts in (identities or {}).items():
            if whole != row:
                continue
            for year in years:
                total = float(counts.loc[list(parts), year].sum())
                if abs(total - counts.loc[row, year]) > identity_tolerance + 1e-9:
                    problems.append({"row": row, "year": year, "check": "identity", "expected": total,
                                     "published": float(counts.loc[row, year]),
                                     "parts": " + ".join(str(p) for p in parts)})
    return pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))
