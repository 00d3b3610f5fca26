"""Reading the raw embedded files, and broken copies of them, for the loader tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd


def _raw_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------- broken copies


def _broken_copy(tmp_path: Path, src: Path, edit) -> Path:
    text = src.read_text(encoding="utf-8-sig")
    dest = tmp_path / src.name
    dest.write_text(edit(text), encoding="utf-8")
    return dest


def _replace_field(text: str, line_no: int, col: int, value: str) -> str:
    lines = text.splitlines()
    cells = next(csv.reader([lines[line_no - 1]]))
    cells[col] = value
    buf = pd.io.common.StringIO()
    csv.writer(buf, lineterminator="").writerow(cells)
    lines[line_no - 1] = buf.getvalue()
    return "\n".join(lines) + "\n"
