"""Where things live.  Every path is built from the package's own location
(the repository is installed editable) or from configuration, never typed."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
RESOURCES_DIR = PACKAGE_DIR / "resources"
REPO_ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = REPO_ROOT / "data"
CONFIG_DIR = REPO_ROOT / "config"
AREAS_DIR = CONFIG_DIR / "areas"
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
REPORTS_DIR = REPO_ROOT / "reports"


def resolve_path(path: str | Path, *, base: Path = REPO_ROOT) -> Path:
    """Return ``path`` as an absolute path, relative paths taken from ``base``.

    Examples
    --------
    >>> resolve_path("data/mps") == REPO_ROOT / "data" / "mps"
    True
    >>> resolve_path("/tmp/x").as_posix()
    '/tmp/x'
    """
    p = Path(path).expanduser()
    return p if p.is_absolute() else (base / p)
