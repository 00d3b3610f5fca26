"""Can a suppressed cell be recovered from the published tables? The linear check.

A table's structure is a set of linear relations between its cells (columns
summing to a total row, rows to a total column, differences, and any row that
is the sum of other rows: districts to a county, child categories to their
parent).  A reader knows every published cell (a rounded one only to within
its rounding interval), that a suppressed count is at least 1 (zeros are
shown) and that a missing count is at least 0.  :func:`find_recoverable_cells`
finds the suppressed cells that reader can pin down.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.linalg import null_space
from scipy.optimize import linprog

from workbook.core.errors import ValueInputError

Cell = tuple[int, str]  # (row position, column name)


_TOL = 1e-9


# --------------------------------------------------------------------------
# Table structure: cells, kinds, linear relations and derivations.


@dataclass(frozen=True)
class _Relation:
    terms: tuple[tuple[Cell, float], ...]
    label: str

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for c, _ in self.terms)


@dataclass
class _Structure:
    labels: list[Hashable]
    count_columns: list[str]
    difference_columns: dict[str, tuple[str, str]]
    derived_columns: dict[str, list[str]]
    total_pos: int | None
    total_column: str | None
    relations: list[_Relation]
    sums: list[tuple[int, list[int]]] = field(default_factory=list)  # (total row, part rows), incl. total_pos

    @property
    def total_rows(self) -> set[int]:
        return {t for t, _ in self.sums}

    def kind(self, cell: Cell) -> int:
        """0: an ordinary count; 1: a total; 2: a difference (candidates are tried in this order)."""
        pos, col = cell
        if col in self.difference_columns:
            return 2
        return 1 if (pos in self.total_rows or col == self.total_column) else 0

    def describe(self, cell: Cell) -> str:
        return f"{self.labels[cell[0]]!r}/{cell[1]!r}"


def _row_labels(table: pd.DataFrame, label_col: str | None) -> list[Hashable]:
    if label_col is None:
        return list(table.index)
    return list(table[label_col])


def _build_structure(
    table: pd.DataFrame,
    *,
    count_columns: Sequence[str],
    difference_columns: Mapping[str, tuple[str, str]] | None,
    derived_columns: Mapping[str, Sequence[str]] | None,
    total_row: Hashable | None,
    total_column: str | None,
    label_col: str | None,
    row_sums: Sequence[tuple[Hashable, Sequence[Hashable]]] | None = None,
) -> _Structure:
    count_columns = list(dict.fromkeys(count_columns))
    if total_column is not None and total_column not in count_columns:
        count_columns.append(total_column)
    diffs = {str(k): (str(v[0]), str(v[1])) for k, v in (difference_columns or {}).items()}
    derived = {str(k): [str(s) for s in v] for k, v in (derived_columns or {}).items()}
    for d, pair in diffs.items():
        if len(pair) != 2:
            raise ValueInputError(f"difference column {d!r}: expected (after, before), got {pair!r}")
    needed = [*count_columns, *diffs, *(c for pair in diffs.values() for c in pair), *derived]
    needed += [s for srcs in derived.values() for s in srcs]
    if label_col is not None:
        needed.append(label_col)
    missing = [c for c in dict.fromkeys(needed) if c not in table.columns]
    if missing:
        raise ValueInputError(f"table has no column(s) {missing}; columns are {list(table.columns)}")
    if not count_columns:
        raise ValueInputError("count_columns is empty; expected the columns holding counts")
    overlap = set(count_columns) & (set(diffs) | set(derived))
    if overlap:
        raise ValueInputError(f"column(s) {sorted(overlap)} are given both as counts and as derived")
    for d, (a, b) in diffs.items():
        if a not in count_columns or b not in count_columns:
            raise ValueInputError(
                f"difference column {d!r} = {a!r} - {b!r}: both must be count columns {count_columns}"
            )
    if label_col is None and not table.index.is_unique:
        raise ValueInputError("the table's index repeats; pass label_col= or give each row a unique label")

    labels = _row_labels(table, label_col)
    total_pos: int | None = None
    if total_row is not None:
        hits = [i for i, lab in enumerate(labels) if lab == total_row]
        if len(hits) != 1:
            where = f"column {label_col!r}" if label_col else "the index"
            raise ValueInputError(
                f"total row {total_row!r} found {len(hits)} times in {where}; expected exactly once"
            )
        total_pos = hits[0]

    for col in [*count_columns, *diffs]:
        dtype = table[col].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            raise ValueInputError(f"column {col!r} has dtype {table[col].dtype}; expected numbers")
    for col in count_columns:
        negative = table[col] < 0
        if negative.any():
            pos = int(np.flatnonzero(negative.to_numpy(dtype=bool, na_value=False))[0])
            raise ValueInputError(
                f"count {table[col].iloc[pos]} in row {labels[pos]!r}, column {col!r} is negative; "
                "expected counts >= 0"
            )

    relations: list[_Relation] = []
    n = len(table)
    sums: list[tuple[int, list[int]]] = []
    if total_pos is not None:
        sums.append((total_pos, [i for i in range(n) if i != total_pos]))
    position = {lab: i for i, lab in enumerate(labels)}
    for total, parts in row_sums or ():
        missing_rows = [lab for lab in [total, *parts] if lab not in position]
        if missing_rows:
            raise ValueInputError(f"row_sums names row(s) {missing_rows} that the table does not have")
        if not parts:
            raise ValueInputError(f"row_sums: total row {total!r} has no parts")
        sums.append((position[total], [position[p] for p in parts]))
    for tpos, parts in sums:
        for col in [*count_columns, *diffs]:
            terms = tuple([((i, col), 1.0) for i in parts] + [((tpos, col), -1.0)])
            if tpos == total_pos:
                label = f"column {col!r} sums to total row {labels[total_pos]!r}"
            else:
                label = f"column {col!r}: row {labels[tpos]!r} is the sum of rows {[labels[i] for i in parts]}"
            relations.append(_Relation(terms, label))
    if total_column is not None:
        parts = [c for c in count_columns if c != total_column]
        if not parts:
            raise ValueInputError(f"total column {total_column!r} has no other count columns to sum")
        for i in range(n):
            terms = tuple([((i, c), 1.0) for c in parts] + [((i, total_column), -1.0)])
            relations.append(_Relation(terms, f"row {labels[i]!r} sums to total column {total_column!r}"))
    for d, (a, b) in diffs.items():
        for i in range(n):
            terms = (((i, a), 1.0), ((i, b), -1.0), ((i, d), -1.0))
            relations.append(_Relation(terms, f"row {labels[i]!r}: {d!r} = {a!r} - {b!r}"))
    return _Structure(labels, count_columns, diffs, derived, total_pos, total_column, relations, sums)


def _numeric_values(
    table: pd.DataFrame, columns: Sequence[str], symbol: str | None = None
) -> dict[Cell, float]:
    """Cell values as floats; NaN where missing (or showing ``symbol``)."""
    out: dict[Cell, float] = {}
    for col in columns:
        s = table[col]
        if symbol is not None:
            s = s.map(lambda v: None if isinstance(v, str) and v.strip() == symbol else v)
        vals = pd.to_numeric(s, errors="coerce").astype("float64").to_numpy(na_value=np.nan)
        for i, v in enumerate(vals):
            out[(i, col)] = float(v)
    return out


def _check_relations(struct: _Structure, values: Mapping[Cell, float]) -> None:
    bad = []
    for rel in struct.relations:
        vals = [values[c] * k for c, k in rel.terms]
        if any(math.isnan(v) for v in vals):
            continue
        residual = sum(vals)
        scale = max(1.0, max(abs(v) for v in vals))
        if abs(residual) > 1e-6 * scale:
            bad.append(f"{rel.label} does not hold (off by {residual:g})")
    if bad:
        more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
        raise ValueInputError(
            "the table is inconsistent, so its totals and differences cannot be protected: "
            + "; ".join(bad[:3])
            + more
        )


def _propagate(struct: _Structure, suppressed: set[Cell], n_rows: int) -> dict[Cell, str]:
    """Derived cells to suppress because a source is suppressed: {cell: detail}."""
    deps: dict[str, list[str]] = {d: [a, b] for d, (a, b) in struct.difference_columns.items()}
    for d, srcs in struct.derived_columns.items():
        deps[d] = deps.get(d, []) + srcs
    added: dict[Cell, str] = {}
    changed = True
    while changed:
        changed = False
        for i in range(n_rows):
            for d, srcs in deps.items():
                cell = (i, d)
                if cell in suppressed or cell in added:
                    continue
                hidden = [s for s in srcs if (i, s) in suppressed or (i, s) in added]
                if hidden:
                    added[cell] = f"derived from suppressed {hidden[0]!r}"
                    changed = True
    return added


# --------------------------------------------------------------------------
# Recoverability: exact (null space) and with bounds (linear programming).


def _active(struct: _Structure, unknown: set[Cell]) -> tuple[list[_Relation], list[Cell]]:
    rels = [r for r in struct.relations if any(c in unknown for c in r.cells)]
    cols = sorted({c for r in rels for c in r.cells if c in unknown})
    return rels, cols


def _matrix(rels: Sequence[_Relation], cols: Sequence[Cell]) -> np.ndarray:
    index = {c: j for j, c in enumerate(cols)}
    a = np.zeros((len(rels), len(cols)))
    for i, r in enumerate(rels):
        for c, k in r.terms:
            if c in index:
                a[i, index[c]] = k
    return a


def _determined(struct: _Structure, unknown: set[Cell], targets: set[Cell]) -> list[Cell]:
    """Targets uniquely determined by the relations, given every other cell."""
    rels, cols = _active(struct, unknown)
    if not rels:
        return []
    a = _matrix(rels, cols)
    ns = null_space(a)
    out = []
    for j, c in enumerate(cols):
        if c in targets and (ns.shape[1] == 0 or np.max(np.abs(ns[j, :])) < 1e-8):
            out.append(c)
    return out


def _derivation(struct: _Structure, unknown: set[Cell], target: Cell) -> list[Cell]:
    """Published cells entering a combination of relations that gives ``target``."""
    rels, cols = _active(struct, unknown)
    a = _matrix(rels, cols)
    e = np.zeros(len(cols))
    e[cols.index(target)] = 1.0
    y, *_ = np.linalg.lstsq(a.T, e, rcond=None)
    weight: dict[Cell, float] = {}
    for yi, r in zip(y, rels):
        if abs(yi) < 1e-10:
            continue
        for c, k in r.terms:
            if c not in unknown:
                weight[c] = weight.get(c, 0.0) + yi * k
    return [c for c, w in weight.items() if abs(w) > 1e-8]


def _integer_spread(lo: float, hi: float) -> float:
    """How far apart the smallest and largest whole numbers in [lo, hi] are (-1 if none)."""
    return math.floor(hi + 1e-7) - math.ceil(lo - 1e-7)


def _narrow_cells(
    struct: _Structure,
    values: Mapping[Cell, float],
    *,
    unknown: Mapping[Cell, tuple[float | None, float | None]],
    need: Mapping[Cell, float],
) -> list[Cell] | None:
    """Cells in ``need`` whose possible whole values spread less than ``need[cell]``.

    The reader's view: ``unknown`` maps each cell the reader does not know
    exactly to the bounds the reader does know (a suppressed count ``(1, None)``,
    a missing one ``(0, None)``, a rounded one its rounding interval, a
    difference ``(None, None)``); every other cell is known.  Each cell's
    smallest and largest value subject to all the relations together is found
    by linear programming.  None if the published figures admit no solution
    (then nothing reliable can be said).
    """
    rels = [r for r in struct.relations if any(c in unknown for c in r.cells)]
    cols = sorted({c for r in rels for c in r.cells if c in unknown} | {c for c in need if c in unknown})
    if not cols:
        return []
    a = _matrix(rels, cols) if rels else np.zeros((0, len(cols)))
    b = np.array([-sum(k * values[c] for c, k in r.terms if c not in unknown) for r in rels], dtype=float)
    if not np.all(np.isfinite(b)):
        return None
    bounds = [unknown[c] for c in cols]
    out = []
    seen: list[np.ndarray] = []  # feasible points found so far: a wide spread among them settles a cell
    a_eq, b_eq = (a, b) if rels else (None, None)
    for j, c in enumerate(cols):
        if c not in need:
            continue
        if seen and _integer_spread(min(x[j] for x in seen), max(x[j] for x in seen)) >= need[c]:
            continue
        cost = np.zeros(len(cols))
        cost[j] = 1.0
        lo = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        if lo.status == 2:
            return None
        hi = linprog(-cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        seen += [r.x for r in (lo, hi) if r.status == 0]
        if lo.status != 0 or hi.status != 0:  # unbounded: safe
            continue
        if _integer_spread(lo.fun, -hi.fun) < need[c]:
            out.append(c)
    return out


def _reader_unknowns(
    struct: _Structure,
    values: Mapping[Cell, float],
    *,
    hidden: set[Cell],
    rounded: Mapping[Cell, tuple[float, float]] | None = None,
    free: set[Cell] | None = None,
) -> dict[Cell, tuple[float | None, float | None]]:
    """What a reader does not know exactly, with the bounds the reader does know."""
    unknown: dict[Cell, tuple[float | None, float | None]] = {}
    for c, v in values.items():
        is_diff = c[1] in struct.difference_columns
        if c in hidden:
            unknown[c] = (None, None) if is_diff else (1, None)
        elif math.isnan(v) or c in (free or set()):
            unknown[c] = (None, None) if is_diff else (0, None)
    for c, interval in (rounded or {}).items():
        if c not in unknown:
            unknown[c] = interval
    return unknown


def _leaks_via_derived(struct: _Structure, hidden: set[Cell], shown_derived: set[Cell]) -> list[Cell]:
    out = []
    for i, d in shown_derived:
        for s in struct.derived_columns.get(d, []):
            if (i, s) in hidden:
                out.append((i, s))
    return out


def find_recoverable_cells(
    published: pd.DataFrame,
    *,
    symbol: str,
    count_columns: Sequence[str],
    difference_columns: Mapping[str, tuple[str, str]] | None = None,
    derived_columns: Mapping[str, Sequence[str]] | None = None,
    total_row: Hashable | None = None,
    total_column: str | None = None,
    label_col: str | None = None,
    use_bounds: bool = True,
    row_sums: Sequence[tuple[Hashable, Sequence[Hashable]]] | None = None,
    rounding: int | None = None,
    rounded_rows: Sequence[Hashable] | None = None,
    min_range: int = 1,
) -> list[tuple[Hashable, str]]:
    """Suppressed cells a reader could work out from what is published.

    Works from the published table alone, as a reader would: a cell showing
    ``symbol`` is hidden, a missing cell is unknown to everyone, every other
    cell is known.  A hidden cell is recoverable if

    * a derived cell in its row (a rate or % change computed from it) is shown;
    * the declared relations (column totals, row totals, differences) determine
      it uniquely (null space of the hidden cells' coefficient matrix); or
    * (``use_bounds``) those relations together with "a hidden count is at
      least 1" (and, with ``rounding``, "a published count in a rounded row
      is within its rounding interval") leave its possible whole values
      spread by less than ``min_range`` (1: it is known exactly); with
      ``rounding``, a rounded count that the relations pin to one value is
      recoverable too.

    Parameters
    ----------
    published
        A published table, e.g. :attr:`DisclosureResult.published` or one read
        back from CSV.
    symbol
        The suppression symbol.
    count_columns, difference_columns, derived_columns, total_row, total_column, label_col, row_sums
        The table's structure, as for :func:`apply_disclosure`.
    use_bounds
        Also apply the bounds check (linear programming).
    rounding, rounded_rows
        The rounding base of published counts, and the rows it applies to
        (default every row).  A rounded row's difference is taken as worked
        out from its rounded counts (it tells nothing more).
    min_range
        The least spread a suppressed count's possible values may have.

    Returns
    -------
    list of (row label, column)
        In table order; empty when the table is safe.

    Examples
    --------
    >>> t = pd.DataFrame({"n": ["<5", 20, 30, 53]}, index=["A", "B", "C", "Total"])
    >>> find_recoverable_cells(t, symbol="<5", count_columns=["n"], total_row="Total")
    [('A', 'n')]
    >>> t2 = pd.DataFrame({"n": ["<5", "<5", 30, 53]}, index=["A", "B", "C", "Total"])
    >>> find_recoverable_cells(t2, symbol="<5", count_columns=["n"], total_row="Total")
    []

    A hidden count known to lie in 1..3 is not protected when ``min_range`` asks for a spread of 5:

    >>> t3 = pd.DataFrame({"n": ["<9", "<9", 30, 34]}, index=["A", "B", "C", "Total"])  # A + B = 4
    >>> find_recoverable_cells(t3, symbol="<9", count_columns=["n"], total_row="Total", min_range=5)
    [('A', 'n'), ('B', 'n')]
    """
    struct = _build_structure_published(
        published,
        count_columns=count_columns,
        difference_columns=difference_columns,
        derived_columns=derived_columns,
        total_row=total_row,
        total_column=total_column,
        label_col=label_col,
        row_sums=row_sums,
    )
    linear_cols = [*struct.count_columns, *struct.difference_columns]
    values = _numeric_values(published, linear_cols, symbol)
    hidden = {c for c in values if _shows(published, c, symbol)}
    missing = {c for c, v in values.items() if math.isnan(v) and c not in hidden}
    rounded: dict[Cell, tuple[float, float]] = {}
    free: set[Cell] = set()
    if rounding is not None:
        rows = set(range(len(published))) if rounded_rows is None else {
            i for i, lab in enumerate(struct.labels) if lab in set(rounded_rows)
        }
        half_down, half_up = rounding // 2, (rounding + 1) // 2 - 1
        for (i, col), v in values.items():
            if i not in rows or (i, col) in hidden or math.isnan(v):
                continue
            if col in struct.difference_columns:
                free.add((i, col))
            else:
                rounded[(i, col)] = (max(0.0, v - half_down), v + half_up)
    shown_derived = {
        (i, d)
        for d in struct.derived_columns
        for i in range(len(published))
        if not _shows(published, (i, d), symbol) and not pd.isna(published[d].iloc[i])
    }
    found = set(_leaks_via_derived(struct, hidden, shown_derived))
    unknown = hidden | missing
    if rounding is None:
        found |= set(_determined(struct, unknown, hidden))
    if use_bounds:
        view = _reader_unknowns(struct, values, hidden=hidden, rounded=rounded, free=free)
        need: dict[Cell, float] = {c: min_range for c in hidden if c[1] not in struct.difference_columns}
        need |= {c: 1 for c in rounded}
        found |= set(_narrow_cells(struct, values, unknown=view, need=need) or [])
    order = {c: k for k, c in enumerate(published.columns)}
    return [(struct.labels[i], c) for i, c in sorted(found, key=lambda x: (x[0], order[x[1]]))]


def _shows(table: pd.DataFrame, cell: Cell, symbol: str) -> bool:
    v = table[cell[1]].iloc[cell[0]]
    return isinstance(v, str) and v.strip() == symbol


def _build_structure_published(published: pd.DataFrame, **kw: Any) -> _Structure:
    # Published columns hold symbols (object dtype); check the structure on a numeric view.
    numeric = published.copy()
    cols = [*kw["count_columns"], *(kw["difference_columns"] or {})]
    if kw["total_column"] is not None:
        cols.append(kw["total_column"])
    for col in dict.fromkeys(cols):
        if col in numeric.columns:
            numeric[col] = pd.to_numeric(
                numeric[col].map(lambda v: None if isinstance(v, str) and not _is_number(v) else v),
                errors="coerce",
            ).astype("float64")
    return _build_structure(numeric, **kw)


def _is_number(v: str) -> bool:
    try:
        float(v)
    except ValueError:
        return False
    return True
