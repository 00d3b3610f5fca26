"""Reading YAML files for area configs and schedules, with one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from workbook.core.errors import ConfigError


def read_yaml(path: str | Path, *, what: str = "file") -> Any:
    r"""A YAML file's content, or a ConfigError naming the file (and the line
    and column of a syntax error).

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "bad.yml"
    >>> _ = p.write_text("runs: [lambeth\n")
    >>> try:
    ...     read_yaml(p, what="schedule")
    ... except ConfigError as exc:
    ...     print(str(exc).replace(str(p), "bad.yml"))
    bad.yml: YAML syntax error at line 2, column 1: expected ',' or ']', but got '<stream end>'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {what}: {getattr(exc, 'strerror', None) or exc}", path=path) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"YAML syntax error{where}: {problem}", path=path) from None
