"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import json

from workbook.run.manifest import build_manifest, is_up_to_date, read_manifest

# --------------------------------------------------------------------------- manifest


def _manifest(**change):
    base = dict(slug="lambeth", period="2023-11", parameters={"data_path": "", "kernel_name": "python3"},
                inputs={"config": {"path": "config/areas/lambeth.yml", "sha256": "a" * 64},
                        "data.path": {"path": "data/mps/x.csv", "sha256": "b" * 64}},
                code={"sha256": "c" * 64})
    return build_manifest(**(base | change))


def test_manifest_key_changes_with_inputs_code_and_parameters():
    key = _manifest()["key"]
    assert _manifest()["key"] == key
    assert _manifest(period="2023-10")["key"] != key
    assert _manifest(parameters={"data_path": "/x.csv", "kernel_name": "python3"})["key"] != key
    assert _manifest(inputs={"config": {"path": "config/areas/lambeth.yml", "sha256": "d" * 64},
                             "data.path": {"path": "data/mps/x.csv", "sha256": "b" * 64}})["key"] != key
    assert _manifest(code={"sha256": "e" * 64})["key"] != key


def test_up_to_date_needs_the_same_key_and_a_complete_report(tmp_path):
    m = _manifest()
    assert not is_up_to_date(tmp_path, m)  # no manifest
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    assert not is_up_to_date(tmp_path, m)  # no report
    (tmp_path / "assessment.html").write_text("<html>")
    assert is_up_to_date(tmp_path, m)
    assert not is_up_to_date(tmp_path, _manifest(period="2023-10"))
    (tmp_path / "manifest.json").write_text("{not json")
    assert read_manifest(tmp_path) is None and not is_up_to_date(tmp_path, m)
