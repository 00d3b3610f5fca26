"""The run's provenance for the methods annex: what produced this report."""

from __future__ import annotations

import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from workbook.assessment.prepare import Assessment, file_checksum
from workbook.config.area import config_path_for
from workbook.core.paths import REPO_ROOT, resolve_path
from workbook.core.version import __version__


def git_commit(repo: Path = REPO_ROOT) -> str:
    """The checked-out commit (with ``+changes`` if the tree differs), or ``"unknown"``.

    Examples
    --------
    >>> len(git_commit()) >= 7 or git_commit() == "unknown"
    True
    """
    try:
        sha = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return f"{sha}+changes" if dirty else sha


def provenance_table(a: Assessment, *, parameters: dict[str, str], started: float) -> pd.DataFrame:
    """Item / value rows: package version, commit, parameters, input checksums, run time.

    ``started`` is a :func:`time.perf_counter` reading from the start of the run.

    Examples
    --------
    >>> from workbook.assessment.prepare import prepare_assessment
    >>> t = provenance_table(prepare_assessment("lambeth", period="2023-11"), parameters={"area": "lambeth"},
    ...                      started=time.perf_counter())
    >>> t.loc[t["Item"] == "Parameter: area", "Value"].item()
    'lambeth'
    """
    cfg = a.config
    rows = [
        ("csp-workbook version", __version__),
        ("Code commit", git_commit()),
        ("Generated (UTC)", datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M")),
    ]
    rows += [(f"Parameter: {k}", v if v != "" else "(default)") for k, v in parameters.items()]
    inputs = {
        "Police data": a.data_path,
        "Population": resolve_path(cfg.population.path),
        "Area configuration": config_path_for(cfg.slug) if not Path(str(parameters.get("area", ""))).suffix else Path(parameters["area"]),
    }
    if a.census_path:
        inputs["Census households and area"] = a.census_path
    for label, path in inputs.items():
        try:
            digest = file_checksum(path)[:16]
        except OSError:
            digest = "unreadable"
        rows.append((f"{label} (SHA-256, first 16)", f"{path.name}: {digest}"))
    rows.append(("Run time to this point", f"{time.perf_counter() - started:.1f} s"))
    return pd.DataFrame(rows, columns=["Item", "Value"])
