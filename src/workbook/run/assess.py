"""Run an assessment: execute the parameterised notebook with papermill, then
export a self-contained, accessible HTML report with no code.

Nothing good is lost:

* the parameters are checked against the notebook's declared types, and
  every input is loaded and checked before the notebook runs (the kernel
  starts meanwhile, importing the notebook's libraries, and is stopped if a
  check fails);
* everything is written to a temporary folder beside the destination
  (``.<period>.partial-<host>-<pid>-…``) and swapped into place only when
  complete, atomically where the system allows (``renameat2`` on Linux), so
  readers never see a partial report and a failed, stopped or killed run
  leaves the previous one intact;
* a killed run cannot tidy up after itself, so every run first sweeps the
  partial folders left by processes that no longer exist;
* the report folder holds ``manifest.json``: checksums of the inputs, the
  code and the parameters.  Re-running an unchanged area and period is
  skipped unless forced.

A kernel that fails to start (papermill's port races under parallel runs)
is retried; a run that exceeds its time limit has its kernel stopped and is
reported as a :class:`~workbook.core.errors.RunError`.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook.assessment.prepare import choose_categories, prepare_assessment, save_prepared, split_data_paths
from workbook.config.area import config_path_for, load_area_config
from workbook.config.parameters import RunParameters
from workbook.core.errors import INPUT_ERRORS, ParameterError, PeriodError, RunError
from workbook.core.paths import REPORTS_DIR

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    import nbformat
from workbook.run.export import render_report_html, warm_up_export
from workbook.run.kernel import (
    KERNEL_ARGUMENTS,
    KERNEL_START_RETRIES,
    execute_with_retries,
    notebook_imports,
    started_kernel,
)
from workbook.run.manifest import (
    MANIFEST_NAME,
    build_manifest,
    code_checksum,
    input_checksums,
    is_up_to_date,
)
from workbook.run.products import get_product
from workbook.run.publish import partial_prefix, publish_dir, sweep_stale_partials

logger = logging.getLogger(__name__)



@dataclass(frozen=True)
class RunResult:
    """Where a run wrote its report, how long it took, and whether it was
    skipped because the same inputs, code and parameters made the report there."""

    area: str
    period: str
    report_dir: Path
    html_path: Path
    seconds: float
    skipped: bool = False

    @property
    def manifest_path(self) -> Path:
        return self.report_dir / MANIFEST_NAME


# --------------------------------------------------------------------------- run


def run_assessment(
    area: str | Path,
    *,
    period: str | None = None,
    data_path: str | Path | Sequence[str | Path] | None = None,
    output_root: str | Path | None = None,
    notebook: Path | None = None,
    product: str = "assessment",
    since: str | None = None,
    options: Mapping[str, Any] | None = None,
    kernel_name: str = "python3",
    timeout: int | None = 1800,
    run_timeout: float | None = None,
    force: bool = False,
    kernel_retries: int = KERNEL_START_RETRIES,
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
    options
        Further parameters the product's notebook declares (an explore
        notebook's ``categories`` or ``by_district``), checked like the others.
    output_root
        Where ``<area>/<period>/`` is written (default ``reports/``).
    notebook, kernel_name, timeout
        The notebook to execute, the Jupyter kernel, and a per-cell time limit (s).
    run_timeout
        A limit (s) on the whole notebook's execution; the kernel is stopped
        and :class:`RunError` raised when it is reached.
    force
        Run even if the report there was made from the same inputs, code
        and parameters (by default such a run is skipped).
    kernel_retries
        How many times to retry a kernel that fails to start.

    Returns
    -------
    RunResult
        The report folder (``assessment.html``, the executed
        ``assessment.ipynb``, ``tables/*.csv`` and ``manifest.json``), and
        ``skipped=True`` if an up-to-date report was already there.

    Raises
    ------
    WorkbookError
        Any input problem, found before the notebook runs: a parameter
        (:class:`~workbook.core.errors.ParameterError` naming it, including a
        period outside the data), the config, the data or the population;
        or :class:`RunError` when a cell fails (naming it), the kernel will
        not start, the time limit is reached or the report cannot be written.
    """
    started = time.perf_counter()
    kind = get_product(product)
    notebook = Path(notebook) if notebook else kind.notebook
    # Check the parameters before a kernel starts: an error here names the parameter or file.
    params = RunParameters.check(
        {"area": str(area), "period": period or "", "data_path": os.pathsep.join(map(str, split_data_paths(data_path)))}
        | ({"since": since} if since else {}) | dict(options or {}),
        notebook=notebook,
    )
    config_path, config = config_path_for(params.area), load_area_config(params.area)
    slug = config.slug
    root = Path(output_root) if output_root else REPORTS_DIR
    area_dir = root / slug
    sweep_stale_partials(area_dir)  # a killed run's leftovers go first, whatever this run does
    data_abs = params.data_path  # absolute paths, several joined by os.pathsep
    key_parameters = {"data_path": data_abs, "kernel_name": kernel_name, "product": kind.name,
                      **({"since": params.since} if params.since else {}), **dict(options or {})}
    code = code_checksum(notebook)
    inputs = input_checksums(config_path, config, data_path=data_path)

    def skip_if_current(period_str: str) -> RunResult | None:
        manifest = build_manifest(slug=slug, period=period_str, parameters=key_parameters, inputs=inputs, code=code)
        dest = area_dir / kind.folder(period_str)
        if not force and is_up_to_date(dest, manifest):
            logger.info("%s %s: report is up to date (same inputs, code and parameters); skipped", slug, period_str)
            return RunResult(area=slug, period=period_str, report_dir=dest, html_path=dest / kind.report_name,
                             seconds=time.perf_counter() - started, skipped=True)
        return None

    if params.month is not None and (skipped := skip_if_current(f"{params.month:%Y-%m}")):
        return skipped
    # The kernel starts and imports the notebook's libraries while the data are read and checked here.
    with started_kernel(kernel_name, cwd=notebook.parent, preload=notebook_imports(notebook)) as kernel:
        try:
            assessment = prepare_assessment(params.area, period=params.period, data_path=params.data_path or None)
        except PeriodError as exc:
            given = repr(period) if period else "(the latest month in the data)"
            raise ParameterError(f"{given}: {exc}", name="period") from None
        choose_categories(assessment, params.categories)  # a category not in the data names the parameter here
        period_str = f"{assessment.latest_month:%Y-%m}"
        if not period and (skipped := skip_if_current(period_str)):
            return skipped
        manifest = build_manifest(slug=slug, period=period_str, parameters=key_parameters, inputs=inputs, code=code)
        what = f"{slug} {period_str}"
        try:
            area_dir.mkdir(parents=True, exist_ok=True)
            work = Path(tempfile.mkdtemp(prefix=partial_prefix(kind.folder(period_str)), dir=area_dir))
            work.chmod(0o755)  # mkdtemp makes it private; a published report is not
        except OSError as exc:
            raise RunError(f"cannot write to {area_dir}: {exc.strerror or exc}") from None
        dest = area_dir / kind.folder(period_str)
        logger.info("%s: executing %s", what, notebook.name)
        # The notebook loads what was prepared and checked here rather than preparing it again.
        prepared = work / ".prepared-assessment.pickle"  # removed before publishing
        params = params.model_copy(update={"period": period_str, "data_path": data_abs, "output_dir": str(work),
                                           "prepared": str(prepared)})
        import papermill as pm  # heavy import, only when a run happens

        def execute(**hooks: Any) -> nbformat.NotebookNode:
            # Saved once at the end (and on a cell error), not after every cell:
            # each save re-serialises every chart so far, ~2.5 s per run.
            return pm.execute_notebook(
                str(notebook),
                str(work / kind.executed_name),
                parameters=params.as_notebook_values(),
                kernel_name=kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
                shutdown_kernel="immediate",  # the outputs are in when the last cell has run
                extra_arguments=list(KERNEL_ARGUMENTS),  # for a kernel a retry starts
                cwd=str(notebook.parent),
                execution_timeout=timeout,
                **hooks,
            )

        warm_up_export()
        try:
            try:
                save_prepared(assessment, prepared)
                executed = execute_with_retries(execute, retries=kernel_retries, run_timeout=run_timeout, what=what,
                                                kernel=kernel)
            except pm.PapermillExecutionError as exc:
                if exc.ename in INPUT_ERRORS:  # an input problem the notebook found: the same one line as here
                    raise INPUT_ERRORS[exc.ename](exc.evalue.splitlines()[0] if exc.evalue else exc.ename) from None
                failed = Path(tempfile.mkdtemp(prefix=f"workbook-failed-{slug}-{period_str}-")) / kind.executed_name
                if (work / kind.executed_name).exists():
                    shutil.copy(work / kind.executed_name, failed)
                raise RunError(
                    f"{notebook.name}: cell {exc.cell_index} (execution {exc.exec_count}) failed with "
                    f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}; executed notebook kept at {failed}"
                ) from None
            except OSError as exc:
                raise RunError(f"{what}: cannot write the executed notebook in {area_dir}: {exc.strerror or exc}") from None
            prepared.unlink(missing_ok=True)
            logger.info("%s: exporting HTML", what)
            when = assessment.periods.financial_year if kind.name == "assessment" else f"{assessment.latest_month:%B %Y}"
            title = f"{assessment.config.name}: {kind.title} {when}"
            page = render_report_html(executed, title=title, generated=datetime.now(timezone.utc), product=kind.title,
                                      product_short=kind.short)
            seconds = time.perf_counter() - started
            manifest = manifest | {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                   "seconds": round(seconds, 2)}
            try:
                write_text(work / kind.report_name, page)
                write_text(work / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
                publish_dir(work, dest)
            except OSError as exc:
                raise RunError(f"{what}: cannot write the report to {area_dir}: {exc.strerror or exc}") from None
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        seconds = time.perf_counter() - started
        logger.info("%s: report written to %s in %.1f s", what, dest, seconds)
        return RunResult(area=slug, period=period_str, report_dir=dest, html_path=dest / kind.report_name, seconds=seconds)


def write_text(path: Path, text: str) -> None:
    """Write a report file (one place, so a full disk can be simulated in tests)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())



