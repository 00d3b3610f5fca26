"""Parameters are checked however a notebook is run: plain papermill with a mistyped name stops
in the notebook's first cells with the project's one-line error naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from workbook.core.paths import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(("notebook", "args", "message"), [
    ("assessment.ipynb", ["-p", "perod", "2023-06"],
     "ParameterError: parameter 'perod': assessment.ipynb declares no such parameter"),
    ("monitoring.ipynb", ["-p", "period", "2023-13"], "ParameterError: parameter 'period': period '2023-13' is not a month"),
    ("targets.ipynb", ["-p", "area", "lambth"], "ParameterError: parameter 'area': no area 'lambth'"),
    ("explore/comparison.ipynb", ["-p", "by_district", "yes"],
     "ParameterError: parameter 'by_district': expected bool, got str 'yes'"),
])
def test_plain_papermill_stops_on_a_bad_parameter(tmp_path, notebook, args, message):
    proc = subprocess.run([sys.executable, "-m", "papermill", str(NOTEBOOKS_DIR / notebook), str(tmp_path / "out.ipynb"),
                           *args, "--cwd", str(NOTEBOOKS_DIR)], capture_output=True, text=True)
    assert proc.returncode != 0
    assert message in proc.stderr + proc.stdout
