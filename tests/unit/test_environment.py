"""environment.yml and pyproject.toml pin the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from workbook.core.paths import REPO_ROOT


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    pins = {}
    for spec in specs:
        name, version = spec.split("==")
        pins[_norm(name)] = version
    env = yaml.safe_load((REPO_ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            conda[_norm(name)] = version
    conda.pop("python")
    assert conda == pins
    assert env["dependencies"][0] == "python=3.11"
    assert all("==" in s for s in specs), "every dependency must be pinned exactly"
