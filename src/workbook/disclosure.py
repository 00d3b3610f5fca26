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
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError, field_validator
from pydantic import model_validator
from scipy.linalg import null_space
from scipy.optimize import linprog

from workbook.config import validation_to_config_error
from workbook.errors import ConfigError, ValueInputError

logger = logging.getLogger(__name__)

DEFAULT_SENSITIVE_CATEGORIES: tuple[str, ...] = ("Sexual offences", "Rape", "Other sexual offences")

Level = Literal["sub_area", "area"]
Cell = tuple[int, str]  # (row position, column name)

_TOL = 1e-9


class DisclosureRule(BaseModel):
    """Which counts may not be published, and what is shown instead.

    Parameters
    ----------
    threshold
        Counts ``1 .. threshold - 1`` are suppressed; 0 is shown as 0.
        ``threshold=1`` suppresses nothing.
    symbol
        What a suppressed cell shows; default ``"<{threshold}"``.
    categories
        The sensitive categories (matched to a row's category ignoring case).
    all_categories
        Apply the rule to every category, ignoring ``categories``.
    levels
        The levels the rule covers: ``"sub_area"`` (breakdown tables by
        district or neighbourhood) and/or ``"area"`` (the partnership's own
        figures, including a breakdown table's total row).
    rounding
        None, or a base (e.g. 5): other published counts in covered rows are
        rounded to the nearest multiple.
    secondary
        Suppress further cells so that no suppressed cell can be recovered
        from totals and differences.

    Examples
    --------
    >>> DisclosureRule().symbol
    '<5'
    >>> r = DisclosureRule(threshold=8, symbol="*", rounding=5)
    >>> r.threshold, r.symbol, r.rounding, r.levels
    (8, '*', 5, ('sub_area',))
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: StrictInt = Field(5, ge=1)
    symbol: str = Field("<5", min_length=1)
    categories: tuple[str, ...] = DEFAULT_SENSITIVE_CATEGORIES
    all_categories: StrictBool = False
    levels: tuple[Level, ...] = Field(("sub_area",), min_length=1)
    rounding: StrictInt | None = Field(None, ge=2)
    secondary: StrictBool = True

    @model_validator(mode="before")
    @classmethod
    def _default_symbol(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("symbol") is None:
            threshold = data.get("threshold", 5)
            data = {**data, "symbol": f"<{threshold}"}
        return data

    @field_validator("symbol")
    @classmethod
    def _symbol_not_a_number(cls, v: str) -> str:
        # A symbol a reader (or pandas) could take for a count would publish a false figure.
        try:
            float(v)
        except ValueError:
            return v
        raise ValueError(f"symbol {v!r} looks like a number; expected e.g. '<5' or '*'")

    @field_validator("categories")
    @classmethod
    def _categories_named(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not c.strip() for c in v):
            raise ValueError("category names must not be empty")
        return v

    def covers_category(self, category: object) -> bool:
        """True if the rule applies to rows of ``category``.

        Examples
        --------
        >>> DisclosureRule().covers_category("sexual offences"), DisclosureRule().covers_category("Burglary")
        (True, False)
        """
        if self.all_categories:
            return True
        if not isinstance(category, str):
            return False
        return category.strip().casefold() in {c.strip().casefold() for c in self.categories}


def load_disclosure_rule(
    raw: Mapping[str, Any] | None, *, path: str | Path | None = None, key: str = "disclosure"
) -> DisclosureRule:
    """Validate the ``disclosure`` section of an area's YAML.

    Parameters
    ----------
    raw
        The section as read from YAML; None or empty gives the default rule.
    path
        The config file, for error messages.
    key
        The section's dotted key, prefixed to the key named in errors.

    Raises
    ------
    ConfigError
        Naming the offending key, e.g. ``disclosure.threshold``.

    Examples
    --------
    >>> load_disclosure_rule({"threshold": 10}).symbol
    '<10'
    >>> load_disclosure_rule({"threshold": 0}, path="x.yml")
    Traceback (most recent call last):
    ...
    workbook.errors.ConfigError: x.yml, key 'disclosure.threshold': Input should be greater than or equal to 1
    """
    if raw is None:
        return DisclosureRule()
    if not isinstance(raw, Mapping):
        found = type(raw).__name__
        raise ConfigError(f"expected a mapping of keys to values, found {found}", path=path, key=key)
    try:
        return DisclosureRule.model_validate(dict(raw))
    except ValidationError as exc:
        raise validation_to_config_error(exc, path=path, prefix=key) from None


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

    def kind(self, cell: Cell) -> int:
        """0: an ordinary count; 1: a total; 2: a difference (candidates are tried in this order)."""
        pos, col = cell
        if col in self.difference_columns:
            return 2
        return 1 if (pos == self.total_pos or col == self.total_column) else 0

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
    body = [i for i in range(n) if i != total_pos]
    if total_pos is not None:
        for col in [*count_columns, *diffs]:
            terms = tuple([((i, col), 1.0) for i in body] + [((total_pos, col), -1.0)])
            relations.append(_Relation(terms, f"column {col!r} sums to total row {labels[total_pos]!r}"))
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
    return _Structure(labels, count_columns, diffs, derived, total_pos, total_column, relations)


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


def _bounds_tight(
    struct: _Structure, unknown: set[Cell], targets: set[Cell], values: Mapping[Cell, float]
) -> list[Cell] | None:
    """Targets whose feasible interval holds at most one integer, for an
    attacker who knows each hidden count is >= 1 (zeros are shown), each
    missing count >= 0.  None if the published figures admit no solution
    (e.g. after rounding), when bounds tell nothing reliable."""
    rels, cols = _active(struct, unknown)
    if not rels:
        return []
    a = _matrix(rels, cols)
    b = np.array(
        [-sum(k * values[c] for c, k in r.terms if c not in unknown) for r in rels], dtype=float
    )
    if not np.all(np.isfinite(b)):
        return None
    bounds = []
    for c in cols:
        if c[1] in struct.difference_columns:
            bounds.append((None, None))
        elif c in targets:
            bounds.append((1, None))
        else:
            bounds.append((0, None))
    out = []
    seen: list[np.ndarray] = []  # feasible points found so far: a spread of >= 1 among them settles a cell
    for j, c in enumerate(cols):
        if c not in targets or c[1] in struct.difference_columns:
            continue
        if seen and np.ptp([s[j] for s in seen]) >= 1 - 1e-7:
            continue
        cost = np.zeros(len(cols))
        cost[j] = 1.0
        lo = linprog(cost, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        if lo.status == 2:
            return None
        hi = linprog(-cost, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        seen += [r.x for r in (lo, hi) if r.status == 0]
        if lo.status != 0 or hi.status != 0:  # unbounded above: safe
            continue
        if (-hi.fun) - lo.fun < 1 - 1e-7:
            out.append(c)
    return out


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
) -> list[tuple[Hashable, str]]:
    """Suppressed cells a reader could work out from what is published.

    Works from the published table alone, as a reader would: a cell showing
    ``symbol`` is hidden, a missing cell is unknown to everyone, every other
    cell is known.  A hidden cell is recoverable if

    * a derived cell in its row (a rate or % change computed from it) is shown;
    * the declared relations (column totals, row totals, differences) determine
      it uniquely (null space of the hidden cells' coefficient matrix); or
    * (``use_bounds``) those relations together with "a hidden count is at
      least 1" leave it fewer than two possible whole values.

    Parameters
    ----------
    published
        A published table, e.g. :attr:`DisclosureResult.published` or one read
        back from CSV.
    symbol
        The suppression symbol.
    count_columns, difference_columns, derived_columns, total_row, total_column, label_col
        The table's structure, as for :func:`apply_disclosure`.
    use_bounds
        Also apply the bounds check (linear programming).

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
    """
    struct = _build_structure_published(
        published,
        count_columns=count_columns,
        difference_columns=difference_columns,
        derived_columns=derived_columns,
        total_row=total_row,
        total_column=total_column,
        label_col=label_col,
    )
    linear_cols = [*struct.count_columns, *struct.difference_columns]
    values = _numeric_values(published, linear_cols, symbol)
    hidden = {c for c in values if _shows(published, c, symbol)}
    missing = {c for c, v in values.items() if math.isnan(v) and c not in hidden}
    shown_derived = {
        (i, d)
        for d in struct.derived_columns
        for i in range(len(published))
        if not _shows(published, (i, d), symbol) and not pd.isna(published[d].iloc[i])
    }
    found = set(_leaks_via_derived(struct, hidden, shown_derived))
    unknown = hidden | missing
    found |= set(_determined(struct, unknown, hidden))
    if use_bounds:
        tight = _bounds_tight(struct, unknown, hidden, values)
        found |= set(tight or [])
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
