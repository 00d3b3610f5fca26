"""Unattended runs: schedules, generated borough configs, the batch summary,
and the safeguards every run has (sweeping killed runs' folders, atomic
publishing, the manifest that skips unchanged re-runs, kernel retries and
time limits, the parsed-data cache)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from workbook.run.publish import host_tag, partial_prefix, publish_dir, sweep_stale_partials

# --------------------------------------------------------------------------- temporary folders


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sweep_removes_only_folders_of_dead_processes(tmp_path):
    report = tmp_path / "2023-11"
    report.mkdir()
    (report / "assessment.html").write_text("good")
    dead = tmp_path / f"{partial_prefix('2023-11', pid=_dead_pid())}abc"
    live = tmp_path / f"{partial_prefix('2023-11')}def"  # this process: still running
    other_host = tmp_path / ".2023-11.partial-otherhost-1-ghi"
    for d in (dead, live, other_host):
        d.mkdir()
        (d / "assessment.ipynb").write_text("{}")
    removed = sweep_stale_partials(tmp_path)
    assert removed == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other_host.name, "2023-11"])
    assert (report / "assessment.html").read_text() == "good"


def test_sweep_restores_a_backup_left_between_two_renames(tmp_path):
    backup = tmp_path / f".2023-11.old-{host_tag()}-{_dead_pid()}"
    backup.mkdir()
    (backup / "assessment.html").write_text("previous")
    sweep_stale_partials(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["2023-11"]
    assert (tmp_path / "2023-11" / "assessment.html").read_text() == "previous"


def test_an_old_unowned_partial_is_swept_but_a_new_one_is_not(tmp_path):
    old, new = tmp_path / ".2023-11.partial-abc", tmp_path / ".2023-10.partial-def"
    old.mkdir()
    new.mkdir()
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    assert sweep_stale_partials(tmp_path) == [old]
    assert new.exists()


def test_publish_swaps_in_the_new_report_whole(tmp_path):
    dest, new = tmp_path / "2023-11", tmp_path / ".2023-11.partial-x"
    for d, text in ((dest, "old"), (new, "new")):
        (d / "tables").mkdir(parents=True)
        (d / "assessment.html").write_text(text)
        (d / "tables" / "t.csv").write_text(text)
    publish_dir(new, dest)
    assert [p.name for p in tmp_path.iterdir()] == ["2023-11"]
    assert (dest / "assessment.html").read_text() == "new" and (dest / "tables" / "t.csv").read_text() == "new"


def test_publish_into_an_empty_place(tmp_path):
    new = tmp_path / ".p"
    new.mkdir()
    (new / "f").write_text("x")
    publish_dir(new, tmp_path / "2023-11")
    assert (tmp_path / "2023-11" / "f").read_text() == "x" and not new.exists()
