"""The run manifest: checksums of code and inputs, and whether a report is up to date."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.assessment.prepare import split_data_paths
from workbook.config.area import AreaConfig
from workbook.core.paths import NOTEBOOKS_DIR, PACKAGE_DIR, REPO_ROOT, resolve_path
from workbook.core.version import __version__
from workbook.data.cache import checksum_path

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    pass

NOTEBOOK = NOTEBOOKS_DIR / "assessment.ipynb"
REPORT_NAME = "assessment.html"
EXECUTED_NAME = "assessment.ipynb"
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
# The libraries whose versions can change a report's numbers or pages.
LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pyarrow", "papermill", "nbconvert",
             "nbclient", "ipykernel")


# --------------------------------------------------------------------------- manifest


def code_checksum(notebook: Path = NOTEBOOK) -> dict[str, Any]:
    """Checksums of the code that makes a report: the package, the notebook,
    and the versions of the libraries that compute and render it.

    Examples
    --------
    >>> c = code_checksum()
    >>> len(c["sha256"]), c["workbook_version"] == __version__
    (64, True)
    """
    h = hashlib.sha256()
    files = sorted(
        p for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    h.update(b"notebook")
    h.update(hashlib.sha256(Path(notebook).read_bytes()).digest())
    libraries = {}
    for lib in LIBRARIES:
        try:
            libraries[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            libraries[lib] = None
    h.update(json.dumps(libraries, sort_keys=True).encode())
    return {"sha256": h.hexdigest(), "workbook_version": __version__, "notebook": _display_path(notebook),
            "libraries": libraries}


def _display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _config_paths(value: Any, key: str = "") -> dict[str, Path]:
    """Every string in a config that names an existing file or folder."""
    found: dict[str, Path] = {}
    if isinstance(value, Mapping):
        for k, v in value.items():
            found |= _config_paths(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found |= _config_paths(v, f"{key}.{i}")
    elif isinstance(value, str) and 0 < len(value) < 400 and "\n" not in value and ("/" in value or "." in value):
        try:
            p = resolve_path(value)
            if p.exists() and p != REPO_ROOT:
                found[key] = p
        except (OSError, ValueError):
            pass
    return found


def input_checksums(
    config_path: Path, config: AreaConfig, *, data_path: str | Path | Sequence[str | Path] | None = None
) -> dict[str, dict[str, str]]:
    """Checksums of every input a run reads: the config, and each file or
    folder it names (police data, population, households, local indicators),
    with ``data_path`` in place of the config's data where given.

    Examples
    --------
    >>> from workbook.config.area import config_path_for, load_area_config
    >>> cfg = load_area_config("lambeth")
    >>> sorted(input_checksums(config_path_for("lambeth"), cfg))[:3]
    ['config', 'data.path', 'local_indicators']
    """
    paths = {"config": Path(config_path)} | _config_paths(config.model_dump(mode="json"))
    given = split_data_paths(data_path)
    if given:  # the sources given replace the config's
        paths = {k: v for k, v in paths.items() if not k.startswith("data.")}
        paths |= {"data.path" if len(given) == 1 else f"data.{i}.path": p for i, p in enumerate(given)}
    out = {}
    for key, path in sorted(paths.items()):
        try:
            digest = checksum_path(path)
        except OSError:  # unreadable: never matches, so the run goes ahead and its loader names the problem
            digest = f"unreadable-{time.time_ns()}"
        out[key] = {"path": _display_path(path), "sha256": digest}
    return out


def build_manifest(
    *,
    slug: str,
    period: str,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, Mapping[str, str]],
    code: Mapping[str, Any],
) -> dict[str, Any]:
    """The manifest a report folder carries; its ``key`` changes when any input,
    the code or a parameter does.

    Examples
    --------
    >>> m = build_manifest(slug="x", period="2023-11", parameters={"kernel_name": "python3"},
    ...                    inputs={"config": {"path": "x.yml", "sha256": "ab"}}, code={"sha256": "cd"})
    >>> m2 = build_manifest(slug="x", period="2023-11", parameters={"kernel_name": "python3"},
    ...                     inputs={"config": {"path": "x.yml", "sha256": "ef"}}, code={"sha256": "cd"})
    >>> len(m["key"]), m["key"] == m2["key"]
    (64, False)
    """
    basis = {
        "manifest_version": MANIFEST_VERSION,
        "area": slug,
        "period": period,
        "parameters": dict(parameters),
        "inputs": {k: v["sha256"] for k, v in inputs.items()},
        "code": code["sha256"],
    }
    key = hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()
    return {
        "manifest_version": MANIFEST_VERSION,
        "key": key,
        "area": slug,
        "period": period,
        "parameters": dict(parameters),
        "inputs": {k: dict(v) for k, v in inputs.items()},
        "code": dict(code),
    }


def read_manifest(report_dir: str | Path) -> dict[str, Any] | None:
    """A report folder's manifest, or None if it has none (or it is unreadable).

    Examples
    --------
    >>> import tempfile
    >>> read_manifest(tempfile.mkdtemp()) is None
    True
    """
    try:
        data = json.loads((Path(report_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_up_to_date(report_dir: str | Path, manifest: Mapping[str, Any]) -> bool:
    """True if ``report_dir`` holds a complete report made with this manifest's key."""
    existing = read_manifest(report_dir)
    return bool(existing and existing.get("key") == manifest["key"] and (Path(report_dir) / REPORT_NAME).is_file())
