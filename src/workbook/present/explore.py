"""One question at a time: what the notebooks in ``notebooks/explore/`` show.

Between reports an analyst looks at one thing for any area: a trend, a
comparison, the peers, the hotspots, a forecast.  Each function takes a
prepared area (:func:`workbook.assessment.prepare.prepare_assessment`) and
returns what to display, from the same library calls the reports use; nothing
is published (no disclosure step), so these are for the analyst's eyes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from IPython.display import Markdown

from workbook.assessment.peers import compare_with_peers
from workbook.assessment.prepare import Assessment
from workbook.assessment.travel import assess_travel
from workbook.core.errors import ValueInputError
from workbook.core.polarity import category_polarity
from workbook.present.alt_text import trend_alt_text
from workbook.present.charts import (
    plot_forecast_grid,
    plot_funnel,
    plot_monthly_trends,
    plot_peer_rates,
    plot_xmr_grid,
)
from workbook.present.formats import markdown_list
from workbook.present.hotspot_charts import plot_top_neighbourhoods
from workbook.present.sentences import change_sentences, describe_span, peer_sentences, spc_sentence
from workbook.stats.compare import compare_periods, compare_sub_areas
from workbook.stats.hotspots import classify_hotspots, hotspot_concentration, top_neighbourhoods
from workbook.stats.spc import compute_xmr_by_category, spc_summary
from workbook.stats.trend import compute_annual_trend


def choose_categories(a: Assessment, categories: Sequence[str] = ()) -> list[str]:
    """The categories asked for (each must be in the data), or the area's main ones.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> choose_categories(a, ["Robbery"]), len(choose_categories(a))
    (['Robbery'], 6)
    """
    if not categories:
        return list(a.main_categories)
    known = set(a.data["category"])
    unknown = [c for c in categories if c not in known]
    if unknown:
        raise ValueInputError(f"category {unknown[0]!r} is not in the data; the data hold {', '.join(sorted(known))}")
    return list(categories)


def trends(a: Assessment, *, categories: Sequence[str] = ()) -> list[Any]:
    """Monthly counts over the whole series and the control charts of the last 36 months."""
    cats = choose_categories(a, categories)
    monthly = a.monthly()
    pol = {c: category_polarity(c) for c in cats}
    xmr = compute_xmr_by_category(monthly, categories=cats, polarities=pol)
    summary = spc_summary(xmr, {c: compute_annual_trend(monthly[c], polarity=pol[c]) for c in cats})
    return [plot_monthly_trends(monthly, categories=cats), Markdown(trend_alt_text(monthly, categories=cats)),
            plot_xmr_grid(xmr), Markdown(markdown_list(spc_sentence(r) for _, r in summary.iterrows())), summary]


def comparison(a: Assessment, *, by_district: bool = False) -> list[Any]:
    """This financial year to date against the same months last year, by category (or by district)."""
    p = a.periods
    span = describe_span(p.current.start, p.current.end)
    if by_district:
        tables = compare_sub_areas(a.data, current=p.current, previous=p.previous, categories=a.main_categories)
        return [Markdown(f"**{cat}**") if i % 2 == 0 else t for cat, t in tables.items() for i in (0, 1)]
    ytd = compare_periods(a.data, current=p.current, previous=p.previous, by=["category"])
    return [ytd, Markdown(markdown_list(change_sentences(ytd, categories=a.main_categories, span=span)))]


def peers(a: Assessment) -> list[Any]:
    """Rates against the peer group and the funnel plot (when the source holds peers)."""
    pc = compare_with_peers(a)
    if pc is None:
        return [Markdown("No peer comparison: the police source holds no other areas to compare with.")]
    name = a.config.short_name
    return [pc.rates, plot_peer_rates(pc.rates, area=name),
            Markdown(markdown_list(peer_sentences(pc.rates, area=name, window_label=pc.window.label))),
            plot_funnel(pc.funnel_table, pc.funnel, focal=name)]


def hotspots(a: Assessment) -> list[Any]:
    """Concentration, the top neighbourhoods and their classes (LSOA-level data only)."""
    if a.data["lsoa_code"].isna().all():
        return [Markdown("The police data for this area are by district, not neighbourhood: no hotspots.")]
    top = top_neighbourhoods(a.data, current=a.periods.current, previous=a.periods.previous)
    try:
        classes = classify_hotspots(a.data, end=a.latest_month)
    except ValueInputError as exc:
        classes = None
        note = Markdown(f"Hotspot classes need three complete financial years: {exc}")
    else:
        note = Markdown("")
    return [hotspot_concentration(a.data, window=a.periods.current).to_frame(), top.to_frame(),
            plot_top_neighbourhoods(top, classification=classes), note]


def forecasts(a: Assessment, *, categories: Sequence[str] = ()) -> list[Any]:
    """Forecasts of the next 12 months with intervals, and each category's direction of travel."""
    cats = choose_categories(a, categories)
    monthly = a.monthly()
    trends_ = {c: compute_annual_trend(monthly[c], polarity=category_polarity(c)) for c in cats}
    travel = assess_travel(monthly, categories=cats, trends=trends_, area_code="+".join(a.config.area_codes))
    return [plot_forecast_grid(travel.forecasts), travel.directions_frame()]
