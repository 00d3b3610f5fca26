"""Writing the blank analyst-inputs workbook (``workbook template``): one sheet per section, headers
explained, one example row each, marked as an example."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from workbook.config.spreadsheets import (
    EXAMPLE_MARK,
    INPUTS_DIR,
    SHEETS,
    TEMPLATE_ROWS,
    TOTAL_MARK,
    Column,
    SheetSpec,
)
from workbook.core.errors import ConfigError

# --------------------------------------------------------------------------- the template


def choose_template_path(slug: str) -> Path:
    """Where ``workbook template`` writes an area's input workbook by default.

    Examples
    --------
    >>> from workbook.core.paths import CONFIG_DIR
    >>> choose_template_path("lambeth").relative_to(CONFIG_DIR).as_posix()
    'inputs/lambeth.xlsx'
    """
    return INPUTS_DIR / f"{slug}.xlsx"


def _describe_column(col: Column) -> str:
    parts = [col.note, "required" if col.required else "optional"]
    if col.allowed:
        parts.append("one of: " + ", ".join(col.allowed))
    return "; ".join(parts)


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_EXAMPLE_FONT = Font(italic=True, color="808080")
_FORMATS = {"date": "yyyy-mm-dd", "money": "£#,##0.00", "text": "@"}


def _write_readme(ws: Any, *, area_name: str | None) -> None:
    title = "Analyst inputs" + (f" for {area_name}" if area_name else "")
    lines = [
        title,
        ("One sheet per section of the area config. Row 1 holds the column names (the YAML keys): keep them; "
         "hover over a header for what it means."),
        (f"Row 2 of each sheet is an example: its first cell starts '{EXAMPLE_MARK}' and it is skipped. "
         "Add your own rows below it (or overwrite it, removing the mark)."),
        ("Dates: date cells or YYYY-MM-DD text. Money: pounds as numbers (text such as £1,200 is read too). "
         f"Spending: a row whose priority is {TOTAL_MARK} gives the published totals."),
        ("Point the area config at this file with  inputs: {workbook: <path of this file>}  and delete the "
         "YAML sections it replaces (a section in both is an error)."),
        "",
    ]
    for line in lines:
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["sheet", "column", "required", "meaning", "allowed values"])
    for cell in ws[ws.max_row]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for spec in SHEETS.values():
        for col in spec.columns:
            ws.append([spec.name, col.name, "yes" if col.required else "no", col.note, ", ".join(col.allowed)])
    for letter, width in zip("ABCDE", (22, 18, 10, 70, 40)):
        ws.column_dimensions[letter].width = width


def _write_section_sheet(ws: Any, spec: SheetSpec) -> None:
    ws.append(list(spec.headers))
    ws.append([spec.example.get(name) for name in spec.headers])
    ws.freeze_panes = "A2"
    for i, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(i)
        head = ws.cell(row=1, column=i)
        head.font, head.fill = _HEADER_FONT, _HEADER_FILL
        head.comment = Comment(_describe_column(col), "csp-workbook", width=300, height=120)
        ws.column_dimensions[letter].width = max(14, min(45, len(col.name) + 4, 12 + len(col.note) // 3))
        fmt = _FORMATS.get(col.kind)
        for row in range(2, TEMPLATE_ROWS + 1):
            cell = ws.cell(row=row, column=i)
            if fmt:
                cell.number_format = fmt
            if row == 2:
                cell.font = _EXAMPLE_FONT
        if col.allowed:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.allowed) + '"', allow_blank=True,
                                showErrorMessage=True, error=f"expected one of: {', '.join(col.allowed)}",
                                errorTitle=f"{col.name}")
            dv.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            ws.add_data_validation(dv)


def write_input_template(path: str | Path, *, area_name: str | None = None, force: bool = False) -> Path:
    """Write a blank input workbook: a README sheet, then one sheet per section
    with its header row (each header commented) and one example row.

    Parameters
    ----------
    path
        The .xlsx file to write.
    area_name
        The partnership's name, for the README's title.
    force
        Overwrite an existing file; without it an existing file is an error.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ConfigError
        The file exists (and ``force`` is not given), or is not an .xlsx.

    Examples
    --------
    >>> import tempfile
    >>> p = write_input_template(Path(tempfile.mkdtemp()) / "inputs.xlsx", area_name="Lambeth")
    >>> wb = openpyxl.load_workbook(p)
    >>> wb.sheetnames[:3], [c.value for c in wb["public_concern"][1]], [c.value for c in wb["public_concern"][2]]
    (['README', 'targets', 'public_concern'], ['category', 'level'], ['EXAMPLE: Robbery', 'high'])
    >>> write_input_template(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: .../inputs.xlsx: file exists; expected a new file (give --force to overwrite it)
    """
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ConfigError(f"expected an .xlsx file name; got {path.name!r}", path=path)
    if path.exists() and not force:
        raise ConfigError("file exists; expected a new file (give --force to overwrite it)", path=path)
    wb = openpyxl.Workbook()
    _write_readme(wb.active, area_name=area_name)
    wb.active.title = "README"
    for spec in SHEETS.values():
        _write_section_sheet(wb.create_sheet(spec.name), spec)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        wb.save(path)
    except OSError as exc:
        raise ConfigError(f"cannot write the template: {exc.strerror or exc}", path=path) from None
    return path
