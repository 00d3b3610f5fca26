"""Publishing from a notebook: accessible HTML tables and figures, and a CSV
of every table the report shows.

A notebook makes one :class:`Publisher` and passes every table and chart
through it.  In JupyterLab the result displays as HTML; in the exported
report it is the same HTML; and when the run gives a tables folder, the
table's data is also written there as ``<name>.csv``.

Disclosure control
------------------
Every published frame (a table's HTML and CSV, a chart's data table and CSV)
goes through one step, :meth:`Publisher.release`, that applies the area's
disclosure rule, so the HTML and the CSV always carry the same protected
figures:

* a table published with ``protect=`` (the structure of a comparison table,
  from :func:`workbook.stats.compare.comparison_protection`) is protected by
  :func:`workbook.stats.disclosure.apply_disclosure`: small counts suppressed,
  cells that would give them back suppressed, counts in covered rows rounded
  and their totals with them, derived columns worked out from the rounded
  counts;
* tables that share figures (a parent category, its child categories and
  their totals by district) are published through :meth:`Publisher.tables`
  and protected together
  (:func:`workbook.stats.disclosure.apply_disclosure_together`);
* a partnership figure published once keeps that form wherever it appears
  again: the publisher remembers each category's partnership row (from the
  year-to-date table, or a breakdown's total row), and a later breakdown's
  total row is held to it (never suppressed or rounded differently, and
  suppressed if it was suppressed before);
* a table or chart published without ``protect=`` is checked: if it names a
  category the rule covers at a level the rule covers (partnership figures
  when ``levels`` includes ``"area"``), publishing stops with an error rather
  than show those figures unprotected.  A chart cannot be protected after it
  is drawn, so charts of covered figures are refused.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from workbook.config.disclosure import DisclosureRule
from workbook.core.errors import ValueInputError
from workbook.present.tables import render_table_html
from workbook.stats.disclosure import DisclosureResult, apply_disclosure, apply_disclosure_together

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
    disclosure
        The area's disclosure rule; None publishes every figure as it is.

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> pub = Publisher(d)
    >>> block = pub.table(pd.DataFrame({"a": ["x"], "n": [5]}), name="demo", caption="Demo")
    >>> (Path(d) / "tables" / "demo.csv").read_text().splitlines()
    ['a,n', 'x,5']
    """

    def __init__(self, output_dir: str | Path | None = None, *, disclosure: DisclosureRule | None = None) -> None:
        self.tables_dir = Path(output_dir) / "tables" if output_dir else None
        self.names: list[str] = []
        self.disclosure = disclosure
        self._suppressed: list[pd.DataFrame] = []
        # category -> {"exact": {column: value}, "shown": {column: published value}} of its partnership row
        self._partnership: dict[str, dict[str, dict[str, Any]]] = {}
        if self.tables_dir is not None:
            self.tables_dir.mkdir(parents=True, exist_ok=True)

    def _check_name(self, name: str) -> None:
        if not _NAME.match(name):
            raise ValueError(f"table name {name!r}: expected lower-case letters, digits, '-' or '_'")
        if name in self.names:
            raise ValueError(f"table name {name!r} is used twice in this report")

    def _write_csv(self, df: pd.DataFrame, name: str) -> None:
        self._check_name(name)
        self.names.append(name)
        if self.tables_dir is not None:
            df.to_csv(self.tables_dir / f"{name}.csv", index=False)

    # ------------------------------------------------------------------
    # The one disclosure step.

    def release(
        self, frame: pd.DataFrame, *, name: str, caption: str, protect: Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        """``frame`` as it may be published under the area's rule.

        With ``protect`` (keyword arguments of
        :func:`~workbook.stats.disclosure.apply_disclosure`), the protected
        table; without, ``frame`` itself once it is checked to hold no figure
        the rule covers.  Every table, table CSV and chart data table goes
        through here.

        Raises
        ------
        ValueInputError
            ``frame`` has no ``protect`` but names a category whose figures
            the rule covers at the partnership level.

        Examples
        --------
        >>> pub = Publisher(disclosure=DisclosureRule(levels=["sub_area", "area"]))
        >>> pub.release(pd.DataFrame({"category": ["Burglary"], "n": [3]}), name="x", caption="X")["n"].tolist()
        [3]
        >>> pub.release(pd.DataFrame({"month": ["2023-01"], "Sexual offences": [3]}), name="y", caption="Y")
        Traceback (most recent call last):
        ...
        workbook.core.errors.ValueInputError: 'y' shows figures for 'Sexual offences', which the disclosure rule covers at partnership level; publish it with protect= (or leave the category out)
        """
        rule = self.disclosure
        if rule is None:
            return frame
        if protect is None:
            self._check_unprotected(frame, name)
            return frame
        spec = dict(protect)
        result = apply_disclosure(frame, rule=rule, **spec, **self._held(frame, spec))
        self._record(result, caption)
        self._remember(frame, result.published, spec)
        return result.published

    def _check_unprotected(self, frame: pd.DataFrame, name: str) -> None:
        rule = self.disclosure
        if rule is None or "area" not in rule.levels:
            return
        if rule.all_categories:
            return  # no category names to look for; a table of counts must pass protect= (see module notes)
        names = [str(c) for c in frame.columns]
        for col in frame.columns:
            if pd.api.types.is_object_dtype(frame[col].dtype) or pd.api.types.is_string_dtype(frame[col].dtype):
                names += [v for v in frame[col].dropna().unique() if isinstance(v, str)]
        for v in names:
            if rule.covers_category(v):
                raise ValueInputError(
                    f"{name!r} shows figures for {v!r}, which the disclosure rule covers at partnership level; "
                    "publish it with protect= (or leave the category out)"
                )

    @staticmethod
    def _partnership_rows(frame: pd.DataFrame, spec: Mapping[str, Any]) -> list[tuple[str, int]]:
        """(category, row position) of each partnership figure in a protected table."""
        label_col = spec.get("label_col")
        labels = list(frame[label_col]) if label_col else list(frame.index)
        if spec.get("level") == "area" and spec.get("category_col"):
            return [(str(c), i) for i, c in enumerate(frame[spec["category_col"]])]
        if spec.get("category") is not None and spec.get("total_row") in labels:
            return [(str(spec["category"]), labels.index(spec["total_row"]))]
        return []

    @staticmethod
    def _columns(spec: Mapping[str, Any]) -> list[str]:
        return [*spec.get("count_columns", ()), *dict(spec.get("difference_columns") or {})]

    def _same_figures(self, category: str, frame: pd.DataFrame, i: int, cols: Sequence[str]) -> bool:
        seen = self._partnership.get(category)
        return seen is not None and all(
            c in seen["exact"] and str(seen["exact"][c]) == str(frame[c].iloc[i]) for c in cols
        )

    def _held(self, frame: pd.DataFrame, spec: Mapping[str, Any]) -> dict[str, Any]:
        """Rows of ``frame`` that repeat a partnership figure already published: held to its published form."""
        cols = self._columns(spec)
        label_col = spec.get("label_col")
        labels = list(frame[label_col]) if label_col else list(frame.index)
        fixed, elsewhere = [], []
        for category, i in self._partnership_rows(frame, spec):
            if not self._same_figures(category, frame, i, cols):
                continue  # another figure under the same name (e.g. a different window): not held to it
            fixed.append(labels[i])
            shown = self._partnership[category]["shown"]
            elsewhere += [(labels[i], c) for c in cols if isinstance(shown[c], str)]
        return {"fixed_rows": fixed, "suppressed_elsewhere": elsewhere} if fixed else {}

    def _record(self, result: DisclosureResult, caption: str) -> None:
        if result.n_suppressed:
            self._suppressed.append(result.to_frame().assign(table=caption))

    def _remember(self, frame: pd.DataFrame, published: pd.DataFrame, spec: Mapping[str, Any]) -> None:
        """Note each category's partnership row as published, and check a repeat matches it."""
        cols = self._columns(spec)
        for category, i in self._partnership_rows(frame, spec):
            shown = {c: published[c].iloc[i] for c in cols}
            if category not in self._partnership:
                self._partnership[category] = {"exact": {c: frame[c].iloc[i] for c in cols}, "shown": shown}
                continue
            if not self._same_figures(category, frame, i, cols):
                continue
            before = self._partnership[category]["shown"]
            changed = [c for c in cols if str(before[c]) != str(shown[c])]
            if changed:
                raise ValueInputError(
                    f"the partnership figures for {category!r} ({changed}) would be published differently "
                    "in two tables, which could reveal a protected count"
                )

    # ------------------------------------------------------------------
    # Tables and figures.

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

        Both go through :meth:`release`: with ``protect`` (keyword arguments
        of :func:`workbook.stats.disclosure.apply_disclosure`) and a disclosure
        rule, the published HTML and CSV are the protected table.  ``csv``
        (the fuller table, when given) is protected and ``df``'s columns are
        shown from it, so both carry the same suppressions.
        """
        self._check_name(name)
        full = df if csv is None else csv
        published = self.release(full, name=name, caption=caption, protect=protect)
        shown = published[list(df.columns)]
        self._write_csv(published, name)
        return HTMLBlock(render_table_html(shown, caption=caption, formats=formats, labels=labels))

    def tables(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        protect: Mapping[str, object] | None = None,
        parents: Mapping[str, str] | None = None,
    ) -> list[HTMLBlock]:
        """Publish breakdown tables that share figures, protected together.

        Parameters
        ----------
        items
            One mapping per table: ``key`` (its category), ``df``, ``name``,
            ``caption`` and optionally ``formats``, ``labels``, ``csv`` (as
            for :meth:`table`).
        protect
            The tables' common structure (as for :meth:`table`; its
            ``total_row`` is each table's total label, its ``category`` is
            each item's ``key``).
        parents
            ``{child category: parent category}`` for the categories the data
            hold: a child's table is tied to its parent's row by row.

        Examples
        --------
        >>> pub = Publisher(disclosure=DisclosureRule())
        >>> t = lambda rows: pd.DataFrame(rows, columns=["area", "n"])
        >>> items = [dict(key="Violence", df=t([["A", 900], ["B", 800], ["Total", 1700]]), name="v", caption="V"),
        ...          dict(key="Assault", df=t([["A", 897], ["B", 760], ["Total", 1657]]), name="a", caption="A"),
        ...          dict(key="Sexual offences", df=t([["A", 3], ["B", 40], ["Total", 43]]), name="s", caption="S")]
        >>> spec = dict(count_columns=["n"], label_col="area", total_row="Total")
        >>> blocks = pub.tables(items, protect=spec, parents={"Assault": "Violence", "Sexual offences": "Violence"})
        >>> pub.suppression_log()["table"].tolist()
        ['A', 'A', 'S', 'S']
        """
        for item in items:
            self._check_name(item["name"])
        fulls = {item["key"]: item["df"] if item.get("csv") is None else item["csv"] for item in items}
        if len(fulls) != len(items):
            raise ValueError("tables(): each item needs its own key")
        rule = self.disclosure
        if protect is None or rule is None:
            published = {k: self.release(f, name=i["name"], caption=i["caption"]) for (k, f), i in zip(fulls.items(), items)}
        else:
            spec = dict(protect)
            total = spec.pop("total_row", None)
            if total is None:
                raise ValueError("tables(): protect= must name each table's total row (total_row)")
            for key in ("category", "category_col", "total_column"):
                spec.pop(key, None)
            spec.setdefault("level", "sub_area")
            cols = self._columns(spec)
            seen = [
                k for k, f in fulls.items()
                if total in list(f[spec["label_col"]])
                and self._same_figures(k, f, list(f[spec["label_col"]]).index(total), cols)
            ]
            results = apply_disclosure_together(
                fulls,
                rule=rule,
                total_label=total,
                parents=parents,
                fixed_totals=seen,
                suppressed_elsewhere={
                    k: [c for c, v in self._partnership[k]["shown"].items() if isinstance(v, str)] for k in seen
                },
                **spec,
            )
            published = {}
            for item in items:
                key = item["key"]
                res = results[key]
                self._record(res, item["caption"])
                self._remember(fulls[key], res.published, {**spec, "category": key, "total_row": total})
                published[key] = res.published
        out = []
        for item in items:
            pub = published[item["key"]]
            self._write_csv(pub, item["name"])
            shown = pub[list(item["df"].columns)]
            out.append(HTMLBlock(render_table_html(shown, caption=item["caption"], formats=item.get("formats"),
                                                   labels=item.get("labels"))))
        return out

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
        protect: Mapping[str, object] | None = None,
    ) -> HTMLBlock:
        """Show a chart with its text alternative, caption and data table.

        The chart's data go through :meth:`release`, are written as
        ``<name>.csv``, and shown under the chart in a disclosure widget so
        screen-reader users have the numbers.  A chart is drawn from exact
        figures and cannot be protected afterwards, so it is refused when the
        rule would change any of its data: with ``protect`` (the data's
        structure, as for :meth:`table`), if a cell would be suppressed or
        rounded; without, if the data name a category the rule covers at
        partnership level.
        """
        if not alt or len(alt.split()) < 5:
            raise ValueError(f"figure {name!r}: alt text must be a sentence saying what the chart shows")
        self._check_name(name)
        try:
            released = self.release(data, name=name, caption=caption, protect=protect)
            if protect is not None and not released.astype(str).equals(data.astype(str)):
                raise ValueInputError(
                    f"chart {name!r} would show figures the disclosure rule protects (suppressed or rounded in its "
                    "data); draw it from protected figures or leave it out"
                )
        except ValueInputError:
            plt.close(fig)
            raise
        data = released
        self._write_csv(data, name)
        uri = figure_to_data_uri(fig)
        plt.close(fig)
        table = render_table_html(data, caption=f"Data: {caption}", formats=formats, labels=labels)
        return HTMLBlock(
            f'<figure class="chart"><img src="{uri}" alt="{html.escape(alt, quote=True)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
            f"<details class=\"chart-data\"><summary>Show the data behind this chart</summary>{table}</details>"
        )
