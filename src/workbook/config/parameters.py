"""Notebook parameters, declared with types and checked before a kernel starts.

papermill only warns when it is given a parameter the notebook does not
declare, and injects values of any type.  Here the notebook's ``parameters``
cell is the declaration: each line is ``name: type = literal``
(``period: str = ""``; comments aside, nothing else may be there), and :func:`check_parameters` refuses unknown names,
wrong types, an unknown area, a malformed period or a data path that does
not exist, with a :class:`ParameterError` naming the parameter, before any
kernel is started.  Whether the period lies inside the data is checked when
the data are loaded (:func:`workbook.assessment.prepare.prepare_assessment`);
:mod:`workbook.run.assess` reports that error against the ``period`` parameter too.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from workbook.config.area import config_path_for, list_areas
from workbook.core.errors import ParameterError, PeriodError
from workbook.core.paths import NOTEBOOKS_DIR, resolve_path
from workbook.core.periods import parse_month

NOTEBOOK = NOTEBOOKS_DIR / "assessment.ipynb"

# The annotations a parameters cell may use, and the Python types they accept.
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}
_OPTIONAL = re.compile(r"^(?:Optional\[(?P<a>\w+)\]|(?P<b>\w+)\s*\|\s*None|None\s*\|\s*(?P<c>\w+))$")
_GENERIC = re.compile(r"^(?P<base>list|dict|tuple)\[.*\]$")


@dataclass(frozen=True)
class Parameter:
    """One parameter declared in a notebook's ``parameters`` cell."""

    name: str
    type_name: str
    default: Any
    optional: bool = False

    @property
    def accepted(self) -> tuple[type, ...]:
        """The Python types a value of this parameter may have."""
        return _TYPES[self.type_name]

    def accepts(self, value: Any) -> bool:
        """True if ``value`` has the declared type.

        Examples
        --------
        >>> p = Parameter("period", "str", "")
        >>> p.accepts("2023-11"), p.accepts(202311), p.accepts(None)
        (True, False, False)
        >>> Parameter("n", "int", 1).accepts(True)  # a bool is not a count
        False
        """
        if value is None:
            return self.optional
        if isinstance(value, bool) and bool not in self.accepted:
            return False
        return isinstance(value, self.accepted)


def parse_type_name(annotation: str | None, *, name: str, notebook: str | Path = "") -> tuple[str, bool]:
    """The base type name of an annotation and whether ``None`` is allowed.

    Examples
    --------
    >>> parse_type_name("str", name="area")
    ('str', False)
    >>> parse_type_name("int | None", name="year")
    ('int', True)
    >>> parse_type_name("list[str]", name="areas")
    ('list', False)
    >>> parse_type_name(None, name="area", notebook="x.ipynb")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'area': x.ipynb declares it without a type; expected e.g. `area: str = "..."`
    """
    text = (annotation or "").strip()
    if not text or text == "None":
        raise ParameterError(
            f"{Path(notebook).name or 'the notebook'} declares it without a type; expected e.g. `{name}: str = \"...\"`",
            name=name,
        )
    optional = False
    m = _OPTIONAL.match(text)
    if m:
        text, optional = m.group("a") or m.group("b") or m.group("c"), True
    g = _GENERIC.match(text)
    if g:
        text = "list" if g.group("base") == "tuple" else g.group("base")
    if text not in _TYPES:
        raise ParameterError(
            f"type {annotation!r} is not one a parameter may have; expected one of {', '.join(_TYPES)}", name=name
        )
    return text, optional


@lru_cache(maxsize=8)
def _declared(notebook: str, mtime_ns: int) -> tuple[Parameter, ...]:
    name = Path(notebook).name
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ParameterError(f"cannot read the parameters of {notebook}: {exc}") from None
    if not cells:
        raise ParameterError(f"{notebook} has no cell tagged 'parameters'; expected one declaring its parameters")
    source = cells[0]["source"]
    source = "".join(source) if isinstance(source, list) else source
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{name}: the parameters cell is not valid Python (line {exc.lineno}: {exc.msg})") from None
    params = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            parse_type_name(None, name=node.targets[0].id, notebook=notebook)  # raises: no type
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None):
            raise ParameterError(
                f"{name}: line {node.lineno} of the parameters cell is not `name: type = literal`; "
                "the cell holds only typed literals"
            )
        pname = node.target.id
        type_name, optional = parse_type_name(ast.unparse(node.annotation), name=pname, notebook=notebook)
        text = ast.unparse(node.value)
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(f"{name}: its default {text} is not a literal", name=pname) from None
        p = Parameter(name=pname, type_name=type_name, default=default, optional=optional)
        if not p.accepts(default):
            raise ParameterError(f"{name}: its default {text} is not a {type_name}", name=pname)
        params.append(p)
    return tuple(params)


def read_parameters(notebook: str | Path = NOTEBOOK) -> dict[str, Parameter]:
    """The parameters a notebook declares in its ``parameters`` cell, by name.

    Every parameter must be annotated with its type; a missing or unsupported
    annotation is a :class:`ParameterError`.

    Examples
    --------
    >>> {name: p.type_name for name, p in read_parameters().items()}
    {'area': 'str', 'period': 'str', 'data_path': 'str', 'output_dir': 'str', 'prepared': 'str'}
    """
    path = Path(notebook)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise ParameterError(f"cannot read notebook {path}: {exc.strerror or exc}") from exc
    return {p.name: p for p in _declared(str(path), mtime)}


def check_area(area: str) -> Path:
    """The config file of ``area`` (a slug or a path), or a ParameterError.

    Examples
    --------
    >>> check_area("lambeth").name
    'lambeth.yml'
    >>> check_area("lambth")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'area': no area 'lambth'; configured areas: central-bedfordshire, city-of-london, lambeth, lambeth-southwark (or give the path of a config .yml)
    """
    if not area.strip():
        raise ParameterError("is empty; expected an area slug or the path of an area config", name="area")
    path = config_path_for(area)
    if not path.is_file():
        if path.suffix in (".yml", ".yaml") and Path(area).suffix:
            raise ParameterError(f"no area config at {path}", name="area")
        raise ParameterError(
            f"no area {area!r}; configured areas: {', '.join(list_areas())} (or give the path of a config .yml)",
            name="area",
        )
    return path


def check_period(period: str) -> str:
    """A period as given (``"YYYY-MM"``), checked by the one month parser.

    Examples
    --------
    >>> check_period("2023-11")
    '2023-11'
    >>> check_period("2023-13")
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'period': period '2023-13' is not a month; expected YYYY-MM, e.g. 2023-11
    """
    try:
        parse_month(period)
    except PeriodError as exc:
        raise ParameterError(str(exc), name="period") from None
    return period


def check_parameters(values: Mapping[str, Any], *, notebook: str | Path = NOTEBOOK) -> dict[str, Any]:
    """Check values for a notebook's parameters before any kernel starts.

    Parameters
    ----------
    values
        Parameter name -> value, as they would be given to papermill.
    notebook
        The notebook whose ``parameters`` cell declares the names and types.

    Returns
    -------
    dict
        The values, unchanged, once checked.

    Raises
    ------
    ParameterError
        Naming the parameter: not declared by the notebook, the wrong type,
        or (for the assessment's own parameters) an unknown area, a period
        that is not ``YYYY-MM`` or a data path that does not exist.

    Examples
    --------
    >>> check_parameters({"area": "lambeth", "period": "2023-11"})
    {'area': 'lambeth', 'period': '2023-11'}
    >>> check_parameters({"area": "lambeth", "year": 2023})
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'year': assessment.ipynb declares no such parameter; it declares area, period, data_path, output_dir, prepared
    >>> check_parameters({"period": 202311})
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'period': expected str, got int 202311
    """
    declared = read_parameters(notebook)
    for name, value in values.items():
        if name not in declared:
            raise ParameterError(
                f"{Path(notebook).name} declares no such parameter; it declares {', '.join(declared)}", name=name
            )
        p = declared[name]
        if not p.accepts(value):
            raise ParameterError(
                f"expected {p.type_name}{' or None' if p.optional else ''}, got {type(value).__name__} {value!r}",
                name=name,
            )
    if "area" in values:
        check_area(values["area"])
    if values.get("period"):
        check_period(values["period"])
    if values.get("since"):
        try:
            parse_month(values["since"])
        except PeriodError as exc:
            raise ParameterError(str(exc), name="since") from None
    for part in str(values.get("data_path") or "").split(os.pathsep):  # several sources joined by os.pathsep
        if part.strip() and not (data := resolve_path(part, base=Path.cwd())).exists():
            raise ParameterError(f"no such file or folder {data}", name="data_path")
    return dict(values)


class RunParameters(BaseModel):
    """The parameters of one report run, checked once where they come in.

    Built from the command line, a batch schedule or a notebook's parameters
    cell by :meth:`check` (or :func:`notebook_parameters`), and passed on
    unchanged: nothing after this point parses a period or an area again.

    Attributes
    ----------
    area
        Area slug or config path (checked to exist).
    period
        ``YYYY-MM``, or ``""`` for the latest month in the data (the runner
        resolves it before the notebook runs).
    data_path
        A police data file or folder to use instead of the config's, or ``""``.
    output_dir
        Where the notebook writes its tables, or ``""`` for nowhere.
    since
        The month of the last performance report (monitoring), or ``""`` for the month before.
    prepared
        A prepared assessment saved by the runner (see
        :func:`workbook.assessment.prepare.save_prepared`), or ``""``: the
        notebook then prepares it itself.
    categories
        The offence groups an explore notebook shows (trends, forecasts), or
        ``[]`` for the area's main ones.
    by_district
        Whether the explore comparison adds each offence group by district.

    Examples
    --------
    >>> p = RunParameters.check({"area": "lambeth", "period": "2023-11"})
    >>> p.area, p.period, p.month
    ('lambeth', '2023-11', Timestamp('2023-11-01 00:00:00'))
    >>> p.model_copy(update={"output_dir": "/tmp/x"}).as_notebook_values()["output_dir"]
    '/tmp/x'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    area: str
    period: str = ""
    data_path: str = ""
    output_dir: str = ""
    prepared: str = ""
    since: str = ""
    categories: list[str] = []
    by_district: bool = False
    _notebook: Path = PrivateAttr(default=NOTEBOOK)

    @classmethod
    def check(cls, values: Mapping[str, Any], *, notebook: str | Path = NOTEBOOK) -> RunParameters:
        """Check ``values`` against the notebook's declared parameters and build the object.

        Raises
        ------
        ParameterError
            Naming the parameter (see :func:`check_parameters`).
        """
        checked = check_parameters(values, notebook=notebook)
        defaults = {name: p.default for name, p in read_parameters(notebook).items()}
        try:
            params = cls.model_validate({k: v for k, v in (defaults | checked).items() if k in cls.model_fields})
        except ValidationError as exc:  # e.g. a list of categories that are not all text
            first = exc.errors()[0]
            raise ParameterError(f"{first['msg']}, got {first['input']!r}", name=str(first["loc"][0])) from None
        params._notebook = Path(notebook)
        return params

    @property
    def month(self) -> pd.Timestamp | None:
        """The period as a month, or None for the latest in the data."""
        return parse_month(self.period) if self.period else None

    def as_notebook_values(self) -> dict[str, Any]:
        """The values to inject into the notebook with papermill: those it declares."""
        declared = read_parameters(self._notebook)
        return {k: v for k, v in self.model_dump().items() if k in declared}


def _parameters_source(notebook: Path) -> str:
    cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
             if "parameters" in c.get("metadata", {}).get("tags", [])]
    source = cells[0]["source"] if cells else ""
    return ("".join(source) if isinstance(source, list) else source).strip()


def _literal_names(source: str) -> list[str] | None:
    r"""Names a cell assigns if it holds only literal assignments (a parameters
    cell, or the cell papermill injects), else None.

    Examples
    --------
    >>> _literal_names('# Parameters\nperod = "2023-06"\narea: str = "lambeth"\n')
    ['perod', 'area']
    >>> _literal_names("import time\nx = 1") is None
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    names = []
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else (
            node.target if isinstance(node, ast.AnnAssign) else None)
        if not isinstance(target, ast.Name) or node.value is None:
            return None
        try:
            ast.literal_eval(node.value)
        except ValueError:
            return None
        names.append(target.id)
    return names or None


def notebook_parameters(
    executed: list[str], namespace: Mapping[str, Any], *, notebook: str | Path = NOTEBOOK
) -> RunParameters:
    r"""The run parameters inside a notebook, checked however it was run.

    ``executed`` is the source of the cells run so far (IPython's ``In``):
    every name a literal-only cell among them set (the parameters cell, and
    the cell papermill injects) must be a declared parameter, so
    ``papermill ... -p perod 2023-06`` stops here naming ``perod``.  Their
    values, read from ``namespace``, are then checked like any other run's.

    Examples
    --------
    >>> cells = ['area: str = "lambeth"\nperiod: str = ""', 'period = "2023-11"', "from x import y"]
    >>> notebook_parameters(cells, {"area": "lambeth", "period": "2023-11"}).period
    '2023-11'
    >>> notebook_parameters([*cells, 'perod = "2023-06"'], {"area": "lambeth", "period": ""})
    Traceback (most recent call last):
    ...
    workbook.core.errors.ParameterError: parameter 'perod': assessment.ipynb declares no such parameter; it declares area, period, data_path, output_dir, prepared
    """
    path = Path(notebook) if Path(notebook).is_absolute() else NOTEBOOKS_DIR / notebook
    declared = read_parameters(path)
    # From the last run of the parameters cell on: an analyst's earlier scratch cells are not parameters.
    own = _parameters_source(path)
    starts = [i for i, s in enumerate(executed) if (s or "").strip() == own]
    for source in executed[starts[-1] if starts else 0:]:
        for name in _literal_names(source or "") or []:
            if name not in declared:
                raise ParameterError(f"{path.name} declares no such parameter; it declares {', '.join(declared)}",
                                     name=name)
    return RunParameters.check({n: namespace[n] for n in declared if n in namespace}, notebook=path)
