"""Harm-weighted crime counts: Σ count × weight, per population.

A count treats a murder and a shoplifting alike; a harm-weighted count gives
each offence a weight from a published severity scale (DOMAIN.md, "Harm").
The result always records which weight table and version it used.

The weights are the ONS Crime Severity Score (CSS) weights per Home Office
offence code (the 2019/20 list, in days of custody equivalent: residential
burglary 465.38, robbery 799.63, theft from the person 80.41, bicycle theft
15.18, shoplifting 11.86).  A police.uk category holds many offence codes, so
its weight depends on the mix of offences in it (DOMAIN.md, "Harm weights");
:func:`build_harm_weights` makes the default table from a stated mix
(``data/harm/harm_offence_mix.csv``):

- **within a harm class** (an ONS offence sub-group, e.g. residential
  burglary, which is also a Metropolitan Police minor category) the class's
  codes are averaged with equal weight, or only its main offence is taken
  (rarer, more serious codes such as aggravated burglary left out: that
  weight is a lower bound).  No published count by offence code is at hand,
  so this is an assumption, marked per class;
- **between the classes of a category**, England and Wales police recorded
  offences for the year ending December 2018 (ONS police force area Table
  P1); where Table P1 does not separate classes (sexual offences, robbery,
  vehicle offences, criminal damage and arson, drugs, public order) its
  count is split by the Metropolitan Police's London counts for 2018.

A category whose codes all carry one weight (robbery, theft from the person,
bicycle theft, shoplifting) gets the published weight, mix or no mix
(``basis = "published"``); the others are marked ``basis = "assumption"``.
Where the data carry finer categories (the Metropolitan Police's minor
categories), :func:`harm_weighted` with ``detail="source_category"`` weights
each at its own class weight, so a category's weight follows the area's own
mix.  The 2019/20 list gives lower averages than ONS's published CSS for the
year ending March 2019 implies (robbery 799.6 against 1,033.8, where no mix is
involved), so harm totals are not on the published CSS's scale.  Another
table (e.g. the Cambridge Crime Harm Index) can be used instead through
``load_harm_weights(path)``.
"""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
import pandas as pd

from workbook.core.errors import DataError, ValueInputError
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


def _split_list(text: object) -> list[str]:
    """``"28E; 28F"`` -> ``["28E", "28F"]`` (blank -> [])."""
    if text is None or pd.isna(text):
        return []
    return [t.strip() for t in str(text).split(";") if t.strip()]


def _round_weight(x: float) -> float:
    """A weight to 10 significant figures, the precision ONS publishes, so a
    single code's weight comes back exactly as published."""
    return float(f"{x:.10g}")


def _mix_counts(mix: pd.DataFrame, *, year: int, path: object) -> pd.Series:
    """Each class's count in the mix: its Table P1 count, or its share of a shared column by London's counts."""
    ew_col, lon_col = f"ew_offences_{year}", f"london_offences_{year}"
    for col in ("p1_column", ew_col):
        if col not in mix.columns:
            raise DataError(f"no column {col!r}; the mix needs 'p1_column' and the England and Wales counts for "
                            f"{year}", path=path, column=col)
    cell = mix["p1_column"].fillna("").astype(str).str.strip()
    counts = pd.Series(0.0, index=mix.index)
    for name, rows in mix[cell != ""].groupby(cell[cell != ""], sort=False):
        ew = rows[ew_col]
        if ew.isna().any():
            line = ew.index[ew.isna().to_numpy()][0]
            raise DataError(f"no {year} count for Table P1 column {name!r}", path=path, row=int(line), column=ew_col)
        if ew.nunique() > 1:
            raise DataError(f"classes sharing Table P1 column {name!r} give it different counts "
                            f"{sorted(int(v) for v in ew.unique())}", path=path, row=int(rows.index[1]), column=ew_col)
        total = float(ew.iloc[0])
        if len(rows) == 1:
            counts[rows.index[0]] = total
            continue
        lon = rows[lon_col] if lon_col in rows else pd.Series(pd.NA, index=rows.index)
        if lon.isna().any() or float(lon.sum()) == 0:
            line = lon.index[lon.isna().to_numpy()][0] if lon.isna().any() else rows.index[0]
            raise DataError(f"Table P1 column {name!r} is shared by {len(rows)} classes; each needs a London count "
                            "to split it", path=path, row=int(line), column=lon_col)
        counts[rows.index] = total * lon.astype("float64") / float(lon.sum())
    return counts


def build_harm_weights(offence_weights: pd.DataFrame, mix: pd.DataFrame, *, year: int = 2018) -> pd.DataFrame:
    """Weights per police.uk category and per finer category from offence-code weights and an offence mix.

    A harm class's weight is the mean of its offence codes' weights (equal
    weights over the codes listed; see ``within_mix``).  A category's weight
    is the mean of its classes' weights weighted by the classes' counts in
    the mix: Σ count × weight / Σ count.

    Parameters
    ----------
    offence_weights
        From :func:`workbook.data.harm_weights.load_offence_weights`:
        ``offence_code``, ``css_weight`` and, if present,
        ``police_uk_category`` (each class's codes must belong to its
        category).
    mix
        From :func:`workbook.data.harm_weights.load_offence_mix`.
    year
        Which counts weight the classes: columns ``ew_offences_<year>`` and
        ``london_offences_<year>`` (default 2018).

    Returns
    -------
    pandas.DataFrame
        Per category, one row with a blank ``source_category`` (the
        category's weight over the mix), then one row per class and name a
        source publishes it under.  Columns ``category``,
        ``source_category``, ``weight`` (10 significant figures, as ONS
        publishes), ``basis`` ("published": every code counted carries the
        same published weight; "assumption": the weight depends on the
        assumed mix), ``harm_class``, ``offence_codes`` (``;``-separated),
        ``mix_offences`` (the count weighting the row in its category's mix)
        and ``mix`` (how the weight was made).

    Raises
    ------
    DataError
        A code the weights do not have, a code of another police.uk category,
        ``one weight`` codes that differ, or missing counts (naming the mix
        file's line and column).

    Examples
    --------
    Two classes of one category: "Homes" averages two codes equally,
    (400 + 500) / 2 = 450; "Shops" is one code, 100.  With 300 and 100
    offences the category weighs (300 × 450 + 100 × 100) / 400 = 362.5.

    >>> ow = pd.DataFrame({"offence_code": ["A1", "A2", "B1"], "css_weight": [400.0, 500.0, 100.0]})
    >>> mix = pd.DataFrame({
    ...     "category": ["Burglary", "Burglary"], "harm_class": ["Homes", "Shops"],
    ...     "source_categories": ["HOMES", "SHOPS"], "offence_codes": ["A1;A2", "B1"],
    ...     "within_mix": ["equal", "one weight"], "left_out": ["", ""], "p1_column": ["Homes", "Shops"],
    ...     "ew_offences_2018": [300, 100]}, index=[2, 3])
    >>> t = build_harm_weights(ow, mix)
    >>> t[["category", "source_category", "weight", "basis"]].values.tolist()
    [['Burglary', <NA>, 362.5, 'assumption'], ['Burglary', 'HOMES', 450.0, 'assumption'], ['Burglary', 'SHOPS', 100.0, 'published']]
    """
    path = mix.attrs.get("path")
    for col in ("offence_code", "css_weight"):
        if col not in offence_weights.columns:
            raise ValueInputError(f"offence_weights has no column {col!r}; load it with load_offence_weights()")
    by_code = dict(zip(offence_weights["offence_code"].astype(str), offence_weights["css_weight"].astype(float)))
    code_cat = (
        dict(zip(offence_weights["offence_code"].astype(str),
                 offence_weights["police_uk_category"].astype(str).str.strip().str.casefold()))
        if "police_uk_category" in offence_weights.columns
        else {}
    )
    classes = []
    for line, r in mix.iterrows():
        codes = _split_list(r["offence_codes"])
        left_out = _split_list(r.get("left_out"))
        for col, group in (("offence_codes", codes), ("left_out", left_out)):
            for code in group:
                if code not in by_code:
                    raise DataError(f"offence code {code!r} of {r['harm_class']!r} is not in the offence weights",
                                    path=path, row=int(line), column=col)
                if code_cat and code_cat[code] != str(r["category"]).casefold():
                    raise DataError(
                        f"offence code {code!r} belongs to police.uk category {code_cat[code]!r} in the offence "
                        f"weights, not {r['category']!r}", path=path, row=int(line), column=col)
        if not codes:
            raise DataError(f"no offence codes for {r['harm_class']!r}", path=path, row=int(line),
                            column="offence_codes")
        values = [by_code[c] for c in codes]
        if r["within_mix"] == "one weight" and len(set(values)) > 1:
            raise DataError(f"{r['harm_class']!r} is marked 'one weight' but its codes' weights differ "
                            f"({min(values):g} to {max(values):g})", path=path, row=int(line), column="within_mix")
        published = r["within_mix"] == "one weight" and not left_out
        classes.append({
            "line": line, "category": r["category"], "harm_class": r["harm_class"], "codes": codes,
            "left_out": left_out, "within_mix": r["within_mix"], "weight": float(np.mean(values)),
            "published": published, "aliases": _split_list(r.get("source_categories")),
        })
    cls = pd.DataFrame(classes).set_index("line")
    cls["n"] = _mix_counts(mix, year=year, path=path)

    rows = []
    for category, g in cls.groupby("category", sort=False):
        in_mix = g[g["n"] > 0]
        if in_mix.empty:
            raise DataError(f"category {category!r} has no class with a {year} count in the mix", path=path,
                            row=int(g.index[0]), column=f"ew_offences_{year}")
        weight = float((in_mix["n"] * in_mix["weight"]).sum() / in_mix["n"].sum())
        published = bool(in_mix["published"].all() and in_mix["weight"].nunique() == 1)
        parts = [f"{h} {n:,.0f}" for h, n in zip(in_mix["harm_class"], in_mix["n"])]
        split = [c for c, k in mix.loc[in_mix.index].groupby("p1_column", sort=False).size().items() if k > 1]
        short = {"one weight": "published weight", "equal": "codes weighted equally",
                 "main offence": "main offence only"}
        within = [f"{h}: {short[r]}" + (f" ({', '.join(lo)} left out)" if lo else "")
                  for h, r, lo in zip(in_mix["harm_class"], in_mix["within_mix"], in_mix["left_out"])]
        if published:
            mix_text = f"one published weight for every code counted ({'; '.join(within)})"
        else:
            between = (
                f"between classes, England and Wales recorded offences {year} (ONS police force area Table P1"
                + (f"; {', '.join(split)} split by Metropolitan Police London counts {year}" if split else "")
                + f"): {'; '.join(parts)}. " if len(in_mix) > 1 else ""
            )
            mix_text = f"assumed mix: {between}{'W' if between else 'w'}ithin classes: {'; '.join(within)}"
        rows.append({
            "category": category, "source_category": pd.NA, "weight": _round_weight(weight),
            "basis": "published" if published else "assumption", "harm_class": pd.NA,
            "offence_codes": ";".join(c for codes in in_mix["codes"] for c in codes),
            "mix_offences": round(float(in_mix["n"].sum())), "mix": mix_text,
        })
        for _, c in g.iterrows():
            codes_text = ", ".join(c["codes"])
            if c["within_mix"] == "one weight":
                text = f"published weight of code{'s' if len(c['codes']) > 1 else ''} {codes_text}"
            elif c["within_mix"] == "equal":
                text = f"mean of codes {codes_text}, weighted equally (assumption)"
            else:
                text = f"main offence only, code{'s' if len(c['codes']) > 1 else ''} {codes_text} (assumption)"
            if c["left_out"]:
                text += "; left out: " + ", ".join(f"{x} ({by_code[x]:,.2f})" for x in c["left_out"])
            for alias in c["aliases"] or [c["harm_class"]]:
                rows.append({
                    "category": category, "source_category": alias, "weight": _round_weight(c["weight"]),
                    "basis": "published" if c["published"] else "assumption", "harm_class": c["harm_class"],
                    "offence_codes": ";".join(c["codes"]), "mix_offences": round(float(c["n"])), "mix": text,
                })
    out = pd.DataFrame(rows)
    out["source_category"] = out["source_category"].astype("string")
    out["harm_class"] = out["harm_class"].astype("string")
    return out


def harm_weighted(
    counts: pd.DataFrame,
    *,
    weights: pd.DataFrame,
    population: float | None = None,
    per: float = 1000,
    detail: str | None = None,
) -> pd.DataFrame:
    """Harm-weighted counts by category: harm = count × weight, its share, and its rate.

    Parameters
    ----------
    counts
        Columns ``category`` and ``count`` (numbers >= 0), and the ``detail``
        column if one is named.  Rows with the same category are added, so the
        canonical crime table for one area and period can be passed as it is.
    weights
        A table from :func:`load_harm_weights` (columns ``category`` and
        ``weight``, optionally ``source_category``; ``.attrs`` with ``name``
        and ``version``).
    population
        Residents, for the harm rate; ``None`` leaves ``harm_rate`` empty.
    per
        Rate base: harm per ``per`` residents (default 1,000).
    detail
        A column of ``counts`` holding a finer category, usually
        ``"source_category"`` (e.g. the Metropolitan Police's minor
        categories).  Each row is then weighted at its finer category's
        weight where the table has one (matched ignoring case), else at its
        category's weight, and the harm is summed to the category; the
        result's ``weight`` is then the category's weight over the area's own
        mix (harm / count).  ``None`` (the default) weights every row at its
        category's weight.

    Returns
    -------
    pandas.DataFrame
        One row per category in order of first appearance: ``category``,
        ``count``, ``weight``, ``harm`` (count × weight), ``harm_share``
        (harm / total harm; NaN when the total is 0), ``harm_rate``
        (harm / population × per; NaN without a population),
        ``weights_name`` and ``weights_version``.  ``.attrs["harm_weights"]``
        repeats the table's metadata; with ``detail``, ``.attrs["detail"]``
        holds the finer rows as records (``pd.DataFrame(out.attrs["detail"])``:
        ``category``, the detail column, ``count``, ``weight``, ``harm``,
        ``weight_level``: "finer" or "category").

    Raises
    ------
    ValueInputError
        A category the table has no weight for (named), a negative or
        missing count, a population that is not above 0, ``per`` not above 0,
        a weight table without name and version, or a ``detail`` column that
        ``counts`` lacks.

    Examples
    --------
    >>> from workbook.data.harm_weights import load_harm_weights
    >>> w = load_harm_weights()
    >>> counts = pd.DataFrame({"category": ["Robbery", "Shoplifting"], "count": [10, 100]})
    >>> out = harm_weighted(counts, weights=w, population=50_000)
    >>> out[["category", "harm", "harm_rate"]].round(1).values.tolist()
    [['Robbery', 7996.3, 159.9], ['Shoplifting', 1185.6, 23.7]]
    >>> round(float(out["harm_share"].iloc[0]), 4)
    0.8709
    >>> out["weights_version"].iloc[0].split()[0]
    '2.0'

    At the finer level an area's own burglary mix sets its burglary weight:

    >>> fine = pd.DataFrame({"category": ["Burglary", "Burglary"],
    ...                      "source_category": ["DOMESTIC BURGLARY", "BURGLARY BUSINESS AND COMMUNITY"],
    ...                      "count": [30, 10]})
    >>> out = harm_weighted(fine, weights=w, detail="source_category")
    >>> out[["category", "count", "weight"]].round(2).values.tolist()
    [['Burglary', 40, 379.79]]
    >>> [r["weight"] for r in out.attrs["detail"]]
    [465.3814732, 123.0183965]
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
    if detail is not None and detail not in counts.columns:
        raise ValueInputError(
            f"counts has no column {detail!r} to weight at the finer level; found {list(counts.columns)}"
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

    source = (
        weights["source_category"].astype("string").str.strip().replace("", pd.NA)
        if "source_category" in weights.columns
        else pd.Series(pd.NA, index=weights.index, dtype="string")
    )
    is_cat = source.isna()
    cat_rows = weights[is_cat.to_numpy()]
    if cat_rows["category"].duplicated().any():
        dup = cat_rows.loc[cat_rows["category"].duplicated(), "category"].iloc[0]
        raise ValueInputError(f"weights table {name!r} gives category {dup!r} more than one weight")
    lookup = dict(zip(cat_rows["category"].astype(str), cat_rows["weight"].astype(float)))
    finer = {
        (str(c), str(s).casefold()): float(v)
        for c, s, v in zip(weights["category"][~is_cat.to_numpy()], source[~is_cat],
                           weights["weight"][~is_cat.to_numpy()])
    }

    rows = pd.DataFrame({"category": category.astype(str).to_numpy(), "count": count.to_numpy()})
    if detail is not None:
        rows[detail] = counts[detail].astype("string").str.strip().to_numpy()
    unweighted = list(dict.fromkeys(c for c in rows["category"] if c not in lookup))
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

    detail_table = None
    if detail is None:
        summed = rows.groupby("category", sort=False, as_index=False)["count"].sum()
        weight = summed["category"].map(lookup).astype("float64")
        harm = summed["count"].astype("float64") * weight
    else:
        by = rows.groupby(["category", detail], sort=False, as_index=False, dropna=False)["count"].sum()
        keys = [(c, None if pd.isna(d) else str(d).casefold()) for c, d in zip(by["category"], by[detail])]
        row_weight = [finer.get(k, lookup[k[0]]) for k in keys]
        by["weight"] = np.asarray(row_weight, dtype="float64")
        by["harm"] = by["count"].astype("float64") * by["weight"]
        by["weight_level"] = ["finer" if k in finer else "category" for k in keys]
        detail_table = by.to_dict("records")  # plain records: pandas compares .attrs when it merges or concatenates
        summed = by.groupby("category", sort=False, as_index=False)[["count", "harm"]].sum()
        harm = summed["harm"].astype("float64")
        own = harm / summed["count"].where(summed["count"] > 0)
        weight = own.fillna(summed["category"].map(lookup)).astype("float64")

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
    out.attrs = {"harm_weights": dict(weights.attrs), "population": pop, "per": per_value, "detail": detail_table}
    return out
