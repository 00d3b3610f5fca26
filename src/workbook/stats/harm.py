"""Harm-weighted crime counts: Σ count × weight, per population.

A count treats a murder and a shoplifting alike; a harm-weighted count gives
each offence a weight from a published severity scale (DOMAIN.md, "Harm").
The result always records which weight table and version it used.

The default table (``resources/harm_weights.csv``) is **derived, not
published**.  ONS publishes Crime Severity Score (CSS) weights per Home Office
offence code, not per data.police.uk category, and the workbook's embedded
ONS files hold severity *scores* by offence group and area, not weights.  A
group's average weight is implied by ONS's own figures: because
CSS = Σ(offences × weight) / population, the average weight of an offence
group is ``severity_score × population / offences``.  The table applies that
to England and Wales (CSS year ending March 2019; offences and population
from the police force area tables for the year ending December 2018; inputs
in ``data/harm/``).  Where a police.uk category is only part of an ONS
offence group (burglary, vehicle crime, shoplifting, bicycle theft, theft
from the person and other theft are all "Theft offences"; drugs, weapons
possession, public order and other crime are "Other crimes against
society") the group's average is given to each: that is an assumption,
marked ``basis = "assumption"`` in the table.  A table of the published
per-offence CSS weights, or of the Cambridge Crime Harm Index, can be used
instead through ``load_harm_weights(path)``.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd

from workbook.core.errors import ValueInputError
from workbook.data.harm_weights import _show


def _check_positive(value: object, *, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueInputError(f"{name} must be a number above 0, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise ValueInputError(f"{name} must be a number above 0, got {value!r}")
    return number


def harm_weighted(
    counts: pd.DataFrame,
    *,
    weights: pd.DataFrame,
    population: float | None = None,
    per: float = 1000,
) -> pd.DataFrame:
    """Harm-weighted counts by category: harm = count × weight, its share, and its rate.

    Parameters
    ----------
    counts
        Columns ``category`` and ``count`` (numbers >= 0).  Rows with the same
        category are added, so the canonical crime table for one area and
        period can be passed as it is.
    weights
        A table from :func:`load_harm_weights` (columns ``category`` and
        ``weight``; ``.attrs`` with ``name`` and ``version``).
    population
        Residents, for the harm rate; ``None`` leaves ``harm_rate`` empty.
    per
        Rate base: harm per ``per`` residents (default 1,000).  With
        ``per=1`` and full-coverage counts the total is on the scale of an
        ONS Crime Severity Score (only roughly, as the default weights are
        offence-group averages).

    Returns
    -------
    pandas.DataFrame
        One row per category in order of first appearance: ``category``,
        ``count``, ``weight``, ``harm`` (count × weight), ``harm_share``
        (harm / total harm; NaN when the total is 0), ``harm_rate``
        (harm / population × per; NaN without a population),
        ``weights_name`` and ``weights_version``.  ``.attrs["harm_weights"]``
        repeats the table's metadata.

    Raises
    ------
    ValueInputError
        A category the table has no weight for (named), a negative or
        missing count, a population that is not above 0, ``per`` not above 0,
        or a weight table without name and version.

    Examples
    --------
    >>> from workbook.data.harm_weights import load_harm_weights
    >>> w = load_harm_weights()
    >>> counts = pd.DataFrame({"category": ["Robbery", "Shoplifting"], "count": [10, 100]})
    >>> out = harm_weighted(counts, weights=w, population=50_000)
    >>> out[["category", "harm", "harm_rate"]].round(1).values.tolist()
    [['Robbery', 10338.0, 206.8], ['Shoplifting', 13310.0, 266.2]]
    >>> round(float(out["harm_share"].iloc[0]), 4)
    0.4372
    >>> out["weights_version"].iloc[0].split()[0]
    '1.0'
    """
    if not isinstance(counts, pd.DataFrame):
        raise ValueInputError(
            f"counts must be a DataFrame with columns 'category' and 'count', got {type(counts).__name__}"
        )
    missing = [c for c in ("category", "count") if c not in counts.columns]
    if missing:
        raise ValueInputError(
            f"counts has no column {', '.join(repr(c) for c in missing)}; "
            f"expected 'category' and 'count', found {list(counts.columns)}"
        )
    if not isinstance(weights, pd.DataFrame) or not {"category", "weight"} <= set(weights.columns):
        raise ValueInputError(
            "weights must be a table from load_harm_weights (columns 'category' and 'weight')"
        )
    name = weights.attrs.get("name")
    version = weights.attrs.get("version")
    if not name or not version:
        raise ValueInputError(
            "weights table has no name or version in .attrs; load it with load_harm_weights() so the "
            "result can record which table was used"
        )
    per_value = _check_positive(per, name="per")
    if per_value is None:
        raise ValueInputError("per must be a number above 0, got None")
    pop = _check_positive(population, name="population")

    category = counts["category"]
    if category.isna().any():
        raise ValueInputError("counts has a missing category; expected a category name on every row")
    count = pd.to_numeric(counts["count"], errors="coerce")
    if count.isna().any() or counts["count"].isna().any():
        i = int(np.flatnonzero(count.isna().to_numpy())[0])
        raise ValueInputError(
            f"count {_show(counts['count'].iloc[i])} for {category.iloc[i]!r} is not a number; "
            "expected a count >= 0"
        )
    if (count < 0).any():
        i = int(np.flatnonzero((count < 0).to_numpy())[0])
        raise ValueInputError(
            f"count {_show(count.iloc[i])} for {category.iloc[i]!r} is negative; expected a count >= 0"
        )

    summed = (
        pd.DataFrame({"category": category.astype(str).to_numpy(), "count": count.to_numpy()})
        .groupby("category", sort=False, as_index=False)["count"]
        .sum()
    )
    if weights["category"].duplicated().any():
        dup = weights.loc[weights["category"].duplicated(), "category"].iloc[0]
        raise ValueInputError(f"weights table {name!r} gives category {dup!r} more than one weight")
    lookup = dict(zip(weights["category"].astype(str), weights["weight"].astype(float)))
    unweighted = [c for c in summed["category"] if c not in lookup]
    if unweighted:
        hint = (
            " Anti-social behaviour incidents are not crimes and have no severity weight: leave them out."
            if "Anti-social behaviour" in unweighted
            else ""
        )
        raise ValueInputError(
            f"no harm weight for categor{'y' if len(unweighted) == 1 else 'ies'} "
            f"{', '.join(repr(c) for c in unweighted)} in weight table {name!r} (version {version!r}); "
            f"expected one of {sorted(lookup)}.{hint}"
        )

    weight = summed["category"].map(lookup).astype("float64")
    harm = summed["count"].astype("float64") * weight
    total = float(harm.sum())
    share = harm / total if total > 0 else pd.Series(np.nan, index=harm.index)
    rate = harm / pop * per_value if pop is not None else pd.Series(np.nan, index=harm.index)
    out = pd.DataFrame(
        {
            "category": summed["category"],
            "count": summed["count"],
            "weight": weight,
            "harm": harm,
            "harm_share": share.astype("float64"),
            "harm_rate": rate.astype("float64"),
            "weights_name": name,
            "weights_version": version,
        }
    )
    out.attrs = {"harm_weights": dict(weights.attrs), "population": pop, "per": per_value}
    return out
