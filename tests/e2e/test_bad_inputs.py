"""The bad input catalogue: every one goes through the ``workbook`` command
and, for each, the command exits non-zero with one clear line naming what
was wrong and where, shows no traceback (unless ``--debug``), and leaves
every existing report exactly as it was."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import MPS_FILE, POP_FILE
from workbook.cli import main

INPUT_ERROR, RUN_ERROR = 2, 1
CATEGORIES = ("Burglary", "Robbery", "Violence and sexual offences")
MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022, 2023) for m in range(1, 13) if "2021-04" <= f"{y}-{m:02d}" <= "2023-11"]


def tidy_rows(months=MONTHS, categories=CATEGORIES) -> list[str]:  # noqa: ANN001
    return [f"{m},E09000022,Lambeth,{c},{10 + i % 7 + j}" for i, m in enumerate(months) for j, c in enumerate(categories)]


TIDY_HEADER = "month,area_code,area_name,category,count"


def tidy_text(rows: list[str] | None = None, header: str = TIDY_HEADER) -> str:
    return "\n".join([header, *(tidy_rows() if rows is None else rows)]) + "\n"


@dataclass
class Kit:
    """A scratch area (``area``) with good small data, and an output folder
    holding existing reports for it and for Lambeth."""

    tmp: Path

    @property
    def out(self) -> Path:
        return self.tmp / "reports"

    def file(self, name: str, content: str | bytes) -> Path:
        path = self.tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def config(self, name: str = "area", **changes: object) -> Path:
        cfg = {
            "name": "Test Area",
            "short_name": "Test",
            "areas": [{"code": "E09000022", "name": "Lambeth"}],
            "data": {"path": str(self.tmp / "good.csv"), "format": "tidy", "description": "test data"},
            "population": {"path": str(POP_FILE), "description": "ONS mid-year estimates"},
        }
        for key, value in changes.items():
            head, _, tail = key.partition("__")
            if tail:
                cfg[head] = {**cfg[head], tail: value}
            else:
                cfg[head] = value
        return self.file(f"{name}.yml", yaml.safe_dump(cfg))

    def assess(self, *extra: str, area: str | Path | None = None, period: str | None = "2023-11") -> list[str]:
        argv = ["assess", "--area", str(area or self.config()), "--output", str(self.out)]
        if period:
            argv += ["--period", period]
        return [*argv, *extra]

    def with_data(self, name: str, content: str | bytes) -> list[str]:
        return self.assess("--data", str(self.file(name, content)))


@pytest.fixture
def kit(tmp_path) -> Kit:
    k = Kit(tmp_path)
    k.file("good.csv", tidy_text())
    for slug in ("area", "lambeth"):
        report = k.out / slug / "2023-11"
        (report / "tables").mkdir(parents=True)
        (report / "assessment.html").write_text(f"<html>the {slug} report readers have</html>")
        (report / "manifest.json").write_text('{"key": "from an earlier run"}')
        (report / "tables" / "ytd_comparison.csv").write_text("category,current\nAll crime,1\n")
    return k


def snapshot(root: Path) -> dict[str, bytes | None]:
    return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))}


def mps_text(rows: list[str], months: tuple[str, ...] = ("202310", "202311")) -> str:
    return "\n".join(["MajorText,MinorText,BoroughName," + ",".join(months), *rows]) + "\n"


def xlsx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buf.getvalue()


def _pop_only_from(year: int) -> str:
    lines = POP_FILE.read_text().splitlines()
    return "\n".join([lines[0], *(line for line in lines[1:] if int(line.split(",")[2]) >= year)]) + "\n"


def _pop_zero() -> str:
    return "area_code,area_name,year,persons\n" + "".join(
        f"E09000022,Lambeth,{y},{0 if y == 2023 else 300000}\n" for y in range(2011, 2025))


# Each case: (how to build the command line, exit status, fragments the one error line must hold).
# "{tmp}" in a fragment is replaced by the scratch folder: errors name the file where they can.
Case = tuple[Callable[[Kit], list[str]], int, tuple[str, ...]]
CASES: dict[str, Case] = {
    "truncated csv (cut mid-row)": (
        lambda k: k.with_data("cut.csv", tidy_text()[:-9]),
        INPUT_ERROR, ("{tmp}/cut.csv", f"line {len(tidy_rows()) + 1}")),
    "wrong delimiter": (
        lambda k: k.with_data("semicolons.csv", tidy_text().replace(",", ";")),
        INPUT_ERROR, ("{tmp}/semicolons.csv", "line 1", "does not look comma-separated")),
    "excel workbook renamed .csv": (
        lambda k: k.assess(area=k.config(data__path=str(k.file("book.csv", xlsx_bytes())))),
        INPUT_ERROR, ("{tmp}/book.csv", "spreadsheet", "save it as CSV")),
    "utf-16 encoding": (
        lambda k: k.with_data("utf16.csv", tidy_text().encode("utf-16")),
        INPUT_ERROR, ("{tmp}/utf16.csv", "UTF-16", "expected UTF-8")),
    "latin-1 encoding": (
        lambda k: k.with_data("latin1.csv", tidy_text().replace("Lambeth", "Lambèth").encode("latin-1")),
        INPUT_ERROR, ("{tmp}/latin1.csv", "line 2", "not valid UTF-8", "Latin-1")),
    "duplicate rows": (
        lambda k: k.with_data("dups.csv", tidy_text(tidy_rows() + tidy_rows()[:1])),
        INPUT_ERROR, ("{tmp}/dups.csv", f"line {len(tidy_rows()) + 2}", "repeats an earlier row")),
    "gap in months": (
        lambda k: k.with_data("gap.csv", tidy_text([r for r in tidy_rows() if not r.startswith("2022-07")])),
        INPUT_ERROR, ("{tmp}/gap.csv", "column 'month'", "no data for 2022-07", "consecutive months")),
    "future month": (
        lambda k: k.with_data("future.csv", tidy_text(tidy_rows() + ["2999-01,E09000022,Lambeth,Burglary,1"])),
        INPUT_ERROR, ("{tmp}/future.csv", "2999-01 is in the future")),
    "negative count": (
        lambda k: k.with_data("negative.csv", tidy_text(tidy_rows()[:4] + ["2021-05,E09000022,Lambeth,Robbery,-3"])),
        INPUT_ERROR, ("{tmp}/negative.csv", "line 6", "column 'count'", "'-3' is negative")),
    "fractional count": (
        lambda k: k.with_data("fraction.csv", tidy_text(["2023-01,E09000022,Lambeth,Burglary,2.5"])),
        INPUT_ERROR, ("{tmp}/fraction.csv", "line 2", "column 'count'", "'2.5' is not a whole number")),
    "non-numeric count": (
        lambda k: k.with_data("words.csv", tidy_text(["2023-01,E09000022,Lambeth,Burglary,lots"])),
        INPUT_ERROR, ("{tmp}/words.csv", "line 2", "'lots' is not a number")),
    "unknown category": (
        lambda k: k.with_data("unicorns.csv", tidy_text(["2023-01,E09000022,Lambeth,Unicorn theft,4"])),
        INPUT_ERROR, ("{tmp}/unicorns.csv", "line 2", "unknown crime category 'Unicorn theft'")),
    "malformed month": (
        lambda k: k.with_data("month.csv", tidy_text(["Nov 2023,E09000022,Lambeth,Burglary,4"])),
        INPUT_ERROR, ("{tmp}/month.csv", "line 2", "cannot read month 'Nov 2023'; expected YYYY-MM")),
    "missing column": (
        lambda k: k.with_data("nocount.csv", "month,area_code,category\n2023-01,E09000022,Burglary\n"),
        INPUT_ERROR, ("{tmp}/nocount.csv", "missing column 'count'")),
    "empty data file": (
        lambda k: k.with_data("empty.csv", ""),
        INPUT_ERROR, ("{tmp}/empty.csv", "file is empty")),
    "header but no rows": (
        lambda k: k.with_data("header.csv", TIDY_HEADER + "\n"),
        INPUT_ERROR, ("{tmp}/header.csv", "header but no data rows")),
    "ragged row": (
        lambda k: k.with_data("ragged.csv", tidy_text(tidy_rows()[:3] + ["2021-05,E09000022,Lambeth,Burglary,3,extra"])),
        INPUT_ERROR, ("{tmp}/ragged.csv", "line 5", "malformed CSV")),
    "MPS row twice": (
        lambda k: k.with_data("mps_dup.csv", mps_text(["BURGLARY,DOMESTIC BURGLARY,Lambeth,5,6"] * 2)),
        INPUT_ERROR, ("{tmp}/mps_dup.csv", "line 3", "appears twice")),
    "MPS month column that is no month": (
        lambda k: k.with_data("mps_month.csv", mps_text(["BURGLARY,DOMESTIC BURGLARY,Lambeth,5,6"], ("202311", "202313"))),
        INPUT_ERROR, ("{tmp}/mps_month.csv", "column '202313'", "not a real month")),
    "data path that does not exist": (
        lambda k: k.assess("--data", str(k.tmp / "no-such.csv")),
        INPUT_ERROR, ("parameter 'data_path'", "no such file or folder {tmp}/no-such.csv")),
    "folder without police.uk files": (
        lambda k: k.assess("--data", str(k.file("download/readme.txt", "nothing").parent)),
        INPUT_ERROR, ("{tmp}/download", "holds no data.police.uk street files")),
    "empty config": (
        lambda k: k.assess(area=k.file("blank.yml", "")),
        INPUT_ERROR, ("{tmp}/blank.yml", "file is empty; expected an area configuration")),
    "YAML syntax error": (
        lambda k: k.assess(area=k.file("syntax.yml", "name: Test\nareas: [\n  code: E09000022\n")),
        INPUT_ERROR, ("{tmp}/syntax.yml", "YAML syntax error at line")),
    "unknown config key": (
        lambda k: k.assess(area=k.config(populaton={"path": "x"})),
        INPUT_ERROR, ("{tmp}/area.yml", "key 'populaton'", "unknown key")),
    "wrong type in config": (
        lambda k: k.assess(area=k.config(n_main_categories="six")),
        INPUT_ERROR, ("{tmp}/area.yml", "key 'n_main_categories'")),
    "config area not in the data": (
        lambda k: k.assess(area=k.config(areas=[{"code": "E09000099", "name": "Nowhere"}])),
        INPUT_ERROR, ("{tmp}/good.csv", "area Nowhere (E09000099) from the config is not in the data")),
    "unknown area": (
        lambda k: k.assess(area="lambth"),
        INPUT_ERROR, ("parameter 'area'", "no area 'lambth'", "configured areas: central-bedfordshire, city-of-london, lambeth")),
    # a missing latest year is carried forward (issue 12.6); only no year at or before the period is an error
    "population only for later years": (
        lambda k: k.assess(area=k.config(population__path=str(k.file("pop.csv", _pop_only_from(2024))))),
        INPUT_ERROR, ("{tmp}/pop.csv", "no population for Lambeth (E09000022) in 2023 or any earlier year")),
    "population of zero": (
        lambda k: k.assess(area=k.config(population__path=str(k.file("pop0.csv", _pop_zero())))),
        INPUT_ERROR, ("{tmp}/pop0.csv", "line 14", "population is 0")),
    "period before the data starts": (
        lambda k: k.assess(period="2020-11"),
        INPUT_ERROR, ("parameter 'period'", "'2020-11'", "needs 2020-04, but the data run from 2021-04 to 2023-11")),
    "period after the data ends": (
        lambda k: k.assess(period="2024-05"),
        INPUT_ERROR, ("parameter 'period'", "needs 2024-04, but the data run from 2021-04 to 2023-11")),
    "period that is not a month": (
        lambda k: k.assess(period="2023-13"),
        INPUT_ERROR, ("parameter 'period'", "period '2023-13' is not a month; expected YYYY-MM")),
    "output folder is a file": (
        lambda k: [*k.assess()[:3], "--output", str(k.file("notafolder", "x")), "--period", "2023-11"],
        RUN_ERROR, ("cannot write to {tmp}/notafolder/area",)),
    "batch schedule with a YAML error": (
        lambda k: ["batch", str(k.file("schedule.yml", "runs:\n  - area: [lambeth\n")), "--output", str(k.out)],
        INPUT_ERROR, ("{tmp}/schedule.yml", "YAML syntax error at line")),
    "batch schedule with a bad period": (
        lambda k: ["batch", str(k.file("schedule.yml", "runs:\n  - area: lambeth\n    period: 202311\n")),
                   "--output", str(k.out)],
        INPUT_ERROR, ("{tmp}/schedule.yml", "key 'runs.0.period'", 'expected a month as text "YYYY-MM"')),
}


def run_and_check(capsys, kit: Kit, argv: list[str], status: int, fragments: tuple[str, ...]) -> str:
    before = snapshot(kit.out)
    rc = main(["-q", *argv])
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if line.startswith("workbook: error:")]
    assert rc == status, captured.err
    assert len(errors) == 1, captured.err
    assert "Traceback" not in captured.err and "Traceback" not in captured.out
    for fragment in fragments:
        assert fragment.replace("{tmp}", str(kit.tmp)) in errors[0], errors[0]
    assert snapshot(kit.out) == before, "an existing report changed"
    assert not [p for p in kit.out.rglob("*") if ".partial-" in p.name], "a temporary folder was left"
    return errors[0]


def test_the_catalogue_is_long_enough():
    assert len(CASES) + 2 >= 25  # plus the read-only folder and the full disks below


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_fails_cleanly(capsys, kit, case):
    build, status, fragments = CASES[case]
    run_and_check(capsys, kit, build(kit), status, fragments)


def _refuse_writes_under(monkeypatch, root: Path, err: int) -> None:
    """Make creating a folder under ``root`` fail as a read-only or full disk would."""
    real = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        where = Path(kwargs.get("dir") or (args[2] if len(args) > 2 else tempfile.gettempdir()))
        if root in (where, *where.parents):
            raise OSError(err, os.strerror(err), str(where))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", mkdtemp)


def test_read_only_reports_folder(capsys, kit, monkeypatch):
    area_dir = kit.out / "area"
    if os.geteuid() == 0:  # root ignores permissions: make the write fail as it would for anyone else
        _refuse_writes_under(monkeypatch, area_dir, errno.EACCES)
    area_dir.chmod(0o555)
    try:
        run_and_check(capsys, kit, kit.assess(), RUN_ERROR, (f"cannot write to {area_dir}", "Permission denied"))
    finally:
        area_dir.chmod(0o755)


def test_full_disk_when_the_run_starts(capsys, kit, monkeypatch):
    _refuse_writes_under(monkeypatch, kit.out, errno.ENOSPC)
    run_and_check(capsys, kit, kit.assess(), RUN_ERROR, (f"cannot write to {kit.out}/area", "No space left on device"))


@pytest.mark.slow
def test_full_disk_while_writing_the_report(capsys, kit, monkeypatch):
    """The whole notebook runs, then the disk fills as the report is written:
    the previous report stays and the partial one is removed."""
    import workbook.run.assess

    def full(path, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(workbook.run.assess, "write_text", full)
    run_and_check(capsys, kit, kit.assess(area="lambeth"), RUN_ERROR,
                  ("lambeth 2023-11: cannot write the report to", f"{kit.out}/lambeth", "No space left on device"))


def test_truncated_mps_file_is_refused_by_the_loader(tmp_path):
    from workbook.core.errors import DataError
    from workbook.data.mps import load_mps_borough

    lines = MPS_FILE.read_text().splitlines()
    lambeth = [line for line in lines if ",Lambeth," in line]
    cut = "\n".join([lines[0], *lambeth[:3], lambeth[3][: len(lambeth[3]) // 2]])
    path = tmp_path / "mps_cut.csv"
    path.write_text(cut)
    with pytest.raises(DataError, match=rf"{path}, line 5"):
        load_mps_borough(path)


def test_debug_shows_the_traceback_and_plain_runs_do_not(kit):
    cmd = [sys.executable, "-m", "workbook.cli", "-q", *kit.assess(period="2023-13")]
    plain = subprocess.run(cmd, capture_output=True, text=True)
    assert plain.returncode == INPUT_ERROR
    assert plain.stderr.strip().splitlines() == [
        "workbook: error: parameter 'period': period '2023-13' is not a month; expected YYYY-MM, e.g. 2023-11"]
    debug = subprocess.run([sys.executable, "-m", "workbook.cli", "--debug", *cmd[4:]], capture_output=True, text=True)
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr and "ParameterError" in debug.stderr
