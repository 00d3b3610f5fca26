"""Publishing from a notebook: accessible HTML tables and figures, and a CSV
of every table the report shows.

A notebook makes one :class:`Publisher` and passes every table and chart
through it.  In JupyterLab the result displays as HTML; in the exported
report it is the same HTML; and when the run gives a tables folder, the
table's data is also written there as ``<name>.csv``.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from workbook.present.tables import render_table_html
from workbook.stats.disclosure import apply_disclosure

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True)
class HTMLBlock:
    """A piece of report HTML that JupyterLab and nbconvert both display."""

    html: str

    def _repr_html_(self) -> str:
        return self.html


def figure_to_data_uri(fig: Figure) -> str:
    """The figure as a base64 PNG ``data:`` URI (self-contained, no file)."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    buf = io.BytesIO()
    # A constrained layout already fits titles and outside legends in the
    # figure; "tight" would draw the whole figure a second time to measure it.
    tight = not isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine)
    fig.savefig(buf, format="png", bbox_inches="tight" if tight else None)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


class Publisher:
    """Publishes a notebook's tables and figures.

    Parameters
    ----------
    output_dir
        The report's folder: each table is written to its ``tables/``
        subfolder as CSV.  ``None`` or ``""`` writes nothing (an analyst
        exploring in JupyterLab).

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> pub = Publisher(d)
    >>> block = pub.table(pd.DataFrame({"a": ["x"], "n": [5]}), name="demo", caption="Demo")
    >>> (Path(d) / "tables" / "demo.csv").read_text().splitlines()
    ['a,n', 'x,5']
    """

    def __init__(self, output_dir: str | Path | None = None, *, disclosure=None) -> None:  # noqa: ANN001
        self.tables_dir = Path(output_dir) / "tables" if output_dir else None
        self.names: list[str] = []
        self.disclosure = disclosure
        self._suppressed: list[pd.DataFrame] = []
        if self.tables_dir is not None:
            self.tables_dir.mkdir(parents=True, exist_ok=True)

    def _write_csv(self, df: pd.DataFrame, name: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"table name {name!r}: expected lower-case letters, digits, '-' or '_'")
        if name in self.names:
            raise ValueError(f"table name {name!r} is used twice in this report")
        self.names.append(name)
        if self.tables_dir is not None:
            df.to_csv(self.tables_dir / f"{name}.csv", index=False)

    def table(
        self,
        df: pd.DataFrame,
        *,
        name: str,
        caption: str,
        formats: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
        csv: pd.DataFrame | None = None,
        protect: Mapping[str, object] | None = None,
    ) -> HTMLBlock:
        """Show ``df`` as an accessible table and write it (or ``csv``) as CSV.

        With ``protect`` (keyword arguments of
        :func:`workbook.stats.disclosure.apply_disclosure`) and a disclosure rule,
        the published HTML and CSV are the protected table: small counts and
        anything they could be recovered from are suppressed.  ``csv`` (the
        fuller table, when given) is protected and ``df``'s columns are shown
        from it, so both carry the same suppressions.
        """
        full = df if csv is None else csv
        if protect is not None and self.disclosure is not None:

            result = apply_disclosure(full, rule=self.disclosure, **protect)
            if result.n_suppressed:
                self._suppressed.append(result.to_frame().assign(table=caption))
            published = result.published
            shown = published[list(df.columns)]
        else:
            published, shown = full, df
        self._write_csv(published, name)
        return HTMLBlock(render_table_html(shown, caption=caption, formats=formats, labels=labels))

    def suppression_log(self) -> pd.DataFrame:
        """Every cell suppressed so far: table, row, column, reason (never the value)."""
        if not self._suppressed:
            return pd.DataFrame(columns=["table", "row", "column", "reason"])
        log = pd.concat(self._suppressed, ignore_index=True)
        return log[["table", "row", "column", "reason"]]

    def figure(
        self,
        fig: Figure,
        *,
        name: str,
        alt: str,
        caption: str,
        data: pd.DataFrame,
        formats: Mapping[str, str] | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> HTMLBlock:
        """Show a chart with its text alternative, caption and data table.

        The chart's data are written as ``<name>.csv``, and shown under the
        chart in a disclosure widget so screen-reader users have the numbers.
        """
        if not alt or len(alt.split()) < 5:
            raise ValueError(f"figure {name!r}: alt text must be a sentence saying what the chart shows")
        self._write_csv(data, name)
        uri = figure_to_data_uri(fig)
        plt.close(fig)
        table = render_table_html(data, caption=f"Data: {caption}", formats=formats, labels=labels)
        return HTMLBlock(
            f'<figure class="chart"><img src="{uri}" alt="{html.escape(alt, quote=True)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            f"<details class=\"chart-data\"><summary>Show the data behind this chart</summary>{table}</details>"
        )
