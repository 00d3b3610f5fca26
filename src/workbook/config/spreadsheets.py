"""Analyst inputs from spreadsheets: an .xlsx workbook (one sheet per section)
or CSV files, named in the area config, instead of the YAML sections.

Config syntax (paths relative to the repository root, like every path in a
config)::

    inputs:
      workbook: config/inputs/lambeth.xlsx     # every section, one sheet each
      # or section by section (an .xlsx whose sheet is named after the
      # section, or a .csv); a section named here is read from its own file
      # even when a workbook is given:
      action_plan: config/inputs/lambeth_actions.csv

The sections and their sheets: ``targets``; the scanning matrix's
``public_concern``, ``statutory``, ``emerging`` and ``overrides`` (into
``priorities:``, whose ``weights`` and ``thresholds`` stay in the YAML); and
``measures_of_success``, ``action_plan`` and ``spending`` (into
``appendices:``).  Row 1 of a sheet holds the YAML keys as headers (in any
order; optional columns may be left out); each later row is one entry,
validated by the same schema as the YAML, and an error names the file, the
sheet, the row (header = row 1) and the column.  Empty rows are skipped, and
so is the template's example row (its first cell starts ``EXAMPLE:``), with a
logged note.  Dates are date cells or ``YYYY-MM-DD`` text; money is a number
cell or text such as ``£1,200`` or ``1200.50``; a spending row whose
``priority`` is ``TOTAL`` gives the published totals (``amount`` is
``stated_total``, ``last_year`` is ``stated_last_year_total``).  A cell
formatted as a percentage (``-5%``, stored by Excel as -0.05) is read as the
per cent it shows (-5).  A section given both in the YAML and in a
spreadsheet is an error naming both; an empty YAML section (``targets: []``)
gives nothing and is no conflict.

``workbook template --area <slug>`` writes a blank workbook
(:func:`write_input_template`): a ``README`` sheet listing every column, then
one sheet per section with its header row (each header carries a comment:
what the column means, its allowed values, whether it is required) and one
example row.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal, get_args

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, field_validator

from workbook.config.appendices import STATUSES, load_appendices
from workbook.config.priorities import Override, PrioritySettings, load_priority_settings
from workbook.config.targets import Indicator, Polarity, TrajectoryMethod, load_targets
from workbook.core.errors import ConfigError, SpreadsheetError
from workbook.core.paths import CONFIG_DIR, resolve_path

logger = logging.getLogger(__name__)

Kind = Literal["text", "number", "whole", "rates", "date", "money"]
EXAMPLE_MARK = "EXAMPLE:"
TOTAL_MARK = "TOTAL"
TEMPLATE_ROWS = 500
"""Rows of a template sheet given drop-down lists and number formats."""

INPUTS_DIR = CONFIG_DIR / "inputs"


@dataclass(frozen=True)
class Column:
    """One column of an input sheet: its header (the YAML key) and how its cells are read."""

    name: str
    kind: Kind
    note: str
    required: bool = False
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """One section's sheet: where it goes in the config, its columns and the template's example row.

    Examples
    --------
    >>> spec = SHEETS["action_plan"]
    >>> spec.config_key, spec.headers, spec.column("due").kind
    ('appendices.action_plan', ('action', 'owner', 'due', 'progress', 'status'), 'date')
    """

    name: str
    config_key: str
    what: str
    columns: tuple[Column, ...]
    example: Mapping[str, Any]
    error_column: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_LEVELS = get_args(get_args(PrioritySettings.model_fields["public_concern"].annotation)[1])
_DECISIONS = get_args(Override.model_fields["decision"].annotation)
_CATEGORY_NOTE = "a crime category or subcategory as the report names it"

SHEETS: dict[str, SheetSpec] = {
    s.name: s
    for s in (
        SheetSpec(
            "targets", "targets", "targets",
            (
                Column("name", "text", "how the target is named in the plan; unique", True),
                Column("indicator", "text", "what is counted", True, get_args(Indicator)),
                Column("category", "text", _CATEGORY_NOTE, True),
                Column("polarity", "text", "which way is better", True, get_args(Polarity)),
                Column("baseline", "text", "baseline financial year as text, e.g. 2022/23", True),
                Column("baseline_value", "number", "the baseline's value; leave empty to compute it from the data"),
                Column("pct_change", "rates", "signed per cent (-5 is a 5% reduction), or one a year "
                       "separated by commas: -7, -5, -3"),
                Column("final_pct_change", "number", "signed per cent change from the baseline by the last year"),
                Column("final", "number", "the value to reach by the last year"),
                Column("trajectory", "text", "the path to the target; empty for a level", False,
                       get_args(TrajectoryMethod)),
                Column("years", "whole", "years the target runs for (default 1)"),
                Column("level", "number", "an absolute target instead of a change"),
                Column("note", "text", "free text"),
            ),
            {"name": "EXAMPLE: Residential burglary down 5% on 2022/23", "indicator": "count",
             "category": "Residential burglary", "polarity": "lower_is_better", "baseline": "2022/23",
             "pct_change": -5, "trajectory": "single", "years": 1,
             "note": "give exactly one of pct_change, final_pct_change, final or level"},
        ),
        SheetSpec(
            "public_concern", "priorities.public_concern", "public concern from consultation",
            (Column("category", "text", _CATEGORY_NOTE + "; once each", True),
             Column("level", "text", "level of concern", True, _LEVELS)),
            {"category": "EXAMPLE: Robbery", "level": "high"},
            error_column="level",
        ),
        SheetSpec(
            "statutory", "priorities.statutory", "statutory or national requirements",
            (Column("category", "text", _CATEGORY_NOTE + " that a statutory duty makes a priority", True),),
            {"category": "EXAMPLE: Violence and sexual offences"},
        ),
        SheetSpec(
            "emerging", "priorities.emerging", "emerging issues",
            (Column("category", "text", _CATEGORY_NOTE + " flagged as an emerging issue", True),),
            {"category": "EXAMPLE: Shoplifting"},
        ),
        SheetSpec(
            "overrides", "priorities.overrides", "decisions that replace the matrix's recommendation",
            (Column("category", "text", _CATEGORY_NOTE + "; one override each", True),
             Column("decision", "text", "the decision", True, _DECISIONS),
             Column("reason", "text", "why the matrix's recommendation is overridden", True)),
            {"category": "EXAMPLE: Bicycle theft", "decision": "exclude",
             "reason": "Falling; addressed by the transport partnership's plan"},
        ),
        SheetSpec(
            "measures_of_success", "appendices.measures_of_success", "measures of success",
            (Column("priority", "text", "the plan's priority", True),
             Column("activity", "text", "what is done", True),
             Column("desired_outcome", "text", "what should change", True),
             Column("measure", "text", "how the change is measured", True),
             Column("global_indicator", "text", "a crime category or subcategory, or a local indicator name",
                    True)),
            {"priority": "EXAMPLE: Serious violence", "activity": "Night-time economy patrols",
             "desired_outcome": "Fewer violent offences", "measure": "Violence and sexual offences recorded",
             "global_indicator": "Violence and sexual offences"},
        ),
        SheetSpec(
            "action_plan", "appendices.action_plan", "the action plan",
            (Column("action", "text", "what will be done", True),
             Column("owner", "text", "the person or team accountable", True),
             Column("due", "date", "due date: a date cell or YYYY-MM-DD text", True),
             Column("progress", "text", "progress so far, free text"),
             Column("status", "text", "status (default not started)", False, STATUSES)),
            {"action": "EXAMPLE: Commission a problem profile of robbery", "owner": "Community safety analyst",
             "due": date(2024, 3, 31), "progress": "Draft shared with partners", "status": "in progress"},
        ),
        SheetSpec(
            "spending", "appendices.spending", "the spending plan (GBP)",
            (Column("priority", "text", "the plan's priority; a row whose priority is TOTAL gives the totals "
                    "as published (amount, last_year) and no funder", True),
             Column("funder", "text", "who pays", True),
             Column("amount", "money", "this year's amount in pounds: a number, or text such as £1,200", True),
             Column("last_year", "money", "last year's amount in pounds")),
            {"priority": "EXAMPLE: Serious violence", "funder": "Police and Crime Commissioner",
             "amount": 180000, "last_year": 175000},
        ),
    )
}
"""Every input sheet, by section name (also the sheet's name), in the template's order."""

SECTIONS: tuple[str, ...] = tuple(SHEETS)


# --------------------------------------------------------------------------- config syntax


class InputFiles(BaseModel):
    """The config's ``inputs:`` block: spreadsheet or CSV files holding analyst sections.

    Examples
    --------
    >>> InputFiles(workbook="config/inputs/lambeth.xlsx", action_plan="actions.csv").sources()["action_plan"]
    ('inputs.action_plan', 'actions.csv')
    >>> InputFiles(targets="targets.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for InputFiles
    targets
      Value error, expected an .xlsx or .csv file; got 'targets.txt' ...
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    workbook: str | None = None
    targets: str | None = None
    public_concern: str | None = None
    statutory: str | None = None
    emerging: str | None = None
    overrides: str | None = None
    measures_of_success: str | None = None
    action_plan: str | None = None
    spending: str | None = None

    @field_validator("workbook")
    @classmethod
    def _xlsx(cls, v: str | None) -> str | None:
        if v is not None and Path(v).suffix.lower() != ".xlsx":
            raise ValueError(f"expected an .xlsx workbook (one sheet per section); got {v!r}")
        return v

    @field_validator(*SECTIONS)
    @classmethod
    def _xlsx_or_csv(cls, v: str | None) -> str | None:
        if v is not None and Path(v).suffix.lower() not in (".xlsx", ".csv"):
            raise ValueError(f"expected an .xlsx or .csv file; got {v!r}")
        return v

    def sources(self) -> dict[str, tuple[str, str]]:
        """Each section read from a spreadsheet: ``(config key naming it, path as given)``."""
        out = {}
        for section in SECTIONS:
            own = getattr(self, section)
            if own is not None:
                out[section] = (f"inputs.{section}", own)
            elif self.workbook is not None:
                out[section] = ("inputs.workbook", self.workbook)
        return out


# --------------------------------------------------------------------------- reading cells


@dataclass
class Sheet:
    """One section's rows as read from a file: each row's values by header, empty cells left out."""

    spec: SheetSpec
    path: Path
    sheet: str | None
    letters: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def error(self, message: str, *, row: int | None = None, column: str | None = None) -> SpreadsheetError:
        """The one-line error for a cell (``column`` is a header).

        Examples
        --------
        >>> s = Sheet(SHEETS["spending"], Path("in.xlsx"), "spending", letters={"amount": "C"})
        >>> str(s.error("'twelve' is not an amount", row=3, column="amount"))
        "in.xlsx, sheet 'spending', row 3, column C (amount): 'twelve' is not an amount"
        """
        return SpreadsheetError(message, path=self.path, sheet=self.sheet, row=row,
                                column=None if column is None else self.letters.get(column), header=column)


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_MONEY = re.compile(r"^-?£?\s*-?(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _simplify(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _parse_number(text: str) -> float | None:
    t = text.strip().removesuffix("%").strip()
    if not t or not _NUMBER.match(t) or not any(ch.isdigit() for ch in t):
        return None
    return float(t.replace(",", ""))


def _read_cell(value: Any, kind: Kind, *, percent: bool, fail: Any) -> Any:
    """A cell's value as the YAML would give it; ``fail(message)`` makes the error."""
    if isinstance(value, str) and kind != "text":
        value = value.strip()
    if kind == "text":
        if isinstance(value, (datetime, date)):
            raise fail(f"found the date {value:%Y-%m-%d}; expected text (format the cell as Text)")
        if isinstance(value, float):
            return str(_simplify(value))
        return value.strip() if isinstance(value, str) else str(value)
    if kind == "date":
        if isinstance(value, datetime):
            if value.time() != datetime.min.time():
                raise fail(f"{value:%Y-%m-%d %H:%M} has a time of day; expected a date, e.g. 2024-03-31")
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        shown = repr(value) if isinstance(value, str) else f"the number {value:g}"
        raise fail(f"{shown} is not a date; expected a date cell or YYYY-MM-DD text, e.g. 2024-03-31")
    if kind == "money":
        if isinstance(value, bool):
            raise fail(f"{value!r} is not an amount; expected a number of pounds, e.g. 1200 or £1,200")
        if isinstance(value, (int, float)):
            return _simplify(value)
        if isinstance(value, str) and _MONEY.match(value):
            text = value.replace("£", "").replace(",", "").replace(" ", "")
            if text.count("-") == 1:
                text = "-" + text.replace("-", "")
            try:
                return Decimal(text)
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                pass
        raise fail(f"{value!r} is not an amount of money; expected a number of pounds, e.g. 1200 or £1,200")
    # number, whole, rates
    if isinstance(value, (bool, datetime, date)):
        raise fail(f"{value!r} is not a number; expected a number such as -5")
    if isinstance(value, (int, float)):
        number: float | int = round(value * 100, 9) if percent else value
    elif kind == "rates" and ("," in value or ";" in value):
        parts = [p for p in re.split(r"[,;]", value.strip("[]() ")) if p.strip()]
        rates = [_parse_number(p) for p in parts]
        if not rates or any(r is None for r in rates):
            raise fail(f"{value!r} is not a list of numbers; expected signed per cents separated by commas, "
                       "e.g. -7, -5, -3")
        return [_simplify(r) for r in rates]  # type: ignore[arg-type]
    else:
        parsed = _parse_number(value)
        if parsed is None:
            raise fail(f"{value!r} is not a number; expected a number such as -5")
        number = parsed
    if kind == "whole":
        if not float(number).is_integer():
            raise fail(f"{number!r} is not a whole number; expected e.g. 3")
        return int(number)
    return _simplify(number)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_headers(spec: SheetSpec, cells: Sequence[Any], *, path: Path, sheet: str | None) -> dict[int, str]:
    """Column index -> header, after checking the header row."""
    expected = ", ".join(spec.headers)
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        name = str(cell).strip().lower()
        letter = get_column_letter(i + 1)
        if name not in spec.headers:
            raise SpreadsheetError(f"unknown column {str(cell).strip()!r}; expected the columns {expected}",
                                   path=path, sheet=sheet, row=1, column=letter)
        if name in found.values():
            raise SpreadsheetError(f"column {name!r} appears twice; expected each column once",
                                   path=path, sheet=sheet, row=1, column=letter)
        found[i] = name
    for col in spec.columns:
        if col.required and col.name not in found.values():
            raise SpreadsheetError(f"required column {col.name!r} is missing; expected the columns {expected}",
                                   path=path, sheet=sheet, row=1, header=col.name)
    return found


def _read_rows(spec: SheetSpec, rows: Sequence[Sequence[tuple[Any, bool]]], *, path: Path,
               sheet: str | None) -> Sheet:
    """Rows of ``(value, shown as a percentage)`` cells, header first, as a :class:`Sheet`."""
    if not rows or all(_is_blank(v) for v, _ in rows[0]):
        raise SpreadsheetError(f"row 1 is empty; expected the header row: {', '.join(spec.headers)}",
                               path=path, sheet=sheet, row=1)
    headers = _check_headers(spec, [v for v, _ in rows[0]], path=path, sheet=sheet)
    out = Sheet(spec, path, sheet, letters={name: get_column_letter(i + 1) for i, name in headers.items()})
    first = spec.columns[0].name
    for number, cells in enumerate(rows[1:], start=2):
        for i, (value, _) in enumerate(cells):
            if i not in headers and not _is_blank(value):
                raise SpreadsheetError(f"a value ({value!r}) under no header; expected the columns "
                                       f"{', '.join(spec.headers)}", path=path, sheet=sheet, row=number,
                                       column=get_column_letter(i + 1))
        values: dict[str, Any] = {}
        for i, name in headers.items():
            value, percent = cells[i] if i < len(cells) else (None, False)
            if _is_blank(value):
                continue
            kind = spec.column(name).kind

            def fail(message: str, _name: str = name, _row: int = number) -> SpreadsheetError:
                return out.error(message, row=_row, column=_name)

            values[name] = _read_cell(value, kind, percent=percent, fail=fail)
        if not values:
            continue
        if str(values.get(first, "")).upper().startswith(EXAMPLE_MARK):
            where = f"{path}" + (f", sheet {sheet!r}" if sheet else "")
            logger.info("%s: row %d skipped: it is the template's example (its %s starts %r)",
                        where, number, first, EXAMPLE_MARK)
            continue
        out.rows.append((number, values))
    return out


def read_csv_sheet(path: str | Path, section: str) -> Sheet:
    """One section's rows from a CSV file (UTF-8; header = row 1).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "statutory.csv"
    >>> _ = p.write_text("category\\nEXAMPLE: Robbery\\nViolence and sexual offences\\n", encoding="utf-8")
    >>> read_csv_sheet(p, "statutory").rows
    [(3, {'category': 'Violence and sexual offences'})]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError("is not UTF-8 text; save it as 'CSV UTF-8 (comma delimited)'", path=path) from None
    except OSError as exc:
        raise SpreadsheetError(f"cannot read: {exc.strerror or exc}", path=path) from None
    rows = [[(v, False) for v in r] for r in csv.reader(io.StringIO(text, newline=""))]
    return _read_rows(SHEETS[section], rows, path=path, sheet=None)


def _open_workbook(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise SpreadsheetError("file not found; expected an .xlsx workbook (`workbook template` writes one)",
                               path=path) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise SpreadsheetError(f"cannot read as an .xlsx workbook: {getattr(exc, 'strerror', None) or exc}",
                               path=path) from None


def read_xlsx_sheet(path: str | Path, section: str, *, workbook: Any = None) -> Sheet:
    """One section's rows from the sheet of that name in an .xlsx workbook.

    Parameters
    ----------
    path
        The workbook.
    section
        A name in :data:`SECTIONS`; the sheet has the same name.
    workbook
        The workbook already open (read-only), to read many sheets from one file.

    Examples
    --------
    >>> import tempfile
    >>> from workbook.config.input_template import write_input_template
    >>> p = write_input_template(Path(tempfile.mkdtemp()) / "inputs.xlsx")
    >>> s = read_xlsx_sheet(p, "action_plan")
    >>> s.letters["due"], s.rows  # the template's example row is skipped
    ('C', [])
    """
    path = Path(path)
    spec = SHEETS[section]
    wb = workbook if workbook is not None else _open_workbook(path)
    try:
        if section not in wb.sheetnames:
            raise SpreadsheetError(f"sheet not found; expected a sheet named {section!r} for {spec.what} "
                                   f"(the workbook has: {', '.join(wb.sheetnames)})", path=path, sheet=section)
        rows = [[(c.value, "%" in str(getattr(c, "number_format", "") or "")) for c in r]
                for r in wb[section].iter_rows()]
        return _read_rows(spec, rows, path=path, sheet=section)
    finally:
        if workbook is None:
            wb.close()


# --------------------------------------------------------------------------- sections


def _locate_key(key: str | None, prefix: str, sheet: Sheet, index: int | None) -> tuple[int | None, str]:
    """The spreadsheet row and header a YAML-style error key points at."""
    parts = (key or "").removeprefix(prefix).strip(".").split(".") if key else []
    if index is None and parts and parts[0].isdigit():
        index = int(parts[0])
    if parts and parts[0].isdigit():
        parts = parts[1:]
    header = next((p for p in parts if p in sheet.spec.headers), sheet.spec.error_column or sheet.spec.headers[0])
    row = sheet.rows[index][0] if index is not None and index < len(sheet.rows) else None
    return row, header


def _relocate(exc: ConfigError, sheet: Sheet, prefix: str, *, index: int | None = None) -> SpreadsheetError:
    """A ConfigError from a section's loader as the error of the cell it is about."""
    message = str(exc)
    if exc.key is not None:
        message = message.removeprefix(f"key {exc.key!r}: ")
    if message == "required key is missing":
        message = "this column is required; the cell is empty"
    escaped = re.escape(prefix)
    message = re.sub(escaped + r"\.\d+\.(\w+)", r"\1", message)
    message = re.sub(escaped + r"\.(\d+)", lambda m: f"row {sheet.rows[int(m.group(1))][0]}", message)
    row, header = _locate_key(exc.key, prefix, sheet, index)
    return sheet.error(message, row=row, column=header)


def _check_required(sheet: Sheet, *, skip: Sequence[str] = ()) -> None:
    for number, values in sheet.rows:
        for col in sheet.spec.columns:
            if col.required and col.name not in values and col.name not in skip:
                raise sheet.error(f"{col.name} is required; the cell is empty", row=number, column=col.name)


def _read_targets(sheet: Sheet) -> list[dict[str, Any]]:
    _check_required(sheet)
    items = [values for _, values in sheet.rows]
    for i, item in enumerate(items):
        try:
            load_targets([item])
        except ConfigError as exc:
            raise _relocate(exc, sheet, "targets.0", index=i) from None
    try:
        load_targets(items)
    except ConfigError as exc:
        raise _relocate(exc, sheet, "targets") from None
    return items


def _read_priorities(sheet: Sheet) -> Any:
    _check_required(sheet)
    key = sheet.spec.name
    if key == "public_concern":
        levels: dict[str, Any] = {}
        first: dict[str, int] = {}
        for number, values in sheet.rows:
            category = values["category"]
            if category in first:
                raise sheet.error(f"{category!r} is given twice (also row {first[category]}); expected one level "
                                  "per category", row=number, column="category")
            first[category] = number
            levels[category] = values["level"]
        for i, (category, level) in enumerate(levels.items()):
            try:
                load_priority_settings({key: {category: level}})
            except ConfigError as exc:
                raise _relocate(exc, sheet, f"priorities.{key}", index=i) from None
        return levels
    value: list[Any]
    if key in ("statutory", "emerging"):
        value = [values["category"] for _, values in sheet.rows]
    else:
        value = [values for _, values in sheet.rows]
    for i, item in enumerate(value):
        try:
            load_priority_settings({key: [item]})
        except ConfigError as exc:
            raise _relocate(exc, sheet, f"priorities.{key}.0", index=i) from None
    try:
        load_priority_settings({key: value})
    except ConfigError as exc:
        raise _relocate(exc, sheet, f"priorities.{key}") from None
    return value


def _read_spending(sheet: Sheet) -> dict[str, Any] | None:
    _check_required(sheet, skip=("funder", "amount"))
    items: list[dict[str, Any]] = []
    rows: list[tuple[int, dict[str, Any]]] = []
    total: tuple[int, dict[str, Any]] | None = None
    for number, values in sheet.rows:
        if str(values["priority"]).strip().upper() == TOTAL_MARK:
            if total is not None:
                raise sheet.error(f"a second {TOTAL_MARK} row (also row {total[0]}); expected one",
                                  row=number, column="priority")
            if "funder" in values:
                raise sheet.error(f"the {TOTAL_MARK} row gives the published totals; expected no funder",
                                  row=number, column="funder")
            if "amount" not in values:
                raise sheet.error(f"the {TOTAL_MARK} row needs the published total; the cell is empty",
                                  row=number, column="amount")
            total = (number, values)
            continue
        for name in ("funder", "amount"):
            if name not in values:
                raise sheet.error(f"{name} is required; the cell is empty", row=number, column=name)
        rows.append((number, values))
        items.append(values)
    items_sheet = Sheet(sheet.spec, sheet.path, sheet.sheet, sheet.letters, rows)
    for i, item in enumerate(items):
        try:
            load_appendices({"spending": {"items": [item]}})
        except ConfigError as exc:
            raise _relocate(exc, items_sheet, "appendices.spending.items.0", index=i) from None
    if not items:
        if total is not None:
            raise sheet.error(f"a {TOTAL_MARK} row but no items; expected the items it adds up",
                              row=total[0], column="priority")
        return None
    spending: dict[str, Any] = {"items": items}
    if total is not None:
        spending["stated_total"] = total[1]["amount"]
        if "last_year" in total[1]:
            spending["stated_last_year_total"] = total[1]["last_year"]
    try:
        load_appendices({"spending": spending})
    except ConfigError as exc:
        column = "last_year" if (exc.key or "").endswith("stated_last_year_total") else "amount"
        message = str(exc).removeprefix(f"key {exc.key!r}: ")
        raise sheet.error(message, row=None if total is None else total[0], column=column) from None
    return spending


def _read_appendix(sheet: Sheet) -> Any:
    key = sheet.spec.name
    if key == "spending":
        return _read_spending(sheet)
    _check_required(sheet)
    items = [values for _, values in sheet.rows]
    for i, item in enumerate(items):
        try:
            load_appendices({key: [item]})
        except ConfigError as exc:
            raise _relocate(exc, sheet, f"appendices.{key}.0", index=i) from None
    return items


def read_section(sheet: Sheet) -> Any:
    """A sheet's rows as the YAML section they stand for, validated by that section's loader.

    Returns
    -------
    list or dict or None
        ``targets``: a list of target mappings; ``public_concern``: category ->
        level; ``statutory`` and ``emerging``: a list of categories;
        ``overrides``, ``measures_of_success``, ``action_plan``: a list of
        mappings; ``spending``: ``{"items": [...], "stated_total": ...}``,
        or ``None`` without items.

    Raises
    ------
    SpreadsheetError
        Naming the file, sheet, row and column of the first bad cell.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "spending.csv"
    >>> _ = p.write_text("priority,funder,amount\\nViolence,Council,\\"£1,200\\"\\nTOTAL,,1200\\n", encoding="utf-8")
    >>> read_section(read_csv_sheet(p, "spending"))
    {'items': [{'priority': 'Violence', 'funder': 'Council', 'amount': Decimal('1200')}], 'stated_total': Decimal('1200')}
    >>> _ = p.write_text("priority,funder,amount\\nViolence,Council,twelve\\n", encoding="utf-8")
    >>> read_section(read_csv_sheet(p, "spending"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.SpreadsheetError: ...spending.csv, row 2, column C (amount): 'twelve' is not an amount of money; expected a number of pounds, e.g. 1200 or £1,200
    """
    name = sheet.spec.name
    if name == "targets":
        return _read_targets(sheet)
    if sheet.spec.config_key.startswith("priorities."):
        return _read_priorities(sheet)
    return _read_appendix(sheet)


def _is_given(value: Any) -> bool:
    return value is not None and value != [] and value != {}


def read_input_sections(
    inputs: InputFiles | None,
    *,
    targets: Sequence[Any] | None,
    priorities: Mapping[str, Any] | None,
    appendices: Mapping[str, Any] | None,
    path: str | Path | None = None,
) -> dict[str, Any]:
    """The config sections that ``inputs:`` names, read from their spreadsheets and merged with the YAML's.

    Parameters
    ----------
    inputs
        The config's ``inputs:`` block (``None``: nothing to read).
    targets, priorities, appendices
        The YAML's own sections (``AreaConfig.targets`` and so on).
    path
        The config file, named in errors.

    Returns
    -------
    dict
        The new values for ``targets``, ``priorities`` and ``appendices``
        (only those that a spreadsheet feeds), in the YAML's shape.

    Raises
    ------
    ConfigError
        A section given both in the YAML and in a spreadsheet (naming both).
    SpreadsheetError
        A file, sheet, header or cell that is not as expected.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "emerging.csv"
    >>> _ = p.write_text("category\\nShoplifting\\n", encoding="utf-8")
    >>> read_input_sections(InputFiles(emerging=str(p)), targets=[], priorities={"weights": {"volume": 2}},
    ...                     appendices={})
    {'priorities': {'weights': {'volume': 2}, 'emerging': ['Shoplifting']}}
    >>> read_input_sections(InputFiles(emerging=str(p)), targets=[], priorities={"emerging": ["Drugs"]},
    ...                     appendices={}, path="x.yml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: x.yml, key 'priorities.emerging': given both here and in inputs.emerging (.../emerging.csv); expected one of them: delete this YAML section or remove inputs.emerging
    """
    if inputs is None:
        return {}
    sources = inputs.sources()
    yaml_sections: dict[str, Any] = {"targets": targets, "priorities": dict(priorities or {}),
                                     "appendices": dict(appendices or {})}
    for section, (key, given) in sources.items():
        top, _, sub = SHEETS[section].config_key.partition(".")
        yaml_value = yaml_sections[top] if not sub else yaml_sections[top].get(sub)
        if _is_given(yaml_value):
            sheet = "" if Path(given).suffix.lower() == ".csv" else f", sheet {section!r}"
            fix = (f"remove {key}" if key != "inputs.workbook"
                   else "name the spreadsheet's sections one by one under inputs instead of a workbook")
            raise ConfigError(
                f"given both here and in {key} ({resolve_path(given)}{sheet}); expected one of them: "
                f"delete this YAML section or {fix}", path=path, key=SHEETS[section].config_key)
    updates: dict[str, Any] = {}
    opened: dict[Path, Any] = {}
    try:
        for section, (_, given) in sources.items():
            file = resolve_path(given)
            if file.suffix.lower() == ".csv":
                sheet = read_csv_sheet(file, section)
            else:
                if file not in opened:
                    opened[file] = _open_workbook(file)
                sheet = read_xlsx_sheet(file, section, workbook=opened[file])
            value = read_section(sheet)
            top, _, sub = SHEETS[section].config_key.partition(".")
            if not sub:
                updates[top] = value
            else:
                block = updates.setdefault(top, dict(yaml_sections[top]))
                if value is not None:
                    block[sub] = value
                else:
                    block.pop(sub, None)
    finally:
        for wb in opened.values():
            wb.close()
    return updates
