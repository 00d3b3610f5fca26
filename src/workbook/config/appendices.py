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

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from workbook.core.errors import ConfigError, validation_to_config_error

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
    workbook.core.errors.ConfigError: x.yml, key 'appendices.action_plan.0.owner': required key is missing
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
