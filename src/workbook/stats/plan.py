"""Plan appendices as tables: the action tracker, spending plan and measures of success."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd

from workbook.config.appendices import CLOSED_STATUSES, Action, MeasureOfSuccess, Spending
from workbook.core.errors import ValueInputError

logger = logging.getLogger(__name__)

def action_tracker(actions: Sequence[Action], *, as_of: date) -> pd.DataFrame:
    """The action plan as a table, with which actions are overdue on ``as_of``.

    An action is overdue when its due date is *before* ``as_of`` and it is
    still open (any status but complete or cancelled).  An action due on
    ``as_of`` itself is not yet overdue.

    Returns
    -------
    pandas.DataFrame
        ``action, owner, due, status, progress, overdue, days_overdue``,
        ordered by due date (overdue actions are not moved to the top, so the
        plan reads in its own order of time).

    Examples
    --------
    >>> acts = [Action(action="A", owner="X", due=date(2024, 3, 31), status="in progress"),
    ...         Action(action="B", owner="Y", due=date(2024, 1, 31), status="complete")]
    >>> t = action_tracker(acts, as_of=date(2024, 4, 2))
    >>> t[["action", "overdue", "days_overdue"]].values.tolist()
    [['B', False, 0], ['A', True, 2]]
    """
    if not isinstance(as_of, date):
        raise ValueInputError(f"as_of must be a date, e.g. date(2024, 3, 31); got {as_of!r}")
    if isinstance(as_of, datetime):
        as_of = as_of.date()  # a datetime (or Timestamp) cannot be compared with a date
    rows = []
    for a in actions:
        late = a.due < as_of and a.status not in CLOSED_STATUSES
        rows.append(
            {
                "action": a.action,
                "owner": a.owner,
                "due": a.due,
                "status": a.status,
                "progress": a.progress,
                "overdue": late,
                "days_overdue": (as_of - a.due).days if late else 0,
            }
        )
    cols = ["action", "owner", "due", "status", "progress", "overdue", "days_overdue"]
    table = pd.DataFrame(rows, columns=cols)
    table["overdue"] = table["overdue"].astype(bool)
    table["days_overdue"] = table["days_overdue"].astype("int64")
    return table.sort_values("due", kind="stable").reset_index(drop=True)


ALL_PRIORITIES = "All priorities"
ALL_FUNDERS = "All funders"


def _change(amount: float, last_year: float) -> tuple[float, float]:
    if pd.isna(last_year):
        return float("nan"), float("nan")
    diff = amount - last_year
    return diff, (100.0 * diff / last_year if last_year else float("nan"))


def spending_table(spending: Spending) -> pd.DataFrame:
    """The spending plan by priority and funder, with totals and change on last year.

    Returns
    -------
    pandas.DataFrame
        ``level, priority, funder, amount, last_year, difference,
        pct_change`` (amounts in pounds as floats; ``pct_change`` in per
        cent).  ``level`` is ``"item"`` for each priority × funder (items
        repeating a pair are added together), then ``"priority"`` subtotals
        (funder ``"All funders"``), ``"funder"`` subtotals (priority ``"All
        priorities"``) and one ``"total"`` row.  A group's last-year figure is
        blank unless every item in it has one; the total's comes from
        ``stated_last_year_total`` when the items lack it.

    Examples
    --------
    >>> s = Spending(items=[{"priority": "All", "funder": "PCC", "amount": 501717, "last_year": 534517}])
    >>> row = spending_table(s).iloc[-1]
    >>> row["level"], float(row["amount"]), float(row["difference"]), round(float(row["pct_change"]), 2)
    ('total', 501717.0, -32800.0, -6.14)
    """
    items = pd.DataFrame(
        [
            {
                "priority": i.priority,
                "funder": i.funder,
                "amount": float(i.amount),
                "last_year": float(i.last_year) if i.last_year is not None else float("nan"),
            }
            for i in spending.items
        ]
    )

    def summarise(by: list[str]) -> pd.DataFrame:
        # A group's last year is only known if every item in it gives one (min_count).
        g = items.groupby(by, sort=False)
        out = g["amount"].sum().to_frame()
        known = g["last_year"].count() == g["last_year"].size()
        out["last_year"] = g["last_year"].sum().where(known)
        return out.reset_index()

    item_rows = summarise(["priority", "funder"]).assign(level="item")
    prio_rows = summarise(["priority"]).assign(level="priority", funder=ALL_FUNDERS)
    fund_rows = summarise(["funder"]).assign(level="funder", priority=ALL_PRIORITIES)
    ly_total = spending.last_year_total
    total_row = pd.DataFrame(
        [
            {
                "level": "total",
                "priority": ALL_PRIORITIES,
                "funder": ALL_FUNDERS,
                "amount": float(spending.total),
                "last_year": float(ly_total) if ly_total is not None else float("nan"),
            }
        ]
    )
    table = pd.concat([item_rows, prio_rows, fund_rows, total_row], ignore_index=True)
    changes = [_change(a, ly) for a, ly in zip(table["amount"], table["last_year"])]
    table["difference"] = [c[0] for c in changes]
    table["pct_change"] = [c[1] for c in changes]
    cols = ["level", "priority", "funder", "amount", "last_year", "difference", "pct_change"]
    return table[cols].astype({"amount": float, "last_year": float, "difference": float, "pct_change": float})


def measures_table(
    measures: Sequence[MeasureOfSuccess],
    *,
    latest_values: Mapping[str, tuple[Any, str]],
) -> pd.DataFrame:
    """Measures of success with each global indicator's latest value and status.

    Parameters
    ----------
    measures
        From :func:`load_appendices`.
    latest_values
        Global indicator name → ``(value, status)``, e.g. ``{"Burglary":
        (1234, "lower than last year")}``; the value can be a number or text
        already formatted.  Names are matched exactly.

    Returns
    -------
    pandas.DataFrame
        ``priority, activity, desired_outcome, measure, global_indicator,
        latest_value, status``; indicators without a value get
        ``latest_value`` missing and status ``"no data"``.

    Examples
    --------
    >>> m = MeasureOfSuccess(priority="Burglary", activity="Target hardening",
    ...                      desired_outcome="Fewer burglaries", measure="Residential burglary count",
    ...                      global_indicator="Burglary")
    >>> t = measures_table([m], latest_values={"Burglary": (886, "down 20%")})
    >>> t[["latest_value", "status"]].values.tolist()
    [[886, 'down 20%']]
    """
    rows = []
    for m in measures:
        value, status = latest_values.get(m.global_indicator, (None, "no data"))
        rows.append({**m.model_dump(), "latest_value": value, "status": status})
    missing = {m.global_indicator for m in measures} - set(latest_values)
    if missing:
        logger.info("no latest value for global indicator(s): %s", ", ".join(sorted(missing)))
    cols = [*MeasureOfSuccess.model_fields, "latest_value", "status"]
    return pd.DataFrame(rows, columns=cols)
