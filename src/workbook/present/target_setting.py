"""The target-setting report's sections: what ``notebooks/targets.ipynb`` shows, decided here."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from IPython.display import Markdown

from workbook.assessment.prepare import Assessment, assessment_for
from workbook.assessment.target_setting import TargetOptions, propose_targets, trajectory_table
from workbook.config.parameters import RunParameters
from workbook.present.charts import plot_target_options
from workbook.present.formats import format_count, format_pct, md_text
from workbook.present.provenance import provenance_table
from workbook.present.publisher import Publisher

FORECAST_LABELS = {"year": "Financial year", "forecast": "Forecast (no intervention)", "lower_95": "95% interval from",
                   "upper_95": "95% interval to", "months_forecast": "Months forecast"}
OPTION_LABELS = {"method": "Trajectory", "rate": "Change a year (%)", "year": "Financial year", "target": "Target",
                 "probability_met": "Chance the forecast meets it"}
OPTION_FORMATS = {"rate": "rate", "target": "count", "probability_met": "share"}


@dataclass
class TargetReport:
    """One target-setting report being written."""

    params: RunParameters
    assessment: Assessment
    options: list[TargetOptions]
    publisher: Publisher
    started: float = field(default_factory=time.perf_counter)

    @property
    def name(self) -> str:
        return self.assessment.config.short_name


def start_target_setting(params: RunParameters) -> TargetReport:
    """Prepare the area (or load what the runner prepared) and work out the options."""
    started = time.perf_counter()
    a = assessment_for(params)
    return TargetReport(params=params, assessment=a, options=propose_targets(a),
                        publisher=Publisher(params.output_dir or None, disclosure=a.config.disclosure_rule()),
                        started=started)


def title(rep: TargetReport) -> list[Any]:
    """Title and what the options rest on."""
    a = rep.assessment
    base = rep.options[0].baseline_year if rep.options else ""
    return [Markdown(
        f"# {md_text(a.config.name)}: target setting, data to {a.latest_month:%B %Y}\n\n"
        f"Options for the next plan's targets: the baseline is {base}, the last complete financial year; each "
        "trajectory is judged against the forecast of what happens without intervention.")]


def option_sentence(o: TargetOptions, *, rate: float = -5.0, method: str = "compound") -> str:
    """One sentence on an offence group's options.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"year": ["2024/25"], "forecast": [2164.0], "lower_95": [1426.0], "upper_95": [2902.0],
    ...                   "months_forecast": [12]})
    >>> opts = pd.DataFrame({"method": ["compound"], "rate": [-5.0], "year": ["2024/25"], "target": [1959.3],
    ...                      "probability_met": [0.293]})
    >>> option_sentence(TargetOptions("Burglary", "2022/23", 2171.0, f, opts))
    'Burglary: 2,171 in 2022/23; without intervention the forecast for 2024/25 is 2,164 (95% interval 1,426 to 2,902); a 5% a year reduction (compound) to 1,959 has a 29% chance of being met.'
    """
    row = o.options[(o.options["method"] == method) & (o.options["rate"] == rate)].iloc[-1]
    f = o.forecast.set_index("year").loc[row["year"]]
    word = "reduction" if rate < 0 else "increase"
    return (f"{o.category}: {format_count(round(o.baseline))} in {o.baseline_year}; without intervention the forecast "
            f"for {row['year']} is {format_count(round(f['forecast']))} (95% interval {format_count(round(f['lower_95']))} "
            f"to {format_count(round(f['upper_95']))}); a {format_pct(abs(rate))} a year {word} ({method}) to "
            f"{format_count(round(row['target']))} has a {format_pct(100 * row['probability_met'])} chance of being met.")


def options(rep: TargetReport) -> list[Any]:
    """For each candidate offence group: the forecast, the trajectory options and their chances."""
    alt = ("Charts, one per offence group, of the baseline year's count, the forecast of each of the next three "
           "years with its 95% interval, and the targets at 2%, 5% and 8% less a year (compound). "
           + " ".join(option_sentence(o) for o in rep.options))
    data = pd.concat([o.options.assign(category=o.category) for o in rep.options], ignore_index=True) \
        if rep.options else pd.DataFrame()
    out: list[Any] = [rep.publisher.figure(plot_target_options(rep.options), name="target_options", alt=alt,
                                           caption="Forecasts and target trajectories by offence group",
                                           data=data, formats=OPTION_FORMATS, labels=OPTION_LABELS)]
    for i, o in enumerate(rep.options):
        out.append(Markdown(f"### {md_text(o.category)}\n\n{md_text(option_sentence(o))}"))
        out.append(rep.publisher.table(o.forecast, name=f"forecast_{i + 1:02d}",
                                       caption=f"{o.category}: forecast by financial year, no intervention",
                                       formats={"forecast": "count", "lower_95": "count", "upper_95": "count"},
                                       labels=FORECAST_LABELS))
        out.append(rep.publisher.table(o.options, name=f"options_{i + 1:02d}",
                                       caption=f"{o.category}: trajectories from the {o.baseline_year} baseline",
                                       formats=OPTION_FORMATS, labels=OPTION_LABELS))
    return out


def plan_tables(rep: TargetReport, *, rate: float = -5.0) -> list[Any]:
    """The trajectory tables in the shape the plans publish (by district where there are several)."""
    out: list[Any] = []
    for i, o in enumerate(rep.options):
        t = trajectory_table(rep.assessment, category=o.category, rate=rate)
        formats = {c: ("pct" if c.endswith("%") else "count") for c in t.columns if c != "area"}
        out.append(rep.publisher.table(t, name=f"trajectory_{i + 1:02d}",
                                       caption=f"{o.category}: {format_pct(abs(rate))} a year (compound) from "
                                               f"{o.baseline_year}", formats=formats, labels={"area": "Area"}))
    return out


def provenance(rep: TargetReport) -> list[Any]:
    """How this report was produced."""
    p = rep.params
    return [rep.publisher.table(provenance_table(rep.assessment, parameters={"area": p.area, "period": p.period,
                                                                             "data_path": p.data_path},
                                                 started=rep.started),
                                name="provenance", caption="How this report was produced")]
