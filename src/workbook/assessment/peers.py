"""Peer comparison for an assessment: build the peer group, compare rates.

The Home Office's Most Similar Groups are not public, so unless the area's
config lists its peers, the workbook builds a transparent nearest-neighbour
group (:func:`workbook.stats.peer_groups.build_peer_group`) from published
variables available for every area in the police source: residents,
population density (residents per hectare, Census land area) and the crime
mix (the share of all crime in four large groups over the last 12 months).
The report says which.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd

from workbook.core.categories import ALL_CRIME, NOT_IN_ALL_CRIME
from workbook.core.periods import Window, rolling_12_months
from workbook.core.polarity import category_polarity
from workbook.data.population import load_census_areas
from workbook.stats.benchmark import compare_to_benchmark, rank_among_peers
from workbook.stats.funnel import FunnelLimits, compute_funnel_limits, funnel_verdict
from workbook.stats.peer_groups import PeerGroup, build_peer_group, peer_group_from_config
from workbook.stats.rates import rate_per_1000

logger = logging.getLogger(__name__)

MIX_GROUPS: dict[str, tuple[str, ...]] = {
    "share_violence": ("Violence and sexual offences",),
    "share_theft": ("Other theft", "Theft from the person", "Shoplifting", "Bicycle theft"),
    "share_burglary": ("Burglary",),
    "share_vehicle": ("Vehicle crime",),
}
FEATURE_COLUMNS = ("residents", "density", *MIX_GROUPS)
MIN_PEERS = 3


@dataclass(frozen=True)
class PeerComparison:
    """An area against its peers: the group, rates, ranking and a funnel."""

    group: PeerGroup
    features: pd.DataFrame
    rates: pd.DataFrame
    funnel: FunnelLimits
    funnel_table: pd.DataFrame
    window: Window
    names: dict[str, str]

    def to_frame(self) -> pd.DataFrame:
        return self.rates.copy()


def partnership_code(codes: list[str]) -> str:
    """The code that stands for a partnership of several districts ("E09000022+E09000028")."""
    return "+".join(codes)


def combine_partnership(data: pd.DataFrame, codes: list[str], *, name: str) -> pd.DataFrame:
    """The source table with a multi-district partnership's districts merged into one area.

    Examples
    --------
    >>> d = pd.DataFrame({"area_code": ["A", "B", "C"], "area_name": ["a", "b", "c"], "count": [1, 2, 3]})
    >>> combine_partnership(d, ["A", "B"], name="AB")["area_code"].tolist()
    ['A+B', 'A+B', 'C']
    """
    if len(codes) < 2:
        return data
    out = data.copy()
    mask = out["area_code"].isin(codes)
    out.loc[mask, "area_code"] = partnership_code(codes)
    out.loc[mask, "area_name"] = name
    return out


def build_peer_features(
    data: pd.DataFrame,
    population: pd.DataFrame,
    census: pd.DataFrame,
    *,
    window: Window,
    year: int,
) -> pd.DataFrame:
    """Published variables for every area with population and land area.

    Parameters
    ----------
    data
        Crime table for all areas in the source (partnership already merged).
    population
        Canonical population table; ``year``'s residents are used.
    census
        ``area_code, households, area_hectares`` (from the 2011 Census).
    window
        The months the crime mix is measured over.

    Returns
    -------
    pandas.DataFrame
        Indexed by area code: ``residents``, ``density`` and the crime-mix shares.

    Examples
    --------
    >>> d = pd.DataFrame({"area_code": ["A"] * 2, "month": pd.to_datetime(["2023-01-01"] * 2),
    ...                   "category": ["Burglary", "Drugs"], "count": [30, 70]})
    >>> pop = pd.DataFrame({"area_code": ["A"], "year": [2023], "persons": [1000]})
    >>> cen = pd.DataFrame({"area_code": ["A"], "households": [400], "area_hectares": [50]})
    >>> f = build_peer_features(d, pop, cen, window=Window(pd.Timestamp("2023-01-01"), pd.Timestamp("2023-01-01")), year=2023)
    >>> f.loc["A", ["residents", "density", "share_burglary"]].tolist()
    [1000.0, 20.0, 0.3]
    """
    rows = data[(data["month"] >= window.start) & (data["month"] <= window.end)]
    by = rows.groupby(["area_code", "category"])["count"].sum().unstack(fill_value=0)
    total = by.sum(axis=1)
    mix = pd.DataFrame(
        {name: by.reindex(columns=list(cats), fill_value=0).sum(axis=1) / total for name, cats in MIX_GROUPS.items()}
    )
    pop = population[population["year"] == year]
    residents = pop.groupby("area_code")["persons"].sum()
    hectares = census.set_index("area_code")["area_hectares"]
    # a merged partnership's residents and land area are the sums of its districts'
    for code in [c for c in mix.index if "+" in c]:
        parts = code.split("+")
        if all(p in residents.index for p in parts):
            residents.loc[code] = residents.reindex(parts).sum()
        if all(p in hectares.index for p in parts):
            hectares.loc[code] = hectares.reindex(parts).sum()
    features = mix.join(residents.rename("residents"), how="inner").join(hectares.rename("hectares"), how="inner")
    features["density"] = features["residents"] / features["hectares"]
    features = features[(total.reindex(features.index) > 0)]
    return features[list(FEATURE_COLUMNS)].astype(float)


def why_no_peers(assessment) -> str:  # noqa: ANN001 - Assessment
    """Why :func:`compare_with_peers` found no peer group for an area, in words for the report.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> why_no_peers(prepare_assessment("city-of-london", period="2020-12")).startswith("the police data cover only")
    True
    """
    a = assessment
    if a.config.source.select == "all":
        return "the police data cover only this partnership, so there are no other areas in the same source"
    if a.census_path is None:
        return ("no Census land areas are configured (population.households_path), so the areas in the source "
                "cannot be matched on density")
    return (f"the police source holds fewer than {MIN_PEERS} other areas with population and land area (a force's "
            "own download covers its own districts only)")


def compare_with_peers(assessment, *, k: int = 7, categories=None) -> PeerComparison | None:  # noqa: ANN001
    """Rates over the last 12 months for the area and its peers, and how it compares.

    Returns ``None`` where the police source holds fewer than
    :data:`MIN_PEERS` other areas with population (e.g. a single force's
    police.uk download), so there is nothing to compare with.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> pc = compare_with_peers(prepare_assessment("lambeth", period="2023-11"))
    >>> len(pc.group.peers), pc.group.method
    (7, 'nearest neighbours')
    """
    a = assessment
    cfg = a.config
    if cfg.source.select == "all":
        # the whole file is this partnership (a force's own download): any other
        # "areas" in it are only where its records were snapped, not peers
        logger.info("%s: the police source covers only this partnership; no peer comparison", cfg.name)
        return None
    me = partnership_code(cfg.area_codes) if cfg.has_sub_areas else cfg.area_codes[0]
    source = combine_partnership(a.source_data, cfg.area_codes, name=cfg.short_name)
    window = rolling_12_months(a.latest_month)
    census_path = a.census_path
    if census_path is None:
        logger.info("no Census land areas configured: no peer comparison")
        return None
    features = build_peer_features(source, a.population_table, load_census_areas(census_path), window=window, year=a.population.year)
    if me not in features.index or len(features) - 1 < MIN_PEERS:
        logger.info("the police source has %d other areas with population: no peer comparison", len(features) - 1)
        return None
    if cfg.peers:
        known = [p for p in cfg.peers if p in features.index]
        group = peer_group_from_config(me, known)
    else:
        group = build_peer_group(features, area=me, k=min(k, len(features) - 1))
    members = [me, *group.peers]
    names = source.drop_duplicates("area_code").set_index("area_code")["area_name"].to_dict()
    names[me] = cfg.short_name
    rows = source[(source["month"] >= window.start) & (source["month"] <= window.end) & source["area_code"].isin(members)]
    counts = rows.groupby(["area_code", "category"])["count"].sum().unstack(fill_value=0)
    counts[ALL_CRIME] = counts.drop(columns=list(NOT_IN_ALL_CRIME), errors="ignore").sum(axis=1)
    counts = counts.reindex(members, fill_value=0)
    residents = features.loc[members, "residents"]
    cats = [ALL_CRIME, *(categories or a.main_categories)]
    out = []
    for cat in cats:
        polarity = "lower_is_better" if cat == ALL_CRIME else category_polarity(cat)
        r = rate_per_1000(counts[cat].astype(int), residents)
        peers_only = r.drop(index=me)
        benchmark = peers_only["count"].sum() / peers_only["population"].sum() * 1000
        mine = r.loc[me]
        # The verdict is the funnel's: limits allowing for the variation between areas
        # (overdispersion), so the table, the sentences and the matrix agree with the funnel.
        if benchmark <= 0:  # the peers record none: nothing to compare with
            continue
        funnel_cat = compute_funnel_limits(benchmark, residents, observed=counts[cat].astype(float))
        position = funnel_cat.table.loc[me, "position"]
        poisson = compare_to_benchmark(
            mine["lower_95"], mine["upper_95"], benchmark, polarity=polarity,
            lower_998=mine["lower_99_8"], upper_998=mine["upper_99_8"],
        )
        ranked = rank_among_peers(
            pd.DataFrame({"area": members, "rate": r["rate"].to_numpy()}), area=me, polarity=polarity
        )
        pos = ranked.loc[ranked["is_focal"]].iloc[0]
        out.append({
            "category": cat,
            "count": int(mine["count"]),
            "rate": mine["rate"],
            "lower_95": mine["lower_95"],
            "upper_95": mine["upper_95"],
            "peer_rate": benchmark,
            "comparison": funnel_verdict(position, polarity=polarity),
            "position": pos["position"],
            "phi": funnel_cat.phi,
            "z_adjusted": float(funnel_cat.table.loc[me, "z_adjusted"]),
            "comparison_poisson": poisson,
            "polarity": polarity,
        })
    rates = pd.DataFrame(out)
    all_counts = counts[ALL_CRIME].astype(float)
    benchmark_all = all_counts.drop(index=me).sum() / residents.drop(index=me).sum() * 1000
    funnel = compute_funnel_limits(benchmark_all, residents.to_numpy(), observed=all_counts.to_numpy())
    ft = funnel.to_frame()
    ft.insert(0, "area", [names.get(c, c) for c in members])
    ft.insert(1, "area_code", members)
    return PeerComparison(group=group, features=features.loc[members], rates=rates, funnel=funnel,
                          funnel_table=ft, window=window, names={c: names.get(c, c) for c in members})
