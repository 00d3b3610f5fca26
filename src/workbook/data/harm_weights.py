"""Loading harm (severity) weights: the ONS weight of each offence code, the
offence mix that turns them into category weights, and the weight table the
harm statistics use.

Three files, read here and combined by :func:`workbook.stats.harm.build_harm_weights`:

- ``data/harm/css_offence_weights_2019-20.csv``: ONS Crime Severity Score
  weight per Home Office offence code (published; :func:`load_offence_weights`).
- ``data/harm/harm_offence_mix.csv``: which offence codes make each finer
  "harm class" (an ONS offence sub-group, which is also a Metropolitan Police
  minor category), how the codes within a class are weighted (an assumption,
  stated per class), and the recorded-offence counts that weight the classes
  within a police.uk category (:func:`load_offence_mix`).
- ``resources/harm_weights.csv``: the resulting table, one row per police.uk
  category and one per finer source category, each with its basis
  ("published" or "assumption") and mix (:func:`load_harm_weights`).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from workbook.core.categories import POLICE_UK_CATEGORIES
from workbook.core.errors import DataError
from workbook.core.paths import DATA_DIR, RESOURCES_DIR
from workbook.data.canonical import _line_index
from workbook.data.reading import _read_csv

logger = logging.getLogger(__name__)

HARM_WEIGHTS_PATH = RESOURCES_DIR / "harm_weights.csv"
OFFENCE_WEIGHTS_PATH = DATA_DIR / "harm" / "css_offence_weights_2019-20.csv"
OFFENCE_MIX_PATH = DATA_DIR / "harm" / "harm_offence_mix.csv"

_REQUIRED_META = ("name", "version")
WITHIN_MIX_RULES = ("one weight", "equal", "main offence")


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


def _first_bad(mask: pd.Series) -> int:
    """Position of the first True in a boolean Series."""
    return int(np.flatnonzero(mask.to_numpy())[0])


def _check_weights(
    raw: pd.Series, *, labels: pd.Series, lines: pd.Series | np.ndarray, path: Path, column: str, what: str
) -> pd.Series:
    """Weights as floats; the first blank, non-numeric, infinite or negative one is a DataError naming its line."""
    text = raw.astype("string").str.strip().fillna("")
    weight = pd.to_numeric(text.replace("", pd.NA), errors="coerce").astype("float64")
    bad = weight.isna() | ~np.isfinite(weight) | (weight < 0)
    if bad.any():
        i = _first_bad(bad)
        shown = "blank" if text.iloc[i] == "" else text.iloc[i] if pd.notna(weight.iloc[i]) else repr(text.iloc[i])
        raise DataError(
            f"{column} {shown} for {what + ' ' if what else ''}{labels.iloc[i]}; expected a number >= 0",
            path=path,
            row=int(np.asarray(lines)[i]),
            column=column,
        )
    return weight


def load_harm_weights(path: str | Path | None = None) -> pd.DataFrame:
    """Read a harm weight table: a weight per category (and per finer category), with its provenance.

    The file is a CSV headed by ``# key: value`` lines; ``name`` and
    ``version`` are required (they are recorded on every harm result), and
    ``source``, ``units``, ``status`` and others are kept.  Then columns
    ``category`` and ``weight`` (a number >= 0), optionally
    ``source_category``, and any others.  A row with a blank (or no)
    ``source_category`` is the category's weight; a row with one is the
    weight of that finer category as a source publishes it (e.g. the
    Metropolitan Police's ``DOMESTIC BURGLARY``), used when harm is computed
    at the finer level.  The default table (built by
    :func:`workbook.stats.harm.build_harm_weights`) adds ``basis``
    ("published" or "assumption"), ``harm_class``, ``offence_codes``,
    ``mix_offences`` and ``mix``.

    Parameters
    ----------
    path
        The table; default ``resources/harm_weights.csv``, ONS Crime Severity
        Score weights per offence code averaged over a stated offence mix.

    Returns
    -------
    pandas.DataFrame
        ``category`` (str), ``source_category`` (string, <NA> on category
        rows), ``weight`` (float) and the file's other columns.  ``.attrs``
        holds the metadata (``name``, ``version``, ...) and ``path``.

    Raises
    ------
    DataError
        Missing file or metadata, a missing column, a blank category, a
        category (or category and source category) given twice, or a weight
        that is not a number >= 0 (naming the line and column).

    Examples
    --------
    >>> w = load_harm_weights()
    >>> w.attrs["version"].split()[0]
    '2.0'
    >>> cats = w[w["source_category"].isna()].set_index("category")
    >>> cats.loc[["Robbery", "Shoplifting", "Bicycle theft"], "weight"].tolist()
    [799.6288702, 11.85553905, 15.17572799]
    >>> cats.loc[["Robbery", "Burglary"], "basis"].tolist()
    ['published', 'assumption']
    >>> fine = w.dropna(subset=["source_category"]).set_index("source_category")
    >>> fine.loc[["DOMESTIC BURGLARY", "BURGLARY BUSINESS AND COMMUNITY"], "weight"].tolist()
    [465.3814732, 123.0183965]
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
        table = pd.read_csv(
            io.StringIO(body), dtype={"category": str, "source_category": str, "weight": str, "offence_codes": str},
            skipinitialspace=True,
        )
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
    file_lines = np.arange(first_data_line, first_data_line + len(table))
    category = table["category"].astype("string").str.strip()
    blank = category.isna() | (category == "")
    if blank.any():
        i = _first_bad(blank)
        raise DataError("blank category", path=p, row=int(file_lines[i]), column="category")
    if "source_category" in table.columns:
        source = table["source_category"].astype("string").str.strip().replace("", pd.NA)
    else:
        source = pd.Series(pd.NA, index=table.index, dtype="string")
    key = category.str.casefold() + "\x1f" + source.fillna("").str.casefold()
    dup = key.duplicated()
    if dup.any():
        i = _first_bad(dup)
        what = f"category {category.iloc[i]!r}" + (
            "" if pd.isna(source.iloc[i]) else f" with source category {source.iloc[i]!r}"
        )
        raise DataError(f"{what} appears twice", path=p, row=int(file_lines[i]), column="category")
    labels = pd.Series(
        [repr(c) if pd.isna(s) else f"{c!r} / {s!r}" for c, s in zip(category, source)], index=table.index
    )
    weight = _check_weights(table["weight"], labels=labels, lines=file_lines, path=p, column="weight", what="")
    out = table.assign(category=category.astype(str), source_category=source, weight=weight)
    cols = ["category", "source_category", "weight"] + [
        c for c in table.columns if c not in ("category", "source_category", "weight")
    ]
    out = out[cols]
    out.attrs = {**meta, "path": str(p)}
    logger.debug("loaded harm weights %r version %r from %s", meta["name"], meta["version"], p)
    return out


def load_offence_weights(path: str | Path | None = None) -> pd.DataFrame:
    """Read the ONS Crime Severity Score weight of each Home Office offence code.

    Parameters
    ----------
    path
        A CSV with columns ``offence_code`` and ``css_weight`` (a number >= 0,
        in days of custody equivalent) and optionally ``offence_description``,
        ``offence_group`` and ``police_uk_category``; default the ONS 2019/20
        list copied in ``data/harm/`` (see its PROVENANCE.md).

    Returns
    -------
    pandas.DataFrame
        One row per offence code, as in the file (codes kept as text, so
        ``4.1`` and ``4.10`` stay distinct); ``css_weight`` as float.  The
        index is the file's line numbers; ``.attrs["path"]`` names the file.

    Raises
    ------
    DataError
        Missing file or column, a blank or repeated offence code, or a weight
        that is blank, not a number or negative (naming file, line and column).

    Examples
    --------
    >>> w = load_offence_weights().set_index("offence_code")["css_weight"]
    >>> w[["28E", "46", "34B", "39", "44"]].tolist()
    [465.3814732, 11.85553905, 799.6288702, 80.4051597, 15.17572799]
    >>> len(w)
    134
    """
    p = OFFENCE_WEIGHTS_PATH if path is None else Path(path)
    raw = _line_index(_read_csv(p))
    for col in ("offence_code", "css_weight"):
        if col not in raw.columns:
            raise DataError(
                f"missing column; expected 'offence_code' and 'css_weight', found {list(raw.columns)}",
                path=p,
                column=col,
            )
    code = raw["offence_code"].str.strip()
    blank = code == ""
    if blank.any():
        raise DataError("blank offence code", path=p, row=int(blank.idxmax()), column="offence_code")
    dup = code.duplicated()
    if dup.any():
        line = int(dup.idxmax())
        raise DataError(f"offence code {code[line]!r} appears twice", path=p, row=line, column="offence_code")
    labels = code.map(repr)
    weight = _check_weights(raw["css_weight"], labels=labels, lines=raw.index, path=p, column="css_weight",
                            what="offence code")
    out = raw.assign(offence_code=code, css_weight=weight)
    out.attrs = {"path": str(p)}
    return out


def load_offence_mix(path: str | Path | None = None) -> pd.DataFrame:
    """Read an offence mix: the offence codes of each harm class and the counts that weight the classes.

    One row per harm class (an ONS offence sub-group such as "Residential
    burglary").  Columns:

    - ``category``: the police.uk category the class belongs to;
    - ``harm_class``: the class's name;
    - ``source_categories``: the names sources publish the class under
      (``;``-separated, e.g. the Metropolitan Police's minor categories);
    - ``offence_codes``: the Home Office offence codes averaged for the class
      (``;``-separated);
    - ``within_mix``: how those codes are weighted, ``one weight`` (they
      share one published weight), ``equal`` (an equal-weight mean, an
      assumption) or ``main offence`` (the class's main offence only, an
      assumption);
    - ``left_out``: codes of the class not counted (``main offence`` rows);
    - ``p1_column``: the ONS police force area Table P1 column holding the
      class's England and Wales count (blank: not in the mix);
    - ``ew_offences_<year>``: that Table P1 count (repeated for classes that
      share a column) and ``london_offences_<year>``: the Metropolitan
      Police's count for the class, used only to split a Table P1 column
      shared by several classes.

    Parameters
    ----------
    path
        The mix file; default ``data/harm/harm_offence_mix.csv``.

    Returns
    -------
    pandas.DataFrame
        The file's columns as text, counts as nullable integers (<NA> where
        blank); the index is the file's line numbers and ``.attrs["path"]``
        names the file.

    Raises
    ------
    DataError
        Missing file or column, a blank or repeated class, a category that is
        not a police.uk crime category, an unknown ``within_mix``, no offence
        codes, or a count that is not a whole number >= 0 (naming the line).

    Examples
    --------
    >>> m = load_offence_mix().set_index("harm_class")
    >>> m.loc["Residential burglary", ["offence_codes", "within_mix", "left_out"]].tolist()
    ['28E;28F;28G;28H', 'main offence', '29A']
    >>> int(m.loc["Residential burglary", "ew_offences_2018"])
    298276
    """
    p = OFFENCE_MIX_PATH if path is None else Path(path)
    raw = _line_index(_read_csv(p))
    for col in ("category", "harm_class", "offence_codes", "within_mix"):
        if col not in raw.columns:
            raise DataError(
                "missing column; expected 'category', 'harm_class', 'offence_codes' and 'within_mix', "
                f"found {list(raw.columns)}",
                path=p,
                column=col,
            )
    out = raw.apply(lambda s: s.str.strip())
    for col in ("category", "harm_class", "offence_codes"):
        blank = out[col] == ""
        if blank.any():
            raise DataError(f"blank {col.replace('_', ' ')}", path=p, row=int(blank.idxmax()), column=col)
    crimes = [c for c in POLICE_UK_CATEGORIES if c != "Anti-social behaviour"]
    unknown = ~out["category"].isin(crimes)
    if unknown.any():
        line = int(unknown.idxmax())
        raise DataError(
            f"category {out.loc[line, 'category']!r} is not a police.uk crime category; expected one of {crimes}",
            path=p,
            row=line,
            column="category",
        )
    dup = out["harm_class"].str.casefold().duplicated()
    if dup.any():
        line = int(dup.idxmax())
        raise DataError(f"harm class {out.loc[line, 'harm_class']!r} appears twice", path=p, row=line,
                        column="harm_class")
    rule = ~out["within_mix"].isin(WITHIN_MIX_RULES)
    if rule.any():
        line = int(rule.idxmax())
        raise DataError(
            f"within_mix {out.loc[line, 'within_mix']!r}; expected one of {list(WITHIN_MIX_RULES)}",
            path=p,
            row=line,
            column="within_mix",
        )
    for col in [c for c in out.columns if c.startswith(("ew_offences_", "london_offences_"))]:
        text = out[col]
        num = pd.to_numeric(text.str.replace(",", "", regex=False).replace("", pd.NA), errors="coerce")
        bad = (text != "") & (num.isna() | (num < 0) | (num != num.round()))
        if bad.any():
            line = int(bad.idxmax())
            raise DataError(f"count {text[line]!r}; expected a whole number >= 0 or blank", path=p, row=line,
                            column=col)
        out[col] = num.astype("Int64")
    out.attrs = {"path": str(p)}
    return out
