"""Every result an assessment reports, computed once.

The notebook calls :func:`analyse_assessment` after
:func:`~workbook.assessment.prepare.prepare_assessment`; each chapter then shows a
part of the result.  Computing everything first lets the executive summary
at the top of the report draw on findings from every chapter.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pandas as pd

from workbook.assessment.incidents import IncidentAnalysis, analyse_incidents
from workbook.assessment.peers import PeerComparison, compare_with_peers
from workbook.assessment.prepare import Assessment
from workbook.assessment.travel import TravelResult, assess_travel, evaluate_area_targets
from workbook.config.appendices import Appendices, load_appendices
from workbook.config.priorities import load_priority_settings
from workbook.config.targets import load_targets
from workbook.core.categories import ALL_CRIME, NOT_IN_ALL_CRIME
from workbook.core.errors import WorkbookError
from workbook.core.paths import resolve_path
from workbook.core.polarity import category_polarity
from workbook.data.harm_weights import load_harm_weights
from workbook.data.local_indicators import LocalIndicators, load_local_indicators
from workbook.stats.compare import compare_periods, compare_sub_areas
from workbook.stats.harm import harm_weighted
from workbook.stats.hotspots import (
    HotspotClassification,
    HotspotConcentration,
    TopNeighbourhoods,
    classify_hotspots,
    hotspot_concentration,
    top_neighbourhoods,
)
from workbook.stats.plan import action_tracker, measures_table, spending_table
from workbook.stats.priorities import PriorityMatrix, score_priorities
from workbook.stats.rates import add_rate_columns
from workbook.stats.spc import XmRResult, compute_xmr_by_category, spc_summary
from workbook.stats.trend import RecentTrend, compute_annual_trend

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class Hotspots:
    """The neighbourhood chapter's results (data with LSOAs only)."""

    concentration: HotspotConcentration
    top: TopNeighbourhoods
    classification: HotspotClassification | None


@dataclass(frozen=True)
class Analysis:
    """All of an assessment's results."""

    ytd: pd.DataFrame
    by_district: dict[str, pd.DataFrame]
    monthly: pd.DataFrame
    xmr: dict[str, XmRResult]
    trends: dict[str, RecentTrend]
    spc_table: pd.DataFrame
    peers: PeerComparison | None
    harm: pd.DataFrame
    candidates: pd.DataFrame
    matrix: PriorityMatrix
    hotspots: Hotspots | None
    local: LocalIndicators | None
    appendices: Appendices
    travel: TravelResult | None = field(default=None)
    targets: pd.DataFrame | None = field(default=None)
    actions: pd.DataFrame | None = field(default=None)
    spending: pd.DataFrame | None = field(default=None)
    measures: pd.DataFrame | None = field(default=None)
    incidents: IncidentAnalysis | None = field(default=None)


def _peer_verdict(label: object) -> str:
    """The priority matrix's view of a peer comparison label."""
    base = str(label).split(" (")[0]
    return base if base in ("worse", "similar", "better") else "not compared"


def build_candidates(
    ytd: pd.DataFrame,
    *,
    peer_rates: pd.DataFrame | None,
    trends: dict[str, RecentTrend],
    harm_table: pd.DataFrame,
    target_status: dict[str, str] | None = None,
    directions: dict[str, str] | None = None,
) -> pd.DataFrame:
    """The scanning matrix's candidates: one row per offence group recorded this year.

    Volume is the year-to-date count; rate against peers from the peer
    comparison (``"not compared"`` without one); direction from the forecast
    where given, else the five-year trend; harm share from the harm table.

    Examples
    --------
    >>> from workbook.stats.trend import compute_recent_trend
    >>> ytd = pd.DataFrame({"category": ["Robbery", "All crime"], "current": [10, 10]})
    >>> tr = {"Robbery": compute_recent_trend(pd.Series([1.0, 2, 3, 4, 5]) * 100)}
    >>> h = pd.DataFrame({"category": ["Robbery"], "harm_share": [1.0]})
    >>> build_candidates(ytd, peer_rates=None, trends=tr, harm_table=h)[["category", "rate_vs_peers", "direction"]].values.tolist()
    [['Robbery', 'not compared', 'increasing']]
    """
    rows = ytd[(ytd["category"] != ALL_CRIME) & (ytd["current"] > 0)]
    verdicts = {} if peer_rates is None else dict(zip(peer_rates["category"], peer_rates["comparison"]))
    shares = dict(zip(harm_table["category"], harm_table["harm_share"]))
    out = pd.DataFrame({
        "category": rows["category"].to_numpy(),
        "volume": rows["current"].to_numpy(),
        "rate_vs_peers": [_peer_verdict(verdicts.get(c, "not compared")) for c in rows["category"]],
        "direction": [
            (directions or {}).get(c) or (trends[c].direction if c in trends else "unknown") for c in rows["category"]
        ],
        "harm_share": [shares.get(c) for c in rows["category"]],
    })
    if target_status:
        out["target_status"] = [target_status.get(c) for c in out["category"]]
    return out


def weigh_harm(a: Assessment, ytd: pd.DataFrame) -> pd.DataFrame:
    """Harm this year to date, weighted at the finest category the data hold (the Met's minor
    categories, e.g. residential against business burglary), summed to police.uk categories;
    a category with no offences this year keeps a harm share of 0.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> h = weigh_harm(a, compare_periods(a.data, current=a.periods.current, previous=a.periods.previous))
    >>> h.set_index("category").loc["Burglary", "count"]
    np.int64(1495)
    """
    weights = load_harm_weights()
    w = a.periods.current
    rows = a.data[(a.data["month"] >= w.start) & (a.data["month"] <= w.end) & a.data["category"].isin(weights["category"])]
    zero = ytd.loc[ytd["category"].isin(weights["category"]), ["category"]].assign(
        source_category=lambda d: d["category"], count=0)
    return harm_weighted(pd.concat([rows[["category", "source_category", "count"]], zero], ignore_index=True),
                         weights=weights, population=a.population.persons, detail="source_category")


def analyse_assessment(a: Assessment) -> Analysis:
    """Compute every result the report shows.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> r = analyse_assessment(prepare_assessment("lambeth", period="2023-11"))
    >>> int(r.ytd.set_index("category").loc["All crime", "current"])
    24269
    >>> r.hotspots is None, r.matrix.to_frame()["decision"].isin(["include", "exclude"]).all()
    (True, np.True_)
    """
    cfg = a.config
    rule = cfg.disclosure_rule()
    ytd = compare_periods(a.data, current=a.periods.current, previous=a.periods.previous, by=["category"])
    ytd = add_rate_columns(
        ytd,
        persons=a.population.persons,
        households=a.population.households,
        households_label=f"households ({a.population.households_year} Census)",
        months=a.periods.current.n_months,
    )
    by_district = (
        compare_sub_areas(
            a.data, current=a.periods.current, previous=a.periods.previous, categories=a.sub_area_categories(rule)
        )
        if cfg.has_sub_areas
        else {}
    )
    monthly = a.monthly()
    categories = [c for c in ytd["category"] if c != ALL_CRIME and c not in NOT_IN_ALL_CRIME]
    polarities = {c: category_polarity(c) for c in monthly.columns}
    xmr = compute_xmr_by_category(monthly, categories=a.main_categories, polarities=polarities)
    trends = {c: compute_annual_trend(monthly[c], polarity=polarities[c]) for c in monthly.columns}

    spc_table = spc_summary(xmr, {c: trends[c] for c in a.main_categories})
    peer = compare_with_peers(a, categories=[c for c in categories if c in monthly.columns])
    area_code = cfg.csp_code or "+".join(cfg.area_codes)
    trav = assess_travel(monthly, categories=a.main_categories, trends=trends, area_code=area_code)
    specs = load_targets(cfg.targets, as_of=a.latest_month)
    target_table = evaluate_area_targets(a, specs=specs) if specs else None
    harm_table = weigh_harm(a, ytd)
    parent = dict(zip(a.data["subcategory"], a.data["category"]))
    statuses = {} if target_table is None else {
        parent.get(c, c): s for c, s in zip(target_table["category"], target_table["status"])
    }
    # every group the matrix scores gets its direction from the forecast rule, not only the charted ones
    others = [c for c in categories if c in monthly.columns and c not in trav.directions]
    rest = assess_travel(monthly, categories=others, trends=trends, area_code=area_code) if others else None
    directions = {c: d.label for c, d in trav.directions.items()} | (
        {c: d.label for c, d in rest.directions.items()} if rest else {})
    candidates = build_candidates(ytd, peer_rates=None if peer is None else peer.rates, trends=trends,
                                  harm_table=harm_table, target_status=statuses, directions=directions)
    settings = load_priority_settings(cfg.priorities, path=None)
    matrix = score_priorities(candidates, settings=settings)
    hs = analyse_hotspots(a)
    local = load_local_indicators(resolve_path(cfg.local_indicators)) if cfg.local_indicators else None
    apx = load_appendices(cfg.appendices)
    as_of = (a.latest_month + pd.offsets.MonthEnd(0)).date()
    latest = {
        c: (int(r["current"]), "better than last year" if r["difference"] < 0 else "worse than last year"
            if r["difference"] > 0 else "unchanged")
        for c, r in ytd.set_index("category").iterrows()
    }
    if local is not None:
        for _, r in local.latest().iterrows():
            latest[r["indicator"]] = (r.get("value", r.get("numerator")), "see local indicators")
    return Analysis(
        ytd=ytd,
        by_district=by_district,
        monthly=monthly,
        xmr=xmr,
        trends=trends,
        spc_table=spc_table,
        peers=peer,
        harm=harm_table,
        candidates=candidates,
        matrix=matrix,
        hotspots=hs,
        local=local,
        appendices=apx,
        travel=trav,
        targets=target_table,
        actions=action_tracker(apx.action_plan, as_of=as_of) if apx.action_plan else None,
        spending=spending_table(apx.spending) if apx.spending else None,
        measures=measures_table(apx.measures_of_success, latest_values=latest) if apx.measures_of_success else None,
        incidents=analyse_incidents(a),
    )


def analyse_hotspots(a: Assessment) -> Hotspots | None:
    """Concentration, the top neighbourhoods and their classes; None for data without neighbourhoods.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> analyse_hotspots(prepare_assessment("lambeth", period="2023-11")) is None  # the Met's file is by borough
    True
    >>> hs = analyse_hotspots(prepare_assessment("city-of-london", period="2020-12"))
    >>> len(hs.top.table), hs.top.current.label  # the ten with most crime, this year to date
    (10, 'April to December 2020')
    """
    if not a.data["lsoa_code"].notna().any():
        return None
    return Hotspots(
        concentration=hotspot_concentration(a.data, window=a.periods.current),
        top=top_neighbourhoods(a.data, current=a.periods.current, previous=a.periods.previous),
        classification=_classify_or_none(a),
    )


def _classify_or_none(a: Assessment) -> HotspotClassification | None:
    """Hotspot classes need three complete financial years; fewer gives None."""

    try:
        return classify_hotspots(a.data, end=a.latest_month)
    except WorkbookError as exc:
        logger.info("no hotspot classification: %s", exc)
        return None
