"""The targets section of an area config: each target's schema and loading it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from workbook.core.errors import ConfigError, PeriodError, ValueInputError
from workbook.core.periods import parse_financial_year

Indicator = Literal["count", "rate_per_1000", "proportion"]
Polarity = Literal["lower_is_better", "higher_is_better"]
TrajectoryMethod = Literal["single", "compound", "linear"]


def _as_month(value: Any) -> pd.Timestamp:
    """A date-like value as the first day of its month."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueInputError(f"expected a date or 'YYYY-MM' for as_of; got {value!r}") from exc
    return ts.to_period("M").to_timestamp()


class TargetSpec(BaseModel):
    """A target as declared in an area's YAML config.

    Give either ``pct_change`` (with ``trajectory`` and ``years``) or
    ``level``, not both.

    Examples
    --------
    >>> spec = TargetSpec(name="Robbery", indicator="count", category="Robbery",
    ...                   polarity="lower_is_better", baseline="2007/08", baseline_value=493,
    ...                   pct_change=-8, trajectory="compound", years=3)
    >>> spec.pct_change, spec.trajectory
    (-8.0, 'compound')
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="how the target is named in the plan")
    indicator: Indicator
    category: str = Field(min_length=1, description="a category or subcategory of the canonical table")
    polarity: Polarity
    baseline: str = Field(description="baseline financial year, e.g. '2022/23'")
    baseline_value: float | None = Field(None, ge=0, description="else computed from the data")
    pct_change: float | None = Field(None, description="signed per cent; -5 means a 5% reduction")
    trajectory: TrajectoryMethod | None = None
    years: int = Field(1, ge=1, le=10, description="years from the baseline the target runs for")
    level: float | None = Field(None, ge=0, description="an absolute target instead of a % change")
    note: str | None = None

    @field_validator("baseline")
    @classmethod
    def _check_baseline(cls, value: str) -> str:
        try:
            parse_financial_year(value)
        except PeriodError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    @field_validator("baseline_value", "level")
    @classmethod
    def _check_proportion(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("indicator") == "proportion" and value > 100:
            raise ValueError(f"a proportion is a per cent between 0 and 100; got {value:g}")
        return value

    @field_validator("pct_change")
    @classmethod
    def _check_pct_change(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return value
        if value == 0:
            raise ValueError("a % change of 0 has no direction; give a signed, non-zero change "
                             "(e.g. -5 for a 5% reduction) or a level")
        if value <= -100:
            raise ValueError(f"a reduction of 100% or more leaves nothing; got {value:g}")
        polarity = info.data.get("polarity")
        if polarity == "lower_is_better" and value > 0:
            raise ValueError(f"polarity is lower_is_better, so the change must be a reduction (negative); "
                             f"got {value:+g}")
        if polarity == "higher_is_better" and value < 0:
            raise ValueError(f"polarity is higher_is_better, so the change must be an increase (positive); "
                             f"got {value:+g}")
        return value

    @model_validator(mode="after")
    def _check_form(self, info: ValidationInfo) -> TargetSpec:
        if self.pct_change is None and self.level is None:
            raise PydanticCustomError("target_form", "give either pct_change (with trajectory) or level",
                                      {"field": "pct_change"})
        if self.pct_change is not None and self.level is not None:
            raise PydanticCustomError("target_form", "give either pct_change or level, not both",
                                      {"field": "level"})
        if self.pct_change is not None and self.trajectory is None:
            raise PydanticCustomError(
                "target_form", "a % change needs a trajectory: 'single', 'compound' or 'linear'",
                {"field": "trajectory"})
        if self.level is not None and self.trajectory is not None:
            raise PydanticCustomError("target_form", "a level target has no trajectory; remove it",
                                      {"field": "trajectory"})
        linear_below_zero = (self.pct_change is not None and self.trajectory == "linear"
                             and 1 + self.years * self.pct_change / 100 < 0)
        if linear_below_zero:
            raise PydanticCustomError(
                "target_form", "a linear trajectory of {pct}% a year for {years} years goes below zero",
                {"field": "pct_change", "pct": f"{self.pct_change:g}", "years": self.years})
        if self.indicator == "proportion" and self.pct_change is not None and self.baseline_value is not None:
            r = self.pct_change / 100
            growth = {"compound": (1 + r) ** self.years, "linear": 1 + self.years * r, "single": 1 + r}
            final = self.baseline_value * max(1.0, growth[self.trajectory])
            if final > 100:
                raise PydanticCustomError(
                    "target_form", "the trajectory reaches {final}%, above 100% for a proportion",
                    {"field": "pct_change", "final": f"{final:.1f}"})
        as_of = (info.context or {}).get("as_of") if info is not None else None
        if as_of is not None:
            as_of = _as_month(as_of)
            window = parse_financial_year(self.baseline)
            if window.start > as_of:
                raise PydanticCustomError(
                    "baseline_future", "baseline year {baseline} is in the future (data to {as_of})",
                    {"field": "baseline", "baseline": self.baseline, "as_of": f"{as_of:%Y-%m}"})
            if window.end > as_of and self.baseline_value is None and self.pct_change is not None:
                raise PydanticCustomError(
                    "baseline_incomplete",
                    "baseline year {baseline} is not complete (data to {as_of}); declare baseline_value "
                    "or choose a completed year",
                    {"field": "baseline", "baseline": self.baseline, "as_of": f"{as_of:%Y-%m}"})
        return self


def _error_key(err: dict[str, Any], prefix: str) -> str:
    loc = [str(p) for p in err.get("loc", ())]
    field = (err.get("ctx") or {}).get("field")
    if not loc and field:
        loc = [field]
    return ".".join([prefix, *loc]) if loc else prefix


def _error_message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key; check the spelling against the documented keys"
    if err["type"] == "missing":
        return "required key is missing"
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def load_targets(raw: Sequence[dict[str, Any]] | None, *, path: str | Path | None = None,
                 as_of: date | pd.Timestamp | str | None = None) -> list[TargetSpec]:
    """Validate the ``targets:`` list of an area config.

    Parameters
    ----------
    raw
        The list read from YAML (``None`` or empty: no targets).
    path
        The config file, for error messages.
    as_of
        The latest month of data; if given, a baseline year after it (or
        unfinished, without a declared ``baseline_value``) is refused.

    Returns
    -------
    list of TargetSpec

    Raises
    ------
    ConfigError
        Naming the dotted key of the first problem (e.g.
        ``targets.1.indicator``); the message lists every problem with that
        target.

    Examples
    --------
    >>> ok = {"name": "Robbery", "indicator": "count", "category": "Robbery",
    ...       "polarity": "lower_is_better", "baseline": "2022/23", "level": 400}
    >>> [t.name for t in load_targets([ok])]
    ['Robbery']
    >>> load_targets([ok, {**ok, "indicator": "rate"}], path="area.yml")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: area.yml, key 'targets.1.indicator': Input should be 'count', 'rate_per_1000' or 'proportion'
    """
    if raw is None:
        return []
    if not isinstance(raw, (list, tuple)):
        raise ConfigError(f"expected a list of targets; found {type(raw).__name__}", path=path, key="targets")
    context = {"as_of": as_of}
    specs: list[TargetSpec] = []
    for i, item in enumerate(raw):
        prefix = f"targets.{i}"
        try:
            specs.append(TargetSpec.model_validate(item, context=context))
        except ValidationError as exc:
            errors = exc.errors()
            keys = [_error_key(e, prefix) for e in errors]
            if len(errors) == 1:
                message = _error_message(errors[0])
            else:
                message = "; ".join(f"{k}: {_error_message(e)}" for k, e in zip(keys, errors))
            raise ConfigError(message, path=path, key=keys[0]) from None
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        if spec.name in seen:
            raise ConfigError(f"target name {spec.name!r} is used twice (also targets.{seen[spec.name]})",
                              path=path, key=f"targets.{i}.name")
        seen[spec.name] = i
    return specs
