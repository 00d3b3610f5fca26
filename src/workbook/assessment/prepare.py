"""Everything one assessment needs, loaded and checked once: the area's
config, its crime data, its population and the periods being compared.

A notebook's second cell calls :func:`prepare_assessment` with its
parameters; every later cell takes what it needs from the result.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from workbook.config.area import AreaConfig, load_area_config
from workbook.config.parameters import RunParameters
from workbook.core.counting import split_incidents
from workbook.core.errors import DataError, ParameterError, PeriodError
from workbook.core.paths import resolve_path
from workbook.core.periods import ComparisonPeriods, check_window_in_data, parse_month, ytd_comparison
from workbook.data.cache import load_source_cached
from workbook.data.combine import combine_sources, make_source
from workbook.data.lookups import OUTSIDE_FORCE_CODE, assign_wards
from workbook.data.population import load_population
from workbook.data.sources import discover_sources

logger = logging.getLogger(__name__)

@dataclass(frozen=True)
class Population:
    """The partnership's denominators for the assessment year."""

    year: int
    persons: int
    households: int | None
    households_year: int | None
    source: str
    estimate_year: int | None = None
    """The mid-year estimate used, when the file has none for ``year`` (the latest earlier one, carried forward)."""

    @property
    def carried_forward(self) -> bool:
        return self.estimate_year is not None and self.estimate_year != self.year


@dataclass(frozen=True)
class Assessment:
    """An area's data and periods, validated, ready for analysis."""

    config: AreaConfig
    data: pd.DataFrame = field(repr=False)
    source_data: pd.DataFrame = field(repr=False)
    population_table: pd.DataFrame = field(repr=False)
    population: Population
    latest_month: pd.Timestamp
    periods: ComparisonPeriods
    main_categories: tuple[str, ...]
    data_path: Path
    data_checksum: str
    data_paths: tuple[Path, ...] = ()
    """Every source file or folder, oldest vintage first (``data_path`` is the newest)."""
    data_given: tuple[Path, ...] = ()
    """The sources given instead of the config's (``--data``), if any."""
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """Counts a newer source changed in an older one's months (:func:`workbook.data.combine.combine_sources`)."""
    months_from: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """Which source each month came from."""
    incidents: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    """Anti-social behaviour incidents (police.uk), kept out of ``data`` and every crime total."""

    @property
    def first_month(self) -> pd.Timestamp:
        return self.data["month"].min()

    @property
    def census_path(self) -> Path | None:
        hh = self.config.population.households_path
        return resolve_path(hh) if hh else None

    @property
    def sub_area_names(self) -> list[str]:
        return [a.name for a in self.config.areas] if self.config.has_sub_areas else []

    def sub_area_categories(self, rule) -> list[str]:  # noqa: ANN001 - DisclosureRule
        """The categories given by sub-area: the main ones, then any sensitive
        subcategory the data hold (reported by district, under disclosure control)."""
        present = set(self.data["subcategory"]) - set(self.data["category"])
        sensitive = [c for c in sorted(present) if rule.covers_category(c)]
        return [*self.main_categories, *sensitive]

    def monthly(self, *, by: str = "category") -> pd.DataFrame:
        """Monthly counts, one column per ``by`` value, every month present.

        Examples
        --------
        >>> a = prepare_assessment("lambeth", period="2023-11")
        >>> m = a.monthly()
        >>> m.index.freqstr, len(m) == a.data["month"].nunique()
        ('MS', True)
        """
        wide = self.data.pivot_table(index="month", columns=by, values="count", aggfunc="sum", fill_value=0)
        full = pd.date_range(self.first_month, self.latest_month, freq="MS")
        wide = wide.reindex(full, fill_value=0).astype("int64")
        wide.index.name = "month"
        wide.columns.name = by
        return wide


def file_checksum(path: Path) -> str:
    """SHA-256 of a file, or of every file under a folder (sorted by name).

    Examples
    --------
    >>> len(file_checksum(resolve_path("data/mps/MPS_Borough_Level_Crime_Historical.csv")))
    64
    """
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


@dataclass(frozen=True)
class AreaSources:
    """An area's police data joined from its sources, with what came from where."""

    data: pd.DataFrame
    paths: tuple[Path, ...]
    revisions: pd.DataFrame
    months_from: pd.DataFrame
    checksum: str


def split_data_paths(data_path: str | Path | Sequence[str | Path] | None) -> list[Path]:
    """The paths given for ``--data``: one, several, or one string of several joined by ``os.pathsep``.

    Examples
    --------
    >>> [p.name for p in split_data_paths(f"a.csv{os.pathsep}b")]
    ['a.csv', 'b']
    >>> split_data_paths(None)
    []
    """
    if not data_path:
        return []
    items = [data_path] if isinstance(data_path, (str, Path)) else list(data_path)
    out = []
    for item in items:
        out += [resolve_path(p, base=Path.cwd()) for p in str(item).split(os.pathsep) if p.strip()]
    return out


def load_area_sources(config: AreaConfig, *, data_path: str | Path | Sequence[str | Path] | None = None) -> AreaSources:
    """Load every source of an area (the config's, or ``data_path`` instead) and join them into one series.

    Each source is parsed once per file version (a parquet copy keyed by its
    checksum and the loader's code, :mod:`workbook.data.cache`); where sources
    overlap the newer vintage wins month by month (:func:`combine_sources`).

    Examples
    --------
    >>> from workbook.config.area import load_area_config
    >>> s = load_area_sources(load_area_config("lambeth"))
    >>> [p.name for p in s.paths], s.revisions.empty
    (['MPS_Borough_Level_Crime_Historical.csv'], True)
    """
    given = split_data_paths(data_path)
    if given:
        specs = [(p, "auto", None) for p in given]
    else:
        specs = [(resolve_path(s.path), s.format, s.vintage) for s in config.sources]
    # a folder is read in every format it holds (its street files, and any other CSV or zip in it)
    specs = [spec for p, fmt, vintage in specs
             for spec in ([(q, f, vintage) for q, f in discover_sources(p)] if fmt == "auto" and p.is_dir() else
                          [(p, fmt, vintage)])]
    sources = [make_source(load_source_cached(p, format=fmt, category_map=config.category_map), path=p, vintage=vintage)
               for p, fmt, vintage in specs]
    combined = combine_sources(sources, areas=None if config.source.select == "all" else config.area_codes)
    ordered = tuple(s.path for s in sorted(sources, key=lambda s: (s.vintage, s.data["month"].max())))
    h = hashlib.sha256()
    for p in ordered:
        h.update(file_checksum(p).encode())
    checksum = file_checksum(ordered[0]) if len(ordered) == 1 else h.hexdigest()
    return AreaSources(data=combined.data, paths=ordered, revisions=combined.revisions,
                       months_from=combined.months_from, checksum=checksum)


def select_partnership(data: pd.DataFrame, config: AreaConfig, *, path: Path) -> pd.DataFrame:
    """The rows of ``data`` that belong to the partnership.

    With ``data.select: areas`` these are the rows in the configured
    districts: by LSOA code through the ONS LSOA (2021) to district (2024)
    lookup wherever a row's LSOA is in it (an LSOA name's prefix, or the
    district a loader read from it, can disagree), else by the row's area
    code (district-level data such as the Met's, or 2011 LSOAs).  Records a
    force's download placed outside its own area, and records with no
    location, are not the partnership's.  The selected rows carry the
    config's district codes and names.  Each configured code must occur (a
    typo would otherwise give a report of nothing).

    Examples
    --------
    A record named after Central Bedfordshire whose LSOA code is in Luton is Luton's:

    >>> from workbook.config.area import parse_area_config
    >>> cfg = parse_area_config({"name": "Luton", "short_name": "Luton", "areas": [{"code": "E06000032", "name": "Luton"}],
    ...     "data": {"path": "x.csv", "description": "x"}, "population": {"path": "p.csv", "description": "p"}}, slug="luton")
    >>> d = pd.DataFrame({"area_code": ["E06000056", "E06000032"], "area_name": ["Central Bedfordshire", "Luton"],
    ...                   "lsoa_code": ["E01015792", "E01017439"], "count": [3, 4]})
    >>> select_partnership(d, cfg, path=Path("x.csv"))[["area_code", "lsoa_code", "count"]].values.tolist()
    [['E06000032', 'E01015792', 3]]
    """
    if config.source.select == "all":
        return data.reset_index(drop=True)
    codes = config.area_codes
    has_lsoa = "lsoa_code" in data and bool(data["lsoa_code"].notna().any())
    lsoa_district = assign_wards(data["lsoa_code"])["district_code"] if has_lsoa else None
    if lsoa_district is None or lsoa_district.isna().all():
        district = data["area_code"].astype("string")
    else:
        district = lsoa_district.fillna(data["area_code"].astype("string"))
    mine = district.isin(codes) & (data["area_code"] != OUTSIDE_FORCE_CODE)
    present = set(district[mine])
    absent = [a for a in config.areas if a.code not in present]
    if absent:
        sample = ", ".join(sorted(set(map(str, district.dropna())))[:8])
        raise DataError(
            f"area {absent[0].name} ({absent[0].code}) from the config is not in the data; "
            f"the data's area codes (by LSOA where it has them) include {sample}",
            path=path,
            column="area_code",
        )
    names = {a.code: a.name for a in config.areas}
    out = data[mine.to_numpy()].copy()
    out["area_code"] = district[mine].astype(str).to_numpy()
    out["area_name"] = out["area_code"].map(names)
    return out.reset_index(drop=True)


def partnership_population(pop: pd.DataFrame, config: AreaConfig, *, year: int, path: Path, source: str) -> Population:
    """Sum the partnership's areas' population for ``year``.

    Households come from the latest census at or before ``year`` that has
    them (2021 from 2021 on, else 2011), and say which year that is.
    """
    rows = pop[pop["area_code"].isin(config.area_codes)]
    # The latest estimate at or before the year that covers every district: estimates lag a year or
    # two, so a missing latest year is carried forward (and said so), not an error.
    covered = rows.dropna(subset=["persons"]).groupby("year")["area_code"].nunique()
    usable = [int(y) for y, n in covered.items() if n == len(config.area_codes) and y <= year]
    if not usable:
        for a in config.areas:
            years = sorted(rows.loc[rows["area_code"] == a.code, "year"].unique())
            if not years or years[0] > year:
                span = f"{years[0]} to {years[-1]}" if years else "no years"
                raise DataError(
                    f"no population for {a.name} ({a.code}) in {year} or any earlier year; the file has {span} for it",
                    path=path,
                    column="year",
                )
        raise DataError(f"no year at or before {year} has a population for every district", path=path, column="year")
    estimate_year = max(usable)
    if estimate_year != year:
        logger.warning("%s: no population estimate for %d; mid-%d carried forward", path.name, year, estimate_year)
    persons = int(rows.loc[(rows["year"] == estimate_year) & rows["persons"].notna(), "persons"].sum())
    hh = rows.dropna(subset=["households"])
    hh = hh[hh["year"] <= year]
    households = households_year = None
    if not hh.empty:
        households_year = int(hh["year"].max())
        latest = hh[hh["year"] == households_year]
        if set(latest["area_code"]) == set(config.area_codes):
            households = int(latest["households"].sum())
        else:
            households_year = None
    return Population(year=year, persons=persons, households=households, households_year=households_year, source=source,
                      estimate_year=estimate_year)


def choose_main_categories(data: pd.DataFrame, *, latest: pd.Timestamp, n: int, configured: list[str]) -> tuple[str, ...]:
    """The configured categories, or the ``n`` largest over the last 12 months.

    Examples
    --------
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2023-01-01"] * 3), "category": list("abc"), "count": [5, 9, 1]})
    >>> choose_main_categories(df, latest=pd.Timestamp("2023-01-01"), n=2, configured=[])
    ('b', 'a')
    """
    if configured:
        known = set(data["category"]) | set(data.get("subcategory", pd.Series(dtype=str)))
        unknown = [c for c in configured if c not in known]
        if unknown:
            raise DataError(f"main category {unknown[0]!r} from the config is not in the data", column="category")
        return tuple(configured)
    recent = data[data["month"] > latest - pd.DateOffset(months=12)]
    totals = recent.groupby("category")["count"].sum().sort_values(ascending=False, kind="stable")
    return tuple(totals.index[:n])


def choose_categories(a: Assessment, categories: Sequence[str] = ()) -> list[str]:
    """The categories asked for (each must be in the data), or the area's main ones.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> choose_categories(a, ["Robbery"]), len(choose_categories(a))
    (['Robbery'], 6)
    >>> choose_categories(a, ["Robery"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'categories': 'Robery' is not an offence group in the data; they are ...
    """
    if not categories:
        return list(a.main_categories)
    known = set(a.data["category"]) | set(a.data["subcategory"])
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise ParameterError(f"{unknown[0]!r} is not an offence group in the data; they are "
                             f"{', '.join(sorted(set(a.data['category'])))}", name="categories")
    return list(dict.fromkeys(categories))


def prepare_assessment(
    area: str | Path | AreaConfig, *, period: str | None = None,
    data_path: str | Path | Sequence[str | Path] | None = None,
) -> Assessment:
    """Load and check everything an assessment needs.

    Parameters
    ----------
    area
        An area slug (``"lambeth"``) or the path of an area config.
    period
        The assessment month ``"YYYY-MM"``: financial year to date up to
        this month is compared with the same months a year earlier.
        ``None`` or ``""`` means the latest month in the data.
    data_path
        A file or folder to use instead of the config's data (any format a
        loader reads).

    Examples
    --------
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> a.periods.current.label, a.population.year
    ('April to November 2023', 2023)
    """
    config = area if isinstance(area, AreaConfig) else load_area_config(area)
    combined = load_area_sources(config, data_path=data_path)
    path = combined.paths[-1]
    # ASB incidents are not crimes: kept apart from every crime total (workbook.core.counting)
    source, _ = split_incidents(combined.data)
    data, incidents = split_incidents(select_partnership(combined.data, config, path=path))
    if data.empty:
        raise DataError("no rows for the partnership in this file", path=path)
    latest_in_data = data["month"].max()
    month = parse_month(period) if period else latest_in_data
    periods = ytd_comparison(month)
    months = data["month"].unique()
    check_window_in_data(periods.current, months, what="assessment period")
    check_window_in_data(periods.previous, months, what="the same period last year,")
    pop_path = resolve_path(config.population.path)
    hh_path = resolve_path(config.population.households_path) if config.population.households_path else None
    c21 = resolve_path(config.population.census2021_path) if config.population.census2021_path else None
    pop = load_population(pop_path, households_path=hh_path, census2021_path=c21)
    population = partnership_population(
        pop, config, year=periods.current.start.year, path=pop_path, source=config.population.description
    )
    history = data[data["month"] <= month].reset_index(drop=True)
    incidents = incidents[incidents["month"] <= month].reset_index(drop=True)
    main = choose_main_categories(history, latest=month, n=config.n_main_categories, configured=config.main_categories)
    if month > latest_in_data:  # check_window_in_data has already refused this
        raise PeriodError(f"period {month:%Y-%m} is after the data's last month {latest_in_data:%Y-%m}")
    logger.info("%s: %s to %s, %s rows", config.name, f"{history['month'].min():%Y-%m}", f"{month:%Y-%m}", len(history))
    return Assessment(
        config=config,
        data=history,
        source_data=source[source["month"] <= month].reset_index(drop=True),
        population_table=pop,
        population=population,
        latest_month=month,
        periods=periods,
        main_categories=main,
        data_path=path,
        data_checksum=combined.checksum,
        data_paths=combined.paths,
        data_given=tuple(split_data_paths(data_path)),
        revisions=combined.revisions,
        months_from=combined.months_from,
        incidents=incidents,
    )


def save_prepared(assessment: Assessment, path: str | Path) -> Path:
    """Save a prepared assessment for the notebook to load (see :func:`load_prepared`).

    The runner prepares and checks everything before the notebook runs; the
    notebook then loads this instead of preparing it a second time.
    """
    path = Path(path)
    with open(path, "wb") as fh:
        pickle.dump(assessment, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load_prepared(path: str | Path) -> Assessment:
    """An assessment saved by :func:`save_prepared` (same code version, same machine).

    Examples
    --------
    >>> import tempfile
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> b = load_prepared(save_prepared(a, Path(tempfile.mkdtemp()) / "a.pickle"))
    >>> b.periods == a.periods and b.data.equals(a.data)
    True
    """
    with open(path, "rb") as fh:
        a = pickle.load(fh)  # noqa: S301 - written by this run's own runner, never from outside
    if not isinstance(a, Assessment):
        raise DataError("expected a prepared assessment", path=Path(path))
    return a


def assessment_for(params: RunParameters) -> Assessment:
    """The assessment a notebook works on: what the runner prepared (``params.prepared``),
    or prepared here when the notebook is run by hand."""
    if params.prepared:
        return load_prepared(params.prepared)
    return prepare_assessment(params.area, period=params.period or None, data_path=params.data_path or None)


def rewind_assessment(a: Assessment, month: str | pd.Timestamp) -> Assessment:
    """The same area as it stood at an earlier ``month``, from the data already loaded (no re-reading).

    The performance report compares this month's results with the last
    report's; the earlier month keeps this month's main categories, so the
    two compare like with like.

    Examples
    --------
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> b = rewind_assessment(a, "2023-10")
    >>> b.periods.current.label, b.data["month"].max() == pd.Timestamp("2023-10-01"), b.main_categories == a.main_categories
    ('April to October 2023', True, True)
    """
    m = parse_month(month) if isinstance(month, str) else pd.Timestamp(month)
    if m > a.latest_month:
        raise PeriodError(f"cannot rewind to {m:%Y-%m}: after the assessment's month {a.latest_month:%Y-%m}")
    periods = ytd_comparison(m)
    months = a.data.loc[a.data["month"] <= m, "month"].unique()
    check_window_in_data(periods.current, months, what="the earlier report's period")
    check_window_in_data(periods.previous, months, what="the same period a year before it,")
    population = partnership_population(a.population_table, a.config, year=periods.current.start.year,
                                        path=a.data_path, source=a.population.source)
    return replace(
        a,
        data=a.data[a.data["month"] <= m].reset_index(drop=True),
        source_data=a.source_data[a.source_data["month"] <= m].reset_index(drop=True),
        incidents=a.incidents[a.incidents["month"] <= m].reset_index(drop=True) if len(a.incidents) else a.incidents,
        population=population,
        latest_month=m,
        periods=periods,
    )
