"""Notebook parameters are declared with types and checked before a kernel starts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbook.config.parameters import check_parameters, parse_type_name, read_parameters
from workbook.core.errors import ParameterError, WorkbookError


def _notebook(tmp_path: Path, source: str) -> Path:
    nb = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "p", "metadata": {"tags": ["parameters"]},
                   "outputs": [], "source": source}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    return path


def test_the_assessment_declares_four_typed_parameters():
    params = read_parameters()
    assert list(params) == ["area", "period", "data_path", "output_dir", "prepared"]
    assert {p.type_name for p in params.values()} == {"str"}
    assert params["area"].default == "lambeth" and params["period"].default == ""


def test_parameter_error_is_a_workbook_error_naming_the_parameter():
    with pytest.raises(WorkbookError) as exc:
        check_parameters({"perod": "2023-11"})
    assert isinstance(exc.value, ParameterError) and exc.value.name == "perod"
    assert str(exc.value).startswith("parameter 'perod': assessment.ipynb declares no such parameter")


@pytest.mark.parametrize(
    ("values", "name", "message"),
    [
        ({"period": 202311}, "period", "expected str, got int 202311"),
        ({"area": None}, "area", "expected str, got NoneType None"),
        ({"data_path": ["a.csv"]}, "data_path", "expected str, got list"),
        ({"area": "lambth"}, "area", "no area 'lambth'; configured areas: central-bedfordshire, city-of-london, lambeth"),
        ({"area": "missing/area.yml"}, "area", "no area config at"),
        ({"area": ""}, "area", "is empty"),
        ({"period": "2023-13"}, "period", "period '2023-13' is not a month; expected YYYY-MM"),
        ({"period": "November 2023"}, "period", "is not a month"),
        ({"data_path": "/no/such/file.csv"}, "data_path", "no such file or folder /no/such/file.csv"),
    ],
)
def test_bad_values_are_refused_naming_the_parameter(values, name, message):
    with pytest.raises(ParameterError, match=f"^parameter '{name}': .*{message.replace('(', '.').replace(')', '.')}") as exc:
        check_parameters(values)
    assert exc.value.name == name


def test_good_values_pass_unchanged(tmp_path):
    data = tmp_path / "x.csv"
    data.write_text("a\n1\n")
    values = {"area": "lambeth-southwark", "period": "2023-11", "data_path": str(data), "output_dir": ""}
    assert check_parameters(values) == values


def test_declared_types_are_enforced_for_any_notebook(tmp_path):
    nb = _notebook(tmp_path, "year: int = 2023\nrate: float = 1.5\nshow: bool = True\nnote: str | None = None\n")
    assert {n: (p.type_name, p.optional) for n, p in read_parameters(nb).items()} == {
        "year": ("int", False), "rate": ("float", False), "show": ("bool", False), "note": ("str", True)}
    assert check_parameters({"year": 2024, "rate": 2, "show": False, "note": None}, notebook=nb)
    with pytest.raises(ParameterError, match="parameter 'year': expected int, got bool True"):
        check_parameters({"year": True}, notebook=nb)
    with pytest.raises(ParameterError, match="parameter 'rate': expected float, got str '1.5'"):
        check_parameters({"rate": "1.5"}, notebook=nb)
    with pytest.raises(ParameterError, match="parameter 'show': expected bool, got int 1"):
        check_parameters({"show": 1}, notebook=nb)


def test_an_undeclared_type_is_an_error_in_the_notebook(tmp_path):
    nb = _notebook(tmp_path, 'area = "lambeth"\n')
    with pytest.raises(ParameterError, match=r"parameter 'area': nb.ipynb declares it without a type"):
        read_parameters(nb)


def test_a_notebook_without_parameters_cell(tmp_path):
    nb = _notebook(tmp_path, "x: int = 1\n")
    raw = json.loads(nb.read_text())
    raw["cells"][0]["metadata"]["tags"] = []
    nb.write_text(json.dumps(raw))
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        read_parameters(nb)


@pytest.mark.parametrize(("annotation", "expected"), [
    ("str", ("str", False)), ("Optional[int]", ("int", True)), ("None | float", ("float", True)),
    ("dict[str, int]", ("dict", False)), ("tuple[str, ...]", ("list", False)),
])
def test_parse_type_name(annotation, expected):
    assert parse_type_name(annotation, name="x") == expected


def test_unsupported_annotation():
    with pytest.raises(ParameterError, match="parameter 'when': type 'datetime' is not one a parameter may have"):
        parse_type_name("datetime", name="when")


@pytest.mark.parametrize(("source", "message"), [
    ("year: int = '2023'\n", r"parameter 'year': nb.ipynb: its default '2023' is not a int"),
    ("area: str = 'lam' + 'beth'\n", r"parameter 'area': nb.ipynb: its default 'lam' \+ 'beth' is not a literal"),
    ("import os\n", r"nb.ipynb: line 1 of the parameters cell is not `name: type = literal`"),
    ("year: int =\n", r"nb.ipynb: the parameters cell is not valid Python"),
])
def test_the_parameters_cell_holds_only_typed_literals(tmp_path, source, message):
    with pytest.raises(ParameterError, match=message):
        read_parameters(_notebook(tmp_path, source))


def test_an_explore_notebooks_own_parameters_are_checked_and_carried():
    from workbook.config.parameters import RunParameters
    from workbook.core.paths import NOTEBOOKS_DIR

    trends = NOTEBOOKS_DIR / "explore" / "trends.ipynb"
    p = RunParameters.check({"area": "lambeth", "categories": ["Robbery", "Drugs"]}, notebook=trends)
    assert p.categories == ["Robbery", "Drugs"] and p.as_notebook_values()["categories"] == ["Robbery", "Drugs"]
    assert "by_district" not in p.as_notebook_values()  # trends does not declare it: never injected
    with pytest.raises(ParameterError, match=r"parameter 'by_district': trends.ipynb declares no such parameter"):
        RunParameters.check({"area": "lambeth", "by_district": True}, notebook=trends)
    with pytest.raises(ParameterError, match=r"parameter 'categories': expected list, got str 'Robbery'"):
        RunParameters.check({"area": "lambeth", "categories": "Robbery"}, notebook=trends)
    with pytest.raises(ParameterError, match=r"parameter 'categories': .*string, got 3"):
        RunParameters.check({"area": "lambeth", "categories": ["Robbery", 3]}, notebook=trends)
    comparison = NOTEBOOKS_DIR / "explore" / "comparison.ipynb"
    assert RunParameters.check({"area": "lambeth", "by_district": True}, notebook=comparison).by_district is True
