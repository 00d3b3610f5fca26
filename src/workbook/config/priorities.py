"""The priorities section of an area config: criterion weights, thresholds, overrides."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from workbook.core.errors import ConfigError, validation_to_config_error

CONFIG_KEY = "priorities"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionWeights(_Strict):
    """Points each criterion adds to a candidate's score when it is marked."""

    volume: float = Field(1.0, ge=0, description="high volume")
    rate: float = Field(1.0, ge=0, description="rate worse than peers")
    increasing: float = Field(1.0, ge=0, description="predicted direction of travel increasing")
    harm: float = Field(1.0, ge=0, description="high share of harm")
    target: float = Field(1.0, ge=0, description="target at risk, off track or not met")
    public_concern: float = Field(1.0, ge=0, description="full for high concern, half for medium")
    emerging: float = Field(1.0, ge=0, description="flagged as an emerging issue")


class Thresholds(_Strict):
    """When a criterion is marked, and the score that recommends inclusion."""

    volume_top_n: int = Field(3, ge=0, description="high volume: among the N largest candidates")
    volume_share: float = Field(0.10, ge=0, le=1, description="high volume: at least this share of the total")
    harm_share: float = Field(0.10, ge=0, le=1, description="high harm: at least this share of total harm")
    include_score: float = Field(2.0, ge=0, description="recommend inclusion at or above this score")


class Override(_Strict):
    """An analyst's or board's decision that replaces the matrix's recommendation."""

    category: str = Field(min_length=1)
    decision: Literal["include", "exclude"]
    reason: str

    @field_validator("reason")
    @classmethod
    def _reason_given(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("a reason is required: say why the matrix's recommendation is overridden")
        return v


class PrioritySettings(_Strict):
    """The ``priorities:`` block of an area config (every key optional)."""

    weights: CriterionWeights = Field(default_factory=CriterionWeights)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    statutory: list[str] = Field(default_factory=list, description="statutory or national requirements")
    public_concern: dict[str, Literal["high", "medium", "low"]] = Field(
        default_factory=dict, description="level of concern from consultation, by category"
    )
    emerging: list[str] = Field(default_factory=list, description="emerging issues")
    overrides: list[Override] = Field(default_factory=list)

    _path: Path | None = PrivateAttr(default=None)


def load_priority_settings(
    raw: Mapping[str, Any] | None, *, path: str | Path | None = None
) -> PrioritySettings:
    """Validate the ``priorities:`` block of an area config.

    Parameters
    ----------
    raw
        The block as read from YAML (``AreaConfig.priorities``); ``None`` or
        an empty mapping gives the defaults.
    path
        The config file, named in errors.

    Raises
    ------
    ConfigError
        Naming the dotted key (``priorities.overrides.0.reason``): an unknown
        key, a negative weight, a concern level other than high/medium/low,
        an override without a reason, or two overrides for one category.

    Examples
    --------
    >>> s = load_priority_settings({"statutory": ["Domestic abuse"]})
    >>> s.statutory, s.thresholds.include_score
    (['Domestic abuse'], 2.0)
    >>> try:
    ...     load_priority_settings({"weights": {"volume": -1}}, path="x.yml")
    ... except ConfigError as exc:
    ...     print(exc.key)
    priorities.weights.volume
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"expected a mapping of keys to values, found {type(raw).__name__}", path=path, key=CONFIG_KEY
        )
    try:
        settings = PrioritySettings.model_validate(dict(raw))
    except ValidationError as exc:
        raise validation_to_config_error(exc, path=path, prefix=CONFIG_KEY) from None
    seen: set[str] = set()
    for i, ov in enumerate(settings.overrides):
        if ov.category in seen:
            raise ConfigError(
                f"a second override for {ov.category!r}; expected one override per category",
                path=path,
                key=f"{CONFIG_KEY}.overrides.{i}.category",
            )
        seen.add(ov.category)
    settings._path = None if path is None else Path(path)
    return settings
