"""One question at a time: what the notebooks in ``notebooks/explore/`` show.

Between reports an analyst looks at one thing for any area: the trends, this
year against last, the peers, the hotspots, the forecasts.  Each notebook
calls :func:`start_explore` and :func:`title`, then one function per section
here; each returns the things to display in order, starting with the
section's ``##`` heading (a section that does not apply says why, or is left
out when it was not asked for).  As in the other reports, every table and
chart goes through the report's :class:`~workbook.present.publisher.Publisher`:
an accessible HTML table or a chart with its alternative text, caption and
data, the area's disclosure rule applied, and the CSV written under
``output_dir/tables`` when the runner (``workbook explore <chapter>``) gives
one (nothing is written when the notebook is run by hand).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.assessment.analyse import analyse_hotspots
from workbook.assessment.peers import compare_with_peers, why_no_peers
from workbook.assessment.prepare import (
    Assessment,
    assessment_for,
    choose_categories,
)
from workbook.assessment.travel import assess_travel
from workbook.config.disclosure import DisclosureRule
from workbook.config.parameters import RunParameters
from workbook.core.categories import ALL_CRIME
from workbook.core.errors import ParameterError
from workbook.core.polarity import category_polarity
from workbook.present.alt_text import (
    change_alt_text,
    funnel_alt_text,
    trend_alt_text,
)
from workbook.present.annex import peer_group_markdown
from workbook.present.chapters import FUNNEL_COLUMNS, monthly_trend_data
from workbook.present.charts import (
    plot_change_on_last_year,
    plot_funnel,
    plot_monthly_trends,
    plot_peer_rates,
)
from workbook.present.formats import markdown_list, md_text
from workbook.present.labels import (
    COMPARISON_FORMATS,
    FUNNEL_FORMATS,
    FUNNEL_LABELS,
    PEER_FORMATS,
    PEER_LABELS,
    RATE_FORMATS,
    comparison_labels,
    rate_labels,
)
from workbook.present.provenance import provenance_table
from workbook.present.publisher import Publisher
from workbook.present.sections import (
    control_chart_section,
    direction_section,
    district_tables,
    top_neighbourhoods_figure,
)
from workbook.present.sentences import (
    change_sentences,
    describe_change,
    describe_span,
    hotspot_sentences,
    peer_sentences,
)
from workbook.stats.compare import compare_periods, compare_sub_areas, comparison_protection
from workbook.stats.rates import add_rate_columns
from workbook.stats.spc import compute_xmr_by_category, spc_summary
from workbook.stats.trend import compute_annual_trend

#: Each explore notebook: what its title calls it and the sentence under the title.
CHAPTERS: dict[str, tuple[str, str]] = {
    "trends": ("monthly trends", (
        "Monthly counts over the whole series, and the last 36 months on control charts with the NHS "
        "*Making Data Count* rules.")),
    "comparison": ("this year against last", (
        "Each offence group's count this financial year to date against the same months last year, with the "
        "Poisson test.")),
    "peers": ("rates against similar areas", (
        "Rates per 1,000 residents over the last 12 months against the peer group, judged against funnel limits "
        "that allow for the variation between areas.")),
    "hotspots": ("where crime concentrates", (
        "How concentrated crime is among neighbourhoods (LSOAs), the neighbourhoods with most crime and their "
        "hotspot classes.")),
    "forecasts": ("the next 12 months", (
        "Forecasts of monthly counts with their intervals, and each offence group's direction of travel with its "
        "rule.")),
}
CONCENTRATION_FORMATS = {"top_share": "share", "n_neighbourhoods": "count", "n_top": "count", "top_count": "count",
                         "located_count": "count", "share": "share", "no_location_count": "count",
                         "n_hotspots": "count"}
CONCENTRATION_LABELS = {"period": "Period", "top_share": "Top group (share of neighbourhoods)",
                        "n_neighbourhoods": "Neighbourhoods", "n_top": "Neighbourhoods in the top group",
                        "top_count": "Crimes in the top group", "located_count": "Crimes with a location",
                        "share": "Share of located crime in the top group",
                        "no_location_count": "Crimes with no location",
                        "n_hotspots": "Hotspots (ties at the cut-off included)"}


@dataclass
class ExploreReport:
    """One explore notebook being run: its parameters, the prepared area and the publisher."""

    params: RunParameters
    chapter: str
    assessment: Assessment
    categories: list[str]
    publisher: Publisher
    rule: DisclosureRule
    started: float = field(default_factory=time.perf_counter)

    @property
    def name(self) -> str:
        """The partnership's short name, as captions use it."""
        return self.assessment.config.short_name

    @property
    def span(self) -> str:
        """The year to date in a sentence ("April and November 2023")."""
        p = self.assessment.periods
        return describe_span(p.current.start, p.current.end)


def start_explore(params: RunParameters, *, chapter: str) -> ExploreReport:
    """Prepare the area (or load what the runner prepared), check the categories, open the publisher.

    Examples
    --------
    >>> from workbook.core.paths import NOTEBOOKS_DIR
    >>> p = RunParameters.check({"area": "lambeth", "period": "2023-11", "categories": ["Robbery"]},
    ...                         notebook=NOTEBOOKS_DIR / "explore" / "trends.ipynb")
    >>> rep = start_explore(p, chapter="trends")
    >>> rep.name, rep.categories, rep.publisher.tables_dir is None
    ('Lambeth', ['Robbery'], True)
    """
    if chapter not in CHAPTERS:
        raise ParameterError(f"no explore notebook {chapter!r}; expected one of {', '.join(CHAPTERS)}",
                             name="chapter")
    started = time.perf_counter()
    a = assessment_for(params)
    rule = a.config.disclosure_rule()
    return ExploreReport(params=params, chapter=chapter, assessment=a,
                         categories=choose_categories(a, params.categories),
                         publisher=Publisher(params.output_dir or None, disclosure=rule), rule=rule, started=started)


def title(rep: ExploreReport) -> list[Any]:
    """The page's one top-level heading: the area, the question and the data's last month."""
    a = rep.assessment
    what, lead = CHAPTERS[rep.chapter]
    return [Markdown(
        f"# {md_text(a.config.name)}: {what}, data to {a.latest_month:%B %Y}\n\n"
        f"{lead} Prepared with csp-workbook from {md_text(a.config.source.description)}.")]


# --------------------------------------------------------------------------- trends


def monthly_counts(rep: ExploreReport) -> list[Any]:
    """The chosen offence groups month by month over the whole series, with a 12-month average."""
    monthly, cats = rep.assessment.monthly(), rep.categories
    return [
        Markdown("## Monthly counts\n\nEach offence group's recorded crimes month by month, with the average of "
                 "the last 12 months; each panel has its own scale. Dotted lines mark known breaks in the series."),
        rep.publisher.figure(
            plot_monthly_trends(monthly, categories=cats),
            name="monthly_trends",
            alt=trend_alt_text(monthly, categories=cats),
            caption=f"Monthly recorded crime, {rep.name}, {monthly.index.min():%B %Y} to {monthly.index.max():%B %Y}",
            data=monthly_trend_data(monthly, categories=cats),
            formats={c: "count" for c in cats},
        ),
    ]


def control_charts(rep: ExploreReport) -> list[Any]:
    """XmR charts of the last 36 months, a sentence for each group and the chart's data."""
    monthly, cats = rep.assessment.monthly(), rep.categories
    pol = {c: category_polarity(c) for c in cats}
    xmr = compute_xmr_by_category(monthly, categories=cats, polarities=pol)
    summary = spc_summary(xmr, {c: compute_annual_trend(monthly[c], polarity=pol[c]) for c in cats})
    return [
        Markdown("## Control charts\n\nThe last 36 months against each group's process limits. A month is "
                 "*special-cause* variation when the NHS *Making Data Count* rules flag it: a point beyond the "
                 "limits, a run of points on one side of the mean, or a trend."),
        *control_chart_section(rep.publisher, xmr, summary, name="control_charts",
                               caption=f"Control charts of monthly recorded crime, {rep.name}, last 36 months"),
    ]


# --------------------------------------------------------------------------- comparison


def change_chart_rows(ytd: pd.DataFrame, *, rule: DisclosureRule) -> pd.DataFrame:
    """The offence groups the change chart draws: each with crimes last year, not the total, and none whose
    partnership figures the disclosure rule covers (a chart cannot be protected once drawn; the table is).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["All crime", "Robbery", "Sexual offences", "Drugs"],
    ...                   "previous": [300, 100, 20, 0], "current": [320, 120, 30, 4]})
    >>> change_chart_rows(t, rule=DisclosureRule())["category"].tolist()
    ['Robbery', 'Sexual offences']
    >>> change_chart_rows(t, rule=DisclosureRule(levels=["sub_area", "area"]))["category"].tolist()
    ['Robbery']
    """
    covered = "area" in rule.levels and (rule.all_categories or ytd["category"].map(rule.covers_category))
    keep = (ytd["category"] != ALL_CRIME) & (ytd["previous"] > 0) & ~pd.Series(covered, index=ytd.index)
    return ytd[keep].reset_index(drop=True)


def year_to_date(rep: ExploreReport) -> list[Any]:
    """This financial year to date against the same months last year, every offence group, with rates."""
    a = rep.assessment
    p = a.periods
    ytd = compare_periods(a.data, current=p.current, previous=p.previous, by=["category"])
    ytd = add_rate_columns(ytd, persons=a.population.persons, households=a.population.households,
                           households_label=f"households ({a.population.households_year} Census)",
                           months=p.current.n_months)
    row = ytd.set_index("category").loc[ALL_CRIME]
    labels = comparison_labels(p)
    out: list[Any] = [
        Markdown("## This year to date\n\nA change is marked as beyond normal variation when a two-sample Poisson "
                 "test finds it unlikely (p < 0.05) to be chance. Rates are per 1,000 residents a year."),
        Markdown(md_text(describe_change(category=ALL_CRIME, previous=int(row["previous"]),
                                         current=int(row["current"]), span=rep.span,
                                         significant=bool(row["significant"])))),
        rep.publisher.table(
            ytd[["category", *COMPARISON_FORMATS, *RATE_FORMATS]],
            name="ytd_comparison",
            caption=f"Recorded crime by offence group, {p.current.label} against {p.previous.label}",
            formats=COMPARISON_FORMATS | RATE_FORMATS,
            labels=labels | rate_labels(p.current.n_months),
            csv=ytd,
            protect=comparison_protection(ytd, label_col="category", category_col="category", total_label=ALL_CRIME,
                                          level="area"),
        ),
    ]
    rows = change_chart_rows(ytd, rule=rep.rule)
    if not rows.empty:
        out.append(rep.publisher.figure(
            plot_change_on_last_year(rows, label=f"{labels['current']} against {labels['previous']}"),
            name="change_on_last_year",
            alt=change_alt_text(rows, span=rep.span),
            caption=f"Change on the same months last year by offence group, {rep.name}, {p.current.label}",
            data=rows[["category", *COMPARISON_FORMATS]],
            formats=COMPARISON_FORMATS,
            labels=labels,
        ))
    out.append(Markdown(markdown_list(change_sentences(ytd, categories=a.main_categories, span=rep.span))))
    return out


def by_district(rep: ExploreReport) -> list[Any]:
    """Each main offence group by district when asked for (``by_district``); nothing otherwise."""
    if not rep.params.by_district:
        return []
    a = rep.assessment
    heading = Markdown("## By district")
    if not a.config.has_sub_areas:
        return [heading, Markdown(f"{md_text(rep.name)} is a single district, so there is no breakdown by district.")]
    tables = compare_sub_areas(a.data, current=a.periods.current, previous=a.periods.previous,
                               categories=a.sub_area_categories(rep.rule))
    return [heading, *district_tables(rep.publisher, tables, periods=a.periods,
                                      parents=dict(zip(a.data["subcategory"], a.data["category"])))]


# --------------------------------------------------------------------------- peers


def peers(rep: ExploreReport) -> list[Any]:
    """Rates against the peer group and the funnel plot, or why the area has no peers."""
    a = rep.assessment
    pc = compare_with_peers(a)
    heading = Markdown("## The peer group")
    if pc is None:
        return [heading, Markdown(peer_group_markdown(None, area=rep.name, reason=why_no_peers(a)))]
    rates = pc.rates
    return [
        heading,
        Markdown(peer_group_markdown(pc, area=rep.name)),
        Markdown("## Rates against peers"),
        rep.publisher.figure(
            plot_peer_rates(rates, area=rep.name),
            name="peer_rates",
            alt=" ".join(peer_sentences(rates[rates["category"] != ALL_CRIME], area=rep.name,
                                        window_label=pc.window.label)),
            caption=f"Rates per 1,000 residents against the peer group, {pc.window.label}",
            data=rates.drop(columns=["polarity"]),
            formats=PEER_FORMATS,
            labels=PEER_LABELS,
        ),
        Markdown(markdown_list(peer_sentences(rates, area=rep.name, window_label=pc.window.label))),
        Markdown("## All crime in the funnel"),
        rep.publisher.figure(
            plot_funnel(pc.funnel_table, pc.funnel, focal=rep.name),
            name="peer_funnel",
            alt=funnel_alt_text(pc.funnel_table, focal=rep.name, benchmark=pc.funnel.benchmark_rate),
            caption=f"Funnel plot: all recorded crime per 1,000 residents in the peer group, {pc.window.label}",
            data=pc.funnel_table[FUNNEL_COLUMNS],
            formats=FUNNEL_FORMATS,
            labels=FUNNEL_LABELS,
        ),
    ]


# --------------------------------------------------------------------------- hotspots


def hotspots(rep: ExploreReport) -> list[Any]:
    """Concentration among neighbourhoods, the top neighbourhoods and their classes (LSOA-level data only)."""
    a = rep.assessment
    heading = Markdown("## Neighbourhoods")
    hs = analyse_hotspots(a)
    if hs is None:
        return [heading, Markdown(f"The police data for {md_text(rep.name)} are by district, not neighbourhood "
                                  "(LSOA), so there is no hotspot analysis.")]
    classes = ([] if hs.classification is not None else [Markdown(
        "Hotspot classes (persistent, emerging, intermittent, former) need three complete financial years of "
        "neighbourhood data; these data hold fewer.")])
    return [
        heading,
        Markdown(markdown_list(hotspot_sentences(hs, area=rep.name))),
        *classes,
        rep.publisher.table(
            hs.concentration.to_frame(),
            name="concentration",
            caption=f"Concentration of located crime in the top 10% of neighbourhoods, {a.periods.current.label}",
            formats=CONCENTRATION_FORMATS,
            labels=CONCENTRATION_LABELS,
        ),
        top_neighbourhoods_figure(rep.publisher, hs, window_label=a.periods.current.label),
    ]


# --------------------------------------------------------------------------- forecasts


def forecasts(rep: ExploreReport) -> list[Any]:
    """Forecasts of the next 12 months with intervals, and each group's direction of travel."""
    a, cats = rep.assessment, rep.categories
    monthly = a.monthly()
    trends = {c: compute_annual_trend(monthly[c], polarity=category_polarity(c)) for c in cats}
    travel = assess_travel(monthly, categories=cats, trends=trends,
                           area_code=a.config.csp_code or "+".join(a.config.area_codes))
    return [Markdown("## Forecasts and direction of travel"), *direction_section(rep.publisher, travel, area=rep.name)]


# --------------------------------------------------------------------------- every report


def provenance(rep: ExploreReport) -> list[Any]:
    """How this report was produced (the chapter's own parameters with the rest)."""
    p = rep.params
    own = {"trends": {"categories": ", ".join(p.categories)}, "forecasts": {"categories": ", ".join(p.categories)},
           "comparison": {"by_district": "yes" if p.by_district else "no"}}.get(rep.chapter, {})
    return [
        Markdown("## About this report"),
        rep.publisher.table(
            provenance_table(rep.assessment, parameters={"area": p.area, "period": p.period,
                                                         "data_path": p.data_path, **own},
                             started=rep.started),
            name="provenance", caption="How this report was produced"),
    ]

