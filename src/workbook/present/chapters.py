"""The assessment's chapters: for each, what the reader sees, decided here.

The notebook narrates and calls one function per chapter; each returns the
things to display in order (Markdown, tables and figures, published with
their CSV through the report's :class:`~workbook.present.publisher.Publisher`).
Which tables get disclosure control, whether a chapter applies to the area,
captions, labels and how chart data are shaped all live here, where they are
tested, not in a notebook cell.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.assessment.analyse import Analysis, analyse_assessment
from workbook.assessment.peers import why_no_peers
from workbook.assessment.prepare import Assessment, assessment_for
from workbook.assessment.wards import TOTAL as WARD_TOTAL
from workbook.assessment.wards import compare_wards
from workbook.config.disclosure import DisclosureRule
from workbook.config.parameters import RunParameters
from workbook.core.categories import ALL_CRIME
from workbook.core.counting import INCIDENT_CATEGORIES
from workbook.present.alt_text import (
    funnel_alt_text,
    trend_alt_text,
)
from workbook.present.annex import (
    accessibility_statement,
    accuracy_markdown,
    illustrative_note,
    inputs_note,
    load_forecast_accuracy,
    methods_markdown,
    peer_group_markdown,
    sources_markdown,
    suppression_markdown,
    title_markdown,
)
from workbook.present.charts import (
    plot_funnel,
    plot_monthly_trends,
    plot_peer_rates,
)
from workbook.present.formats import markdown_list, md_text
from workbook.present.labels import (
    ACCURACY_FORMATS,
    ACCURACY_LABELS,
    ACTION_LABELS,
    COMPARISON_FORMATS,
    FUNNEL_FORMATS,
    FUNNEL_LABELS,
    HARM_FORMATS,
    HARM_LABELS,
    LOCAL_FORMATS,
    LOCAL_LABELS,
    MATRIX_FORMATS,
    MATRIX_LABELS,
    MEASURE_LABELS,
    PEER_FORMATS,
    PEER_LABELS,
    RATE_FORMATS,
    SPENDING_FORMATS,
    SPENDING_LABELS,
    comparison_labels,
    rate_labels,
)
from workbook.present.provenance import provenance_table
from workbook.present.publisher import Publisher
from workbook.present.sections import (
    control_chart_section,
    direction_section,
    district_tables,
    target_section,
    top_neighbourhoods_figure,
)
from workbook.present.sentences import (
    change_sentences,
    describe_change,
    describe_span,
    executive_summary,
    harm_sentence,
    hotspot_sentences,
    monthly_target_lines,
    peer_sentences,
)
from workbook.present.tables import (
    action_display,
    context_table,
    local_indicator_table,
    matrix_display,
)
from workbook.stats.compare import comparison_protection

ASB = INCIDENT_CATEGORIES[0]
FUNNEL_COLUMNS = ["area", "denominator", "observed", "rate", "lower_95", "upper_95", "lower_99_8", "upper_99_8",
                  "position"]


@dataclass
class AssessmentReport:
    """One assessment being written: its parameters, prepared data, results and publisher."""

    params: RunParameters
    assessment: Assessment
    analysis: Analysis
    publisher: Publisher
    rule: DisclosureRule
    started: float = field(default_factory=time.perf_counter)

    @property
    def name(self) -> str:
        """The partnership's short name, as the report's captions use it."""
        return self.assessment.config.short_name

    @property
    def labels(self) -> dict[str, str]:
        """Column labels of a period comparison (e.g. "Apr–Nov 2023")."""
        return comparison_labels(self.assessment.periods)


def start_report(params: RunParameters) -> AssessmentReport:
    """Prepare (or load what the runner prepared), analyse, and open the publisher.

    The assessment is prepared once per report: by the runner, which checks
    every input before the notebook runs and passes it in ``params.prepared``,
    or here when the notebook is run by hand.

    Examples
    --------
    >>> rep = start_report(RunParameters.check({"area": "lambeth", "period": "2023-11"}))
    >>> rep.name, rep.assessment.periods.current.label
    ('Lambeth', 'April to November 2023')
    """
    started = time.perf_counter()
    a = assessment_for(params)
    rule = a.config.disclosure_rule()
    return AssessmentReport(params=params, assessment=a, analysis=analyse_assessment(a),
                            publisher=Publisher(params.output_dir or None, disclosure=rule), rule=rule,
                            started=started)


def title(rep: AssessmentReport) -> list[Any]:
    """The report's title."""
    return [Markdown(title_markdown(rep.assessment))]


def summary(rep: AssessmentReport) -> list[Any]:
    """The executive summary: the few sentences a board member reads."""
    return [Markdown(markdown_list(executive_summary(rep.assessment, rep.analysis)))]


def context(rep: AssessmentReport) -> list[Any]:
    """Population, households and the period covered."""
    return [rep.publisher.table(context_table(rep.assessment), name="context", caption=f"{rep.name}: context")]


def year_to_date(rep: AssessmentReport) -> list[Any]:
    """Year to date against the same months last year, protected by the disclosure rule, and its sentences."""
    a, r = rep.assessment, rep.analysis
    table = rep.publisher.table(
        r.ytd[["category", *COMPARISON_FORMATS, *RATE_FORMATS]],
        name="ytd_comparison",
        caption=f"Recorded crime by offence group, {a.periods.current.label} against {a.periods.previous.label}",
        formats=COMPARISON_FORMATS | RATE_FORMATS,
        labels=rep.labels | rate_labels(a.periods.current.n_months),
        csv=r.ytd,
        protect=comparison_protection(r.ytd, label_col="category", category_col="category", total_label=ALL_CRIME,
                                      level="area"),
    )
    span = describe_span(a.periods.current.start, a.periods.current.end)
    return [table, Markdown(markdown_list(change_sentences(r.ytd, categories=a.main_categories, span=span)))]


def by_district(rep: AssessmentReport) -> list[Any]:
    """Each offence group by district (protected), or why there is no breakdown."""
    a, r = rep.assessment, rep.analysis
    if not r.by_district:
        return [Markdown(f"{md_text(rep.name)} is a single district, so there is no breakdown by district.")]
    return district_tables(rep.publisher, r.by_district, periods=a.periods,
                           parents=dict(zip(a.data["subcategory"], a.data["category"])))


def anti_social_behaviour(rep: AssessmentReport) -> list[Any]:
    """ASB incidents on their own (never in a crime total): year to date, by district, control chart."""
    a, inc = rep.assessment, rep.analysis.incidents
    if inc is None:
        return [Markdown(f"The police data for {md_text(rep.name)} hold no anti-social behaviour incidents "
                         "(police.uk downloads do; the Met's borough file counts crimes only).")]
    row = inc.ytd.iloc[0]
    span = describe_span(a.periods.current.start, a.periods.current.end)
    out: list[Any] = [
        Markdown(md_text(describe_change(category=ASB, previous=int(row["previous"]), current=int(row["current"]),
                                         span=span, significant=bool(row["significant"])))),
        rep.publisher.table(
            inc.ytd[["category", *COMPARISON_FORMATS]],
            name="asb_ytd",
            caption=f"Anti-social behaviour incidents, {a.periods.current.label} against {a.periods.previous.label}",
            formats=COMPARISON_FORMATS,
            labels=rep.labels | {"category": "Incidents"},
            csv=inc.ytd,
            protect=comparison_protection(inc.ytd, label_col="category", category_col="category", total_label=None,
                                          level="area"),
        ),
    ]
    if inc.by_district is not None:
        out.append(rep.publisher.table(
            inc.by_district[["area_name", *COMPARISON_FORMATS]],
            name="asb_by_district",
            caption=f"Anti-social behaviour incidents by district, {a.periods.current.label}",
            formats=COMPARISON_FORMATS,
            labels=rep.labels,
            csv=inc.by_district.assign(category=ASB),
            protect=comparison_protection(inc.by_district, label_col="area_name", total_label="Total", category=ASB),
        ))
    return out + control_chart_section(
        rep.publisher, inc.xmr, inc.spc_table, name="asb_control_chart",
        caption=f"Control chart of monthly anti-social behaviour incidents, {rep.name}, last 36 months")


def monthly_trend_data(monthly: pd.DataFrame, *, categories: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """The monthly trend chart's data as a table: one row a month (``YYYY-MM``), one column a category.

    Examples
    --------
    >>> m = pd.DataFrame({"Robbery": [1, 2]}, index=pd.Index(pd.to_datetime(["2023-01-01", "2023-02-01"]), name="month"))
    >>> monthly_trend_data(m, categories=["Robbery"]).to_dict("list")
    {'month': ['2023-01', '2023-02'], 'Robbery': [1, 2]}
    """
    return monthly[list(categories)].reset_index().assign(month=lambda d: d["month"].dt.strftime("%Y-%m"))


def monthly_trends(rep: AssessmentReport) -> list[Any]:
    """The largest offence groups month by month, with a 12-month average."""
    a, r = rep.assessment, rep.analysis
    return [rep.publisher.figure(
        plot_monthly_trends(r.monthly, categories=a.main_categories),
        name="monthly_trends",
        alt=trend_alt_text(r.monthly, categories=a.main_categories),
        caption=f"Monthly recorded crime, {rep.name}, largest offence groups",
        data=monthly_trend_data(r.monthly, categories=a.main_categories),
        formats={c: "count" for c in a.main_categories},
    )]


def control_charts(rep: AssessmentReport) -> list[Any]:
    """XmR charts of the last 36 months and a sentence for each."""
    r = rep.analysis
    return control_chart_section(rep.publisher, r.xmr, r.spc_table, name="control_charts",
                                 caption=f"Control charts of monthly recorded crime, {rep.name}, last 36 months")


def direction_of_travel(rep: AssessmentReport) -> list[Any]:
    """Forecasts for the next 12 months and the direction of travel of each main group, with the rule."""
    a, r = rep.assessment, rep.analysis
    return direction_section(rep.publisher, r.travel, area=rep.name,
                             target_lines=monthly_target_lines(r.targets, a.main_categories))


def targets(rep: AssessmentReport) -> list[Any]:
    """The targets scorecard and its sentences, or that no targets are set."""
    a, r = rep.assessment, rep.analysis
    section = target_section(rep.publisher, r.targets, caption=f"Targets scorecard, {a.periods.financial_year}")
    return section if r.targets is None else [Markdown(inputs_note(a.config, "targets")), *section]


def peers(rep: AssessmentReport) -> list[Any]:
    """The peer group, rates against it and the funnel plot (when the area has peers)."""
    r = rep.analysis
    reason = why_no_peers(rep.assessment) if r.peers is None else ""
    out: list[Any] = [Markdown(peer_group_markdown(r.peers, area=rep.name, reason=reason))]
    if r.peers is None:
        return out
    pc = r.peers
    out.append(rep.publisher.figure(
        plot_peer_rates(pc.rates, area=rep.name),
        name="peer_rates",
        alt=" ".join(peer_sentences(pc.rates[pc.rates["category"] != ALL_CRIME].head(6), area=rep.name,
                                    window_label=pc.window.label)),
        caption=f"Rates per 1,000 residents against the peer group, {pc.window.label}",
        data=pc.rates.drop(columns=["polarity"]),
        formats=PEER_FORMATS,
        labels=PEER_LABELS,
    ))
    out.append(rep.publisher.figure(
        plot_funnel(pc.funnel_table, pc.funnel, focal=rep.name),
        name="peer_funnel",
        alt=funnel_alt_text(pc.funnel_table, focal=rep.name, benchmark=pc.funnel.benchmark_rate),
        caption=f"Funnel plot: all recorded crime per 1,000 residents in the peer group, {pc.window.label}",
        data=pc.funnel_table[FUNNEL_COLUMNS],
        formats=FUNNEL_FORMATS,
        labels=FUNNEL_LABELS,
    ))
    return out


def harm(rep: AssessmentReport) -> list[Any]:
    """Harm-weighted counts: where the harm lies, not only the volume."""
    a, h = rep.assessment, rep.analysis.harm
    weights_name = h["weights_name"].iloc[0]
    return [
        Markdown(md_text(harm_sentence(h, weights_name=weights_name))),
        rep.publisher.table(
            h[["category", "count", "weight", "harm", "harm_share", "harm_rate"]].sort_values("harm", ascending=False),
            name="harm",
            caption=f"Harm-weighted recorded crime, {a.periods.current.label} ({weights_name})",
            formats=HARM_FORMATS,
            labels=HARM_LABELS,
        ),
    ]


def priorities(rep: AssessmentReport) -> list[Any]:
    """The scanning matrix: the criteria, then the recommendations and decisions."""
    a, r = rep.assessment, rep.analysis
    marks, decisions = matrix_display(r.matrix)
    return [
        Markdown(inputs_note(a.config, "priorities")),
        rep.publisher.table(marks, name="priority_matrix",
                            caption=f"Priority-setting matrix: the criteria, {rep.name}, {a.periods.financial_year}",
                            formats=MATRIX_FORMATS, labels=MATRIX_LABELS, csv=r.matrix.to_frame()),
        rep.publisher.table(decisions, name="priority_decisions",
                            caption=("Priority-setting matrix: recommendations and decisions, "
                                     f"{rep.name}, {a.periods.financial_year}"),
                            labels=MATRIX_LABELS),
    ]


def hotspots(rep: AssessmentReport) -> list[Any]:
    """Concentration and classes of neighbourhood hotspots, or why there are none."""
    a, hs = rep.assessment, rep.analysis.hotspots
    if hs is None:
        return [Markdown(f"The police data for {md_text(rep.name)} are by district, not neighbourhood, "
                         "so there is no hotspot analysis.")]
    return [
        Markdown(markdown_list(hotspot_sentences(hs, area=rep.name))),
        top_neighbourhoods_figure(rep.publisher, hs, window_label=a.periods.current.label),
    ]


def local_indicators(rep: AssessmentReport) -> list[Any]:
    """Indicators the police data do not hold, labelled when illustrative."""
    li = rep.analysis.local
    if li is None:
        return [Markdown("No local indicators are configured for this area (set `local_indicators` in its config).")]
    out: list[Any] = [Markdown(illustrative_note("local indicators"))] if li.illustrative else []
    caption = ("ILLUSTRATIVE (invented) local indicators, latest period" if li.illustrative
               else "Local indicators, latest period")
    out.append(rep.publisher.table(local_indicator_table(li), name="local_indicators", caption=caption,
                                   formats=LOCAL_FORMATS, labels=LOCAL_LABELS))
    return out


def plan(rep: AssessmentReport) -> list[Any]:
    """Measures of success, the action plan and the spending plan, where configured."""
    a, r = rep.assessment, rep.analysis
    out: list[Any] = [Markdown(inputs_note(a.config, "appendices"))]
    if r.measures is not None:
        out.append(rep.publisher.table(r.measures, name="measures_of_success", caption="Measures of success",
                                       labels=MEASURE_LABELS))
    if r.actions is not None:
        out.append(rep.publisher.table(
            action_display(r.actions), name="action_plan",
            caption=f"Action plan, as at {a.latest_month:%B %Y} (overdue actions are marked 'Overdue')",
            labels=ACTION_LABELS))
    if r.spending is not None:
        out.append(rep.publisher.table(r.spending, name="spending_plan", caption="Spending plan by priority and funder",
                                       formats=SPENDING_FORMATS, labels=SPENDING_LABELS))
    if r.measures is None and r.actions is None and r.spending is None:
        out.append(Markdown("No plan appendices are configured for this area (set `appendices` in its config)."))
    return out


def methods(rep: AssessmentReport) -> list[Any]:
    """Sources, methods, forecast accuracy, small-numbers rule and provenance."""
    a, r = rep.assessment, rep.analysis
    accuracy = load_forecast_accuracy()
    p = rep.params
    return [
        Markdown(sources_markdown(a)),
        Markdown(methods_markdown(a, r)),
        Markdown(accuracy_markdown(accuracy)),
        rep.publisher.table(
            accuracy[["method", "mean_mase", "mean_wape", "coverage_80", "coverage_95", "vs_seasonal_naive"]],
            name="forecast_accuracy",
            caption="Forecasting methods compared by rolling-origin backtest",
            formats=ACCURACY_FORMATS,
            labels=ACCURACY_LABELS,
        ),
        *revisions(rep),
        Markdown(suppression_markdown(rep.publisher.suppression_log(), rule=rep.rule)),
        rep.publisher.table(
            provenance_table(a, parameters={"area": p.area, "period": p.period, "data_path": p.data_path},
                             started=rep.started),
            name="provenance",
            caption="How this report was produced",
        ),
    ]


def revisions(rep: AssessmentReport) -> list[Any]:
    """Where the data were joined from several sources: which months came from which, and what a newer one revised."""
    a = rep.assessment
    if len(a.data_paths) < 2:
        return []
    spans = a.months_from.groupby("source", sort=False)["month"].agg(["min", "max"])
    text = "The police data were joined from several downloads, the newer winning where they overlap: " + "; ".join(
        f"{md_text(src)} for {row['min']:%B %Y} to {row['max']:%B %Y}" for src, row in spans.iterrows()) + "."
    out: list[Any] = [Markdown(text)]
    if a.revisions.empty:
        out.append(Markdown("Where the downloads overlap, the newer one changed no count."))
        return out
    rev = a.revisions.assign(month=a.revisions["month"].dt.strftime("%Y-%m"))
    out.append(rep.publisher.table(
        rev, name="revisions", caption="Counts a newer download revised, by month and offence group",
        formats={"old_count": "count", "new_count": "count", "difference": "signed"},
        labels={"month": "Month", "category": "Offence group", "old_count": "Earlier download",
                "new_count": "Newer download", "difference": "Revision", "old_source": "Earlier file",
                "new_source": "Newer file"},
    ))
    return out


def accessibility(rep: AssessmentReport) -> list[Any]:
    """The accessibility statement."""
    return [Markdown(accessibility_statement())]


def by_ward(rep: AssessmentReport) -> list[Any]:
    """Year to date by 2024 electoral ward (councillors' unit), crime and ASB apart, or why there is none."""
    a = rep.assessment
    wards = compare_wards(a)
    if wards is None:
        return [Markdown(f"The police data for {md_text(rep.name)} are by district, with no neighbourhoods (LSOAs) "
                         "to place in wards, so there is no ward breakdown.")]
    crime = wards.crime
    top = crime[(crime["ward_code"] != "") & (crime["current"] > 0)].head(3)["ward"].tolist()
    intro = (f"Records are placed in {wards.n_wards} wards (2024 boundaries), each neighbourhood (LSOA) in the ward "
             "the ONS lookup best fits it to.")
    if top:
        listed = top[0] if len(top) == 1 else f"{', '.join(top[:-1])} and {top[-1]}"
        intro += f" Most recorded crime this year to date was in {listed}."
    span = f"{a.periods.current.label} against {a.periods.previous.label}"
    out: list[Any] = [
        Markdown(md_text(intro)),
        rep.publisher.table(
            crime[["ward", *COMPARISON_FORMATS]],
            name="by_ward",
            caption=f"Recorded crime by ward, {span}",
            formats=COMPARISON_FORMATS,
            labels=rep.labels | {"ward": "Ward"},
            csv=crime.assign(category=ALL_CRIME),
            protect=comparison_protection(crime, label_col="ward", total_label=WARD_TOTAL, category=ALL_CRIME),
        ),
    ]
    if wards.incidents is not None:
        inc = wards.incidents
        out.append(rep.publisher.table(
            inc[["ward", *COMPARISON_FORMATS]],
            name="asb_by_ward",
            caption=f"Anti-social behaviour incidents by ward, {span}",
            formats=COMPARISON_FORMATS,
            labels=rep.labels | {"ward": "Ward"},
            csv=inc.assign(category=ASB),
            protect=comparison_protection(inc, label_col="ward", total_label=WARD_TOTAL, category=ASB),
        ))
    return out
