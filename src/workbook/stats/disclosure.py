"""Statistical disclosure control for published tables.

Small counts of sensitive offences (sexual offences by default) in small
areas are not published.  A :class:`DisclosureRule`, read from the
``disclosure`` section of an area's YAML, says which counts are small
(``1 .. threshold - 1``; zero is shown as 0), which categories and levels it
covers, the symbol shown instead of a count, and whether the other counts are
rounded (as NHS statistics round to the nearest 5).
:func:`apply_disclosure` turns a table into its published form and records
every suppressed cell and why.

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
3. **Secondary suppression** (``rule.secondary``).  The table's structure is
   written as linear relations between its cells: each column sums to the
   total row, each row's counts sum to the total column, and each difference
   column equals ``after - before`` in every row.  Then, until nothing
   changes:

   a. any relation with exactly one suppressed cell would give that cell by
      subtraction, so the next-smallest non-zero published cell in the same
      line is suppressed (an ordinary count first, a total only when the line
      has nothing else; a difference is protected by suppressing its smaller
      source count);
   b. otherwise the relations are solved as one linear system: a suppressed
      cell is *recoverable* when it is uniquely determined (its coordinate is
      zero in every vector of the null space of the suppressed cells'
      coefficient matrix).  One published cell that enters the combination
      of relations giving the recoverable cell is suppressed;
   c. otherwise an attacker who also knows that a suppressed count is at
      least 1 (zeros are shown) bounds each suppressed count by linear
      programming; a count whose interval holds only one integer (two
      suppressed 1s in a line that sums to 2) is recoverable, and the
      next-smallest published cell in one of its lines is suppressed.

   Each pass suppresses at least one more cell, so the loop ends; at the end
   :func:`find_recoverable_cells` finds nothing.
4. **Rounding** (``rule.rounding``).  Published counts and differences in
   covered rows are rounded to the nearest multiple of the base (halves up).
   Secondary suppression is worked out on the exact figures, which is the
   cautious choice; % changes and rates are left as computed from the exact
   counts (NHS practice).

Limits: the relations are those the caller declares (one total row, one total
column, difference columns).  Hierarchical totals (districts that add up to a
county inside the same table) and the same figures published in another
table are not modelled; publish such tables through one call or check them
together.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from workbook.config.disclosure import DisclosureRule, Level
from workbook.core.errors import ValueInputError
from workbook.stats.recoverability import (
    Cell,
    _active,
    _bounds_tight,
    _build_structure,
    _check_relations,
    _derivation,
    _determined,
    _numeric_values,
    _propagate,
    _Structure,
)

logger = logging.getLogger(__name__)



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
        symbol (their columns have object dtype), covered counts rounded if
        the rule says so.
    primary, secondary
        Boolean masks (same index and columns as the input) of cells
        suppressed because they are small, and of cells suppressed to protect
        them (secondary suppressions and derived cells).
    log
        Each suppressed cell, in table order, with its reason.
    rule
        The rule applied.
    """

    published: pd.DataFrame
    primary: pd.DataFrame
    secondary: pd.DataFrame
    log: tuple[SuppressedCell, ...]
    rule: DisclosureRule

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


def _row_covered(
    table: pd.DataFrame,
    struct: _Structure,
    *,
    rule: DisclosureRule,
    category: str | None,
    category_col: str | None,
    level: Level,
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
        row_level = "area" if i == struct.total_pos else level
        cat = table[category_col].iloc[i] if category_col is not None else category
        out.append(row_level in rule.levels and rule.covers_category(cat))
    return out


def _pick(
    struct: _Structure, cells: Sequence[Cell], values: Mapping[Cell, float], hidden: set[Cell]
) -> Cell | None:
    """The next cell to suppress among ``cells``: published, non-zero; an
    ordinary count before a total before a difference, then the smallest."""
    cands = [c for c in cells if c not in hidden and not math.isnan(values[c]) and values[c] != 0]
    if not cands:
        return None
    best = min(cands, key=lambda c: (struct.kind(c), abs(values[c]), c[0]))
    if struct.kind(best) == 2:
        # Hiding a difference alone leaves after - before; hide its smaller source instead.
        a, b = struct.difference_columns[best[1]]
        sources = [s for s in ((best[0], a), (best[0], b)) if s not in hidden]
        src = _pick(struct, sources, values, hidden)
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
        wherever a source is.  Sources may be difference or derived columns.
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

    Returns
    -------
    DisclosureResult

    Raises
    ------
    ValueInputError
        A named column is missing or not numeric, a count is negative, the
        total row is not found, or the table's totals or differences do not
        add up (a table that is wrong cannot be protected by its structure).

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
    """
    struct = _build_structure(
        table,
        count_columns=count_columns,
        difference_columns=difference_columns,
        derived_columns=derived_columns,
        total_row=total_row,
        total_column=total_column,
        label_col=label_col,
    )
    linear_cols = [*struct.count_columns, *struct.difference_columns]
    values = _numeric_values(table, linear_cols)
    _check_relations(struct, values)
    covered = _row_covered(
        table, struct, rule=rule, category=category, category_col=category_col, level=level
    )
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

    def hidden() -> set[Cell]:
        return set(primary) | set(secondary)

    def hide_derived() -> None:
        secondary.update(_propagate(struct, hidden(), n))

    def hide(cell: Cell, why: str) -> None:
        secondary[cell] = why
        hide_derived()

    hide_derived()
    if rule.secondary and primary:
        missing = {c for c, v in values.items() if math.isnan(v)}
        for _ in range(len(values) + 1):
            if _secondary_pass(struct, values, hidden, missing, hide):
                continue
            break

    published = _publish(table, struct, values, rule=rule, hidden=hidden(), covered=covered)
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
        "disclosure: %d primary and %d secondary suppressions in a %d-row table",
        len(primary),
        len(secondary),
        n,
    )
    return DisclosureResult(published, p_mask, s_mask, tuple(log), rule)


def _secondary_pass(
    struct: _Structure,
    values: Mapping[Cell, float],
    hidden: Callable[[], set[Cell]],
    missing: set[Cell],
    hide: Callable[[Cell, str], None],
) -> bool:
    """One pass of steps 3a-3c; True if it suppressed anything."""
    # 3a: a line with a single hidden cell gives it by subtraction.
    changed = False
    for rel in struct.relations:
        h = hidden()
        unknown = [c for c in rel.cells if c in h or c in missing]
        if len(unknown) == 1 and unknown[0] in h:
            pick = _pick(struct, rel.cells, values, h)
            if pick is None:
                raise ValueInputError(f"cannot protect cell {struct.describe(unknown[0])}: {rel.label}")
            hide(pick, f"protects {struct.describe(unknown[0])}: {rel.label}")
            changed = True
    if changed:
        return True
    # 3b: determined by a combination of relations.
    h = hidden()
    det = _determined(struct, h | missing, h)
    if det:
        target = det[0]
        pick = _pick(struct, _derivation(struct, h | missing, target), values, h)
        if pick is None:
            raise ValueInputError(f"cannot protect cell {struct.describe(target)}")
        hide(pick, f"protects {struct.describe(target)}: determined by the table's totals and differences")
        return True
    # 3c: pinned down by the bounds.
    tight = _bounds_tight(struct, h | missing, h, values) or []
    if tight:
        target = tight[0]
        rels = sorted(
            (r for r in struct.relations if target in r.cells),
            key=lambda r: sum(c in h for c in r.cells),
        )
        for rel in rels:
            pick = _pick(struct, rel.cells, values, h)
            if pick is not None:
                hide(pick, f"protects {struct.describe(target)}: bounded to one value by {rel.label}")
                return True
        # Its own lines are all hidden: the bound comes from further away, so widen the search
        # to every line that holds a hidden cell.
        pool = [c for r in _active(struct, h | missing)[0] for c in r.cells]
        pick = _pick(struct, pool, values, h)
        if pick is not None:
            hide(pick, f"protects {struct.describe(target)}: bounded to one value by the table's totals")
            return True
        raise ValueInputError(f"cannot protect cell {struct.describe(target)}")
    return False


def _round_series(s: pd.Series, base: int) -> pd.Series:
    x = s.astype("float64")
    rounded = np.floor(x / base + 0.5) * base
    if pd.api.types.is_integer_dtype(s.dtype):
        return rounded.astype(s.dtype)
    return rounded


def _publish(
    table: pd.DataFrame,
    struct: _Structure,
    values: Mapping[Cell, float],
    *,
    rule: DisclosureRule,
    hidden: set[Cell],
    covered: Sequence[bool],
) -> pd.DataFrame:
    out = table.copy()
    cover = pd.Series(list(covered), index=table.index, dtype=bool)
    if rule.rounding is not None and cover.any():
        for col in [*struct.count_columns, *struct.difference_columns]:
            out[col] = out[col].where(~cover, _round_series(out[col], rule.rounding))
    cols_hidden: dict[str, list[int]] = {}
    for i, c in hidden:
        cols_hidden.setdefault(c, []).append(i)
    for col, rows in cols_hidden.items():
        mask = np.zeros(len(out), dtype=bool)
        mask[rows] = True
        out[col] = out[col].astype(object).where(~pd.Series(mask, index=out.index), rule.symbol)
    return out
