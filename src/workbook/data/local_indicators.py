"""Local indicators beyond police data: survey results, MARAC, drug treatment,
council ASB records, read from one CSV per area (the config's
``local_indicators:`` path).

The file
--------
A plain CSV, header on line 1, no comment lines, one row per indicator and
period:

=============  ==================================================================
column         meaning
=============  ==================================================================
indicator      the indicator's name, as measures of success refer to it
period         ``YYYY-MM`` (a month) or a financial year such as ``2022/23``;
               one kind per indicator
numerator      the count (``unit`` count) or the number with the attribute
               (``unit`` proportion, e.g. respondents who feel safe); >= 0
denominator    blank for counts; for proportions the number asked or counted
               (> 0 and at least the numerator)
unit           ``count`` or ``proportion``; one per indicator
source         who publishes it (the survey, the MARAC coordinator, ...)
polarity       ``lower_is_better``, ``higher_is_better`` or ``no_judgement``
               (as in :mod:`workbook.stats.benchmark`); one per indicator
illustrative   optional: ``true`` on rows that are invented for demonstration
note           optional free text shown with the indicator
=============  ==================================================================

A file is *illustrative* when its name contains "ILLUSTRATIVE" (any case)
or any row says ``illustrative`` is true; the report must then label every
number from it as illustrative.

What is computed
----------------
Proportions get the Wilson score 95% interval (statsmodels'
``proportion_confint(method="wilson")``) and the change in percentage points
on the previous period; counts get the difference and % change on the
previous period.  The previous period is the one before in that indicator's
own series (shown in ``previous_period``), so a gap in a series is visible.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from workbook.core.errors import DataError, PeriodError, ValueInputError
from workbook.core.periods import Window, parse_financial_year, parse_month
from workbook.core.polarity import POLARITIES

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "numerator",
    "denominator",
    "unit",
    "source",
    "polarity",
)
OPTIONAL_COLUMNS: tuple[str, ...] = ("illustrative", "note")
UNITS: tuple[str, ...] = ("count", "proportion")
ILLUSTRATIVE_MARK = "illustrative"
#: SafeLives: a MARAC should expect about 40 cases a year per 10,000 women aged 16 and over.
MARAC_CASES_PER_10000_WOMEN = 40.0

_MONTH = re.compile(r"^\d{4}-\d{2}$")
_FY = re.compile(r"^\d{4}/\d{2}$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}

TABLE_COLUMNS: tuple[str, ...] = (
    "indicator",
    "period",
    "period_kind",
    "period_start",
    "period_end",
    "unit",
    "numerator",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "previous_period",
    "previous_value",
    "difference",
    "pct_change",
    "polarity",
    "source",
    "note",
    "line",
)


@dataclass(frozen=True)
class LocalIndicators:
    """A validated local indicator file with its intervals and changes.

    ``illustrative`` is True when the numbers are invented for
    demonstration; everything shown from them must say so.
    """

    table: pd.DataFrame
    path: Path
    illustrative: bool

    @property
    def indicators(self) -> list[str]:
        """Indicator names in file order."""
        return list(dict.fromkeys(self.table["indicator"]))

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def latest(self) -> pd.DataFrame:
        """The latest period's row for each indicator, in file order."""
        last = self.table.groupby("indicator", sort=False).tail(1)
        return last.set_index("indicator").loc[self.indicators].reset_index()


def _parse_number(text: str, *, path: Path, line: int, column: str) -> float:
    t = text.strip()
    if _THOUSANDS.match(t):
        t = t.replace(",", "")
    try:
        value = float(t)
    except ValueError:
        raise DataError(
            f"{text!r} is not a number; expected e.g. 512", path=path, row=line, column=column
        ) from None
    if not math.isfinite(value):
        raise DataError(f"{text!r} is not a finite number", path=path, row=line, column=column)
    if value < 0:
        raise DataError(f"{text.strip()} is negative; expected 0 or more", path=path, row=line, column=column)
    return value


def _parse_period(text: str, *, path: Path, line: int) -> tuple[str, str, Window]:
    t = text.strip()
    try:
        if _MONTH.match(t):
            m = parse_month(t)
            return t, "month", Window(m, m)
        if _FY.match(t):
            return t, "financial_year", parse_financial_year(t)
    except PeriodError as exc:
        raise DataError(str(exc), path=path, row=line, column="period") from None
    raise DataError(
        f"period {text!r} is not a month (YYYY-MM, e.g. 2023-03) or a financial year (e.g. 2022/23)",
        path=path,
        row=line,
        column="period",
    )


def _parse_flag(text: str, *, path: Path, line: int) -> bool:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise DataError(f"{text!r} is not true or false", path=path, row=line, column="illustrative")


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            if header is None:
                raise DataError("file is empty; expected a header line and rows", path=path)
            columns = [h.strip().lower() for h in header]
            rows = []
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) != len(columns):
                    raise DataError(
                        f"{len(values)} fields where the header has {len(columns)}",
                        path=path,
                        row=reader.line_num,
                    )
                rows.append((reader.line_num, dict(zip(columns, values))))
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read as UTF-8 text: {exc}", path=path) from None
    return columns, rows


def _check_columns(columns: list[str], *, path: Path) -> None:
    for col in REQUIRED_COLUMNS:
        if col not in columns:
            raise DataError(
                f"missing column {col!r}; expected the columns {', '.join(REQUIRED_COLUMNS)}",
                path=path,
                column=col,
            )
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        raise DataError(
            f"unexpected column {unknown[0]!r}; allowed: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}",
            path=path,
            column=unknown[0],
        )
    dup = [c for c in columns if columns.count(c) > 1]
    if dup:
        raise DataError(f"column {dup[0]!r} appears twice", path=path, column=dup[0])


def _parse_row(line: int, row: dict[str, str], *, path: Path) -> dict:
    name = row["indicator"].strip()
    if not name:
        raise DataError("blank indicator name", path=path, row=line, column="indicator")
    period, kind, window = _parse_period(row["period"], path=path, line=line)
    unit = row["unit"].strip().lower()
    if unit not in UNITS:
        raise DataError(
            f"unit {row['unit']!r}; expected count or proportion", path=path, row=line, column="unit"
        )
    polarity = row["polarity"].strip().lower()
    if polarity not in POLARITIES:
        raise DataError(
            f"polarity {row['polarity']!r}; expected one of {', '.join(POLARITIES)}",
            path=path,
            row=line,
            column="polarity",
        )
    source = row["source"].strip()
    if not source:
        raise DataError("blank source; say who publishes the figure", path=path, row=line, column="source")
    if not row["numerator"].strip():
        raise DataError("blank numerator; expected a number", path=path, row=line, column="numerator")
    num = _parse_number(row["numerator"], path=path, line=line, column="numerator")
    den_text = row["denominator"].strip()
    if unit == "count":
        if den_text:
            raise DataError(
                f"denominator {den_text!r} given for a count; leave it blank (or use unit proportion)",
                path=path,
                row=line,
                column="denominator",
            )
        if num != int(num):
            raise DataError(f"count {num:g} is not a whole number", path=path, row=line, column="numerator")
        den = math.nan
    else:
        if not den_text:
            raise DataError(
                "blank denominator for a proportion; expected the number asked or counted",
                path=path,
                row=line,
                column="denominator",
            )
        den = _parse_number(den_text, path=path, line=line, column="denominator")
        if den == 0:
            raise DataError(
                "denominator is 0; expected more than 0", path=path, row=line, column="denominator"
            )
        if num > den:
            raise DataError(
                f"numerator {num:g} is above the denominator {den:g}; a proportion cannot be above 1",
                path=path,
                row=line,
                column="numerator",
            )
    return {
        "indicator": name,
        "period": period,
        "period_kind": kind,
        "period_start": window.start,
        "period_end": window.end,
        "unit": unit,
        "numerator": num,
        "denominator": den,
        "polarity": polarity,
        "source": source,
        "note": row.get("note", "").strip(),
        "illustrative": _parse_flag(row.get("illustrative", ""), path=path, line=line),
        "line": line,
    }


def _check_series(rows: list[dict], *, path: Path) -> None:
    """One unit, polarity and kind of period per indicator; each period once."""
    first: dict[str, dict] = {}
    seen: set[tuple[str, str]] = set()
    for r in rows:
        f = first.setdefault(r["indicator"], r)
        for col in ("unit", "polarity", "period_kind"):
            if r[col] != f[col]:
                what = "kind of period" if col == "period_kind" else col
                raise DataError(
                    f"{r['indicator']!r} has {what} {r[col]!r} here but {f[col]!r} on line {f['line']}; "
                    f"expected one {what} per indicator",
                    path=path,
                    row=r["line"],
                    column="period" if col == "period_kind" else col,
                )
        key = (r["indicator"], r["period"])
        if key in seen:
            raise DataError(
                f"{r['indicator']!r} {r['period']} appears twice; expected each period once",
                path=path,
                row=r["line"],
                column="period",
            )
        seen.add(key)


def _add_statistics(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    prop = out["unit"] == "proportion"
    out["value"] = np.where(prop, out["numerator"] / out["denominator"], out["numerator"])
    lower = np.full(len(out), np.nan)
    upper = np.full(len(out), np.nan)
    if prop.any():
        lo, hi = proportion_confint(
            out.loc[prop, "numerator"].to_numpy(),
            out.loc[prop, "denominator"].to_numpy(),
            alpha=0.05,
            method="wilson",
        )
        lower[prop.to_numpy()] = lo
        upper[prop.to_numpy()] = hi
    out["lower_95"] = lower
    out["upper_95"] = upper
    grouped = out.groupby("indicator", sort=False)
    out["previous_period"] = grouped["period"].shift(1)
    out["previous_value"] = grouped["value"].shift(1).astype(float)
    out["difference"] = out["value"] - out["previous_value"]
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * out["difference"] / out["previous_value"]
    # % change of a proportion is not reported (its change is in points), nor of a zero base.
    out["pct_change"] = pct.where(~prop & (out["previous_value"] > 0))
    return out


def load_local_indicators(path: str | Path) -> LocalIndicators:
    """Read and check a local indicator CSV (format in the module notes).

    Parameters
    ----------
    path
        The CSV file.

    Returns
    -------
    LocalIndicators
        ``table`` has one row per indicator and period, sorted by indicator
        (file order) and period, with columns ``indicator, period,
        period_kind, period_start, period_end, unit, numerator, denominator,
        value, lower_95, upper_95, previous_period, previous_value,
        difference, pct_change, polarity, source, note, line``.  ``value`` is
        the count, or the proportion as a fraction of 1.

    Raises
    ------
    DataError
        Naming the file, line and column: a missing or unknown column, a bad
        period, unit or polarity, a negative or non-numeric number, a numerator
        above its denominator, a denominator on a count, a period repeated.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> example = DATA_DIR / "local_indicators" / "lambeth_ILLUSTRATIVE_local_indicators.csv"
    >>> li = load_local_indicators(example)
    >>> li.illustrative
    True
    >>> "MARAC repeat referrals" in li.indicators
    True
    """
    path = Path(path)
    if not path.is_file():
        raise DataError("no such file; expected a local indicator CSV", path=path)
    columns, raw_rows = _read_rows(path)
    _check_columns(columns, path=path)
    if not raw_rows:
        raise DataError("no rows under the header; expected one row per indicator and period", path=path)
    rows = [_parse_row(line, r, path=path) for line, r in raw_rows]
    _check_series(rows, path=path)
    illustrative = ILLUSTRATIVE_MARK in path.name.lower() or any(r["illustrative"] for r in rows)
    order = {name: i for i, name in enumerate(dict.fromkeys(r["indicator"] for r in rows))}
    table = pd.DataFrame(rows).drop(columns="illustrative")
    table = (
        table.assign(_o=table["indicator"].map(order))
        .sort_values(["_o", "period_start"], kind="stable")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    table = _add_statistics(table)
    for col in ("indicator", "period", "period_kind", "unit", "polarity", "source", "note"):
        table[col] = table[col].astype("string")
    table["previous_period"] = table["previous_period"].astype("string")
    table["line"] = table["line"].astype("int64")
    if illustrative:
        logger.warning("%s holds ILLUSTRATIVE numbers invented for demonstration; label them so", path.name)
    return LocalIndicators(table=table[list(TABLE_COLUMNS)], path=path, illustrative=illustrative)


def expected_marac_cases(women_aged_16_plus: float) -> float:
    """Cases a year a MARAC should expect: about 40 per 10,000 women aged 16+ (SafeLives).

    Examples
    --------
    >>> expected_marac_cases(134_000)
    536.0
    """
    if not isinstance(women_aged_16_plus, (int, float, np.integer, np.floating)) or not (
        women_aged_16_plus >= 0 and math.isfinite(women_aged_16_plus)
    ):
        raise ValueInputError(f"women aged 16+ must be a number of 0 or more; got {women_aged_16_plus!r}")
    return MARAC_CASES_PER_10000_WOMEN * float(women_aged_16_plus) / 10_000
