"""The report's annex text: title, sources, methods, suppression and accessibility notes."""

from __future__ import annotations

import pandas as pd

from workbook.core.paths import RESOURCES_DIR
from workbook.present.charts import load_series_breaks
from workbook.present.formats import md_text

# --------------------------------------------------------------------------- report sections


def title_markdown(assessment) -> str:  # noqa: ANN001 - Assessment (import would be circular)
    """The report's one top-level heading and its lead sentence.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> print(title_markdown(prepare_assessment("lambeth", period="2023-11")).splitlines()[0])
    # London Borough of Lambeth: Partnership Strategic Assessment 2023/24
    """
    a = assessment
    return (
        f"# {md_text(a.config.name)}: Partnership Strategic Assessment {a.periods.financial_year}\n\n"
        f"Police recorded crime for {a.periods.current.label}, compared with the same months a year earlier "
        f"({a.periods.previous.label}). Prepared with csp-workbook from {md_text(a.config.source.description)}."
    )


def sources_markdown(assessment) -> str:  # noqa: ANN001
    """Where the figures come from, with the licence attribution.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> "Open Government Licence" in sources_markdown(prepare_assessment("lambeth", period="2023-11"))
    True
    """
    a = assessment
    return (
        f"- **Police recorded crime**: {md_text(a.config.source.description)}, {a.first_month:%B %Y} to "
        f"{a.latest_month:%B %Y}. {md_text(a.config.source.licence)}\n"
        f"- **Population**: {md_text(a.population.source)}. Source: Office for National Statistics licensed under the "
        "Open Government Licence v3.0."
        + (f" The file has no estimate for {a.population.year}, so the latest, mid-{a.population.estimate_year}, is "
           "carried forward: rates per resident use it." if a.population.carried_forward else "")
        + "\n"
        "- Counts are offences recorded by the police in the month; recent months may be revised by later "
        "releases. Percentages are rounded to whole per cent; differences are computed, never typed."
    )


def peer_group_markdown(pc, *, area: str, reason: str = "") -> str:  # noqa: ANN001 - PeerComparison | None
    """How the peer group was made, and who is in it; or why there is none.

    Examples
    --------
    >>> print(peer_group_markdown(None, area="City of London", reason="the police data cover only this partnership"))
    No peer comparison for City of London: the police data cover only this partnership. Add peers' data and list them under `peers` in the area's config to compare.
    """
    if pc is None:
        return (f"No peer comparison for {md_text(area)}: {md_text(reason or 'no peer group could be formed')}. "
                "Add peers' data and list them under `peers` in the area's config to compare.")
    names = [md_text(pc.names[p]) for p in pc.group.peers]
    area = md_text(area)
    how = (
        "The Home Office's Most Similar Groups are not published, so this group was built by the workbook: the "
        f"{len(names)} areas nearest to {area} on residents, population density (2011 Census land area) and the "
        "crime mix (shares of violence, theft, burglary and vehicle crime over the last 12 months), each "
        "standardised. It is *not* the official Most Similar Group."
        if pc.group.method == "nearest neighbours"
        else "The peers are those listed in the area's configuration."
    )
    return (
        f"{how}\n\nPeers: {', '.join(names)}. Rates are over {pc.window.label}. Crime rates vary between areas "
        "far more than chance alone would make them (the table gives this variation as phi; 1 would be chance "
        "alone), so an area is judged against funnel limits that allow for it, for each offence group as for all "
        "crime in the funnel plot: *similar* to the peer group when its rate lies within the 95% limits, otherwise "
        "better or worse, marked 99.8% when beyond those limits too. The same verdict is used in the table, the "
        "sentences and the priority matrix; the Poisson-only comparison (the area's own 95% interval against the "
        "peer rate) is shown for reference but not used, because it ignores that variation. Drugs and weapons "
        "possession offences mostly reflect police activity, so they are compared without judgement."
    )


def suppression_markdown(log: pd.DataFrame, *, rule) -> str:  # noqa: ANN001 - DisclosureRule
    """What disclosure control did to the published tables, for the annex.

    Examples
    --------
    >>> from workbook.config.disclosure import DisclosureRule
    >>> suppression_markdown(pd.DataFrame(columns=["table", "row", "column", "reason"]), rule=DisclosureRule())[:50]
    'Small numbers: counts from 1 to 4 of sensitive off'
    """
    cats = "every offence group" if rule.all_categories else "sensitive offences (" + ", ".join(rule.categories) + ")"
    levels = " and ".join({"sub_area": "district or neighbourhood", "area": "partnership"}[lv] for lv in rule.levels)
    head = (
        f"Small numbers: counts from 1 to {rule.threshold - 1} of {cats} at {levels} level are shown as "
        f"\"{md_text(rule.symbol)}\", with further cells suppressed where a hidden count could be worked out from "
        "totals, differences or other tables (a parent offence group and its parts, districts and the partnership "
        "are protected together), and rates or percentages suppressed with their counts"
        + (f"; other counts in those rows are rounded to the nearest {rule.rounding}, totals like their parts, "
           "and their differences, % changes, ratios, p-values and rates are worked out from the rounded counts"
           if rule.rounding else "")
        + ". Every table and chart published is checked, by linear programming over all of them, so that no "
        "protected count can be narrowed to one value."
    )
    if log.empty:
        return head + " No cell in this report needed suppressing."
    per_table = log.groupby("table", sort=False).size()
    parts = [f"{md_text(t)} ({n} cell{'s' if n != 1 else ''})" for t, n in per_table.items()]
    return head + f" Suppressed in this report: {'; '.join(parts)}."


def accessibility_statement() -> str:
    """The report's accessibility statement (WCAG 2.2 AA), as Markdown.

    Examples
    --------
    >>> "(WCAG) 2.2 at level AA" in accessibility_statement()
    True
    """
    return (
        "This report is published as a single HTML file that works without a network connection: it loads no "
        "scripts, fonts or images from any other site. It aims to meet the Web Content Accessibility Guidelines "
        "(WCAG) 2.2 at level AA, as the Public Sector Bodies Accessibility Regulations 2018 require. Every chart "
        "has a text description generated from its data and the table of figures behind it; tables have header "
        "cells and captions; colours are from a colour-blind-safe palette and no meaning is carried by colour "
        "alone; the page is in British English and prints cleanly. Each report is checked automatically with "
        "axe-core against the WCAG A and AA rules before release. If you find a problem or need the "
        "information in another format, contact the partnership's community safety team."
    )


def illustrative_note(what: str) -> str:
    """The label every illustrative (invented) number carries.

    Examples
    --------
    >>> illustrative_note("local indicators")[:33]
    '**Illustrative data.** The local '
    """
    return (
        f"**Illustrative data.** The {what} below are invented for demonstration; no real file of them exists for "
        "this area. Replace them with the partnership's own before using this report."
    )


# --------------------------------------------------------------------------- methods annex


def methods_markdown(assessment, analysis) -> str:  # noqa: ANN001
    """The methods used, with their references, and the series breaks in range.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> from workbook.assessment.analyse import analyse_assessment
    >>> a = prepare_assessment("lambeth", period="2023-11")
    >>> "Making Data Count" in methods_markdown(a, analyse_assessment(a))
    True
    """

    a, r = assessment, analysis
    weights = r.harm.attrs if hasattr(r.harm, "attrs") else {}
    wname = r.harm["weights_name"].iloc[0] if "weights_name" in r.harm and len(r.harm) else weights.get("name", "")
    wver = r.harm["weights_version"].iloc[0] if "weights_version" in r.harm and len(r.harm) else weights.get("version", "")
    lines = [
        "- **Change on last year**: difference and % change, with a two-sample Poisson test (exact conditional) and "
        "the rate ratio's 95% score interval (statsmodels `test_poisson_2indep`, `confint_poisson_2indep`).",
        "- **Rates per 1,000**: exact Poisson intervals below 10 events, Byar's approximation from 10 (as "
        "PHEindicatormethods `phe_rate`); burglary per 1,000 households from the Census nearest the period (2021 "
        "from 2021 on, else 2011), everything else per 1,000 residents (mid-year estimates). A year-to-date rate is "
        "annualised (multiplied by 12 over the months counted) so it compares with 12-month rates such as the "
        "peer group's; seasonal offences can make an annualised part-year rate differ from the full year's.",
        "- **Comparison with peers**: the area's rate against funnel limits around the peer-group rate with an "
        "overdispersion adjustment (Spiegelhalter 2005; as FunnelPlotR: square-root z-scores winsorised at 10%, "
        "φ = Σz²/n, DerSimonian–Laird τ², limits from √(s² + τ²)), for each offence group: similar within the 95% "
        "limits, better or worse beyond them (99.8% as a second tier). The Fingertips Poisson rule is shown "
        "beside it but not used.",
        "- **Control charts**: XmR charts with the NHS England *Making Data Count* rules as NHSRplotthedots "
        "0.2.2 applies them by default: limits at the mean ± 2.66 × the mean moving range, after leaving out "
        "moving ranges of 3.267 × their mean or more; a point outside the limits outranks a run of seven rising or "
        "falling, which outranks two of three near a limit, which outranks seven on one side of the mean; a "
        "warning below 13 points; never re-based automatically.",
        "- **Direction of travel**: each offence group's next 12 months are forecast (an equal-weight combination "
        "of seasonal naive, ETS, STL + ETS and a trend-and-season regression, fitted to the last 36 months) and the "
        "forecast total compared with the total recorded in the last 12 months: *increasing* when the whole 80% "
        "prediction interval of the next 12 months' total lies above the last 12 months' total, *decreasing* when it "
        "lies wholly below, otherwise *no clear change*. The interval is the forecast total ± the series' own typical "
        "year-on-year change in 12-month totals × a multiplier set from the errors the same method made on every "
        "London borough's six largest offence groups, forecasting from every month from 2013 to 2023. Checked on "
        "later published months (forecasts from November 2023), 80% intervals contained 81.7% of 12-month totals and "
        "95% intervals 96.5%; *increasing* was followed by a rise in the next 12 months 85% of the time and "
        "*decreasing* by a fall 88% of the time. *No clear change* means the forecast cannot tell the direction, not "
        "that the count will stay level: 44% of such cases were followed by a change of more than 10%. The five-year "
        "trend is shown beside the label for context and does not change it.",
        "- **Five-year trend**: the Fingertips recent-trend marker, a weighted regression over the last five "
        "12-month totals, significant at 99.8%, with a leave-one-out check of the slope's sign.",
        f"- **Harm**: harm-weighted counts using {md_text(wname)} (version {md_text(wver)}): the ONS Crime "
        "Severity Score weight of each Home Office offence code (2019/20 list, in days of custody equivalent); a "
        "police.uk category's weight is the average of its offences' weights over an assumed mix: England and Wales "
        "recorded offences in 2018 by ONS sub-group (police force area Table P1; sub-groups the table does not "
        "separate are split as in London), with each sub-group's codes weighted equally or, where marked, its main "
        "offence alone, leaving out rarer and more serious codes such as aggravated burglary and GBH with intent "
        "(so those weights, violence above all, are lower bounds). Robbery, theft from the person, bicycle theft "
        "and shoplifting carry their published weight whatever the mix, and where the data give the Metropolitan "
        "Police's minor categories each is weighted separately, so the area's own mix sets its category weights.",
        "- **Priority setting**: a scanning matrix scoring volume, rate against peers, direction of travel, harm, "
        "performance against target, public concern, statutory duty and emerging issues; the analyst's overrides "
        "are shown beside the recommendation.",
    ]
    breaks = load_series_breaks()
    in_range = breaks[(breaks["month"] >= a.first_month) & (breaks["month"] <= a.latest_month)]
    for _, b in in_range.iterrows():
        lines.append(f"- **Series break, {b['month']:%B %Y}**: {md_text(b['detail'])} Marked on the trend charts.")
    return "\n".join(lines)


def inputs_note(config, section: str) -> str:  # noqa: ANN001 - AreaConfig
    """Where a chapter's analyst inputs come from, and whether they are illustrative.

    Examples
    --------
    >>> import types
    >>> inputs_note(types.SimpleNamespace(illustrative_inputs=["appendices"]), "appendices")[:25]
    '**Illustrative data.** Th'
    >>> inputs_note(types.SimpleNamespace(illustrative_inputs=[]), "priorities")
    "The analyst's inputs to this chapter are set in the area's configuration (`priorities`)."
    """
    if section in config.illustrative_inputs:
        what = {"priorities": "analyst's inputs to the matrix (public concern, statutory duties, emerging issues)",
                "appendices": "plan entries (measures, actions and spending)",
                "targets": "targets"}.get(section, section)
        return illustrative_note(what).replace("The ", "The ", 1)
    return f"The analyst's inputs to this chapter are set in the area's configuration (`{section}`)."


def load_forecast_accuracy() -> pd.DataFrame:
    """The forecasting benchmark's last measured summary (see benchmarks/README.md).

    Examples
    --------
    >>> t = load_forecast_accuracy()
    >>> t.set_index("method").loc["combination", "mean_mase"] < t.set_index("method").loc["seasonal_naive", "mean_mase"]
    np.True_
    """

    return pd.read_csv(RESOURCES_DIR / "forecast_accuracy.csv")


def accuracy_markdown(table: pd.DataFrame) -> str:
    """The sentence introducing the backtest table.

    Examples
    --------
    >>> accuracy_markdown(load_forecast_accuracy())[:40]
    'Evidence for the forecasting method: for'
    """
    return (
        "Evidence for the forecasting method: forecasts made every month from November 2023 to May 2026 for "
        f"{int(table['series'].iloc[0])} series (every London borough × its six largest offence groups), scored "
        f"against the Met's later published months, measured {table['measured'].iloc[0]} by "
        "`benchmarks/forecast_accuracy.py`. The intervals were calibrated only on months up to November 2023. MASE "
        "is scaled by the seasonal naive forecast (lower is better); coverage is the share of outcomes inside the "
        "intervals, for single months and for 12-month totals."
    )
