"""Reading a CSV as text with one-line errors naming the file and row."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError


def _first_short_record(text: str, n_columns: int) -> tuple[int, int] | None:
    r"""The line and field count of the first record with fewer fields than the
    header, if any (pandas pads such rows with blanks without a word).

    Examples
    --------
    >>> _first_short_record("a,b,c\n1,,3\n4,5\n", 3)
    (3, 2)
    >>> _first_short_record('a,b\n"x\ny",2\n', 2) is None
    True
    """
    reader = csv.reader(io.StringIO(text, newline=""))  # a bare \r ends a line, as for pandas
    try:
        next(reader, None)
        for row in reader:
            if row and len(row) < n_columns:
                return reader.line_num, len(row)
    except csv.Error:  # pandas read it; a quirk the csv module refuses is not a short row
        return None
    return None


def _read_csv(path: Path, *, source_name: str | None = None, **kwargs) -> pd.DataFrame:
    """``pd.read_csv`` with every failure turned into a DataError naming the file."""
    name = source_name or str(path)
    try:
        if isinstance(path, (str, Path)):
            raw = Path(path).read_bytes()
        else:  # an open binary stream (zip member)
            raw = path.read()
    except OSError as exc:
        raise DataError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if not raw.strip():
        raise DataError("file is empty; expected a header row and data rows", path=name)
    if raw[:2] in (b"PK",) or raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("file is a spreadsheet or archive, not CSV text; save it as CSV (UTF-8)", path=name)
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError("file is UTF-16 encoded; expected UTF-8 CSV (re-save as 'CSV UTF-8')", path=name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            "file is not valid UTF-8 text (perhaps Latin-1/Windows-1252); expected UTF-8 CSV",
            path=name,
            row=line,
        ) from exc
    if "\x00" in text:
        raise DataError("file contains NUL bytes; expected plain CSV text", path=name)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, **kwargs)
    except pd.errors.EmptyDataError as exc:
        raise DataError("file is empty; expected a header row and data rows", path=name) from exc
    except (pd.errors.ParserError, csv.Error, ValueError) as exc:
        msg = str(exc)
        m = re.search(r"line (\d+)", msg)
        raise DataError(
            f"malformed CSV ({msg.splitlines()[0][:120]}); expected comma-separated rows with the same number of fields",
            path=name,
            row=int(m.group(1)) if m else None,
        ) from exc
    if df.empty:
        raise DataError("file has a header but no data rows", path=name)
    short = _first_short_record(text, len(df.columns))
    if short is not None:
        line, fields = short
        raise DataError(
            f"row has {fields} field{'s' if fields != 1 else ''} but the header has {len(df.columns)} "
            "(a row cut short, or the file is truncated); expected every row to have a value, or an empty "
            "value between commas, for each column",
            path=name,
            row=line,
        )
    df.columns = [str(c).strip() for c in df.columns]
    if len(df.columns) == 1 and any(sep in df.columns[0] for sep in (";", "\t", "|")):
        raise DataError(
            f"file does not look comma-separated (header {df.columns[0][:60]!r}); expected commas between columns",
            path=name,
            row=1,
        )
    return df
