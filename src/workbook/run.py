"""Run an assessment: execute the parameterised notebook with papermill, then
export a self-contained, accessible HTML report with no code.

Everything is written to a temporary folder beside the destination and
moved into place only when complete, so a failed or interrupted run never
leaves a half-written report and never damages the previous one.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from jinja2 import Environment, FileSystemLoader, select_autoescape
from nbconvert import HTMLExporter
from nbconvert.preprocessors import TagRemovePreprocessor

from workbook import __version__
from workbook.assessment import Assessment, prepare_assessment
from workbook.errors import RunError
from workbook.paths import NOTEBOOKS_DIR, REPORTS_DIR, RESOURCES_DIR

logger = logging.getLogger(__name__)

NOTEBOOK = NOTEBOOKS_DIR / "assessment.ipynb"
REPORT_NAME = "assessment.html"
EXECUTED_NAME = "assessment.ipynb"


@dataclass(frozen=True)
class RunResult:
    """Where a run wrote its report, and how long it took."""

    area: str
    period: str
    report_dir: Path
    html_path: Path
    seconds: float


def strip_streams(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without stream outputs (logs, warnings): they belong in
    the run's log and the executed notebook, not in a reader's report."""
    out = nbformat.from_dict(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream"]
    return out


_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


_BARE_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)


def add_heading_ids(body: str) -> str:
    """Give each heading without an id a unique one made from its text.

    Examples
    --------
    >>> add_heading_ids("<h2>Crime this year</h2><h2>Crime this year</h2>")
    '<h2 id="crime-this-year">Crime this year</h2><h2 id="crime-this-year-2">Crime this year</h2>'
    """
    seen: dict[str, int] = {}

    def repl(m: re.Match[str]) -> str:
        text = html.unescape(_TAG.sub("", m.group(2)))
        base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
        seen[base] = seen.get(base, 0) + 1
        hid = base if seen[base] == 1 else f"{base}-{seen[base]}"
        return f'<h{m.group(1)} id="{hid}">{m.group(2)}</h{m.group(1)}>'

    return _BARE_HEADING.sub(repl, body)


def split_after_title(body: str) -> tuple[str, str]:
    """Split the body after the cell holding the ``h1`` (the contents list goes there).

    Examples
    --------
    >>> split_after_title('<div class="cell"><h1>T</h1></div><div class="cell"><h2>A</h2></div>')
    ('<div class="cell"><h1>T</h1></div>', '<div class="cell"><h2>A</h2></div>')
    >>> split_after_title("<p>no title</p>")
    ('', '<p>no title</p>')
    """
    end = body.find("</h1>")
    nxt = body.find('<div class="cell', end) if end >= 0 else -1
    if nxt < 0:
        return "", body
    return body[:nxt], body[nxt:]


def build_contents(body: str) -> list[dict[str, str]]:
    """The report's table of contents from its h2 and h3 headings.

    Examples
    --------
    >>> build_contents('<h2 id="Context">Context</h2><p>x</p><h3 id="a-b">A <em>b</em></h3>')
    [{'level': '2', 'id': 'Context', 'text': 'Context'}, {'level': '3', 'id': 'a-b', 'text': 'A b'}]
    """
    return [
        {"level": m.group(1), "id": m.group(2), "text": html.unescape(_TAG.sub("", m.group(3))).strip()}
        for m in _HEADING.finditer(body)
    ]


def render_report_html(executed: nbformat.NotebookNode, *, assessment: Assessment, generated: datetime) -> str:
    """The executed notebook as one self-contained HTML page for readers.

    The notebook's outputs and narrative are converted with nbconvert's
    ``basic`` template (no inputs, prompts or anchor links) and wrapped in
    the house page: ``lang="en-GB"``, a contents list, inline styles and a
    print stylesheet.  Nothing is fetched from another host.
    """
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        embed_images=True,
    )
    remover = TagRemovePreprocessor(remove_cell_tags={"remove-cell", "parameters", "injected-parameters"})
    exporter.register_preprocessor(remover, enabled=True)
    body, _ = exporter.from_notebook_node(strip_streams(executed))
    body = add_heading_ids(body)
    env = Environment(loader=FileSystemLoader(RESOURCES_DIR), autoescape=select_autoescape(["html", "j2"]))
    page = env.get_template("report_page.html.j2")
    css = (RESOURCES_DIR / "report.css").read_text(encoding="utf-8")
    a = assessment
    head, rest = split_after_title(body)
    return page.render(
        title=f"{a.config.name}: Partnership Strategic Assessment {a.periods.financial_year}",
        css=css,
        body_head=head,
        body_rest=rest,
        contents=build_contents(body),
        generated=generated.strftime("%d %B %Y %H:%M UTC"),
        version=__version__,
    )


def _replace_dir(src: Path, dest: Path) -> None:
    """Move ``src`` to ``dest``, replacing any previous ``dest`` only once ``src`` is complete."""
    backup = None
    if dest.exists():
        backup = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.replace(dest, backup)
    try:
        os.replace(src, dest)
    except OSError:
        if backup is not None:
            os.replace(backup, dest)
        raise
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def run_assessment(
    area: str | Path,
    *,
    period: str | None = None,
    data_path: str | Path | None = None,
    output_root: str | Path | None = None,
    notebook: Path = NOTEBOOK,
    kernel_name: str = "python3",
    timeout: int | None = 1800,
) -> RunResult:
    """Execute the assessment for one area and period and publish its report.

    Parameters
    ----------
    area
        Area slug or config path.
    period
        ``"YYYY-MM"``; default the latest month in the data.
    data_path
        A police data file or folder to use instead of the area's default.
    output_root
        Where ``<area>/<period>/`` is written (default ``reports/``).
    notebook, kernel_name, timeout
        The notebook to execute, the Jupyter kernel, and a per-cell time limit (s).

    Returns
    -------
    RunResult
        The report folder (``assessment.html``, the executed
        ``assessment.ipynb`` and ``tables/*.csv``).

    Raises
    ------
    WorkbookError
        Any input problem, found before a kernel starts (config, data,
        population, period); or :class:`RunError` when a cell fails, naming it.
    """
    import papermill as pm  # heavy import, only when a run happens

    started = time.perf_counter()
    # Check every input before a kernel starts: an error here names the file.
    assessment = prepare_assessment(area, period=period, data_path=data_path)
    period_str = f"{assessment.latest_month:%Y-%m}"
    slug = assessment.config.slug
    root = Path(output_root) if output_root else REPORTS_DIR
    area_dir = root / slug
    try:
        area_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{period_str}.partial-", dir=area_dir))
        work.chmod(0o755)  # mkdtemp makes it private; a published report is not
    except OSError as exc:
        raise RunError(f"cannot write to {area_dir}: {exc.strerror or exc}") from exc
    dest = area_dir / period_str
    logger.info("%s %s: executing %s", slug, period_str, notebook.name)
    params = {
        "area": str(area),
        "period": period_str,
        "data_path": str(Path(data_path).resolve()) if data_path else "",
        "output_dir": str(work),
    }
    try:
        try:
            pm.execute_notebook(
                str(notebook),
                str(work / EXECUTED_NAME),
                parameters=params,
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                cwd=str(notebook.parent),
                execution_timeout=timeout,
            )
        except pm.PapermillExecutionError as exc:
            failed = Path(tempfile.mkdtemp(prefix=f"workbook-failed-{slug}-{period_str}-")) / EXECUTED_NAME
            if (work / EXECUTED_NAME).exists():
                shutil.copy(work / EXECUTED_NAME, failed)
            raise RunError(
                f"{notebook.name}: cell {exc.cell_index} (execution {exc.exec_count}) failed with "
                f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}; executed notebook kept at {failed}"
            ) from None
        logger.info("%s %s: exporting HTML", slug, period_str)
        executed = nbformat.read(work / EXECUTED_NAME, as_version=4)
        page = render_report_html(executed, assessment=assessment, generated=datetime.now(timezone.utc))
        (work / REPORT_NAME).write_text(page, encoding="utf-8")
        _replace_dir(work, dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    logger.info("%s %s: report written to %s in %.1f s", slug, period_str, dest, seconds)
    return RunResult(area=slug, period=period_str, report_dir=dest, html_path=dest / REPORT_NAME, seconds=seconds)
