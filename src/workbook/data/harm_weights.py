"""Loading the harm (severity) weights per category."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.errors import DataError
from workbook.core.paths import RESOURCES_DIR

logger = logging.getLogger(__name__)

HARM_WEIGHTS_PATH = RESOURCES_DIR / "harm_weights.csv"

_REQUIRED_META = ("name", "version")


def _show(value: object) -> str:
    """A value as a message should show it (numpy scalars as plain numbers)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _read_header(lines: list[str], path: Path) -> tuple[dict[str, str], int]:
    """The ``# key: value`` lines at the top of a weight table, and how many there are."""
    meta: dict[str, str] = {}
    n = 0
    for line in lines:
        if not line.startswith("#"):
            break
        n += 1
        body = line[1:].strip()
        if not body:
            continue
        key, sep, value = body.partition(":")
        if not sep:
            raise DataError(f"expected a '# key: value' metadata line, found {line!r}", path=path, row=n)
        meta[key.strip().lower()] = value.strip()
    return meta, n


def load_harm_weights(path: str | Path | None = None) -> pd.DataFrame:
    """Read a harm weight table: one row per category, its weight and its provenance.

    The file is a CSV headed by ``# key: value`` lines; ``name`` and
    ``version`` are required (they are recorded on every harm result), and
    ``source``, ``units``, ``status`` and others are kept.  Then columns
    ``category`` and ``weight`` (a number >= 0), and any others (the default
    table adds ``ons_offence_group``, ``basis`` and ``note``).

    Parameters
    ----------
    path
        The table; default the workbook's derived ONS CSS offence-group table
        (see the module docstring for how it was made and what is assumed).

    Returns
    -------
    pandas.DataFrame
        ``category`` (str), ``weight`` (float) and the file's other columns.
        ``.attrs`` holds the metadata (``name``, ``version``, ...) and ``path``.

    Raises
    ------
    DataError
        Missing file or metadata, a missing column, a blank or repeated
        category, or a weight that is not a number >= 0 (naming the line).

    Examples
    --------
    >>> w = load_harm_weights()
    >>> w.attrs["version"].split()[0]
    '1.0'
    >>> w.set_index("category").loc[["Robbery", "Criminal damage and arson"], "weight"].tolist()
    [1033.8, 23.2]
    >>> w.set_index("category").loc["Shoplifting", "basis"]
    'assumption'
    """
    p = HARM_WEIGHTS_PATH if path is None else Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"cannot read harm weight table: {exc}", path=p) from exc
    lines = text.splitlines()
    meta, n_header = _read_header(lines, p)
    missing = [k for k in _REQUIRED_META if not meta.get(k)]
    if missing:
        raise DataError(
            f"harm weight table has no {' or '.join(missing)}; expected '# name: ...' and "
            "'# version: ...' lines above the column header",
            path=p,
        )
    body = "\n".join(lines[n_header:])
    try:
        table = pd.read_csv(io.StringIO(body), dtype={"category": str}, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"cannot parse harm weight table: {exc}", path=p) from None
    for col in ("category", "weight"):
        if col not in table.columns:
            raise DataError(
                f"missing column; expected columns 'category' and 'weight', found {list(table.columns)}",
                path=p,
                column=col,
            )
    first_data_line = n_header + 2  # 1-based: metadata lines, then the column header
    category = table["category"].astype("string").str.strip()
    blank = category.isna() | (category == "")
    if blank.any():
        i = int(np.flatnonzero(blank.to_numpy())[0])
        raise DataError("blank category", path=p, row=first_data_line + i, column="category")
    dup = category.duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise DataError(f"category {category.iloc[i]!r} appears twice", path=p, row=first_data_line + i,
                        column="category")
    weight = pd.to_numeric(table["weight"], errors="coerce").astype("float64")
    bad = weight.isna() | ~np.isfinite(weight) | (weight < 0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"weight {_show(table['weight'].iloc[i])} for {category.iloc[i]!r}; expected a number >= 0",
            path=p,
            row=first_data_line + i,
            column="weight",
        )
    out = table.assign(category=category.astype(str), weight=weight)
    out.attrs = {**meta, "path": str(p)}
    logger.debug("loaded harm weights %r version %r from %s", meta["name"], meta["version"], p)
    return out
