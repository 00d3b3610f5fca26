"""The plan's appendices: measures of success, the action plan and the
spending plan, read from the area config's ``appendices:`` block.

Schema (every key is checked; unknown keys are errors)::

    appendices:
      measures_of_success:            # one entry per measure
        - priority: Reduce violence
          activity: Late-night economy patrols
          desired_outcome: Fewer assaults in the night-time economy
          measure: Violence with injury, 10pm-4am, Friday and Saturday
          global_indicator: Violence and sexual offences   # a category, subcategory
                                                           # or local indicator name
      action_plan:
        - action: Commission a repeat-victim review
          owner: Community Safety Manager               # required
          due: 2024-03-31                               # a date, YYYY-MM-DD
          progress: Terms of reference agreed           # optional free text
          status: in progress   # not started | in progress | complete | delayed | cancelled
      spending:
        currency: GBP                                   # only GBP
        items:
          - priority: All priorities
            funder: Police and Crime Commissioner
            amount: 501717
            last_year: 534517                          # optional
        stated_total: 501717                            # optional: the total as published
        stated_last_year_total: 534517                  # optional

If a ``stated_total`` is given, the items must add up to it to the penny;
likewise ``stated_last_year_total`` when every item has ``last_year``.  A
spending plan whose parts do not make its whole is an error, naming
``appendices.spending.stated_total`` and both numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbook.config import validation_to_config_error
from workbook.errors import ConfigError, ValueInputError

logger = logging.getLogger(__name__)

Status = Literal["not started", "in progress", "complete", "delayed", "cancelled"]
STATUSES: tuple[str, ...] = ("not started", "in progress", "complete", "delayed", "cancelled")
CLOSED_STATUSES: frozenset[str] = frozenset({"complete", "cancelled"})
PENNY = Decimal("0.005")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MeasureOfSuccess(_Strict):
    """How a priority's success is measured."""

    priority: str = Field(min_length=1)
    activity: str = Field(min_length=1)
    desired_outcome: str = Field(min_length=1)
    measure: str = Field(min_length=1)
    global_indicator: str = Field(
        min_length=1, description="a crime category or subcategory name, or a local indicator name"
    )


class Action(_Strict):
    """One line of the action plan."""

    action: str = Field(min_length=1)
    owner: str = Field(min_length=1, description="the person or team accountable; required")
    due: date
    progress: str = ""
    status: Status = "not started"


class SpendingItem(_Strict):
    """Money for one priority from one funder."""

    priority: str = Field(min_length=1)
    funder: str = Field(min_length=1)
    amount: Decimal = Field(ge=0)
    last_year: Decimal | None = Field(None, ge=0)


class Spending(_Strict):
    """The spending plan."""

    currency: Literal["GBP"] = "GBP"
    items: list[SpendingItem] = Field(min_length=1)
    stated_total: Decimal | None = Field(None, ge=0)
    stated_last_year_total: Decimal | None = Field(None, ge=0)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.items), Decimal(0))

    @property
    def last_year_total(self) -> Decimal | None:
        """The items' last-year sum if every item has one, else the stated last-year total."""
        if all(i.last_year is not None for i in self.items):
            return sum((i.last_year for i in self.items), Decimal(0))  # type: ignore[misc]
        return self.stated_last_year_total


class Appendices(_Strict):
    """The config's ``appendices:`` block."""

    measures_of_success: list[MeasureOfSuccess] = Field(default_factory=list)
    action_plan: list[Action] = Field(default_factory=list)
    spending: Spending | None = None


def _money(x: Decimal) -> str:
    return f"£{x:,.2f}".replace(".00", "")


def _check_spending_totals(spending: Spending, *, path: str | Path | None) -> None:
    if spending.stated_total is not None and abs(spending.total - spending.stated_total) >= PENNY:
        gap = abs(spending.total - spending.stated_total)
        raise ConfigError(
            f"spending items add up to {_money(spending.total)} but the stated total is "
            f"{_money(spending.stated_total)} (they differ by {_money(gap)}); "
            "expected the items to add up to the stated total",
            path=path,
            key="appendices.spending.stated_total",
        )
    stated_ly = spending.stated_last_year_total
    if stated_ly is not None and all(i.last_year is not None for i in spending.items):
        items_ly = sum((i.last_year for i in spending.items), Decimal(0))  # type: ignore[misc]
        if abs(items_ly - stated_ly) >= PENNY:
            raise ConfigError(
                f"spending items' last_year amounts add up to {_money(items_ly)} but the stated "
                f"last-year total is {_money(stated_ly)}; expected the items to add up to it",
                path=path,
                key="appendices.spending.stated_last_year_total",
            )


def load_appendices(raw: Mapping[str, Any] | None, *, path: str | Path | None = None) -> Appendices:
    """Validate the config's ``appendices:`` block.

    Parameters
    ----------
    raw
        The block as read from YAML (``AreaConfig.appendices``); ``None`` or
        empty gives empty appendices.
    path
        The config file, for error messages.

    Raises
    ------
    ConfigError
        Naming the dotted key (e.g. ``appendices.action_plan.0.owner``): an
        unknown or missing key, a date that is not a date, a status not in
        the list, or spending items that do not add up to the stated total.

    Examples
    --------
    >>> a = load_appendices({"action_plan": [{"action": "Review", "owner": "CSP", "due": "2024-03-31"}]})
    >>> a.action_plan[0].due
    datetime.date(2024, 3, 31)
    >>> load_appendices({"action_plan": [{"action": "Review", "due": "2024-03-31"}]}, path="x.yml")
    Traceback (most recent call last):
    ...
    workbook.errors.ConfigError: x.yml, key 'appendices.action_plan.0.owner': required key is missing
    """
    if raw is None:
        return Appendices()
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"expected a mapping (measures_of_success, action_plan, spending), found {type(raw).__name__}",
            path=path,
            key="appendices",
        )
    try:
        appendices = Appendices.model_validate(dict(raw))
    except ValidationError as exc:
        err = exc.errors()[0]
        if err["type"].startswith(("date_", "datetime_")):
            key = "appendices." + ".".join(str(p) for p in err["loc"])
            raise ConfigError(
                f"{err['input']!r} is not a date; expected YYYY-MM-DD, e.g. 2024-03-31", path=path, key=key
            ) from None
        raise validation_to_config_error(exc, path=path, prefix="appendices") from None
    if appendices.spending is not None:
        _check_spending_totals(appendices.spending, path=path)
    return appendices


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
