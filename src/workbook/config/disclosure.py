"""The disclosure section of an area config: the rule that decides which small numbers are protected."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from workbook.core.errors import ConfigError, validation_to_config_error

DEFAULT_SENSITIVE_CATEGORIES: tuple[str, ...] = ("Sexual offences", "Rape", "Other sexual offences")

Level = Literal["sub_area", "area"]


class DisclosureRule(BaseModel):
    """Which counts may not be published, and what is shown instead.

    Parameters
    ----------
    threshold
        Counts ``1 .. threshold - 1`` are suppressed; 0 is shown as 0.
        ``threshold=1`` suppresses nothing.
    symbol
        What a suppressed cell shows; default ``"<{threshold}"``.
    categories
        The sensitive categories (matched to a row's category ignoring case).
    all_categories
        Apply the rule to every category, ignoring ``categories``.
    levels
        The levels the rule covers: ``"sub_area"`` (breakdown tables by
        district or neighbourhood) and/or ``"area"`` (the partnership's own
        figures, including a breakdown table's total row).
    rounding
        None, or a base (e.g. 5): other published counts in covered rows are
        rounded to the nearest multiple.
    secondary
        Suppress further cells so that no suppressed cell can be recovered
        from totals and differences.
    min_range
        How uncertain a suppressed count must stay: the whole numbers a
        reader could work out for it, from everything published with it,
        must span at least this much (largest minus smallest).  Default
        (None): the rounding base, so a suppressed count is never known as
        closely as a rounded one (with base 5, never to within +/-2); 1
        without rounding (never exactly).  See :attr:`required_range`.

    Examples
    --------
    >>> DisclosureRule().symbol
    '<5'
    >>> r = DisclosureRule(threshold=8, symbol="*", rounding=5)
    >>> r.threshold, r.symbol, r.rounding, r.levels, r.required_range
    (8, '*', 5, ('sub_area',), 5)
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: StrictInt = Field(5, ge=1)
    symbol: str = Field("<5", min_length=1)
    categories: tuple[str, ...] = DEFAULT_SENSITIVE_CATEGORIES
    all_categories: StrictBool = False
    levels: tuple[Level, ...] = Field(("sub_area",), min_length=1)
    rounding: StrictInt | None = Field(None, ge=2)
    secondary: StrictBool = True
    min_range: StrictInt | None = Field(None, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _default_symbol(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("symbol") is None:
            threshold = data.get("threshold", 5)
            data = {**data, "symbol": f"<{threshold}"}
        return data

    @field_validator("symbol")
    @classmethod
    def _symbol_not_a_number(cls, v: str) -> str:
        # A symbol a reader (or pandas) could take for a count would publish a false figure.
        try:
            float(v)
        except ValueError:
            return v
        raise ValueError(f"symbol {v!r} looks like a number; expected e.g. '<5' or '*'")

    @field_validator("categories")
    @classmethod
    def _categories_named(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not c.strip() for c in v):
            raise ValueError("category names must not be empty")
        return v

    @property
    def required_range(self) -> int:
        """The least spread a suppressed count's possible values may have (see ``min_range``).

        Examples
        --------
        >>> DisclosureRule().required_range, DisclosureRule(rounding=5).required_range
        (1, 5)
        >>> DisclosureRule(rounding=5, min_range=10).required_range
        10
        """
        if self.min_range is not None:
            return self.min_range
        return self.rounding if self.rounding is not None else 1

    def rounding_interval(self, published: float) -> tuple[float, float]:
        """The counts a published rounded value ``published`` can stand for (halves round up).

        Examples
        --------
        >>> DisclosureRule(rounding=5).rounding_interval(25), DisclosureRule(rounding=10).rounding_interval(10)
        ((23, 27), (5, 14))
        """
        if self.rounding is None:
            return (published, published)
        base = self.rounding
        return (max(0, published - base // 2), published + (base + 1) // 2 - 1)

    def covers_category(self, category: object) -> bool:
        """True if the rule applies to rows of ``category``.

        Examples
        --------
        >>> DisclosureRule().covers_category("sexual offences"), DisclosureRule().covers_category("Burglary")
        (True, False)
        """
        if self.all_categories:
            return True
        if not isinstance(category, str):
            return False
        return category.strip().casefold() in {c.strip().casefold() for c in self.categories}


def load_disclosure_rule(
    raw: Mapping[str, Any] | None, *, path: str | Path | None = None, key: str = "disclosure"
) -> DisclosureRule:
    """Validate the ``disclosure`` section of an area's YAML.

    Parameters
    ----------
    raw
        The section as read from YAML; None or empty gives the default rule.
    path
        The config file, for error messages.
    key
        The section's dotted key, prefixed to the key named in errors.

    Raises
    ------
    ConfigError
        Naming the offending key, e.g. ``disclosure.threshold``.

    Examples
    --------
    >>> load_disclosure_rule({"threshold": 10}).symbol
    '<10'
    >>> load_disclosure_rule({"threshold": 0}, path="x.yml")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: x.yml, key 'disclosure.threshold': Input should be greater than or equal to 1
    """
    if raw is None:
        return DisclosureRule()
    if not isinstance(raw, Mapping):
        found = type(raw).__name__
        raise ConfigError(f"expected a mapping of keys to values, found {found}", path=path, key=key)
    try:
        return DisclosureRule.model_validate(dict(raw))
    except ValidationError as exc:
        raise validation_to_config_error(exc, path=path, prefix=key) from None
