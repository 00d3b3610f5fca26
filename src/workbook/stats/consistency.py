"""Do a published table's figures add up?

A workbook computes differences, percentages and totals and never types
them.  These checks catch the slips of tables that were typed: Safer Bucks'
2014/15 plan printed Wycombe's domestic-burglary difference as -116 where
201 - 367 = -166 (its total, -222, was right).

* :func:`check_comparison_table`: a "before / after / difference / % change"
  table, with an optional totals row.
* :func:`check_identity`: a row that must equal the sum of others, e.g.
  C Beds = M Beds + S Beds, or serious acquisitive crime = burglary + robbery
  + theft of and from motor vehicles.

Both return only the cells that fail, so an empty table means the published
figures are consistent.  Arithmetic is exact (fractions), so nothing passes or
fails through floating-point error.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Number
from typing import Any

import pandas as pd

from workbook.core.errors import ValueInputError

logger = logging.getLogger(__name__)

RESULT_COLUMNS = ["area", "column", "check", "published", "expected"]
IDENTITY_COLUMNS = ["total", "column", "parts", "published", "expected"]

# Symbols that mark a cell as not published (suppressed or not available).
_NOT_PUBLISHED = {"", "*", "-", "..", "n/a", "na", "x", ":", "[c]", "[x]"}


def check_comparison_table(
    df: pd.DataFrame,
    *,
    area_col: str,
    before_col: str,
    after_col: str,
    diff_col: str | None = None,
    pct_col: str | None = None,
    total_label: str | None = None,
    pct_decimals: int = 0,
) -> pd.DataFrame:
    """The cells of a published comparison table that don't add up.

    Checks, for every row:

    * **difference**: published difference = after - before (exactly);
    * **% change**: published % = 100 x (after - before) / before rounded to
      ``pct_decimals`` places, accepting either rounding of a half (half away
      from zero, as Excel's ROUND; or half to even);

    and, with ``total_label``, the **total** row's before and after equal the
    sums of the other rows.  The total row's difference and % are checked
    against its own before and after like any row, so a wrong difference is
    reported once, on its own row (the total's after - before equals the sum
    of the rows' correct differences whenever the before and after totals add up).

    Cells may be numbers or text as printed ("+98", "-9%", "1,108",
    "−116"); cells marked as not published ("", "*", "..", "n/a") are skipped.

    Parameters
    ----------
    df
        The table as published, one row per area.
    area_col, before_col, after_col
        Column names: the area label and the two periods' counts.
    diff_col, pct_col
        The published difference and % change columns, if any.
    total_label
        The label in ``area_col`` of the totals row, if there is one and it is
        the sum of the other rows.
    pct_decimals
        Decimal places the % change is published to.

    Returns
    -------
    pandas.DataFrame
        ``area``, ``column``, ``check`` (``"difference"``, ``"% change"`` or
        ``"total"``), ``published`` and ``expected`` (the % rounded half away
        from zero); one row per failing cell, in table order.  Empty when all
        is consistent.

    Raises
    ------
    ValueInputError
        A named column missing, a before or after value missing or not a
        number, or ``total_label`` not found exactly once.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["Aylesbury", "Wycombe", "Total"],
    ...                   "2012": [260, 367, 627], "2013": [236, 201, 437],
    ...                   "diff": ["-24", "-116", "-190"], "pct": ["-9%", "-45%", "-30%"]})
    >>> check_comparison_table(t, area_col="area", before_col="2012", after_col="2013",
    ...                        diff_col="diff", pct_col="pct", total_label="Total")
          area column       check  published  expected
    0  Wycombe   diff  difference       -116      -166
    """
    needed = [c for c in (area_col, before_col, after_col, diff_col, pct_col) if c is not None]
    _check_columns(df, needed)
    if not isinstance(pct_decimals, int) or pct_decimals < 0:
        raise ValueInputError(f"pct_decimals must be a whole number, 0 or more; got {pct_decimals!r}")

    areas = df[area_col].tolist()
    before = [_required(v, areas[i], before_col) for i, v in enumerate(df[before_col])]
    after = [_required(v, areas[i], after_col) for i, v in enumerate(df[after_col])]
    problems: list[dict[str, Any]] = []

    total_pos = None
    if total_label is not None:
        hits = [i for i, a in enumerate(areas) if a == total_label]
        if len(hits) != 1:
            raise ValueInputError(
                f"total_label {total_label!r} must name exactly one row in column {area_col!r}; "
                f"found {len(hits)}"
            )
        total_pos = hits[0]

    for i, area in enumerate(areas):
        if i == total_pos:
            others = [j for j in range(len(areas)) if j != total_pos]
            for col, values in ((before_col, before), (after_col, after)):
                expected = sum((values[j] for j in others), Fraction(0))
                if values[i] != expected:
                    problems.append(_problem(area, col, "total", values[i], expected))
        change = after[i] - before[i]
        if diff_col is not None:
            published = _parse(df[diff_col].iloc[i], area, diff_col)
            if published is not None and published != change:
                problems.append(_problem(area, diff_col, "difference", published, change))
        if pct_col is not None:
            published = _parse(df[pct_col].iloc[i], area, pct_col)
            if published is None:
                continue
            if before[i] == 0:
                logger.warning(
                    "%s: %% change from a base of 0 is undefined; published %s not checked", area, published
                )
                continue
            exact = 100 * change / before[i]
            allowed = {_round_half_away(exact, pct_decimals), _round_half_even(exact, pct_decimals)}
            if published not in allowed:
                expected = _round_half_away(exact, pct_decimals)
                problems.append(_problem(area, pct_col, "% change", published, expected))
    order = {c: k for k, c in enumerate([before_col, after_col, diff_col, pct_col])}
    out = pd.DataFrame(problems, columns=RESULT_COLUMNS)
    if len(out):
        out["_row"] = [areas.index(a) for a in out["area"]]
        out["_col"] = out["column"].map(order)
        out = out.sort_values(["_row", "_col"], kind="stable").drop(columns=["_row", "_col"])
    return out.reset_index(drop=True)


def check_identity(
    df: pd.DataFrame,
    *,
    total: Any,
    parts: Sequence[Any],
    columns: Sequence[str] | None = None,
    label_col: str | None = None,
) -> pd.DataFrame:
    """The cells where a row is not the sum of its parts.

    Checks ``row[total] == sum(row[p] for p in parts)`` in each of
    ``columns``.  Rows are found by their label in ``label_col`` (or by the
    index when ``label_col`` is None).  For an identity between columns
    (e.g. a table with one column per crime type) pass the transposed table.
    A column where the total or a part is not published (blank, "*") is
    skipped.

    Parameters
    ----------
    df
        The table as published.
    total
        Label of the row that should be the sum.
    parts
        Labels of the rows that should add up to it.
    columns
        Columns to check; default every column but ``label_col``.
    label_col
        Column holding the row labels; None to use the index.

    Returns
    -------
    pandas.DataFrame
        ``total``, ``column``, ``parts`` (e.g. ``"M Beds + S Beds"``),
        ``published`` and ``expected``: one row per failing column. Empty
        when the identity holds throughout.

    Raises
    ------
    ValueInputError
        A label not found exactly once, a column missing, or a cell that is
        text but not a number.

    Examples
    --------
    >>> t = pd.DataFrame({"area": ["M Beds", "S Beds", "C Beds"],
    ...                   "2007/08": [38, 154, 192], "2008/09": [37, 142, 180]})
    >>> check_identity(t, total="C Beds", parts=["M Beds", "S Beds"], label_col="area")
        total   column            parts  published  expected
    0  C Beds  2008/09  M Beds + S Beds        180       179
    """
    if label_col is not None:
        _check_columns(df, [label_col])
        labels = df[label_col].tolist()
    else:
        labels = df.index.tolist()
    cols = [c for c in df.columns if c != label_col] if columns is None else list(columns)
    _check_columns(df, cols)
    parts = list(parts)
    if not parts:
        raise ValueInputError("parts must name at least one row")
    where = f"column {label_col!r}" if label_col is not None else "the index"
    positions = {}
    for label in [total, *parts]:
        hits = [i for i, lab in enumerate(labels) if lab == label]
        if len(hits) != 1:
            raise ValueInputError(f"row {label!r} must appear exactly once in {where}; found {len(hits)}")
        positions[label] = hits[0]
    joined = " + ".join(str(p) for p in parts)
    problems = []
    for col in cols:
        values = {lab: _parse(df[col].iloc[pos], lab, col) for lab, pos in positions.items()}
        if any(v is None for v in values.values()):
            logger.info(
                "identity %s = %s not checked in column %r: a cell is not published", total, joined, col
            )
            continue
        expected = sum((values[p] for p in parts), Fraction(0))
        if values[total] != expected:
            problems.append(
                {
                    "total": total,
                    "column": col,
                    "parts": joined,
                    "published": _as_plain(values[total]),
                    "expected": _as_plain(expected),
                }
            )
    return pd.DataFrame(problems, columns=IDENTITY_COLUMNS)


# --- helpers ---------------------------------------------------------------------------------


def _check_columns(df: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueInputError(f"table has no column(s) {missing}; it has {list(df.columns)}")


def _parse(value: Any, row: Any, column: str) -> Fraction | None:
    """A published cell as an exact number; None when it is marked as not published."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        raise ValueInputError(f"row {row!r}, column {column!r}: expected a number, got {value!r}")
    if isinstance(value, Number):
        if isinstance(value, float) and math.isnan(value):
            return None
        if not math.isfinite(float(value)):
            raise ValueInputError(f"row {row!r}, column {column!r}: expected a finite number, got {value!r}")
        # Through the shortest decimal text, so a float 10.1 is 101/10, not its binary neighbour.
        return Fraction(Decimal(str(value))) if isinstance(value, float) else Fraction(value)
    text = str(value).strip()
    if text.lower() in _NOT_PUBLISHED:
        return None
    cleaned = text.replace("\u2212", "-").replace("\u2013", "-")  # typographic minus signs
    for mark in (",", "%", " "):
        cleaned = cleaned.replace(mark, "")
    cleaned = cleaned.removeprefix("+")
    try:
        return Fraction(Decimal(cleaned))
    except (InvalidOperation, ValueError) as exc:
        raise ValueInputError(f"row {row!r}, column {column!r}: expected a number, got {value!r}") from exc


def _required(value: Any, row: Any, column: str) -> Fraction:
    parsed = _parse(value, row, column)
    if parsed is None:
        raise ValueInputError(
            f"row {row!r}, column {column!r}: a value is needed to check the table; got {value!r}"
        )
    return parsed


def _round_half_away(x: Fraction, decimals: int) -> Fraction:
    scale = Fraction(10) ** decimals
    scaled = abs(x) * scale
    whole = math.floor(scaled + Fraction(1, 2))
    return Fraction(whole if x >= 0 else -whole) / scale


def _round_half_even(x: Fraction, decimals: int) -> Fraction:
    scale = Fraction(10) ** decimals
    return Fraction(round(x * scale)) / scale  # round() on a Fraction is exact, halves to even


def _as_plain(x: Fraction) -> int | float:
    return int(x) if x.denominator == 1 else float(x)


def _problem(area: Any, column: str, check: str, published: Fraction, expected: Fraction) -> dict[str, Any]:
    return {
        "area": area,
        "column": column,
        "check": check,
        "published": _as_plain(published),
        "expected": _as_plain(expected),
    }
