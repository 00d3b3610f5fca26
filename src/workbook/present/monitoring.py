"""The performance report's sections: what the monitoring notebook shows, decided here.

As :mod:`workbook.present.chapters` is for the annual assessment: the notebook
narrates and calls one function per section; each returns the things to
display, published (HTML table and CSV) through the report's publisher.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from IPython.display import Markdown

from workbook.assessment.monitor import Monitoring, analyse_monitoring
from workbook.assessment.prepare import assessment_for
from workbook.config.disclosure import DisclosureRule
from workbook.config.parameters import RunParameters
from workbook.core.categories import ALL_CRIME, ANTI_SOCIAL_BEHAVIOUR
from workbook.core.paths import NOTEBOOKS_DIR
from workbook.present.alt_text import spc_alt_text
from workbook.present.charts import plot_latest_against_limits
from workbook.present.formats import markdown_list, md_text
from workbook.present.labels import (
    COMPARISON_FORMATS,
    RATE_FORMATS,
    SPC_FORMATS,
    SPC_LABELS,
    comparison_labels,
    rate_labels,
)
from workbook.present.provenance import provenance_table
from workbook.present.publisher import Publisher
from workbook.present.sections import control_chart_section, target_section
from workbook.present.sentences import (
    describe_change,
    describe_span,
    spc_sentence,
)
from workbook.stats.compare import comparison_protection

MONITORING_NOTEBOOK = NOTEBOOKS_DIR / "monitoring.ipynb"
CHANGE_LABELS = {"kind": "What changed", "item": "Offence group or target", "before": "Last report", "now": "This report"}


@dataclass
class MonitoringReport:
    """One performance report being written."""

    params: RunParameters
    monitoring: Monitoring
    publisher: Publisher
    rule: DisclosureRule
    started: float = field(default_factory=time.perf_counter)

    @property
    def name(self) -> str:
        return self.monitoring.assessment.config.short_name


def start_monitoring(params: RunParameters) -> MonitoringReport:
    """Prepare (or load what the runner prepared) and compute the performance report.

    Examples
    --------
    >>> rep = start_monitoring(RunParameters.check({"area": "lambeth", "period": "2023-11"},
    ...                                            notebook=MONITORING_NOTEBOOK))
    >>> rep.name, f"{rep.monitoring.since:%Y-%m}"
    ('Lambeth', '2023-10')
    """
    started = time.perf_counter()
    a = assessment_for(params)
    rule = a.config.disclosure_rule()
    m = analyse_monitoring(a, since=params.since or None)
    return MonitoringReport(params=params, monitoring=m, publisher=Publisher(params.output_dir or None,
                                                                             disclosure=rule), rule=rule,
                            started=started)


def title(rep: MonitoringReport) -> list[Any]:
    """Title and the months the report covers."""
    a = rep.monitoring.assessment
    return [Markdown(
        f"# {md_text(a.config.name)}: performance report, {a.latest_month:%B %Y}\n\n"
        f"Police recorded crime for {a.periods.current.label} against the same months a year earlier, and what "
        f"changed since the last report ({rep.monitoring.since:%B %Y}). Prepared with csp-workbook from "
        f"{md_text(a.config.source.description)}.")]


def headline(rep: MonitoringReport) -> list[Any]:
    """The headline sentence: all crime this year to date."""
    a, row = rep.monitoring.assessment, rep.monitoring.ytd.set_index("category").loc[ALL_CRIME]
    span = describe_span(a.periods.current.start, a.periods.current.end)
    return [Markdown(md_text(describe_change(category=ALL_CRIME, previous=int(row["previous"]),
                                             current=int(row["current"]), span=span,
                                             significant=bool(row["significant"]))))]


def changes(rep: MonitoringReport) -> list[Any]:
    """What changed since the last report: new special causes and targets whose status moved."""
    c = rep.monitoring.changes
    if c.empty:
        return [Markdown(f"Nothing changed since the last report ({rep.monitoring.since:%B %Y}): no new "
                         "special-cause month and no target changed status.")]
    return [rep.publisher.table(c, name="changes", caption=f"Changes since the last report ({rep.monitoring.since:%B %Y})",
                                labels=CHANGE_LABELS)]


def targets(rep: MonitoringReport) -> list[Any]:
    """Each target's status and projected year end."""
    m = rep.monitoring
    return target_section(rep.publisher, m.targets,
                          caption=f"Targets, {m.assessment.periods.financial_year}: status and projected year end")


def latest_month(rep: MonitoringReport) -> list[Any]:
    """The latest month against the control limits, for the main offence groups."""
    m = rep.monitoring
    return [
        rep.publisher.figure(plot_latest_against_limits(m.spc_table), name="latest_against_limits",
                             alt=spc_alt_text(m.spc_table),
                             caption=f"{m.assessment.latest_month:%B %Y} against each group's control limits, {rep.name}",
                             data=m.spc_table, formats=SPC_FORMATS, labels=SPC_LABELS),
        Markdown(markdown_list(spc_sentence(r) for _, r in m.spc_table.iterrows())),
    ]


def year_to_date(rep: MonitoringReport) -> list[Any]:
    """Year to date against last year for the issues being watched, under the disclosure rule."""
    m, a = rep.monitoring, rep.monitoring.assessment
    # a selection of groups (and a subcategory with a target): its rows do not add up to a total row
    protect = comparison_protection(m.ytd, label_col="category", category_col="category", total_label=ALL_CRIME,
                                    level="area") | {"total_row": None}
    return [rep.publisher.table(
        m.ytd[["category", *COMPARISON_FORMATS, *RATE_FORMATS]],
        name="ytd_watched",
        caption=f"Watched offence groups, {a.periods.current.label} against {a.periods.previous.label}",
        formats=COMPARISON_FORMATS | RATE_FORMATS,
        labels=comparison_labels(a.periods) | rate_labels(a.periods.current.n_months),
        csv=m.ytd,
        protect=protect,
    )]


def anti_social_behaviour(rep: MonitoringReport) -> list[Any]:
    """ASB incidents this year to date and the latest month's control chart."""
    m, a = rep.monitoring, rep.monitoring.assessment
    inc = m.incidents
    if inc is None:
        return [Markdown(f"The police data for {md_text(rep.name)} hold no anti-social behaviour incidents.")]
    row = inc.ytd.iloc[0]
    span = describe_span(a.periods.current.start, a.periods.current.end)
    return [
        Markdown(md_text(describe_change(category=ANTI_SOCIAL_BEHAVIOUR, previous=int(row["previous"]),
                                         current=int(row["current"]), span=span,
                                         significant=bool(row["significant"])))),
        *control_chart_section(rep.publisher, inc.xmr, inc.spc_table, name="asb_control_chart", sentences=False,
                               caption=f"Monthly anti-social behaviour incidents, {rep.name}, last 36 months"),
    ]


def provenance(rep: MonitoringReport) -> list[Any]:
    """How this report was produced."""
    p = rep.params
    return [rep.publisher.table(
        provenance_table(rep.monitoring.assessment, parameters={"area": p.area, "period": p.period,
                                                                "data_path": p.data_path, "since": p.since},
                         started=rep.started),
        name="provenance", caption="How this report was produced")]
