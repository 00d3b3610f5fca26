"""Harmonise each source's crime categories to one common scheme.

The common level (``category``) is data.police.uk's 14 crime types, which
every force publishes.  ``subcategory`` keeps a finer harmonised grouping
where a source has one (e.g. the Metropolitan Police's three residential
burglary codes, which replaced each other between 2018 and 2023, are joined
into one "Residential burglary" series).  ``source_category`` is kept as the
source published it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError
from workbook.core.paths import RESOURCES_DIR

CATEGORY_MAP_PATH = RESOURCES_DIR / "category_map.csv"

POLICE_UK_CATEGORIES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)


@lru_cache(maxsize=1)
def load_category_map() -> pd.DataFrame:
    """The category map: ``source, source_category, category, subcategory``.

    Examples
    --------
    >>> m = load_category_map()
    >>> sorted(m["source"].unique())
    ['mps', 'police_uk']
    >>> set(m.loc[m["source"] == "police_uk", "category"]) == set(POLICE_UK_CATEGORIES)
    True
    """
    return pd.read_csv(CATEGORY_MAP_PATH, dtype=str)


def harmonise_categories(
    source_categories: pd.Series, *, source: str, path: str | Path | None = None
) -> pd.DataFrame:
    """Map a source's categories to ``category`` and ``subcategory``.

    Matching ignores case and surrounding spaces.  A category the map does
    not know is an error (naming the first line it occurs on), never a silent
    drop: an unmapped category would vanish from every total.

    Parameters
    ----------
    source_categories
        The categories as published, one per row, with the row's line number
        in the file as index (used in the error message).
    source
        Which map to use: ``"mps"`` or ``"police_uk"``.
    path
        The file the categories came from, for error messages.

    Examples
    --------
    >>> s = pd.Series(["RES BURGLARY OF A HOME", "rape"])
    >>> harmonise_categories(s, source="mps")[["category", "subcategory"]].values.tolist()
    [['Burglary', 'Residential burglary'], ['Violence and sexual offences', 'Sexual offences']]
    """
    cmap = load_category_map()
    cmap = cmap[cmap["source"] == source]
    if cmap.empty:
        raise DataError(f"no category map for source {source!r}", path=path)
    keys = cmap["source_category"].str.strip().str.casefold()
    lookup_cat = dict(zip(keys, cmap["category"]))
    lookup_sub = dict(zip(keys, cmap["subcategory"]))
    norm = source_categories.astype(str).str.strip().str.casefold()
    unknown = ~norm.isin(lookup_cat.keys())
    if unknown.any():
        first = unknown.idxmax()
        bad = sorted(set(source_categories[unknown].astype(str)))
        raise DataError(
            f"unknown crime categor{'y' if len(bad) == 1 else 'ies'} {', '.join(repr(b) for b in bad[:5])}"
            f"{' …' if len(bad) > 5 else ''}; expected one of the {source} categories in {CATEGORY_MAP_PATH.name}",
            path=path,
            row=int(first) if isinstance(first, (int,)) or hasattr(first, "__int__") else None,
        )
    return pd.DataFrame(
        {
            "category": norm.map(lookup_cat),
            "subcategory": norm.map(lookup_sub),
            "source_category": source_categories.astype(str).str.strip(),
        },
        index=source_categories.index,
    )
