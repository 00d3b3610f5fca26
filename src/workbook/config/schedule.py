"""Batch schedules: which areas and months to run, read from YAML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbook.config.area import list_areas
from workbook.config.files import read_yaml
from workbook.config.generate import LONDON_BOROUGHS, write_london_borough_configs
from workbook.core.errors import ConfigError, PeriodError
from workbook.core.periods import parse_month

ALL_AREAS = "all"
_SCHEDULE_KEYS = {"area", "period", "data"}


@dataclass(frozen=True)
class ScheduledRun:
    """One area and period to run (``period=None``: the latest in the data)."""

    area: str
    period: str | None = None
    data_path: str | None = None

    @property
    def label(self) -> str:
        """A short name for logs and file names.

        Examples
        --------
        >>> ScheduledRun("config/areas/lambeth.yml", "2023-11").label
        'lambeth_2023-11'
        >>> ScheduledRun("lambeth").label
        'lambeth_latest'
        """
        name = Path(self.area).stem if self.area.endswith((".yml", ".yaml")) else self.area
        return f"{re.sub(r'[^A-Za-z0-9_-]', '_', name)}_{self.period or 'latest'}"


def all_configured_runs(*, period: str | None = None) -> list[ScheduledRun]:
    """Every area in ``config/areas/``, at ``period`` (default: the latest in its data).

    Examples
    --------
    >>> [r.area for r in all_configured_runs()][:2]
    ['central-bedfordshire', 'city-of-london']
    """

    return [ScheduledRun(area=a, period=period) for a in list_areas()]


def london_borough_runs(*, period: str | None = None, folder: str | Path | None = None) -> list[ScheduledRun]:
    """A run for each London borough, from generated configs (see :func:`write_london_borough_configs`)."""
    return [ScheduledRun(area=str(p), period=period) for p in write_london_borough_configs(folder)]


def _expand(area: str, period: str | None, data: str | None) -> list[ScheduledRun]:
    if area == ALL_AREAS:
        return [ScheduledRun(r.area, period, data) for r in all_configured_runs()]
    if area == LONDON_BOROUGHS:
        return [ScheduledRun(r.area, period, data) for r in london_borough_runs()]
    return [ScheduledRun(area, period, data)]


def _is_month(value: object) -> bool:
    try:
        parse_month(value) if isinstance(value, str) else None
    except PeriodError:
        return False
    return isinstance(value, str)


def parse_schedule(raw: Any, *, path: str | Path | None = None, base: Path | None = None) -> list[ScheduledRun]:
    """Validate a schedule already read from YAML (see the module docstring).

    Relative config and data paths are taken from ``base`` (the schedule's folder).

    Examples
    --------
    >>> parse_schedule([{"area": "lambeth", "period": "2023-11"}, {"area": "city-of-london"}])
    [ScheduledRun(area='lambeth', period='2023-11', data_path=None), ScheduledRun(area='city-of-london', period=None, data_path=None)]
    >>> parse_schedule({"runs": [{"area": "lambeth", "period": 202311}]}, path="s.yml")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ConfigError: s.yml, key 'runs.0.period': expected a month as text "YYYY-MM" (quote it), got int 202311
    """
    prefix = "runs."
    if isinstance(raw, dict):
        unknown = set(raw) - {"runs"}
        if unknown:
            raise ConfigError("unknown key; a schedule has only 'runs'", path=path, key=sorted(unknown)[0])
        raw = raw.get("runs")
    else:
        prefix = ""
    if raw is None:
        raise ConfigError("schedule is empty; expected a list of runs, each with an 'area'", path=path)
    if not isinstance(raw, list):
        raise ConfigError(f"expected a list of runs, found {type(raw).__name__}", path=path, key=prefix.rstrip(".") or None)
    runs: list[ScheduledRun] = []
    for i, item in enumerate(raw):
        key = f"{prefix}{i}"
        if isinstance(item, str):
            item = {"area": item}
        if not isinstance(item, dict):
            raise ConfigError(f"expected a mapping with 'area' (and 'period'), found {type(item).__name__}", path=path, key=key)
        unknown = set(item) - _SCHEDULE_KEYS
        if unknown:
            raise ConfigError("unknown key; a run has 'area', 'period' and 'data'", path=path, key=f"{key}.{sorted(unknown)[0]}")
        area = item.get("area")
        if not isinstance(area, str) or not area.strip():
            raise ConfigError("required: an area slug or config path", path=path, key=f"{key}.area")
        period = item.get("period")
        if period is not None and not _is_month(period):
            raise ConfigError(
                f'expected a month as text "YYYY-MM" (quote it), got {type(period).__name__} {period!r}',
                path=path,
                key=f"{key}.period",
            )
        data = item.get("data")
        if data is not None and not isinstance(data, str):
            raise ConfigError(f"expected a file or folder path, got {type(data).__name__}", path=path, key=f"{key}.data")
        if base is not None:
            if area.endswith((".yml", ".yaml")) and not Path(area).is_absolute():
                area = str(base / area)
            if data and not Path(data).is_absolute():
                data = str(base / data)
        runs.extend(_expand(area.strip(), period, data))
    if not runs:
        raise ConfigError("schedule lists no runs", path=path)
    return runs


def read_schedule(path: str | Path) -> list[ScheduledRun]:
    """Read a schedule YAML file.

    Raises
    ------
    ConfigError
        The file is missing, not YAML, or a run is malformed (naming the key).
    """

    path = Path(path)
    return parse_schedule(read_yaml(path, what="schedule"), path=path, base=path.resolve().parent)
