"""Harmonise each source's crime categories to one common scheme.

The common level (``category``) is data.police.uk's 14 crime types, which
every force publishes.  ``subcategory`` keeps a finer harmonised grouping
where a source has one (e.g. the Metropolitan Police's three residential
burglary codes, which replaced each other between 2018 and 2023, are joined
into one "Residential burglary" series).  ``source_category`` is kept as the
source published it.

Two categories are kept as lines of their own but are not crime recorded by
the police, so they never count towards "All crime" (:data:`NOT_IN_ALL_CRIME`,
:func:`select_all_crime`): anti-social behaviour incidents, and fraud
recorded by Action Fraud for the National Fraud Intelligence Bureau (the
Met's recent files carry it as ``NFIB``; its historical file and police.uk
do not, so counting it would break the series).

An area whose files carry a category the package's map does not know maps it
in its config (``category_map:``), passed here as ``extra_map``.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pandas as pd

from workbook.core.errors import ConfigError, DataError
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

ALL_CRIME = "All crime"
"""The row of every table that totals the crimes (never ASB or Action Fraud's fraud)."""
ANTI_SOCIAL_BEHAVIOUR = "Anti-social behaviour"
FRAUD_NFIB = "Fraud (Action Fraud, NFIB)"

# Kept as their own lines, never counted in "All crime": ASB incidents are not
# crimes, and Action Fraud's fraud is in neither the Met's historical series
# nor police.uk, so adding it would make recent months incomparable.
NOT_IN_ALL_CRIME: frozenset[str] = frozenset({ANTI_SOCIAL_BEHAVIOUR, FRAUD_NFIB})

# Sources whose loaders take an area's own category map (``category_map:`` in
# the area config); an unknown category from any other is an error to fix in
# the file, since police.uk's crime types are fixed.
CONFIG_MAPPED_SOURCES = frozenset({"mps"})


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


def select_all_crime(data: pd.DataFrame) -> pd.DataFrame:
    """The rows counted in "All crime": every category but :data:`NOT_IN_ALL_CRIME`.

    Parameters
    ----------
    data
        A table with a ``category`` column (the canonical crime table).

    Returns
    -------
    pandas.DataFrame
        A new table of the rows whose category is recorded crime.

    Examples
    --------
    >>> df = pd.DataFrame({"category": ["Burglary", FRAUD_NFIB, "Anti-social behaviour"], "count": [5, 2, 9]})
    >>> int(select_all_crime(df)["count"].sum())
    5
    """
    if "category" not in data.columns:
        raise DataError("data lack column 'category'; expected the canonical crime table", column="category")
    return data[~data["category"].isin(NOT_IN_ALL_CRIME)].copy()


def resolve_category_map(extra_map: Mapping[str, str] | None, *, source: str) -> dict[str, tuple[str, str]]:
    """An area's own category map as ``{source category (case-folded): (category, subcategory)}``.

    Each value names a harmonised subcategory of ``source`` in
    ``category_map.csv`` (e.g. ``"Residential burglary"``, which gives
    category ``"Burglary"``), or a harmonised category (which is then its own
    subcategory).  Keys match the published category ignoring case and
    surrounding spaces.

    Parameters
    ----------
    extra_map
        The area config's ``category_map`` section: published category to
        harmonised subcategory or category.  ``None`` or empty: no entries.
    source
        The map the values must come from: ``"mps"`` or ``"police_uk"``.

    Examples
    --------
    >>> resolve_category_map({"Burglary - Residential ": "residential burglary"}, source="mps")
    {'burglary - residential': ('Burglary', 'Residential burglary')}
    >>> resolve_category_map({"CYCLE THEFT": "Bikes"}, source="mps")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: key 'category_map.CYCLE THEFT': 'Bikes' is not a harmonised category; ...
    """
    if not extra_map:
        return {}
    if not isinstance(extra_map, Mapping):
        raise ConfigError(
            f"expected a mapping of published category to harmonised category, found {type(extra_map).__name__}",
            key="category_map",
        )
    cmap = _source_map(source)
    subs = dict(zip(cmap["subcategory"].str.casefold(), zip(cmap["category"], cmap["subcategory"])))
    cats = {c.casefold(): (c, c) for c in cmap["category"]}
    out: dict[str, tuple[str, str]] = {}
    for key, value in extra_map.items():
        where = f"category_map.{key}"
        if not isinstance(key, str) or not key.strip():
            raise ConfigError("a published category is blank; expected the category as the file spells it", key=where)
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"expected a harmonised category for {key!r}, found {value!r}", key=where)
        v = value.strip().casefold()
        if v not in subs and v not in cats:
            raise ConfigError(
                f"{value!r} is not a harmonised category; expected one of the {source} subcategories in "
                f"{CATEGORY_MAP_PATH.name}: {_known_targets(cmap)} (or one of their categories)",
                key=where,
            )
        out[key.strip().casefold()] = subs.get(v) or cats[v]
    return out


def _source_map(source: str) -> pd.DataFrame:
    cmap = load_category_map()
    cmap = cmap[cmap["source"] == source]
    if cmap.empty:
        known = ", ".join(sorted(load_category_map()["source"].unique()))
        raise DataError(f"no category map for source {source!r}; expected one of {known}")
    return cmap


def _known_targets(cmap: pd.DataFrame) -> str:
    return ", ".join(sorted(set(cmap["subcategory"])))


def harmonise_categories(
    source_categories: pd.Series,
    *,
    source: str,
    path: str | Path | None = None,
    extra_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Map a source's categories to ``category`` and ``subcategory``.

    Matching ignores case and surrounding spaces.  A category no map knows
    is an error (naming it, the first line it occurs on, and how to map it
    in the area config), never a silent drop: an unmapped category would
    vanish from every total.

    Parameters
    ----------
    source_categories
        The categories as published, one per row, with the row's line number
        in the file as index (used in the error message).
    source
        Which map to use: ``"mps"`` or ``"police_uk"``.
    path
        The file the categories came from, for error messages.
    extra_map
        The area config's ``category_map`` section (published category to
        harmonised subcategory or category; see :func:`resolve_category_map`).
        Its entries are used before the package's map.

    Examples
    --------
    >>> s = pd.Series(["RES BURGLARY OF A HOME", "rape", "BURGLARY - RESIDENTIAL", "NFIB"])
    >>> harmonise_categories(s, source="mps")[["category", "subcategory"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['Burglary', 'Residential burglary'], ['Violence and sexual offences', 'Sexual offences'],
     ['Burglary', 'Residential burglary'], ['Fraud (Action Fraud, NFIB)', 'Fraud (Action Fraud, NFIB)']]
    >>> s = pd.Series(["BICYCLE THEFT", "CYCLE THEFT"], index=[2, 3])
    >>> harmonise_categories(s, source="mps")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.DataError: line 3: unknown crime category 'CYCLE THEFT'; map it in the area config, ...
    >>> harmonise_categories(s, source="mps", extra_map={"Cycle theft": "Bicycle theft"})["category"].tolist()
    ['Bicycle theft', 'Bicycle theft']
    """
    cmap = _source_map(source)
    keys = cmap["source_category"].str.strip().str.casefold()
    lookup = dict(zip(keys, zip(cmap["category"], cmap["subcategory"])))
    lookup.update(resolve_category_map(extra_map, source=source))
    norm = source_categories.astype(str).str.strip().str.casefold()
    unknown = ~norm.isin(lookup.keys())
    if unknown.any():
        first = unknown.idxmax()
        bad = list(dict.fromkeys(source_categories[unknown].astype(str).str.strip()))
        named = f"unknown crime categor{'y' if len(bad) == 1 else 'ies'} {', '.join(repr(b) for b in bad[:5])}"
        named += " …" if len(bad) > 5 else ""
        if source in CONFIG_MAPPED_SOURCES:
            example = ", ".join(f"{b!r}: <harmonised category>" for b in bad[:2])
            remedy = (
                f"map {'it' if len(bad) == 1 else 'each'} in the area config, e.g. category_map: {{{example}}}, "
                f"naming one of the {source} subcategories in {CATEGORY_MAP_PATH.name}: {_known_targets(cmap)}"
            )
        else:
            remedy = f"expected one of the {source} categories in {CATEGORY_MAP_PATH.name}: {_known_targets(cmap)}"
        raise DataError(
            f"{named}; {remedy}",
            path=path,
            row=int(first) if hasattr(first, "__int__") else None,
        )
    pairs = norm.map(lookup)
    return pd.DataFrame(
        {
            "category": pairs.str[0],
            "subcategory": pairs.str[1],
            "source_category": source_categories.astype(str).str.strip(),
        },
        index=source_categories.index,
    )
