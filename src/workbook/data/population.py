"""Population and households: mid-year estimates and the Census."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbook.core.errors import DataError
from workbook.data.canonical import _line_index, _parse_counts, _require_columns
from workbook.data.reading import _read_csv

POPULATION_COLUMNS: tuple[str, ...] = ("area_code", "area_name", "year", "persons", "households")


# --------------------------------------------------------------------------- population


def load_population(
    path: str | Path,
    *,
    households_path: str | Path | None = None,
    census2021_path: str | Path | None = None,
) -> pd.DataFrame:
    """Load population denominators (mid-year estimates) into the canonical form.

    Reads either the ONS components-of-change layout (``lad23_code, lad23_name,
    year, component, value``, using ``component == "population"``), the
    plain layout (``<lad>_code, <lad>_name, year, population``), or the
    canonical one (``area_code, area_name, year, persons[, households]``).
    ``households_path`` adds households from a Census 2011 file
    (``la_code, households``) to the 2011 rows, and ``census2021_path``
    households from the Census 2021 file (``lad21_code, households``) to
    the 2021 rows, so a rate per household uses the census nearest the
    period (see :func:`workbook.assessment.prepare.partnership_population`).

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> pop = load_population(DATA_DIR / "population/london_borough_population_components_mid2011_mid2024.csv")
    >>> int(pop.query("area_code == 'E09000022' and year == 2023")["persons"].iloc[0]) > 300_000
    True
    """
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", path=path)
    raw = _line_index(_read_csv(path))
    cols = {c.lower(): c for c in raw.columns}
    code_col = next((cols[c] for c in cols if c.endswith("_code") and c != "region_code"), None)
    name_col = next((cols[c] for c in cols if c.endswith("_name") and c != "region_name"), None)
    if code_col is None:
        raise DataError("missing an area code column (e.g. 'area_code' or 'lad23_code')", path=path, column="area_code")
    _require_columns(raw, [cols.get("year", "year")], path=path)
    year_col = cols["year"]
    if "component" in cols:
        raw = raw[raw[cols["component"]].str.strip() == "population"]
        if raw.empty:
            raise DataError("no rows with component 'population'", path=path, column="component")
        value_col = cols.get("value", "value")
        _require_columns(raw, [value_col], path=path)
    else:
        value_col = cols.get("persons") or cols.get("population")
        if value_col is None:
            raise DataError("missing column 'persons' (or 'population')", path=path, column="persons")
    years = pd.to_numeric(raw[year_col], errors="coerce")
    bad_years = years.isna() | ~years.between(1900, 2100) | (years != years.round())
    if bad_years.any():
        line = bad_years.idxmax()
        raise DataError(f"year {raw.loc[line, year_col]!r} is not a year; expected a whole year such as 2023", path=path, row=int(line), column=year_col)
    persons = _parse_counts(raw[value_col], path=path, column=value_col)
    if (persons == 0).any():
        line = (persons == 0).idxmax()
        raise DataError("population is 0; expected a positive number of residents", path=path, row=int(line), column=value_col)
    out = pd.DataFrame(
        {
            "area_code": raw[code_col].str.strip(),
            "area_name": raw[name_col].str.strip() if name_col else raw[code_col].str.strip(),
            "year": years.astype("int64"),
            "persons": persons,
            "households": pd.array([pd.NA] * len(raw), dtype="Int64"),
        }
    )
    if "households" in cols:
        hh = raw[cols["households"]].str.strip()
        given = hh != ""
        out["households"] = pd.array([pd.NA] * len(raw), dtype="Int64")
        if given.any():
            out.loc[given.to_numpy(), "households"] = _parse_counts(hh[given], path=path, column=cols["households"]).to_numpy()
    if households_path is not None:
        out = _add_census_households(out, Path(households_path), year=2011, code_column="la_code")
    if census2021_path is not None:
        out = _add_census_households(out, Path(census2021_path), year=2021, code_column="lad21_code")
    dup = out.duplicated(subset=["area_code", "year"])
    if dup.any():
        line = dup.idxmax()
        raise DataError("area and year repeat an earlier row; expected one population per area and year", path=path, row=int(line))
    return out.sort_values(["area_code", "year"]).reset_index(drop=True)


def _add_census_households(pop: pd.DataFrame, path: Path, *, year: int, code_column: str) -> pd.DataFrame:
    raw = _line_index(_read_csv(path))
    _require_columns(raw, (code_column, "households"), path=path)
    hh = pd.Series(_parse_counts(raw["households"], path=path, column="households").to_numpy(),
                   index=raw[code_column].str.strip())
    out = pop.copy()
    is_census = out["year"] == year
    out.loc[is_census, "households"] = out.loc[is_census, "area_code"].map(hh).astype("Int64")
    # An area whose estimates skip the census year (e.g. a file of mid-2011 and mid-2022 only) still gets
    # its census households, on a row of their own with no persons.
    missing = sorted(set(out["area_code"]) - set(out.loc[is_census, "area_code"]) & set(hh.index))
    if missing:
        names = out.drop_duplicates("area_code").set_index("area_code")["area_name"]
        extra = pd.DataFrame({"area_code": missing, "area_name": names.reindex(missing).to_numpy(), "year": year,
                              "persons": pd.array([pd.NA] * len(missing), dtype="Int64"),
                              "households": pd.array(hh.reindex(missing).to_numpy(), dtype="Int64")})
        out = pd.concat([out.astype({"persons": "Int64"}), extra], ignore_index=True)
        out = out.sort_values(["area_code", "year"]).reset_index(drop=True)
    return out


def load_census_areas(path: str | Path) -> pd.DataFrame:
    """Census 2011 households and land area by local authority.

    Returns ``area_code, households, area_hectares``.

    Examples
    --------
    >>> from workbook.core.paths import DATA_DIR
    >>> ca = load_census_areas(DATA_DIR / "population/la_census2011_population_households.csv")
    >>> int(ca.set_index("area_code").loc["E09000022", "households"])
    130017
    """
    path = Path(path)
    raw = _line_index(_read_csv(path))
    _require_columns(raw, ("la_code", "households", "area_hectares"), path=path)
    return pd.DataFrame(
        {
            "area_code": raw["la_code"].str.strip().to_numpy(),
            "households": _parse_counts(raw["households"], path=path, column="households").to_numpy(),
            "area_hectares": _parse_counts(raw["area_hectares"], path=path, column="area_hectares").to_numpy(),
        }
    )
