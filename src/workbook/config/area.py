"""Area configuration: one YAML file per partnership in ``config/areas/``.

A config is validated on load: unknown keys and wrong types are errors
(:class:`~workbook.core.errors.ConfigError` naming the file and the dotted key),
never warnings.  Relative paths in a config are taken from the repository
root.  See ``config/areas/lambeth.yml`` for a documented example.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from workbook.config.appendices import load_appendices
from workbook.config.disclosure import load_disclosure_rule
from workbook.config.files import read_yaml
from workbook.config.priorities import load_priority_settings
from workbook.config.spreadsheets import InputFiles, read_input_sections
from workbook.config.targets import load_targets
from workbook.core.errors import ConfigError, validation_to_config_error
from workbook.core.paths import AREAS_DIR, resolve_path

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False)


class AreaRef(_Strict):
    """A district/borough that makes up (part of) the partnership."""

    code: str = Field(min_length=1, description="ONS code as it appears in the data's area_code")
    name: str = Field(min_length=1)


class DataSource(_Strict):
    """Where the police data comes from."""

    path: str = Field(min_length=1, description="file or folder, relative to the repository root")
    format: Literal["auto", "police_uk", "mps_borough", "tidy"] = "auto"
    select: Literal["areas", "all"] = Field(
        "areas",
        description="'areas': rows whose area_code is one of the partnership's areas; "
        "'all': the whole file is this partnership (a force that is one CSP)",
    )
    description: str = Field(min_length=1, description="the source as a reader should see it named")
    licence: str = "Contains public sector information licensed under the Open Government Licence v3.0."
    vintage: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}$",
        description="YYYY-MM the source was published up to; default its own last month (newer wins overlaps)",
    )


class PopulationSource(_Strict):
    path: str = Field(min_length=1)
    households_path: str | None = None
    census2021_path: str | None = None
    description: str = Field(min_length=1)


class AreaConfig(_Strict):
    """A partnership's configuration."""

    slug: str
    name: str = Field(min_length=1, description="the partnership's name as readers know it")
    short_name: str = Field(min_length=1)
    csp_code: str | None = None
    areas: list[AreaRef] = Field(min_length=1)
    data: DataSource | list[DataSource] = Field(
        description="one source, or several joined into one series (the newer vintage wins where they overlap)"
    )
    population: PopulationSource
    main_categories: list[str] = Field(
        default_factory=list, description="categories charted and forecast; default: the largest by volume"
    )
    n_main_categories: int = Field(6, ge=1, le=14)
    category_map: dict[str, str] = Field(
        default_factory=dict,
        description="categories a Met file carries that the package's category map does not: the category as the "
        "file spells it -> a harmonised subcategory (e.g. 'Residential burglary') or category",
    )
    peers: list[str] = Field(default_factory=list, description="area codes of peer partnerships")
    # Slots later chapters fill; each is validated by its own module.
    targets: list[dict[str, Any]] = Field(default_factory=list)
    priorities: dict[str, Any] = Field(default_factory=dict)
    disclosure: dict[str, Any] = Field(default_factory=dict)
    local_indicators: str | None = None
    appendices: dict[str, Any] = Field(default_factory=dict)
    inputs: InputFiles | None = Field(
        None,
        description="spreadsheet (.xlsx, one sheet per section) or CSV files holding the analyst sections "
        "instead of the YAML: {workbook: path.xlsx} and/or a file per section (see config/spreadsheets.py)",
    )
    illustrative_inputs: list[Literal["priorities", "appendices", "targets"]] = Field(
        default_factory=list,
        description="config sections whose contents are invented examples; the report labels them so",
    )

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG.match(v):
            raise ValueError("expected lower-case letters, digits, '-' or '_'")
        return v

    @model_validator(mode="after")
    def _unique_areas(self) -> AreaConfig:
        codes = [a.code for a in self.areas]
        if len(set(codes)) != len(codes):
            raise ValueError(f"area codes repeat: {codes}")
        return self

    @property
    def area_codes(self) -> list[str]:
        return [a.code for a in self.areas]

    @property
    def has_sub_areas(self) -> bool:
        """True where the partnership is made of more than one district."""
        return len(self.areas) > 1

    def disclosure_rule(self):  # noqa: ANN201 - DisclosureRule

        return load_disclosure_rule(self.disclosure)

    def data_path(self) -> Path:
        return resolve_path(self.source.path)

    @property
    def sources(self) -> list[DataSource]:
        """Every data source, as listed."""
        return list(self.data) if isinstance(self.data, list) else [self.data]

    @property
    def source(self) -> DataSource:
        """The first source listed: its description, licence and selection rule stand for the series."""
        return self.sources[0]


def parse_area_config(raw: Any, *, path: str | Path | None = None, slug: str | None = None) -> AreaConfig:
    """Validate a config already read from YAML.

    Examples
    --------
    >>> parse_area_config({"slug": "x"}, path="x.yml")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: x.yml, key 'name': required key is missing
    """
    if raw is None:
        raise ConfigError("file is empty; expected an area configuration (see config/areas/lambeth.yml)", path=path)
    if not isinstance(raw, dict):
        raise ConfigError(f"expected a mapping of keys to values, found {type(raw).__name__}", path=path)
    data = dict(raw)
    if slug is not None:
        data.setdefault("slug", slug)
    try:
        config = AreaConfig.model_validate(data)
    except ValidationError as exc:
        raise validation_to_config_error(exc, path=path) from None
    config = read_input_files(config, path=path)
    validate_sections(config, path=path)
    return config


def read_input_files(config: AreaConfig, *, path: str | Path | None = None) -> AreaConfig:
    """The config with the sections its ``inputs:`` names read from their
    spreadsheets into ``targets``, ``priorities`` and ``appendices`` (a new
    config; the same one if it names none).

    Examples
    --------
    >>> cfg = load_area_config("lambeth")
    >>> read_input_files(cfg) is cfg
    True
    """
    updates = read_input_sections(config.inputs, targets=config.targets, priorities=config.priorities,
                                  appendices=config.appendices, path=path)
    return config.model_copy(update=updates) if updates else config


def validate_sections(config: AreaConfig, *, path: str | Path | None) -> None:
    """Validate the sections each chapter's own module defines, so every
    config error is found when the config is loaded, before any run."""

    load_disclosure_rule(config.disclosure, path=path)
    load_priority_settings(config.priorities, path=path)
    load_appendices(config.appendices, path=path)
    load_targets(config.targets, path=path)


def config_path_for(area: str | Path) -> Path:
    """The config file for an area slug, or ``area`` itself if it is a path."""
    p = Path(area)
    if p.suffix in (".yml", ".yaml"):
        return resolve_path(p, base=Path.cwd()) if not p.is_absolute() else p
    return AREAS_DIR / f"{area}.yml"


def list_areas() -> list[str]:
    """Slugs of the configured areas.

    Examples
    --------
    >>> {"lambeth", "lambeth-southwark", "city-of-london"} <= set(list_areas())
    True
    """
    return sorted(p.stem for p in AREAS_DIR.glob("*.yml"))


def load_area_config(area: str | Path) -> AreaConfig:
    """Load and validate an area config by slug (``"lambeth"``) or path.

    Examples
    --------
    >>> cfg = load_area_config("lambeth")
    >>> cfg.name, cfg.area_codes
    ('London Borough of Lambeth', ['E09000022'])
    """
    path = config_path_for(area)
    if not path.exists():
        known = ", ".join(list_areas())
        raise ConfigError(f"no configuration for area {str(area)!r}; configured areas: {known}", path=path)
    raw = read_yaml(path, what="config")
    return parse_area_config(raw, path=path, slug=path.stem)
