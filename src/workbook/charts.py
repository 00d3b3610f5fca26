"""Charts.  Each function draws what another module computed and returns a
matplotlib Figure; none computes statistics of its own.

Charts use a colour-blind-safe palette (Okabe–Ito) and never carry meaning
by colour alone: lines differ in style too, and every chart is published
with a sentence and its data table (see :mod:`workbook.report`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # reports are rendered without a screen

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from workbook.paths import RESOURCES_DIR  # noqa: E402

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
