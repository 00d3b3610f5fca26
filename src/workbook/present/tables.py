"""Display tables: renders a table to accessible HTML and shapes results for display."""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping

import pandas as pd

from workbook.present.formats import format_count, format_pct, format_signed
from workbook.present.labels import DECISION_COLUMNS, MATRIX_COLUMNS, STATUS_SYMBOLS, TARGET_COLUMNS


def context_table(assessment) -> pd.DataFrame:  # noqa: ANN001
    """The area's context as a two-column table (measure, value).

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> t = context_table(prepare_assessment("lambeth", period="2023-11"))
    >>> t.loc[t["Measure"] == "Residents (mid-2023 estimate)", "Value"].item()
    '318,738'
    """
    a = assessment
    rows = [
        ("Partnership", a.config.name),
        ("Districts", ", ".join(x.name for x in a.config.areas)),
        (f"Residents (mid-{a.population.estimate_year} estimate, the latest, carried forward to {a.population.year})"
         if a.population.carried_forward else f"Residents (mid-{a.population.year} estimate)",
         format_count(a.population.persons)),
    ]
    if a.population.households is not None:
        rows.append((f"Households ({a.population.households_year} Census)", format_count(a.population.households)))
    rows += [
        ("Assessment period", a.periods.current.label),
        ("Compared with", a.periods.previous.label),
        ("Police data", f"{a.first_month:%B %Y} to {a.latest_month:%B %Y} ({a.data['month'].nunique()} months)"),
        ("Source", a.config.source.description),
    ]
    return pd.DataFrame(rows, columns=["Measure", "Value"])


def matrix_display(matrix) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: ANN001 - PriorityMatrix
    """The scanning matrix as two readable tables: the criteria marks, and the
    decisions (recommendation, reason, the analyst's override and the final decision).

    Examples
    --------
    >>> from workbook.stats.priorities import score_priorities
    >>> from workbook.config.priorities import load_priority_settings
    >>> c = pd.DataFrame({"category": ["A"], "volume": [10], "rate_vs_peers": ["worse"], "direction": ["increasing"],
    ...                   "harm_share": [0.5]})
    >>> marks, decisions = matrix_display(score_priorities(c, settings=load_priority_settings({})))
    >>> marks["score"].tolist(), decisions["override"].tolist()
    ([4.0], [''])
    """
    full = matrix.to_frame()
    decisions = full[DECISION_COLUMNS].copy()
    for col in ("override", "override_reason"):
        decisions[col] = decisions[col].fillna("").astype(str)
    return full[MATRIX_COLUMNS].copy(), decisions


def top_neighbourhoods_table(top, *, classification=None) -> pd.DataFrame:  # noqa: ANN001
    """The top neighbourhoods with their hotspot class, for display.

    Examples
    --------
    >>> import types
    >>> t = pd.DataFrame({"rank": [1], "lsoa_code": ["E1"], "lsoa_name": ["X 001A"], "previous": [5], "current": [9],
    ...                   "difference": [4], "pct_change": [80.0], "pct_of_located": [30.0]})
    >>> top_neighbourhoods_table(types.SimpleNamespace(table=t))["classification"].tolist()
    ['not classified']
    """
    t = top.table[["lsoa_name", "rank", "lsoa_code", "previous", "current", "difference", "pct_change", "pct_of_located"]].copy()
    if classification is not None:
        classes = classification.table.set_index("lsoa_code")["classification"]
        t["classification"] = t["lsoa_code"].map(classes).fillna("not classified")
    else:
        t["classification"] = "not classified"
    return t


def _fmt_local(value: float, unit: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return format_pct(100 * value, decimals=1) if unit == "proportion" else format_count(value)


def local_indicator_table(local) -> pd.DataFrame:  # noqa: ANN001 - LocalIndicators
    """The latest value of each local indicator, with its interval and change.

    Examples
    --------
    >>> from workbook.data.local_indicators import load_local_indicators
    >>> from workbook.core.paths import DATA_DIR
    >>> t = local_indicator_table(load_local_indicators(DATA_DIR / "local_indicators/lambeth_ILLUSTRATIVE_local_indicators.csv"))
    >>> t.columns.tolist()
    ['indicator', 'period', 'value', 'interval', 'previous_value', 'change', 'source']
    """
    rows = []
    for _, r in local.latest().iterrows():
        unit = r["unit"]
        interval = (f"{_fmt_local(r['lower_95'], unit)} to {_fmt_local(r['upper_95'], unit)}"
                    if unit == "proportion" else "")
        if unit == "proportion":
            change = "n/a" if pd.isna(r["difference"]) else f"{100 * r['difference']:+.1f} points"
        else:
            change = "n/a" if pd.isna(r["difference"]) else f"{format_signed(r['difference'])} ({format_pct(r['pct_change'], signed=True)})"
        rows.append({
            "indicator": r["indicator"],
            "period": r["period"],
            "value": _fmt_local(r["value"], unit),
            "interval": interval,
            "previous_value": _fmt_local(r["previous_value"], unit),
            "change": change,
            "source": r["source"],
        })
    return pd.DataFrame(rows)


def action_display(actions: pd.DataFrame) -> pd.DataFrame:
    """The action tracker for readers: overdue said in words, not colour.

    Examples
    --------
    >>> t = pd.DataFrame({"action": ["A"], "owner": ["B"], "due": [pd.Timestamp("2023-01-01").date()], "status": ["in progress"],
    ...                   "progress": [""], "overdue": [True], "days_overdue": [30]})
    >>> action_display(t)["overdue"].tolist()
    ['Overdue by 30 days']
    """
    t = actions.copy()
    t["overdue"] = [f"Overdue by {d} days" if o else "No" for o, d in zip(t["overdue"], t["days_overdue"])]
    t["due"] = [f"{d:%d %b %Y}" for d in pd.to_datetime(t["due"])]
    return t.drop(columns=["days_overdue"])


def target_scorecard(targets: pd.DataFrame) -> pd.DataFrame:
    """The targets with their status as a word and a symbol (never colour alone).

    Examples
    --------
    >>> t = pd.DataFrame({c: [1.0] for c in TARGET_COLUMNS} | {"name": ["A"], "category": ["B"],
    ...                   "financial_year": ["2023/24"], "status": ["at risk"]})
    >>> target_scorecard(t)["status"].tolist()
    ['! at risk']
    """
    t = targets[TARGET_COLUMNS].copy()
    t["status"] = t["status"].map(lambda s: STATUS_SYMBOLS.get(s, s))
    return t


def _fmt_ratio(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))) else f"{x:.2f}"


def _fmt_p(x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return "<0.001" if x < 0.001 else f"{x:.3f}"


def _fmt_rate(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:,.1f}"


FORMATTERS: dict[str, Callable[[object], str]] = {
    "count": lambda x: format_count(x),  # type: ignore[arg-type]
    "signed": lambda x: "n/a" if pd.isna(x) else format_signed(x),  # type: ignore[arg-type]
    "pct": lambda x: format_pct(x, signed=True),  # type: ignore[arg-type]
    "ratio": _fmt_ratio,  # type: ignore[dict-item]
    "p": _fmt_p,  # type: ignore[dict-item]
    "rate": _fmt_rate,  # type: ignore[dict-item]
    "yesno": lambda x: "Yes" if bool(x) else "No",
    "share": lambda x: "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else format_pct(100 * float(x)),  # type: ignore[arg-type]
    "money": lambda x: "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"£{float(x):,.0f}",  # type: ignore[arg-type]
    "text": lambda x: "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x),
}
TOTAL_LABELS = {"All crime", "Total", "All"}
NUMERIC_KINDS = {"count", "signed", "pct", "ratio", "p", "rate", "share", "money"}


def render_table_html(
    df: pd.DataFrame,
    *,
    caption: str,
    formats: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
    row_header: str | None = None,
) -> str:
    """An accessible HTML table: caption, column headers, row headers, escaped text.

    Parameters
    ----------
    df
        The table, one row per line; its index is ignored.
    caption
        The table's caption (what it shows).
    formats
        Column -> kind (``count``, ``signed``, ``pct``, ``ratio``, ``p``,
        ``rate``, ``yesno``, ``text``); unlisted columns are text.  Cells that
        are already strings (e.g. a suppression symbol) are shown as they are.
    labels
        Column -> header text.
    row_header
        The column whose cells head their rows (default: the first).

    Examples
    --------
    >>> t = render_table_html(pd.DataFrame({"area": ["<b>A</b>"], "n": [1234]}), caption="Counts",
    ...                       formats={"n": "count"})
    >>> "<caption>Counts</caption>" in t, '<th scope="row">&lt;b&gt;A&lt;/b&gt;</th>' in t, ">1,234<" in t
    (True, True, True)
    """
    formats = dict(formats or {})
    labels = dict(labels or {})
    row_header = row_header or (df.columns[0] if len(df.columns) else None)
    out = ['<div class="table-wrap"><table>', f"<caption>{html.escape(caption)}</caption>", "<thead><tr>"]
    for col in df.columns:
        cls = ' class="num"' if formats.get(col) in NUMERIC_KINDS else ""
        out.append(f'<th scope="col"{cls}>{html.escape(str(labels.get(col, col)))}</th>')
    out.append("</tr></thead><tbody>")
    for _, row in df.iterrows():
        is_total = row_header is not None and str(row[row_header]) in TOTAL_LABELS
        out.append('<tr class="total">' if is_total else "<tr>")
        for col in df.columns:
            kind = formats.get(col, "text")
            val = row[col]
            text = val if isinstance(val, str) else FORMATTERS[kind](val)
            cls = ' class="num"' if kind in NUMERIC_KINDS else ""
            cell = html.escape(str(text))
            if col == row_header:
                out.append(f'<th scope="row"{cls}>{cell}</th>')
            else:
                out.append(f"<td{cls}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)
