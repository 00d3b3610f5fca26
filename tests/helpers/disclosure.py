"""Small tables and disclosure rules for the disclosure and recoverability tests,
and an attacker that reads published tables the way a hostile reader would.

The attacker is written independently of ``workbook.stats.recoverability``
(which the library itself uses), so that a test of the library's output does
not only ask the library whether it is happy.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog
from statsmodels.stats import rates as sm_rates

# Property: whatever the counts, the published table gives nothing back.

SENSITIVE = "Sexual offences"
DIFF = {"difference": ("2013", "2012")}


def change_table() -> pd.DataFrame:
    """Sub-area x [2012, 2013, difference] with a Total row; A's 2012 count is 3."""
    t = pd.DataFrame(
        {"2012": [3, 20, 30, 53], "2013": [10, 25, 28, 63]},
        index=pd.Index(["A", "B", "C", "Total"], name="area"),
    )
    t["difference"] = t["2013"] - t["2012"]  # 7, 5, -2, 10
    return t


# --------------------------------------------------------------------------
# The attacker.

Key = Hashable


def as_number(v: object) -> float | None:
    """A published cell as a number, or None if it is a symbol or empty."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, bool | np.bool_):
        return None
    if isinstance(v, int | float | np.integer | np.floating):
        return float(v)
    try:
        return float(str(v).replace(",", ""))
    except ValueError:
        return None


@dataclass
class Attacker:
    """Everything a reader learns from published figures about the true counts.

    Each true count is a variable (a key such as ``(category, area, "current")``).
    A reader who knows the rule reads a published count as: the symbol -> at
    least 1 (zeros are shown); a multiple of the rounding base -> possibly
    rounded, so within its rounding interval (and, in a row the rule covers,
    at least the threshold when not 0); any other number -> exact.  Sums
    (districts to total, children to parent, months to a year to date) are
    equalities; a parent with children not all published gets a remainder
    >= 0.  A ratio published from exact counts (rate ratio, 1 + % change) is
    a linear equality, and its whole-number solutions are enumerated.

    :meth:`bounds` gives the smallest and largest value of a count subject to
    all of it at once (linear programming).
    """

    symbol: str
    rounding: int | None = None
    threshold: int = 1
    lower: dict[Key, float] = field(default_factory=dict)
    upper: dict[Key, float] = field(default_factory=dict)
    equalities: list[tuple[dict[Key, float], float]] = field(default_factory=list)
    ratios: list[tuple[Key, Key, float]] = field(default_factory=list)
    facts: int = 0

    def _bound(self, key: Key, lo: float | None, hi: float | None) -> None:
        self.lower.setdefault(key, 0.0)
        self.upper.setdefault(key, math.inf)
        if lo is not None:
            self.lower[key] = max(self.lower[key], lo)
        if hi is not None:
            self.upper[key] = min(self.upper[key], hi)

    def variable(self, key: Key) -> None:
        self._bound(key, None, None)

    def published(self, key: Key, value: object, *, covered: bool = False) -> None:
        """A published count cell."""
        self.facts += 1
        if isinstance(value, str) and value.strip() == self.symbol:
            self._bound(key, 1, None)
            return
        v = as_number(value)
        if v is None:
            self.variable(key)
            return
        if self.rounding and v % self.rounding == 0 and v != 0:
            lo, hi = max(0.0, v - self.rounding // 2), v + (self.rounding + 1) // 2 - 1
            if covered:
                lo = max(lo, self.threshold)
            self._bound(key, lo, hi)
        else:
            self._bound(key, v, v)

    def add_sum(self, total: Key, parts: Collection[Key], *, remainder: bool = False) -> None:
        """``total = sum(parts)`` (plus a remainder >= 0 that is not published)."""
        self.facts += 1
        terms = {total: -1.0}
        for p in parts:
            self.variable(p)
            terms[p] = terms.get(p, 0.0) + 1.0
        self.variable(total)
        if remainder:
            rest = ("remainder", total, len(self.equalities))
            self.variable(rest)
            terms[rest] = 1.0
        self.equalities.append((terms, 0.0))

    def add_difference(self, after: Key, before: Key, value: float) -> None:
        """``after - before`` published as ``value`` (possibly rounded on its own)."""
        self.facts += 1
        if self.rounding and value % self.rounding == 0:
            d = ("difference", after, before)
            self.lower[d] = value - self.rounding // 2  # may be negative
            self.upper[d] = value + (self.rounding + 1) // 2 - 1
            self.equalities.append(({after: 1.0, before: -1.0, d: -1.0}, 0.0))
        else:
            self.equalities.append(({after: 1.0, before: -1.0}, value))

    def add_ratio(self, num: Key, den: Key, ratio: float) -> None:
        """``num = ratio x den``, as published to full precision."""
        self.facts += 1
        self.variable(num)
        self.variable(den)
        self.ratios.append((num, den, ratio))

    # ------------------------------------------------------------------

    def _solve(self, key: Key, sense: float) -> float | None:
        keys = sorted(set(self.lower) | {k for t, _ in self.equalities for k in t}, key=repr)
        index = {k: j for j, k in enumerate(keys)}
        rows, rhs = [], []
        for terms, b in self.equalities:
            row = np.zeros(len(keys))
            for k, a in terms.items():
                row[index[k]] += a
            rows.append(row)
            rhs.append(b)
        ub_rows, ub_rhs = [], []
        for num, den, r in self.ratios:  # |num - r den| <= 1e-6 den
            row = np.zeros(len(keys))
            row[index[num]], row[index[den]] = 1.0, -r - 1e-6
            ub_rows.append(row)
            ub_rhs.append(0.0)
            row = np.zeros(len(keys))
            row[index[num]], row[index[den]] = -1.0, r - 1e-6
            ub_rows.append(row)
            ub_rhs.append(0.0)
        bounds = [(self.lower.get(k, 0.0), None if math.isinf(self.upper.get(k, math.inf)) else self.upper[k])
                  for k in keys]
        cost = np.zeros(len(keys))
        cost[index[key]] = sense
        res = linprog(
            cost,
            A_eq=np.array(rows) if rows else None,
            b_eq=np.array(rhs) if rows else None,
            A_ub=np.array(ub_rows) if ub_rows else None,
            b_ub=np.array(ub_rhs) if ub_rows else None,
            bounds=bounds,
            method="highs",
        )
        if res.status == 2:
            raise AssertionError("the attacker's facts contradict each other: an assumption is unsound")
        if res.status == 3:
            return None
        assert res.status == 0, res.message
        return sense * res.fun

    def _enumerate_ratios(self) -> None:
        """Whole-number solutions of each published ratio narrow both counts."""
        for _ in range(3):
            changed = False
            for num, den, r in self.ratios:
                lo, hi = self._solve(den, 1.0), self._solve(den, -1.0)
                if lo is None or hi is None or hi - lo > 200_000:
                    continue
                d = np.arange(math.ceil(lo - 1e-6), math.floor(hi + 1e-6) + 1, dtype=float)
                n = r * d
                ok = np.abs(n - np.round(n)) < 1e-6 * np.maximum(d, 1)
                nlo, nhi = self.lower.get(num, 0.0), self.upper.get(num, math.inf)
                ok &= (np.round(n) >= nlo - 1e-9) & (np.round(n) <= nhi + 1e-9)
                if not ok.any():
                    continue
                cands = d[ok]
                if cands.min() > lo + 1e-9 or cands.max() < hi - 1e-9:
                    self._bound(den, float(cands.min()), float(cands.max()))
                    self._bound(num, float(np.round(r * cands.min())), float(np.round(r * cands.max())))
                    changed = True
            if not changed:
                return

    def bounds(self, keys: Collection[Key]) -> dict[Key, tuple[float, float]]:
        """The smallest and largest value of each count given everything published (inf if unbounded)."""
        self._enumerate_ratios()
        out = {}
        for k in keys:
            lo, hi = self._solve(k, 1.0), self._solve(k, -1.0)
            out[k] = (lo if lo is not None else -math.inf, hi if hi is not None else math.inf)
        return out


def spread(interval: tuple[float, float]) -> float:
    """How far apart the smallest and largest whole numbers in an interval are."""
    lo, hi = interval
    return math.floor(hi + 1e-6) - math.ceil(lo - 1e-6)


def read_comparison(
    attacker: Attacker,
    table: pd.DataFrame,
    *,
    category: str,
    label_col: str,
    total_label: str | None,
    covered_rows: Collection[Hashable] = (),
) -> list[str]:
    """Teach the attacker a published comparison table (``previous``, ``current``,
    ``difference``, ``pct_change``, ``rate_ratio``); its rows sum to its total row.

    Returns the rows whose derived columns were *not* worked out from the
    published counts (a sign they came from the exact ones).
    """
    inconsistent = []
    parts = []
    for _, row in table.iterrows():
        area = row[label_col]
        p, c = (category, area, "previous"), (category, area, "current")
        covered = area in covered_rows
        attacker.published(p, row["previous"], covered=covered)
        attacker.published(c, row["current"], covered=covered)
        if area != total_label:
            parts.append(area)
        pv, cv = as_number(row["previous"]), as_number(row["current"])
        d = as_number(row.get("difference"))
        if d is not None and not (pv is not None and cv is not None and d == cv - pv):
            attacker.add_difference(c, p, d)
        ratios = []
        if as_number(row.get("rate_ratio")) is not None:
            ratios.append(("rate_ratio", as_number(row["rate_ratio"])))
        if as_number(row.get("pct_change")) is not None:
            ratios.append(("pct_change", 1 + as_number(row["pct_change"]) / 100))
        for name, r in ratios:
            if pv and cv is not None and math.isclose(r, cv / pv, rel_tol=1e-12, abs_tol=1e-15):
                continue  # worked out from the published counts: tells nothing more
            inconsistent.append(f"{category}/{area}/{name}")
            attacker.add_ratio(c, p, r)
        pval = as_number(row.get("p_value"))
        if pval is not None and pv is not None and cv is not None and (pv or cv):
            again = float(sm_rates.test_poisson_2indep(int(cv), 1.0, int(pv), 1.0, method="exact-cond").pvalue)
            if not math.isclose(pval, again, rel_tol=1e-9, abs_tol=1e-300):
                inconsistent.append(f"{category}/{area}/p_value")
    if total_label is not None:
        for col in ("previous", "current"):
            attacker.add_sum((category, total_label, col), [(category, a, col) for a in parts])
    return inconsistent


def read_family(
    attacker: Attacker,
    *,
    parent: str,
    children: Collection[str],
    areas: Collection[Hashable],
    complete: bool,
) -> None:
    """A parent category's count in each area is the sum of its children's."""
    for area in areas:
        for col in ("previous", "current"):
            attacker.add_sum((parent, area, col), [(c, area, col) for c in children], remainder=not complete)


def children_of(parents: Mapping[str, str], published: Collection[str]) -> dict[str, tuple[list[str], bool]]:
    """``{parent: (its published children, whether all its children are published)}``."""
    out = {}
    for p in published:
        kids = sorted(c for c, q in parents.items() if q == p and c != p)
        shown = [c for c in kids if c in published]
        if shown:
            out[p] = (shown, set(kids) <= set(published))
    return out
