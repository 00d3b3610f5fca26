"""Charts.  Each function draws what another module computed and returns a
matplotlib Figure; none computes statistics of its own.

Charts use a colour-blind-safe palette (Okabe–Ito) and never carry meaning
by colour alone: lines differ in style too, and every chart is published
with a sentence and its data table (see :mod:`workbook.present.publisher`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.dates as mdates
import matplotlib.patches
import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from workbook.core.paths import RESOURCES_DIR

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
INK = "#1b1b1b"


def apply_style() -> None:
    """The house style: large readable text, light grid, Okabe–Ito colours."""
    sns.set_theme(
        context="notebook",
        style="whitegrid",
        palette=list(OKABE_ITO),
        rc={
            "axes.edgecolor": "#555555",
            "axes.labelcolor": INK,
            "text.color": INK,
            "xtick.color": INK,
            "ytick.color": INK,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "font.size": 11,
            "figure.dpi": 100,
            "savefig.dpi": 110,
        },
    )


def load_series_breaks() -> pd.DataFrame:
    """Known breaks in police recorded crime series (month, label, detail).

    Examples
    --------
    >>> load_series_breaks()["month"].dt.year.tolist()
    [2002, 2014]
    """
    br = pd.read_csv(RESOURCES_DIR / "series_breaks.csv", dtype=str)
    br["month"] = pd.to_datetime(br["month"], format="%Y-%m")
    return br


def _finish_grid(fig: Figure, axes, n: int, *, key=lambda label: label) -> None:  # noqa: ANN001
    """Hide a grid's unused panels and give the figure one legend below them,
    gathered from every used panel's labels (``key`` merges labels that
    name the same thing)."""
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    handles: dict[str, object] = {}
    for ax in axes.flat[:n]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(key(lab), h)
    fig.legend(list(handles.values()), list(handles.keys()), loc="outside lower center",
               ncols=min(4, len(handles)), frameon=False)


def plot_monthly_trends(
    monthly: pd.DataFrame,
    *,
    categories: Sequence[str],
    ncols: int = 2,
    rolling: int = 12,
    breaks: pd.DataFrame | None = None,
) -> Figure:
    """Small multiples: each category's monthly count and its rolling average.

    Each panel has its own y-axis starting at zero, so small categories are
    readable next to large ones.  Series breaks within the range are marked
    with a dotted vertical line and numbered in the legend.

    Parameters
    ----------
    monthly
        Counts indexed by month (DatetimeIndex), one column per category.
    categories
        The columns to draw, in panel order.
    rolling
        Window of the rolling mean drawn over the monthly counts.
    breaks
        Series breaks (``month, label``); default: the known ones.

    Examples
    --------
    >>> idx = pd.date_range("2020-01-01", periods=24, freq="MS")
    >>> fig = plot_monthly_trends(pd.DataFrame({"A": range(24), "B": range(24)}, index=idx), categories=["A", "B"])
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    apply_style()
    breaks = load_series_breaks() if breaks is None else breaks
    n = len(categories)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 2.9 * nrows), sharex=True, squeeze=False, layout="constrained")
    in_range = breaks[(breaks["month"] > monthly.index.min()) & (breaks["month"] <= monthly.index.max())]
    for ax, cat in zip(axes.flat, categories):
        y = monthly[cat]
        ax.plot(y.index, y.to_numpy(), color=OKABE_ITO[0], linewidth=1, alpha=0.8, label="Monthly count")
        if len(y) >= rolling:
            ax.plot(
                y.index,
                y.rolling(rolling).mean().to_numpy(),
                color=OKABE_ITO[1],
                linewidth=2.4,
                linestyle="--",
                label=f"{rolling}-month average",
            )
        for _, b in in_range.iterrows():
            ax.axvline(b["month"], color="#444444", linestyle=":", linewidth=1.5, label=f"Series break: {b['label']}")
        ax.set_title(cat, loc="left")
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.xaxis.set_major_locator(mdates.YearLocator(base=2 if len(y) > 72 else 1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(3, len(labels)), frameon=False)
    fig.supylabel("Offences recorded per month")
    return fig


def plot_xmr_grid(results, *, ncols: int = 2) -> Figure:  # noqa: ANN001 - Mapping[str, XmRResult]
    """Small multiples of XmR charts, one per category (drawn by ``XmRResult.plot``).

    Examples
    --------
    >>> from workbook.stats.spc import compute_xmr
    >>> idx = pd.date_range("2021-01-01", periods=15, freq="MS")
    >>> r = compute_xmr(pd.Series([5.0, 7] * 7 + [30.0], index=idx), polarity="lower_is_better")
    >>> fig = plot_xmr_grid({"Robbery": r})
    >>> fig.axes[0].get_title(loc="center")
    'Robbery'
    >>> plt.close(fig)
    """
    apply_style()
    n = len(results)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.2 * nrows), squeeze=False, layout="constrained")
    for ax, (cat, res) in zip(axes.flat, results.items()):
        res.plot(ax=ax, title=cat)
        ax.get_legend().remove()
        ax.set_ylim(bottom=0)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 7)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    # "mean (…)" labels differ by panel; one legend entry serves them all
    _finish_grid(fig, axes, n, key=lambda lab: "mean" if lab.startswith("mean") else lab)
    fig.supylabel("Offences recorded per month")
    return fig


def plot_peer_rates(rates: pd.DataFrame, *, area: str) -> Figure:
    """The area's rate per 1,000 with its 95% interval against the peer-group rate.

    One row per category; the area's rate is a filled circle with an error
    bar, the peer rate an open diamond, and the verdict is written beside it.
    The all-crime row is left out (its scale would flatten the others; the
    funnel plot shows it).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["A"], "rate": [5.0], "lower_95": [4.0], "upper_95": [6.0],
    ...                   "peer_rate": [7.0], "comparison": ["better (99.8%)"]})
    >>> fig = plot_peer_rates(t, area="X")
    >>> fig.axes[0].get_xlabel()
    'Offences per 1,000 residents, last 12 months'
    >>> plt.close(fig)
    """
    apply_style()
    t = rates[rates["category"] != "All crime"].iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.62 * len(t) + 1.6), layout="constrained")
    y = range(len(t))
    ax.errorbar(t["rate"], y, xerr=[t["rate"] - t["lower_95"], t["upper_95"] - t["rate"]], fmt="o",
                color=OKABE_ITO[0], ecolor=OKABE_ITO[0], capsize=4, markersize=8, label=f"{area} (95% interval)")
    ax.scatter(t["peer_rate"], y, marker="D", s=60, facecolors="white", edgecolors=OKABE_ITO[1], linewidths=2,
               label="Peer group rate", zorder=3)
    ax.set_yticks(list(y), t["category"])
    xmax = float(max(t["upper_95"].max(), t["peer_rate"].max()))
    for i, verdict in enumerate(t["comparison"]):
        ax.text(xmax * 1.04, i, str(verdict), va="center", fontsize=10)
    ax.set_xlim(0, xmax * 1.32)
    ax.set_xlabel("Offences per 1,000 residents, last 12 months")
    fig.legend(loc="outside upper center", ncols=2, frameon=False)
    return fig


def plot_funnel(funnel_table: pd.DataFrame, funnel, *, focal: str) -> Figure:  # noqa: ANN001 - FunnelLimits
    """A funnel plot: each area's rate against its population, with 95% and 99.8% limits.

    Examples
    --------
    >>> from workbook.stats.funnel import compute_funnel_limits
    >>> f = compute_funnel_limits(10, [1000, 4000, 9000], observed=[12, 38, 95])
    >>> t = f.to_frame().assign(area=["A", "B", "C"])
    >>> fig = plot_funnel(t, f, focal="A")
    >>> fig.axes[0].get_ylabel()
    'Offences per 1,000 residents'
    >>> plt.close(fig)
    """
    apply_style()
    fig, ax = plt.subplots(figsize=(10, 5.5), layout="constrained")
    n = funnel_table["denominator"].to_numpy(dtype=float)
    grid = np.linspace(n.min() * 0.8, n.max() * 1.2, 200)
    lim = funnel.limits_at(grid)
    ax.axhline(funnel.benchmark_rate, color=INK, linewidth=1.2, label="Peer group rate")
    for level, style in (("95", "--"), ("99_8", ":")):
        label = "95% limits" if level == "95" else "99.8% limits"
        ax.plot(grid, lim[f"upper_{level}"], color="#555555", linestyle=style, label=label)
        ax.plot(grid, lim[f"lower_{level}"], color="#555555", linestyle=style)
    others = funnel_table[funnel_table["area"] != focal]
    me = funnel_table[funnel_table["area"] == focal]
    ax.scatter(others["denominator"], others["rate"], color=OKABE_ITO[0], s=45, label="Peers", zorder=3)
    ax.scatter(me["denominator"], me["rate"], color=OKABE_ITO[1], marker="*", s=260, edgecolors=INK,
               label=focal, zorder=4)
    for _, r in funnel_table.iterrows():
        ax.annotate(r["area"], (r["denominator"], r["rate"]), textcoords="offset points", xytext=(6, 4), fontsize=9)
    ax.set_xlabel("Residents")
    ax.set_ylabel("Offences per 1,000 residents")
    ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    fig.legend(loc="outside right upper", frameon=False)
    return fig


def plot_forecast_grid(forecasts, *, targets=None, ncols: int = 2) -> Figure:  # noqa: ANN001
    """Small multiples of forecasts (drawn by ``ForecastResult.plot``): the
    last 36 months, the next 12 with 80% and 95% intervals, and a monthly
    target line where a target is given (``{category: monthly value}``).

    Examples
    --------
    >>> from workbook.forecast.series import forecast_series
    >>> y = pd.Series([10.0, 12, 11, 13] * 9, index=pd.date_range("2020-01-01", periods=36, freq="MS"))
    >>> fig = plot_forecast_grid({"Robbery": forecast_series(y, method="seasonal_naive")})
    >>> fig.axes[0].get_title()
    'Robbery'
    >>> plt.close(fig)
    """
    apply_style()
    targets = targets or {}
    n = len(forecasts)
    nrows = math.ceil(n / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(11, 3.2 * nrows), squeeze=False, layout="constrained")
    for ax, (cat, f) in zip(axes.flat, forecasts.items()):
        f.plot(ax=ax, target=targets.get(cat))
        ax.set_title(cat)
        if ax.get_legend():
            ax.get_legend().remove()
        ax.set_ylim(bottom=0)
        ax.set_xlabel("")
        ax.set_ylabel("")
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    _finish_grid(fig, axes, n)
    fig.supylabel("Offences recorded per month")
    return fig


def plot_target_options(options, *, ncols: int = 2) -> Figure:  # noqa: ANN001 - Sequence[TargetOptions]
    """Small multiples, one per offence group: the baseline, the forecast of each plan year with its 95%
    interval, and the compound trajectories (a line per rate a year), so a reader sees which targets the
    forecast would meet without intervention.

    Examples
    --------
    >>> from workbook.assessment.target_setting import TargetOptions
    >>> f = pd.DataFrame({"year": ["2024/25", "2025/26"], "forecast": [100.0, 98.0], "lower_95": [90.0, 80.0],
    ...                   "upper_95": [110.0, 116.0], "months_forecast": [12, 12]})
    >>> o = pd.DataFrame({"method": ["compound"] * 2, "rate": [-5.0] * 2, "year": ["2024/25", "2025/26"],
    ...                   "target": [95.0, 90.25], "probability_met": [0.3, 0.3]})
    >>> fig = plot_target_options([TargetOptions("Robbery", "2023/24", 100.0, f, o)])
    >>> len(fig.axes[0].lines) >= 2
    True
    """
    apply_style()
    n = max(len(options), 1)
    rows = math.ceil(n / ncols)
    fig, axes = plt.subplots(rows, ncols, figsize=(6.2 * ncols, 3.6 * rows), squeeze=False, layout="constrained")
    for ax, o in zip(axes.flat, options, strict=False):
        years = [o.baseline_year, *o.forecast["year"]]
        x = range(len(years))
        f = o.forecast
        ax.errorbar(list(x)[1:], f["forecast"], yerr=[f["forecast"] - f["lower_95"], f["upper_95"] - f["forecast"]],
                    fmt="o", color=INK, capsize=4, label="Forecast, no intervention (95% interval)")
        ax.plot([0], [o.baseline], marker="s", color=INK, linestyle="none", label="Baseline (recorded)")
        styles = ["-", "--", ":"]
        compound = o.options[o.options["method"] == "compound"]
        for i, (rate, g) in enumerate(compound.groupby("rate", sort=False)):
            ax.plot(list(x), [o.baseline, *g["target"]], linestyle=styles[i % 3], color=OKABE_ITO[(i + 1) % 8],
                    label=f"Target: {rate:+g}% a year")
        ax.set_xticks(list(x), years)
        ax.set_title(o.category, loc="left")
        ax.set_ylabel("Offences a year")
        ax.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    _finish_grid(fig, axes, n)
    return fig


def plot_latest_against_limits(spc_table: pd.DataFrame) -> Figure:
    """One row per offence group: the latest month against its control limits, each as a share of the
    group's average month, so groups of different sizes share one axis. A point outside its band is
    special-cause variation; the marker's shape and colour say which kind (never colour alone).

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery"], "latest": [130.0], "mean": [100.0], "lower_limit": [70.0],
    ...                   "upper_limit": [125.0], "latest_variation": ["special cause concern"]})
    >>> fig = plot_latest_against_limits(t)
    >>> [round(line.get_xdata()[0]) for line in fig.axes[0].lines if line.get_marker() == "X"]  # latest, % of mean
    [130]
    """
    apply_style()
    t = spc_table.iloc[::-1].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(t) + 1.6), layout="constrained")
    styles = {"common cause": ("o", "#595959"), "special cause concern": ("X", "#D55E00"),
              "special cause improvement": ("s", "#0072B2"), "special cause neutral": ("^", "#CC79A7")}
    seen = set()
    for i, r in t.iterrows():
        lo, hi = 100 * r["lower_limit"] / r["mean"], 100 * r["upper_limit"] / r["mean"]
        ax.plot([lo, hi], [i, i], color="#BBBBBB", linewidth=6, solid_capstyle="butt",
                label="Control limits" if "limits" not in seen else None)
        seen.add("limits")
        marker, colour = styles.get(r["latest_variation"], ("o", INK))
        label = r["latest_variation"] if r["latest_variation"] not in seen else None
        seen.add(r["latest_variation"])
        ax.plot([100 * r["latest"] / r["mean"]], [i], marker=marker, color=colour, markersize=11, linestyle="none",
                label=label)
    ax.axvline(100, color=INK, linewidth=1, label="Average month")
    ax.set_yticks(range(len(t)), t["category"])
    ax.set_xlabel("Latest month, as % of the average month (limits likewise)")
    ax.grid(axis="y", visible=False)
    fig.legend(loc="outside lower center", ncols=3, frameon=False)
    return fig


def plot_change_on_last_year(ytd: pd.DataFrame, *, label: str) -> Figure:
    """One bar per offence group: its change on the same months last year (per cent), largest rise at the top.

    A change beyond normal variation (the table's ``significant``) is hatched and
    every bar is labelled with its per cent and counts, so neither colour nor
    hatching alone carries the meaning.  ``ytd`` holds the rows to draw
    (``category, previous, current, pct_change, significant``); ``label`` names
    the two periods for the axis ("Apr–Nov 2023 against Apr–Nov 2022").

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["Robbery", "Burglary"], "previous": [100, 200], "current": [120, 150],
    ...                   "pct_change": [20.0, -25.0], "significant": [False, True]})
    >>> fig = plot_change_on_last_year(t, label="Apr–Nov 2023 against Apr–Nov 2022")
    >>> [tick.get_text() for tick in fig.axes[0].get_yticklabels()]  # from the bottom: the largest rise on top
    ['Burglary', 'Robbery']
    >>> [bool(bar.get_hatch()) for bar in fig.axes[0].patches]  # the fall beyond normal variation is hatched
    [True, False]
    >>> plt.close(fig)
    """
    apply_style()
    t = ytd.sort_values("pct_change", kind="stable").reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(t) + 1.8), layout="constrained")
    lo, hi = min(float(t["pct_change"].min()), 0.0), max(float(t["pct_change"].max()), 0.0)
    span = max(hi - lo, 1.0)
    for i, r in t.iterrows():
        up = r["pct_change"] > 0
        ax.barh(i, r["pct_change"], color=OKABE_ITO[1] if up else OKABE_ITO[0], edgecolor=INK, linewidth=0.6,
                hatch="//" if r["significant"] else None)
        text = f"{r['pct_change']:+.0f}%  ({r['current']:,.0f}, was {r['previous']:,.0f})"
        ax.text(r["pct_change"] + (0.02 if up else -0.02) * span, i, text, va="center",
                ha="left" if up else "right", fontsize=9.5)
    ax.axvline(0, color=INK, linewidth=1)
    ax.set_yticks(range(len(t)), t["category"])
    # room beside the longest bars for their labels
    ax.set_xlim(lo - (0.55 * span if lo < 0 else 0.05 * span), hi + (0.55 * span if hi > 0 else 0.05 * span))
    ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:+.0f}%"))
    ax.set_xlabel(f"Change, {label}")
    ax.grid(axis="y", visible=False)
    handles = [matplotlib.patches.Patch(facecolor="white", edgecolor=INK, hatch="//", label="Beyond normal variation"),
               matplotlib.patches.Patch(facecolor="white", edgecolor=INK, label="Within normal variation")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False)
    return fig
