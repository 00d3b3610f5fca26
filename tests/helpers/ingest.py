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


# --------------------------------------------------------------------------- the Met's current files

# The Met's "most recent 24 months" file in its newer layout (London Datastore,
# 2024 on) names its first three columns so; the month columns are unchanged.
MPS_GROUP_HEADER = ("Group", "SubGroup", "BOCU")
# Rows the current files carry and the historical file lacks, added to copies of
# the historical file as (major, minor, borough, row whose counts they copy).
# Counts are copied from a real row of the same borough, never made up: the
# Met's real NFIB rows are small (0 to 2 a month), like these boroughs'
# FRAUD AND FORGERY rows over the last 24 months; its BURGLARY - RESIDENTIAL
# rows appeared for Barnet and Kingston upon Thames.
MPS_CURRENT_ROWS = (
    ("BURGLARY", "BURGLARY - RESIDENTIAL", "Barnet", "RES BURGLARY OF UNCONNECTED BUILDING"),
    ("BURGLARY", "BURGLARY - RESIDENTIAL", "Kingston upon Thames", "RES BURGLARY OF UNCONNECTED BUILDING"),
    ("NFIB FRAUD", "NFIB", "Ealing", "FRAUD AND FORGERY"),
    ("NFIB FRAUD", "NFIB", "Lewisham", "FRAUD AND FORGERY"),
    ("NFIB FRAUD", "NFIB", "Unknown", "FRAUD AND FORGERY"),
)
PUBLIC_FEAR = "PUBLIC FEAR ALARM OR DISTRESS"
PUBLIC_FEAR_COMMA = "PUBLIC FEAR, ALARM OR DISTRESS"


def _mps_current_copy(tmp_path: Path, src: Path, *, layout: str, months: int = 24, name: str | None = None) -> Path:
    """A "most recent 24 months" file made from the historical one as the Met changed it.

    The last ``months`` month columns; the rows of :data:`MPS_CURRENT_ROWS`
    added after the row they copy; with ``layout="Group"`` the first three
    columns renamed ``Group, SubGroup, BOCU`` and the public-fear category
    spelt with a comma (quoted by the csv writer), as in the Met's 2024-07 to
    2026-06 release.  ``layout="MajorText"`` keeps the historical header and
    spelling, as in its 2023-12 to 2025-11 release.
    """
    if layout not in ("MajorText", "Group"):
        raise ValueError(f"layout must be 'MajorText' or 'Group', not {layout!r}")
    with open(src, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    keep = list(range(3)) + list(range(len(header) - months, len(header)))
    out = [[header[i] for i in keep]]
    for row in body:
        out.append([row[i] for i in keep])
        for major, minor, borough, copied in MPS_CURRENT_ROWS:
            if row[1] == copied and row[2] == borough:
                out.append([major, minor, borough, *out[-1][3:]])
    if layout == "Group":
        out[0][:3] = MPS_GROUP_HEADER
        for row in out[1:]:
            if row[1] == PUBLIC_FEAR:
                row[1] = PUBLIC_FEAR_COMMA
    dest = tmp_path / (name or f"MPS Borough Level Crime (most recent 24 months) {layout}.csv")
    with open(dest, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(out)
    return dest
