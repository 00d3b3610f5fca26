"""The targets section of an area config: each target's schema and loading it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import numpy as np
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


Form = Literal["pct_change", "final_pct_change", "final", "level"]
FORMS: tuple[str, ...] = ("pct_change", "final_pct_change", "final", "level")
"""The keys that set a target; a target gives exactly one of them."""


class TargetSpec(BaseModel):
    """A target as declared in an area's YAML config.

    Give exactly one of:

    * ``pct_change``: a signed per cent, either one number (each year's
      rate with ``trajectory: compound`` or ``linear``, or the whole change
      with ``single``) or a list with one rate per year (``years`` of
      them).  With ``compound`` each year's rate applies to the year before
      (Central Bedfordshire's "Cr d. ex 59": ``[-7, -5, -3]``); with
      ``linear`` each year's value is that year's change from the baseline,
      as plans print it (NI 40: ``[3, 5, 7]`` on the baseline 693 gives
      714, 728, 742), so the list cannot loosen year on year.
    * ``final_pct_change``: the signed % change from the baseline to reach
      by the last year, with the path there ``compound`` (the same rate
      every year) or ``linear`` (the same step every year).
    * ``final``: the value to reach by the last year, path as above.
    * ``level``: an absolute target (no trajectory).

    Examples
    --------
    >>> spec = TargetSpec(name="Robbery", indicator="count", category="Robbery",
    ...                   polarity="lower_is_better", baseline="2007/08", baseline_value=493,
    ...                   pct_change=-8, trajectory="compound", years=3)
    >>> spec.pct_change, spec.trajectory, spec.form
    (-8.0, 'compound', 'pct_change')
    >>> TargetSpec(name="Cr d. ex 59", indicator="count", category="Criminal damage",
    ...            polarity="lower_is_better", baseline="2007/08", pct_change=[-7, -5, -3],
    ...            trajectory="compound", years=3).pct_change
    (-7.0, -5.0, -3.0)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="how the target is named in the plan")
    indicator: Indicator
    category: str = Field(min_length=1, description="a category or subcategory of the canonical table")
    polarity: Polarity
    baseline: str = Field(description="baseline financial year, e.g. '2022/23'")
    baseline_value: float | None = Field(None, ge=0, description="else computed from the data")
    pct_change: float | tuple[float, ...] | None = Field(
        None, description="signed per cent (-5 means a 5% reduction), or one such rate per year")
    final_pct_change: float | None = Field(None, description="signed % change from the baseline by the last year")
    final: float | None = Field(None, ge=0, description="the value to reach by the last year")
    trajectory: TrajectoryMethod | None = None
    years: int = Field(1, ge=1, le=10, description="years from the baseline the target runs for")
    level: float | None = Field(None, ge=0, description="an absolute target instead of a % change")
    note: str | None = None

    @property
    def form(self) -> Form:
        """Which key sets the target: ``"pct_change"``, ``"final_pct_change"``, ``"final"`` or ``"level"``."""
        return next(f for f in FORMS if getattr(self, f) is not None)  # type: ignore[return-value]

    @field_validator("baseline")
    @classmethod
    def _check_baseline(cls, value: str) -> str:
        try:
            parse_financial_year(value)
        except PeriodError as exc:
            raise ValueError(str(exc)) from None
        return value.strip()

    @field_validator("baseline_value", "level", "final")
    @classmethod
    def _check_proportion(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and info.data.get("indicator") == "proportion" and value > 100:
            raise ValueError(f"a proportion is a per cent between 0 and 100; got {value:g}")
        return value

    @field_validator("pct_change", mode="before")
    @classmethod
    def _read_rate_list(cls, value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            return value
        if not value:
            raise ValueError("an empty list sets no target; give one signed % per year, e.g. [-7, -5, -3]")
        rates = []
        for i, v in enumerate(value):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"item {i} is {v!r}; expected a signed per cent such as -5")
            rates.append(float(v))
        return tuple(rates)

    @field_validator("pct_change", "final_pct_change")
    @classmethod
    def _check_pct_change(cls, value: float | tuple[float, ...] | None, info: ValidationInfo
                          ) -> float | tuple[float, ...] | None:
        if value is None or isinstance(value, tuple):
            return value  # a list of yearly rates is checked with the trajectory, in _check_form
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

    def _check_rate_list(self, rates: tuple[float, ...]) -> None:
        if self.trajectory == "single":
            raise PydanticCustomError(
                "target_form", "trajectory 'single' applies one change; a list of yearly rates needs "
                "'compound' or 'linear'", {"field": "trajectory"})
        if len(rates) != self.years:
            years = f"{self.years}" if "years" in self.model_fields_set else f"not given (so {self.years})"
            raise PydanticCustomError(
                "target_form", "pct_change lists {n} yearly rates but years is {years}; give one rate per year",
                {"field": "pct_change", "n": len(rates), "years": years})
        lower = self.polarity == "lower_is_better"
        for i, r in enumerate(rates):
            if r <= -100:
                raise PydanticCustomError(
                    "target_form", "a reduction of 100% or more leaves nothing; got {r}",
                    {"field": f"pct_change.{i}", "r": f"{r:g}"})
            if (lower and r > 0) or (not lower and r < 0):
                want = "a reduction (negative)" if lower else "an increase (positive)"
                raise PydanticCustomError(
                    "target_form", "polarity is {polarity}, so each rate must be {want} or 0; got {r}",
                    {"field": f"pct_change.{i}", "polarity": self.polarity, "want": want, "r": f"{r:+g}"})
        if all(r == 0 for r in rates):
            raise PydanticCustomError(
                "target_form", "every yearly rate is 0, so the target has no direction", {"field": "pct_change"})
        if self.trajectory == "linear":
            for i in range(1, len(rates)):
                loosens = rates[i] > rates[i - 1] if lower else rates[i] < rates[i - 1]
                if loosens:
                    raise PydanticCustomError(
                        "target_form",
                        "with trajectory 'linear' each rate is that year's change from the baseline "
                        "(NI 40: [3, 5, 7]), so {prev} then {r} loosens the target; for yearly steps give "
                        "running totals (e.g. [-7, -12, -15]) or use 'compound'",
                        {"field": f"pct_change.{i}", "prev": f"{rates[i - 1]:g}", "r": f"{rates[i]:g}"})

    def _check_final(self) -> None:
        if self.trajectory == "single":
            raise PydanticCustomError(
                "target_form", "a final target needs the path to it: 'compound' or 'linear' "
                "(for one change in the last year use pct_change with 'single')", {"field": "trajectory"})
        if self.final is None:
            return
        if self.final == 0 and self.trajectory == "compound":
            raise PydanticCustomError(
                "target_form", "a compound path never reaches 0; use trajectory 'linear'", {"field": "final"})
        if self.baseline_value is None:
            return
        if self.baseline_value == 0 and self.trajectory == "compound":
            raise PydanticCustomError(
                "target_form", "a compound path cannot start from a baseline of 0; use trajectory 'linear'",
                {"field": "trajectory"})
        if self.final == self.baseline_value:
            raise PydanticCustomError(
                "target_form", "final equals baseline_value ({base}), so the target has no direction",
                {"field": "final", "base": f"{self.baseline_value:g}"})
        lower = self.polarity == "lower_is_better"
        if (lower and self.final > self.baseline_value) or (not lower and self.final < self.baseline_value):
            side = "below" if lower else "above"
            raise PydanticCustomError(
                "target_form", "polarity is {polarity}, so final must be {side} baseline_value {base}; got {final}",
                {"field": "final", "polarity": self.polarity, "side": side,
                 "base": f"{self.baseline_value:g}", "final": f"{self.final:g}"})

    def _growth(self) -> list[float]:
        """Each year's target over the baseline, for a relative target (not ``final``)."""
        if isinstance(self.pct_change, tuple):
            if self.trajectory == "compound":
                return [float(g) for g in np.cumprod([1 + r / 100 for r in self.pct_change])]
            return [1 + r / 100 for r in self.pct_change]
        if self.final_pct_change is not None:
            return [1.0, 1 + self.final_pct_change / 100]  # the path runs monotonically between these
        r = float(self.pct_change) / 100  # type: ignore[arg-type]
        if self.trajectory == "compound":
            return [(1 + r) ** k for k in range(1, self.years + 1)]
        if self.trajectory == "linear":
            return [1 + k * r for k in range(1, self.years + 1)]
        return [1 + r]

    @model_validator(mode="after")
    def _check_form(self, info: ValidationInfo) -> TargetSpec:
        given = [f for f in FORMS if getattr(self, f) is not None]
        if not given:
            raise PydanticCustomError(
                "target_form", "give either pct_change (with trajectory) or level "
                "(or final_pct_change or final, with trajectory)", {"field": "pct_change"})
        if len(given) > 1:
            message = ("give either pct_change or level, not both" if given[:2] == ["pct_change", "level"]
                       else "give only one of pct_change, final_pct_change, final or level; found {a} and {b}")
            raise PydanticCustomError("target_form", message, {"field": given[1], "a": given[0], "b": given[1]})
        form = given[0]
        if form == "level":
            if self.trajectory is not None:
                raise PydanticCustomError("target_form", "a level target has no trajectory; remove it",
                                          {"field": "trajectory"})
        elif self.trajectory is None:
            message = ("a % change needs a trajectory: 'single', 'compound' or 'linear'" if form == "pct_change"
                       else "a final target needs a trajectory: 'compound' or 'linear'")
            raise PydanticCustomError("target_form", message, {"field": "trajectory"})
        if isinstance(self.pct_change, tuple):
            self._check_rate_list(self.pct_change)
        if form in ("final", "final_pct_change"):
            self._check_final()
        linear_below_zero = (isinstance(self.pct_change, float) and self.trajectory == "linear"
                             and 1 + self.years * self.pct_change / 100 < 0)
        if linear_below_zero:
            raise PydanticCustomError(
                "target_form", "a linear trajectory of {pct}% a year for {years} years goes below zero",
                {"field": "pct_change", "pct": f"{self.pct_change:g}", "years": self.years})
        relative = form in ("pct_change", "final_pct_change")
        if self.indicator == "proportion" and relative and self.baseline_value is not None:
            final = self.baseline_value * max(1.0, *self._growth())
            if final > 100:
                raise PydanticCustomError(
                    "target_form", "the trajectory reaches {final}%, above 100% for a proportion",
                    {"field": form, "final": f"{final:.1f}"})
        as_of = (info.context or {}).get("as_of") if info is not None else None
        if as_of is not None:
            as_of = _as_month(as_of)
            window = parse_financial_year(self.baseline)
            if window.start > as_of:
                raise PydanticCustomError(
                    "baseline_future", "baseline year {baseline} is in the future (data to {as_of})",
                    {"field": "baseline", "baseline": self.baseline, "as_of": f"{as_of:%Y-%m}"})
            if window.end > as_of and self.baseline_value is None and form != "level":
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
