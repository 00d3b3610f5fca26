"""Statistical disclosure control for published tables.

Small counts of sensitive offences (sexual offences by default) in small
areas are not published.  A :class:`DisclosureRule`, read from the
``disclosure`` section of an area's YAML, says which counts are small
(``1 .. threshold - 1``; zero is shown as 0), which categories and levels it
covers, the symbol shown instead of a count, and whether the other counts are
rounded (as NHS statistics round to the nearest 5).
:func:`apply_disclosure` turns a table into its published form and records
every suppressed cell and why; :func:`apply_disclosure_together` does the same
for tables that must be protected as one (a parent category and its child
categories, each broken down by district with a total row).

A reader is assumed to have every published figure at once: totals, the other
tables (a parent category minus its published children), differences and
columns derived from the counts (a % change computed from exact counts undoes
rounding).  Everything below is designed against that reader.

The algorithm
-------------
1. **Primary suppression.**  In every row the rule covers (its category is
   sensitive and its level is one of ``rule.levels``; a total row is an
   ``"area"`` figure), each count with ``0 < count < threshold`` is
   suppressed.
2. **Derived cells.**  A difference, % change, rate or test result computed
   from a suppressed count would give the count back, so every derived cell
   whose sources include a suppressed cell in its row is suppressed too.
   This is repeated after every later step.
3. **Rounded rows** (``rule.rounding``).  Covered rows are rounded, and so is
   every row that is a total of a rounded row (the total row, a parent
   category's row): totals are rounded like their parts.  A *fixed* row (one
   published elsewhere exactly as here, e.g. a partnership total that the
   year-to-date table shows) keeps its published form.
4. **Secondary suppression** (``rule.secondary``).  The table's structure is
   written as linear relations between its cells: each column sums to the
   total row, each row's counts sum to the total column, each difference
   column equals ``after - before`` in every row, and each ``row_sums`` total
   equals the sum of its parts.  Then, until nothing changes:

   a. any relation with exactly one suppressed cell would give that cell by
      subtraction, so the next-smallest non-zero published cell in the same
      line is suppressed (an ordinary count first, a total only when the line
      has nothing else; a difference is protected by suppressing its smaller
      source count; a fixed row's cells never);
   b. otherwise the relations are solved as one linear system: a suppressed
      cell is *recoverable* when it is uniquely determined (its coordinate is
      zero in every vector of the null space of the suppressed cells'
      coefficient matrix).  One published cell that enters the combination
      of relations giving the recoverable cell is suppressed;
   c. otherwise the reader's view is bounded by linear programming: a
      suppressed count is at least 1 (zeros are shown), a published count in
      a rounded row lies in its rounding interval (and, in a covered row, is
      at least the threshold), a rounded row's difference says nothing more
      than its rounded counts.  A suppressed count whose possible whole
      values spread less than ``rule.required_range`` (by default the
      rounding base, so never known to within +/-2 with base 5; else 1, never
      exactly), or a covered rounded count pinned to one value, is
      recoverable, and the next-smallest published cell in one of its lines
      is suppressed.

   Each pass suppresses at least one more cell, so the loop ends; at the end
   :func:`find_recoverable_cells` finds nothing.
5. **Publishing.**  Counts in rounded rows are rounded to the nearest multiple
   of the base (halves up); their differences are worked out from the rounded
   counts; their other derived columns (% change, rate ratio and its
   interval, p-value, rate) are recomputed from the rounded counts by the
   caller's ``recompute`` function, or suppressed when there is none.

Limits: the relations are those the caller declares.  A figure shown in
another table is protected only if the caller says so (``fixed_rows`` and
``suppressed_elsewhere``, which the report's publisher fills from what it has
already published) or protects the tables together.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from workbook.config.disclosure import DisclosureRule, Level
from workbook.core.errors import ValueInputError
from workbook.stats.recoverability import (
    Cell,
    _active,
    _build_structure,
    _check_relations,
    _derivation,
    _determined,
    _narrow_cells,
    _numeric_values,
    _propagate,
    _reader_unknowns,
    _Structure,
)

logger = logging.getLogger(__name__)

_KEY = "__table"
_ROW = "__row"


@dataclass(frozen=True)
class SuppressedCell:
    """One suppressed cell.  The value is deliberately not recorded, so the
    log can be shown or saved without disclosing it."""

    row: Hashable
    column: str
    reason: Literal["primary", "secondary"]
    detail: str


@dataclass(frozen=True)
class DisclosureResult:
    """A table made safe to publish.

    Attributes
    ----------
    published
        The table as it may be published: suppressed cells show the rule's
        symbol (their columns have object dtype), counts in rounded rows
        rounded, and columns derived from them worked out again from the
        rounded counts.
    primary, secondary
        Boolean masks (same index and columns as the input) of cells
        suppressed because they are small, and of cells suppressed to protect
        them (secondary suppressions and derived cells).
    log
        Each suppressed cell, in table order, with its reason.
    rule
        The rule applied.
    rounded
        Boolean mask of the count cells published rounded (None: no rounding).
    """

    published: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    log: tuple[SuppressedCell, ...]
    rule: DisclosureRule
    rounded: pd.DataFrame | None = None

    @property
    def suppressed(self) -> pd.DataFrame:
        """Mask of every suppressed cell."""
        return self.primary | self.secondary

    @property
    def n_suppressed(self) -> int:
        return len(self.log)

    def to_frame(self) -> pd.DataFrame:
        """The suppression log: ``row, column, reason, detail``."""
        return pd.DataFrame(
            [(e.row, e.column, e.reason, e.detail) for e in self.log],
            columns=["row", "column", "reason", "detail"],
        )


# --------------------------------------------------------------------------
# Applying a rule.


def _positions(struct: _Structure, rows: Collection[Hashable] | None, what: str) -> set[int]:
    if not rows:
        return set()
    index: dict[Hashable, int] = {}
    for i, lab in enumerate(struct.labels):
        index.setdefault(lab, i)
    unknown = [r for r in rows if r not in index]
    if unknown:
        raise ValueInputError(f"{what} names row(s) {unknown} that the table does not have")
    return {index[r] for r in rows}


def _row_covered(
    table: pd.DataFrame,
    *,
    rule: DisclosureRule,
    category: str | None,
    category_col: str | None,
    level: Level,
    area_pos: set[int],
) -> list[bool]:
    if category_col is not None and category_col not in table.columns:
        raise ValueInputError(f"table has no category column {category_col!r}")
    if not rule.all_categories and category is None and category_col is None:
        raise ValueInputError(
            "cannot tell whether the table is a sensitive category: pass category= (the table's category) "
            "or category_col= (a column naming each row's category), or set all_categories in the rule"
        )
    out = []
    for i in range(len(table)):
        row_level = "area" if i in area_pos else level
        cat = table[category_col].iloc[i] if category_col is not None else category
        out.append(row_level in rule.levels and rule.covers_category(cat))
    return out


def _rounded_rows(struct: _Structure, covered: Sequence[bool], fixed: set[int], rule: DisclosureRule) -> set[int]:
    """Covered rows, and (repeatedly) every total of a rounded row that is not fixed."""
    if rule.rounding is None:
        return set()
    rows = {i for i, cov in enumerate(covered) if cov}
    changed = True
    while changed:
        changed = False
        for tpos, parts in struct.sums:
            if tpos not in rows and tpos not in fixed and any(p in rows for p in parts):
                rows.add(tpos)
                changed = True
    return rows


def _round_value(v: float, base: int) -> float:
    return math.floor(v / base + 0.5) * base


def _pick(
    struct: _Structure,
    cells: Sequence[Cell],
    values: Mapping[Cell, float],
    hidden: set[Cell],
    blocked: set[Cell] = frozenset(),  # type: ignore[assignment]
) -> Cell | None:
    """The next cell to suppress among ``cells``: published, non-zero, not
    fixed; an ordinary count before a total before a difference, then the
    smallest."""
    cands = [
        c for c in cells
        if c not in hidden and c not in blocked and not math.isnan(values[c]) and values[c] != 0
    ]
    if not cands:
        return None
    best = min(cands, key=lambda c: (struct.kind(c), abs(values[c]), c[0]))
    if struct.kind(best) == 2:
        # Hiding a difference alone leaves after - before; hide its smaller source instead.
        a, b = struct.difference_columns[best[1]]
        sources = [s for s in ((best[0], a), (best[0], b)) if s not in hidden]
        src = _pick(struct, sources, values, hidden, blocked)
        if src is not None:
            return src
    return best


def apply_disclosure(
    table: pd.DataFrame,
    *,
    rule: DisclosureRule,
    count_columns: Sequence[str],
    derived_columns: Mapping[str, Sequence[str]] | None = None,
    difference_columns: Mapping[str, tuple[str, str]] | None = None,
    total_row: Hashable | None = None,
    total_column: str | None = None,
    category: str | None = None,
    category_col: str | None = None,
    label_col: str | None = None,
    level: Level = "sub_area",
    row_sums: Sequence[tuple[Hashable, Sequence[Hashable]]] | None = None,
    area_rows: Collection[Hashable] | None = None,
    fixed_rows: Collection[Hashable] | None = None,
    suppressed_elsewhere: Collection[tuple[Hashable, str]] | None = None,
    recompute: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None,
) -> DisclosureResult:
    """Suppress (and optionally round) a table's small counts for publication.

    See the module docstring for the algorithm.

    Parameters
    ----------
    table
        The table, one row per sub-area (or category), with count columns and
        columns derived from them.  Not changed.
    rule
        The disclosure rule (see :func:`load_disclosure_rule`).
    count_columns
        Columns of counts (the total column, if any, may be included).
    derived_columns
        ``{column: [source columns]}`` for columns computed from counts in the
        same row (% change, rate per 1,000, rate ratio, p-value): suppressed
        wherever a source is, and recomputed (or suppressed) in rounded rows.
        Sources may be difference or derived columns.
    difference_columns
        ``{column: (after, before)}`` for columns equal to ``after - before``;
        derived from both, and used as a relation for secondary suppression.
    total_row
        Label of the row that is the sum of all the others (in the index, or
        in ``label_col``).  Its counts are ``"area"``-level figures.
    total_column
        A count column equal to the sum of the other count columns.
    category, category_col
        The table's category, or a column naming each row's category; one is
        needed unless ``rule.all_categories``.
    label_col
        A column labelling the rows (e.g. ``area_name``); default the index.
    level
        The level of the table's rows: ``"sub_area"`` or ``"area"``.
    row_sums
        Further ``(total, [parts])`` row labels: in every count and
        difference column the total row equals the sum of the part rows
        (districts within a county; child categories within their parent).
        A part whose count is missing (NaN) stands for a remainder that is
        not published.
    area_rows
        Rows that are ``"area"``-level figures (default: the total row).
    fixed_rows
        Rows published elsewhere exactly as they are here: never suppressed
        to protect another cell, and not rounded unless the rule covers them.
    suppressed_elsewhere
        ``(row, column)`` cells suppressed where they are also published:
        suppressed here too, and protected.
    recompute
        ``recompute(rows, exact)``: given rows of the table with their
        published (rounded) counts, and the same rows as they were, returns
        ``rows`` with the derived columns worked out again from the rounded
        counts; without it, derived cells of rounded rows are suppressed.

    Returns
    -------
    DisclosureResult

    Raises
    ------
    ValueInputError
        A named column or row is missing or not numeric, a count is negative,
        the total row is not found, or the table's totals or differences do
        not add up (a table that is wrong cannot be protected by its
        structure); or a cell cannot be protected without suppressing a
        fixed one.

    Examples
    --------
    >>> t = pd.DataFrame({"2012": [3, 20, 30, 53], "2013": [10, 25, 28, 63]},
    ...                  index=["A", "B", "C", "Total"])
    >>> t["difference"] = t["2013"] - t["2012"]
    >>> res = apply_disclosure(t, rule=DisclosureRule(), count_columns=["2012", "2013"],
    ...                        difference_columns={"difference": ("2013", "2012")},
    ...                        total_row="Total", category="Sexual offences")
    >>> res.published["2012"].tolist(), res.published["difference"].tolist()
    (['<5', '<5', 30, 53], ['<5', '<5', -2, 10])
    >>> res.to_frame()[["row", "column", "reason"]].values.tolist()[:2]
    [['A', '2012', 'primary'], ['A', 'difference', 'secondary']]

    With rounding to 5 the total is rounded like its parts, and a difference
    is the difference of the rounded counts:

    >>> rounded = apply_disclosure(t, rule=DisclosureRule(rounding=5, levels=["sub_area"]),
    ...                            count_columns=["2012", "2013"], difference_columns={"difference": ("2013", "2012")},
    ...                            total_row="Total", category="Sexual offences")
    >>> [int(v) for v in rounded.published.loc["C"]], int(rounded.published.loc["Total", "2013"])
    ([30, 30, 0], 65)
    """
    struct = _build_structure(
        table,
        count_columns=count_columns,
        difference_columns=difference_columns,
        derived_columns=derived_columns,
        total_row=total_row,
        total_column=total_column,
        label_col=label_col,
        row_sums=row_sums,
    )
    linear_cols = [*struct.count_columns, *struct.difference_columns]
    values = _numeric_values(table, linear_cols)
    _check_relations(struct, values)
    area_pos = (
        ({struct.total_pos} if struct.total_pos is not None else set())
        if area_rows is None
        else _positions(struct, area_rows, "area_rows")
    )
    covered = _row_covered(
        table, rule=rule, category=category, category_col=category_col, level=level, area_pos=area_pos
    )
    fixed = _positions(struct, fixed_rows, "fixed_rows")
    blocked = {(i, c) for i in fixed for c in linear_cols}
    n = len(table)

    primary: dict[Cell, str] = {}
    for i in range(n):
        if not covered[i]:
            continue
        for col in struct.count_columns:
            v = values[(i, col)]
            if not math.isnan(v) and 0 < v < rule.threshold:
                primary[(i, col)] = f"count below {rule.threshold}"
    secondary: dict[Cell, str] = {}
    for row, col in suppressed_elsewhere or ():
        (pos,) = _positions(struct, [row], "suppressed_elsewhere")
        if col not in table.columns:
            raise ValueInputError(f"suppressed_elsewhere names column {col!r} that the table does not have")
        if (pos, col) not in primary:
            secondary[(pos, col)] = "suppressed where it is also published"

    def hidden() -> set[Cell]:
        return set(primary) | set(secondary)

    def hide_derived() -> None:
        secondary.update(_propagate(struct, hidden(), n))

    def hide(cell: Cell, why: str) -> None:
        secondary[cell] = why
        hide_derived()

    hide_derived()
    rounded_rows = _rounded_rows(struct, covered, fixed, rule)
    reader = _ReaderView(struct, values, rule=rule, covered=covered, rounded_rows=rounded_rows)
    if rule.secondary and (primary or secondary or rounded_rows):
        missing = {c for c, v in values.items() if math.isnan(v)}
        for _ in range(len(values) + 1):
            if _secondary_pass(struct, values, hidden, missing, hide, blocked, reader):
                continue
            break

    if rounded_rows and recompute is None:
        for i in sorted(rounded_rows):
            for d in struct.derived_columns:
                if (i, d) not in hidden():
                    secondary[(i, d)] = "derived from a rounded count"
    published, rounded_mask = _publish(
        table, struct, rule=rule, hidden=hidden(), rounded_rows=rounded_rows, recompute=recompute
    )
    cols = list(table.columns)
    p_mask = pd.DataFrame(False, index=table.index, columns=cols)
    s_mask = pd.DataFrame(False, index=table.index, columns=cols)
    for i, c in primary:
        p_mask.iloc[i, cols.index(c)] = True
    for i, c in secondary:
        s_mask.iloc[i, cols.index(c)] = True
    log = [
        SuppressedCell(struct.labels[i], c, "primary", primary[(i, c)])
        if (i, c) in primary
        else SuppressedCell(struct.labels[i], c, "secondary", secondary[(i, c)])
        for i, c in sorted(hidden(), key=lambda x: (x[0], cols.index(x[1])))
    ]
    logger.info(
        "disclosure: %d primary and %d secondary suppressions, %d rounded rows in a %d-row table",
        len(primary),
        len(secondary),
        len(rounded_rows),
        n,
    )
    return DisclosureResult(
        published, p_mask, s_mask, tuple(log), rule, rounded_mask if rule.rounding is not None else None
    )


class _ReaderView:
    """What a reader of the published table knows about each cell, for step 4c."""

    def __init__(
        self,
        struct: _Structure,
        values: Mapping[Cell, float],
        *,
        rule: DisclosureRule,
        covered: Sequence[bool],
        rounded_rows: set[int],
    ) -> None:
        self.struct = struct
        self.rule = rule
        self.covered = covered
        self.intervals: dict[Cell, tuple[float, float]] = {}
        self.free: set[Cell] = set()
        for (i, col), v in values.items():
            if i not in rounded_rows or math.isnan(v):
                continue
            if col in struct.difference_columns:
                self.free.add((i, col))  # worked out from the rounded counts: says nothing more
                continue
            lo, hi = rule.rounding_interval(_round_value(v, rule.rounding or 1))
            if covered[i] and v > 0:
                lo = max(lo, rule.threshold)  # a shown non-zero count in a covered row is not small
            self.intervals[(i, col)] = (lo, hi)

    def narrow(self, values: Mapping[Cell, float], hidden: set[Cell]) -> list[Cell] | None:
        """Suppressed counts known too closely, then covered rounded counts known exactly."""
        intervals = {c: iv for c, iv in self.intervals.items() if c not in hidden}
        unknown = _reader_unknowns(self.struct, values, hidden=hidden, rounded=intervals, free=self.free - hidden)
        need: dict[Cell, float] = {
            c: self.rule.required_range for c in sorted(hidden) if c[1] not in self.struct.difference_columns
        }
        need |= {c: 1 for c in sorted(intervals) if self.covered[c[0]]}
        return _narrow_cells(self.struct, values, unknown=unknown, need=need)


def _secondary_pass(
    struct: _Structure,
    values: Mapping[Cell, float],
    hidden: Callable[[], set[Cell]],
    missing: set[Cell],
    hide: Callable[[Cell, str], None],
    blocked: set[Cell],
    reader: _ReaderView,
) -> bool:
    """One pass of steps 4a-4c; True if it suppressed anything."""
    # 4a: a line with a single hidden cell gives it by subtraction.
    changed = False
    for rel in struct.relations:
        h = hidden()
        unknown = [c for c in rel.cells if c in h or c in missing]
        if len(unknown) == 1 and unknown[0] in h:
            pick = _pick(struct, rel.cells, values, h, blocked)
            if pick is None:
                raise ValueInputError(f"cannot protect cell {struct.describe(unknown[0])}: {rel.label}")
            hide(pick, f"protects {struct.describe(unknown[0])}: {rel.label}")
            changed = True
    if changed:
        return True
    # 4b: determined by a combination of relations.
    h = hidden()
    det = _determined(struct, h | missing, h)
    if det:
        target = det[0]
        pick = _pick(struct, _derivation(struct, h | missing, target), values, h, blocked)
        if pick is None:
            raise ValueInputError(f"cannot protect cell {struct.describe(target)}")
        hide(pick, f"protects {struct.describe(target)}: determined by the table's totals and differences")
        return True
    # 4c: bounded too closely, as the reader sees the published table.
    tight = reader.narrow(values, h) or []
    if tight:
        target = tight[0]
        what = "bounded too closely" if target in h else "pinned to one value"
        rels = sorted(
            (r for r in struct.relations if target in r.cells),
            key=lambda r: sum(c in h for c in r.cells),
        )
        for rel in rels:
            pick = _pick(struct, rel.cells, values, h, blocked)
            if pick is not None:
                hide(pick, f"protects {struct.describe(target)}: {what} by {rel.label}")
                return True
        # Its own lines are all hidden: the bound comes from further away, so widen the search
        # to every line that holds a hidden cell.
        pool = [c for r in _active(struct, h | missing | {target})[0] for c in r.cells]
        pick = _pick(struct, pool, values, h, blocked)
        if pick is not None:
            hide(pick, f"protects {struct.describe(target)}: {what} by the table's totals")
            return True
        raise ValueInputError(f"cannot protect cell {struct.describe(target)}")
    return False


def _with_values(s: pd.Series, positions: Sequence[int], new: Sequence[Any]) -> pd.Series:
    """``s`` with the values at ``positions`` replaced (the dtype widened only if it must be)."""
    vals = s.tolist()
    for p, v in zip(positions, new):
        vals[p] = v
    out = pd.Series(vals, index=s.index, name=s.name)
    if out.dtype == object and s.dtype != object:
        try:
            return out.astype(s.dtype)
        except (TypeError, ValueError):
            return out
    return out


def _publish(
    table: pd.DataFrame,
    struct: _Structure,
    *,
    rule: DisclosureRule,
    hidden: set[Cell],
    rounded_rows: set[int],
    recompute: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    out = table.copy()
    rounded_mask = pd.DataFrame(False, index=table.index, columns=list(table.columns))
    rows = sorted(rounded_rows)
    if rows and rule.rounding is not None:
        base = rule.rounding
        for col in struct.count_columns:
            old = out[col]
            new = [old.iloc[i] if pd.isna(old.iloc[i]) else _round_value(float(old.iloc[i]), base) for i in rows]
            if pd.api.types.is_integer_dtype(old.dtype):
                new = [int(v) for v in new]
            out[col] = _with_values(old, rows, new)
            rounded_mask.iloc[rows, list(table.columns).index(col)] = True
        for d, (a, b) in struct.difference_columns.items():
            out[d] = _with_values(out[d], rows, [out[a].iloc[i] - out[b].iloc[i] for i in rows])
        whole = [i for i in rows if all(not pd.isna(out[c].iloc[i]) for c in struct.count_columns)]
        if recompute is not None and struct.derived_columns and whole:
            again = recompute(out.iloc[whole].copy(), table.iloc[whole].copy())
            for d in struct.derived_columns:
                if d not in again.columns:
                    raise ValueInputError(f"recompute did not return derived column {d!r}")
                out[d] = _with_values(out[d], whole, again[d].tolist())
    cols_hidden: dict[str, list[int]] = {}
    for i, c in hidden:
        cols_hidden.setdefault(c, []).append(i)
        rounded_mask.iloc[i, list(table.columns).index(c)] = False
    for col, positions in cols_hidden.items():
        mask = np.zeros(len(out), dtype=bool)
        mask[positions] = True
        out[col] = out[col].astype(object).where(~pd.Series(mask, index=out.index), rule.symbol)
    return out, rounded_mask


# --------------------------------------------------------------------------
# Tables protected together.


def _like(published: pd.Series, original: pd.Series) -> pd.Series:
    """A published column in its original's dtype where it can be (whole counts as integers)."""
    if not pd.api.types.is_integer_dtype(original.dtype):
        return published
    if published.dtype != object:
        return published.astype(original.dtype)
    return published.map(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v)


def apply_disclosure_together(
    tables: Mapping[str, pd.DataFrame],
    *,
    rule: DisclosureRule,
    label_col: str,
    total_label: str,
    count_columns: Sequence[str],
    difference_columns: Mapping[str, tuple[str, str]] | None = None,
    derived_columns: Mapping[str, Sequence[str]] | None = None,
    recompute: Callable[[pd.DataFrame, pd.DataFrame], pd.DataFrame] | None = None,
    parents: Mapping[str, str] | None = None,
    fixed_totals: Collection[str] = (),
    suppressed_elsewhere: Mapping[str, Collection[str]] | None = None,
    level: Level = "sub_area",
) -> dict[str, DisclosureResult]:
    """Protect breakdown tables of related categories as one table.

    Each table is one category broken down by ``label_col`` (e.g. district)
    with a ``total_label`` row.  A table whose category is a child of another
    table's (``parents``) is tied to it row by row: the parent's row equals
    the sum of its children's rows, plus an unpublished remainder when not
    all of the parent's children are among the tables.  Suppression and
    rounding are then worked out on all the tables together (see
    :func:`apply_disclosure`), so that no difference of a parent and its
    children, and no total minus the other rows, gives a protected cell back.

    Parameters
    ----------
    tables
        ``{category: table}``; the category decides whether the rule covers
        the table.
    rule
        The disclosure rule.
    label_col, total_label
        The column labelling rows, and the label of each table's total row
        (an ``"area"`` figure; the other rows are at ``level``).
    count_columns, difference_columns, derived_columns, recompute
        As for :func:`apply_disclosure`; the same in every table.
    parents
        ``{child category: parent category}`` for every child category the
        data hold (not only those among ``tables``), so that a family can be
        told complete.
    fixed_totals
        Categories whose total row is published elsewhere as it is here.
    suppressed_elsewhere
        ``{category: [columns]}`` of total-row cells suppressed elsewhere.
    level
        The level of the rows other than the total.

    Returns
    -------
    dict of str to DisclosureResult
        One result per table, in the order given.

    Examples
    --------
    >>> def t(rows):
    ...     return pd.DataFrame(rows, columns=["area", "n"])
    >>> tables = {"Violence": t([["A", 900], ["B", 800], ["Total", 1700]]),
    ...           "Assault": t([["A", 897], ["B", 760], ["Total", 1657]]),
    ...           "Sexual offences": t([["A", 3], ["B", 40], ["Total", 43]])}
    >>> kids = {"Assault": "Violence", "Sexual offences": "Violence"}
    >>> out = apply_disclosure_together(tables, rule=DisclosureRule(), label_col="area", total_label="Total",
    ...                                 count_columns=["n"], parents=kids)
    >>> [out[k].published["n"].tolist() for k in tables]
    [[900, 800, 1700], ['<5', '<5', 1657], ['<5', '<5', 43]]

    Without protecting them together, A's 3 would be 900 - 897.
    """
    if not tables:
        return {}
    parents = dict(parents or {})
    frames: list[pd.DataFrame] = []
    row_sums: list[tuple[Hashable, list[Hashable]]] = []
    area_rows: list[Hashable] = []
    labels_of: dict[str, list[Hashable]] = {}
    for key, t in tables.items():
        if label_col not in t.columns:
            raise ValueInputError(f"table {key!r} has no label column {label_col!r}")
        labels = list(t[label_col])
        if labels.count(total_label) != 1:
            raise ValueInputError(
                f"table {key!r}: total row {total_label!r} found {labels.count(total_label)} times; expected once"
            )
        if len(set(labels)) != len(labels):
            raise ValueInputError(f"table {key!r}: row labels in {label_col!r} repeat")
        labels_of[key] = labels
        frames.append(t.reset_index(drop=True).assign(**{_KEY: key, _ROW: [(key, lab) for lab in labels]}))
        row_sums.append(((key, total_label), [(key, lab) for lab in labels if lab != total_label]))
        area_rows.append((key, total_label))
    rest_rows: list[dict[str, Any]] = []
    for parent in tables:
        children = [c for c in tables if c != parent and parents.get(c) == parent]
        if not children:
            continue
        family = {c for c, p in parents.items() if p == parent and c != parent}
        complete = family <= set(tables)
        for lab in labels_of[parent]:
            parts: list[Hashable] = [(c, lab) for c in children if lab in labels_of[c]]
            if not complete:
                rest = (parent, lab, "not published")
                rest_rows.append({_KEY: parent, _ROW: rest, label_col: lab})
                parts.append(rest)
            row_sums.append(((parent, lab), parts))
    stack = pd.concat([*frames, pd.DataFrame(rest_rows)], ignore_index=True) if rest_rows else pd.concat(
        frames, ignore_index=True
    )
    elsewhere = [
        ((key, total_label), col)
        for key, cols in (suppressed_elsewhere or {}).items()
        if key in tables
        for col in cols
    ]
    res = apply_disclosure(
        stack,
        rule=rule,
        count_columns=count_columns,
        difference_columns=difference_columns,
        derived_columns=derived_columns,
        label_col=_ROW,
        category_col=_KEY,
        level=level,
        row_sums=row_sums,
        area_rows=area_rows,
        fixed_rows=[(k, total_label) for k in fixed_totals if k in tables],
        suppressed_elsewhere=elsewhere,
        recompute=recompute,
    )
    out: dict[str, DisclosureResult] = {}
    for key, t in tables.items():
        pos = [i for i, r in enumerate(stack[_ROW]) if r[0] == key and len(r) == 2]

        def part(frame: pd.DataFrame, t: pd.DataFrame = t, pos: list[int] = pos) -> pd.DataFrame:
            return frame.iloc[pos].drop(columns=[_KEY, _ROW]).set_axis(t.index)

        published = part(res.published)
        for col in t.columns:
            published[col] = _like(published[col], t[col])
        log = tuple(
            SuppressedCell(e.row[1], e.column, e.reason, e.detail)
            for e in res.log
            if e.row[0] == key and len(e.row) == 2
        )
        out[key] = DisclosureResult(
            published,
            part(res.primary),
            part(res.secondary),
            log,
            rule,
            None if res.rounded is None else part(res.rounded),
        )
    return out
