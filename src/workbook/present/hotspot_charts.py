"""Charts of hotspots: top neighbourhoods and the hotspot map."""

from __future__ import annotations

import logging
import math

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from workbook.core.errors import ValueInputError
from workbook.present.charts import INK, OKABE_ITO, apply_style
from workbook.stats.hotspots import (
    EMERGING,
    FORMER,
    HOTSPOT_CLASSES,
    INTERMITTENT,
    NOT_HOTSPOT,
    PERSISTENT,
    HotspotClassification,
    TopNeighbourhoods,
)

logger = logging.getLogger(__name__)

# Each class has a hatch (bars), a marker (map) and a colour; hatch/marker and
# the written label carry the meaning, colour only repeats it.
_HATCH = {PERSISTENT: "///", EMERGING: "...", INTERMITTENT: "xx", FORMER: "\\\\", NOT_HOTSPOT: ""}
_MARKER = {PERSISTENT: "s", EMERGING: "^", INTERMITTENT: "D", FORMER: "v", NOT_HOTSPOT: "o"}
_COLOUR = {
    PERSISTENT: OKABE_ITO[1],  # vermilion
    EMERGING: OKABE_ITO[4],  # orange
    INTERMITTENT: OKABE_ITO[3],  # reddish purple
    FORMER: OKABE_ITO[0],  # blue
    NOT_HOTSPOT: "#999999",
}
_BAR = OKABE_ITO[5]  # sky blue: dark hatching and black text stay readable on it


# --------------------------------------------------------------------------- charts


def _class_lookup(classification: HotspotClassification | pd.Series | None) -> pd.Series | None:
    if classification is None:
        return None
    s = classification.classes() if isinstance(classification, HotspotClassification) else classification
    unknown = set(s.dropna().unique()) - set(HOTSPOT_CLASSES)
    if unknown:
        raise ValueInputError(
            f"unknown hotspot class(es) {sorted(unknown)}; expected one of {HOTSPOT_CLASSES}"
        )
    return s


def plot_top_neighbourhoods(
    top: TopNeighbourhoods,
    *,
    classification: HotspotClassification | pd.Series | None = None,
    title: str | None = None,
) -> Figure:
    """Ranked horizontal bars of the top neighbourhoods' counts.

    The current period is a bar, the previous period a black diamond on the
    same row.  Where a classification is given each bar is hatched by its
    class and the class is written after the count, so nothing depends on
    colour.  Records with no location are stated under the chart.

    Examples
    --------
    >>> from workbook.core.periods import Window
    >>> from workbook.stats.hotspots import top_neighbourhoods
    >>> df = pd.DataFrame({"month": pd.to_datetime(["2019-04-01"] * 3 + ["2020-04-01"] * 3),
    ...     "lsoa_code": ["A", "B", pd.NA] * 2, "lsoa_name": ["Alpha", "Beta", pd.NA] * 2,
    ...     "count": [10, 30, 4, 20, 25, 6]})
    >>> w = lambda y: Window(pd.Timestamp(y, 4, 1), pd.Timestamp(y, 4, 1))
    >>> fig = plot_top_neighbourhoods(top_neighbourhoods(df, current=w(2020), previous=w(2019)))
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]  # top to bottom
    ['Beta', 'Alpha']
    >>> plt.close(fig)
    """
    apply_style()
    t = top.table.iloc[::-1].reset_index(drop=True)  # largest at the top
    classes = _class_lookup(classification)
    names = [str(n) if pd.notna(n) else str(c) for n, c in zip(t["lsoa_name"], t["lsoa_code"])]
    height = max(2.5, 0.42 * len(t) + 1.6)
    fig, ax = plt.subplots(figsize=(9.5, height), layout="constrained")
    y = np.arange(len(t))
    cls = [classes.get(c, NOT_HOTSPOT) if classes is not None else None for c in t["lsoa_code"]]
    bars = ax.barh(y, t["current"], color=_BAR, edgecolor=INK, linewidth=0.6, height=0.65)
    for bar, c in zip(bars, cls):
        if c is not None:
            bar.set_hatch(_HATCH[c])
    ax.scatter(t["previous"], y, marker="D", s=36, color="#000000", zorder=3)
    xmax = float(max(t["current"].max(), t["previous"].max(), 1))
    for yi, cur, prev, c in zip(y, t["current"], t["previous"], cls):
        text = f"{int(cur):,}" + (f"  {c}" if c is not None else "")
        ax.text(float(max(cur, prev)) + xmax * 0.02, yi, text, va="center", fontsize=9, color=INK)
    ax.set_yticks(y, names)
    ax.set_xlim(0, xmax * (1.55 if classes is not None else 1.15))
    ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_xlabel("Offences recorded")
    ax.grid(axis="y", visible=False)
    ax.set_title(title or f"Neighbourhoods with most recorded crime, {top.current.label}", loc="left")
    handles = [
        Patch(facecolor=_BAR, edgecolor=INK, label=top.current.label),
        Line2D([], [], marker="D", linestyle="none", color="#000000", label=top.previous.label),
    ]
    if classes is not None:
        for c in HOTSPOT_CLASSES:
            if c in cls:
                handles.append(Patch(facecolor=_BAR, edgecolor=INK, hatch=_HATCH[c], label=c))
    ax.legend(handles=handles, loc="lower right", frameon=True, framealpha=0.9, fontsize=9)
    if top.no_location_current:
        fig.supxlabel(
            f"Not ranked: {top.no_location_current:,} records with no location in {top.current.label}.",
            x=0.01,
            ha="left",
            fontsize=8,
        )
    return fig


def plot_hotspot_map(
    centroids: pd.DataFrame,
    *,
    counts: pd.Series | None = None,
    classification: HotspotClassification | pd.Series | None = None,
    label_top: int = 5,
    title: str | None = None,
) -> Figure:
    """A map-like scatter of neighbourhoods at their crime centroids.

    Points sit at :func:`lsoa_centroids` positions (longitude, latitude on
    equal-distance axes), sized by ``counts``; with a classification, each
    class has its own marker shape and a legend, and hotspots are drawn over
    the rest.  The ``label_top`` largest counts are named on the chart.
    Neighbourhoods without a centroid are left out and said so.

    Examples
    --------
    >>> cen = pd.DataFrame({"lsoa_code": ["A", "B"], "lsoa_name": ["Alpha", "Beta"],
    ...                     "longitude": [-0.09, -0.08], "latitude": [51.51, 51.52], "n_records": [3, 1]})
    >>> fig = plot_hotspot_map(cen, counts=pd.Series({"A": 30, "B": 5, "C": 2}))
    >>> len(fig.axes[0].collections)
    1
    >>> plt.close(fig)
    """
    missing = [c for c in ("lsoa_code", "longitude", "latitude") if c not in centroids.columns]
    if missing:
        raise ValueInputError(f"centroids lack column(s) {missing}; expected the output of lsoa_centroids")
    apply_style()
    pts = centroids.set_index(centroids["lsoa_code"].astype(str))
    if counts is not None:
        size_by = counts.astype(float)
    else:
        size_by = pts.get("n_records", pd.Series(1.0, index=pts.index)).astype(float)
    absent = counts[counts > 0].index.difference(pts.index) if counts is not None else pd.Index([])
    if len(absent):
        logger.info("%d neighbourhoods have no centroid and are not drawn", len(absent))
    size_by = size_by.reindex(pts.index).fillna(0.0)
    classes = _class_lookup(classification)
    fig, ax = plt.subplots(figsize=(8, 7), layout="constrained")
    smax = float(size_by.max()) if float(size_by.max()) > 0 else 1.0
    sizes = 20 + 480 * np.sqrt(size_by / smax)
    groups = [None] if classes is None else [c for c in HOTSPOT_CLASSES[::-1]]
    for c in groups:
        sel = pts.index if c is None else pts.index[[classes.get(i, NOT_HOTSPOT) == c for i in pts.index]]
        if len(sel) == 0:
            continue
        ax.scatter(
            pts.loc[sel, "longitude"],
            pts.loc[sel, "latitude"],
            s=sizes[sel],
            marker=_MARKER[c] if c is not None else "o",
            color=_COLOUR[c] if c is not None else OKABE_ITO[0],
            edgecolor=INK,
            linewidth=0.6,
            alpha=0.8,
            label=c,
        )
    for code in size_by.sort_values(ascending=False, kind="stable").index[:label_top]:
        if size_by[code] <= 0:
            continue
        name = pts.loc[code, "lsoa_name"] if "lsoa_name" in pts.columns else code
        name = code if pd.isna(name) else name
        ax.annotate(
            str(name),
            (pts.loc[code, "longitude"], pts.loc[code, "latitude"]),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=8,
            color=INK,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
        )
    ax.set_aspect(1 / math.cos(math.radians(float(pts["latitude"].mean()))) if len(pts) else "auto")
    ax.set_xlabel("Longitude")
    ax.set_ylabel("Latitude")
    ax.set_title(title or "Neighbourhoods by recorded crime (centre of recorded locations)", loc="left")
    if classes is not None:
        handles = [
            Line2D(
                [], [], marker=_MARKER[c], linestyle="none", markersize=9,
                color=_COLOUR[c], markeredgecolor=INK, label=c,
            )
            for c in HOTSPOT_CLASSES
            if any(classes.get(i, NOT_HOTSPOT) == c for i in pts.index)
        ]
        ax.legend(handles=handles, loc="upper right", frameon=True, framealpha=0.9, fontsize=9)
    note = "Points: the average position of recorded crimes in each neighbourhood (police.uk, anonymised)."
    if len(absent):
        note += f"\nNot drawn: {len(absent):,} neighbourhoods with crime but no known position."
    fig.supxlabel(note, x=0.01, ha="left", fontsize=8)
    return fig
