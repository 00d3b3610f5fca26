"""Unattended runs: many areas and periods, in parallel, never losing a good report.

``workbook batch`` takes a schedule (a YAML list of areas and periods) or,
without one, every configured area at its latest period, and runs each
with :func:`workbook.run.assess.run_assessment` in parallel worker processes
(default: one per core), or on an existing Dask cluster
(``--scheduler tcp://host:8786``).  Each run gets its own log file; one
area's failure never stops the others; the summary table says, for each
run, its status, duration, report and error.

A schedule::

    # schedule.yml
    runs:
      - area: lambeth
        period: 2023-11
      - area: lambeth-southwark        # no period: the latest month in the data
      - area: config/other/area.yml    # a config path works too
        data: downloads/police-uk      # optional: data instead of the config's
      - area: all                      # every configured area
        period: 2023-11
      - area: london-boroughs          # all 32 London boroughs, from the Met's file

A bare list of runs (without ``runs:``) is read the same way.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from workbook.config.schedule import ScheduledRun
from workbook.core.errors import ConfigError, RunTimeoutError, WorkbookError
from workbook.core.paths import REPORTS_DIR
from workbook.run.assess import run_assessment
from workbook.run.publish import sweep_output_root
from workbook.run.quiet import quieten_libraries
from workbook.run.runlog import LOG_FORMAT, _log_paths, _run_log, make_log_dir

logger = logging.getLogger(__name__)

STATUSES = ("done", "skipped", "failed", "timed out")
DEFAULT_RUN_TIMEOUT = 3600.0
DASK_CONNECT_TIMEOUT = 30.0


@dataclass(frozen=True)
class RunOutcome:
    """What happened to one scheduled run."""

    area: str
    period: str
    status: str
    seconds: float
    report_path: Path | None = None
    error: str = ""
    log_path: Path | None = None


@dataclass(frozen=True)
class BatchResult:
    """Every run's outcome, the folder of logs, and the batch's wall time."""

    outcomes: tuple[RunOutcome, ...]
    log_dir: Path
    seconds: float
    workers: int | str = field(default=1)

    @property
    def failed(self) -> tuple[RunOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status in ("failed", "timed out"))

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_frame(self) -> pd.DataFrame:
        """One row per run: area, period, status, duration (s), report, error, log.

        Examples
        --------
        >>> r = BatchResult((RunOutcome("lambeth", "2023-11", "done", 12.34, Path("r/lambeth/2023-11/assessment.html")),),
        ...                 log_dir=Path("logs"), seconds=13.0)
        >>> r.to_frame()[["area", "status", "seconds"]].to_dict("records")
        [{'area': 'lambeth', 'status': 'done', 'seconds': 12.3}]
        """
        rows = [
            {
                "area": o.area,
                "period": o.period,
                "status": o.status,
                "seconds": round(o.seconds, 1),
                "report": "" if o.report_path is None else str(o.report_path),
                "error": o.error,
                "log": "" if o.log_path is None else str(o.log_path),
            }
            for o in self.outcomes
        ]
        return pd.DataFrame(rows, columns=["area", "period", "status", "seconds", "report", "error", "log"])

    def summary_text(self) -> str:
        """The summary table as plain text, with a closing count line.

        Examples
        --------
        >>> r = BatchResult((RunOutcome("lambeth", "2023-11", "done", 12.34, Path("lambeth/2023-11/assessment.html")),
        ...                  RunOutcome("nowhere", "latest", "failed", 0.01, error="parameter 'area': no area")),
        ...                 log_dir=Path("logs"), seconds=13.0)
        >>> print(r.summary_text())
        area     period   status  seconds  report                           error
        lambeth  2023-11  done       12.3  lambeth/2023-11/assessment.html
        nowhere  latest   failed      0.0                                   parameter 'area': no area
        2 runs in 13.0 s (1 done, 1 failed); logs in logs
        """
        df = self.to_frame().drop(columns="log")
        counts = df["status"].value_counts()
        tally = ", ".join(f"{int(counts[s])} {s}" for s in STATUSES if s in counts)
        cells = [list(df.columns)] + [[f"{v:.1f}" if c == "seconds" else str(v) for c, v in row.items()]
                                      for row in df.to_dict("records")]
        widths = [max(len(r[j]) for r in cells) for j in range(len(df.columns))]
        lines = []
        for r in cells:
            parts = [r[j].rjust(widths[j]) if df.columns[j] == "seconds" and r is not cells[0] else r[j].ljust(widths[j])
                     for j in range(len(r))]
            lines.append("  ".join(parts).rstrip())
        return "\n".join(lines) + f"\n{len(df)} runs in {self.seconds:.1f} s ({tally}); logs in {self.log_dir}"


def run_one(
    run: ScheduledRun,
    *,
    output_root: str | Path,
    log_path: str | Path,
    force: bool = False,
    run_timeout: float | None = DEFAULT_RUN_TIMEOUT,
    capture_fds: bool = False,
) -> RunOutcome:
    """Run one scheduled assessment and say what happened; never raises for a failed run.

    A failure's one-line error goes into the outcome; its details (and any
    traceback) into the run's log file.
    """

    started = time.perf_counter()
    log_path = Path(log_path)
    period = run.period or "latest"
    with _run_log(log_path, capture_fds=capture_fds):
        logger.info("run %s: area %s, period %s", run.label, run.area, period)
        try:
            result = run_assessment(run.area, period=run.period, data_path=run.data_path, output_root=output_root,
                                    force=force, run_timeout=run_timeout)
        except RunTimeoutError as exc:
            logger.error("%s", exc)
            return RunOutcome(run.area, period, "timed out", time.perf_counter() - started, error=str(exc), log_path=log_path)
        except WorkbookError as exc:
            logger.error("%s", exc)
            return RunOutcome(run.area, period, "failed", time.perf_counter() - started, error=str(exc), log_path=log_path)
        except Exception as exc:  # noqa: BLE001 - a bug in one run must not stop the batch; its traceback is logged
            logger.exception("unexpected error")
            return RunOutcome(run.area, period, "failed", time.perf_counter() - started,
                              error=f"{type(exc).__name__}: {exc}".splitlines()[0], log_path=log_path)
        logger.info("run %s: %s in %.1f s", run.label, "skipped (up to date)" if result.skipped else "done", result.seconds)
    return RunOutcome(
        area=result.area,
        period=result.period,
        status="skipped" if result.skipped else "done",
        seconds=time.perf_counter() - started,
        report_path=result.html_path,
        log_path=log_path,
    )


def _run_one_in_worker(run: dict, options: dict) -> dict:
    """Entry point in a worker process or on a Dask worker: plain dicts in and out."""
    outcome = run_one(ScheduledRun(**run), **options)
    return asdict(outcome)


BLAS_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _init_worker(blas_threads: int) -> None:

    # Kernels started by this worker inherit these: workers already use every
    # core, and BLAS threads competing for them only slow each run down.
    for var in BLAS_THREAD_VARS:
        os.environ.setdefault(var, str(blas_threads))
    quieten_libraries()
    logging.getLogger().setLevel(logging.INFO)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, datefmt="%H:%M:%S"))
    logging.getLogger().handlers[:] = [handler]


# --------------------------------------------------------------------------- batch


def default_workers() -> int:
    """One worker per core this process may use.

    Examples
    --------
    >>> default_workers() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _outcome_from(d: dict) -> RunOutcome:
    return RunOutcome(**{**d, "report_path": Path(d["report_path"]) if d.get("report_path") else None,
                         "log_path": Path(d["log_path"]) if d.get("log_path") else None})


def _lost(run: ScheduledRun, exc: BaseException, log_path: Path, seconds: float) -> RunOutcome:
    return RunOutcome(run.area, run.period or "latest", "failed", seconds,
                      error=f"worker lost: {type(exc).__name__}: {exc}".splitlines()[0], log_path=log_path)


def run_batch(
    runs: Sequence[ScheduledRun],
    *,
    output_root: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    run_timeout: float | None = DEFAULT_RUN_TIMEOUT,
    progress: bool | None = None,
    log_dir: str | Path | None = None,
) -> BatchResult:
    """Run many assessments in parallel; one failure never stops the others.

    Parameters
    ----------
    runs
        The areas and periods (see :func:`read_schedule`, :func:`all_configured_runs`).
    output_root
        Where reports go (``<output_root>/<area>/<period>/``), default ``reports/``.
    workers
        Local worker processes (default: one per core).  Each worker keeps
        its imports warm across runs; each run still has a kernel of its own.
    scheduler
        The address of a running Dask scheduler (``tcp://host:8786``) to hand
        the runs to instead of local processes; the workers must have this
        package installed and see the same files.
    force
        Re-run areas whose reports are up to date.
    run_timeout
        Seconds after which a run's kernel is stopped and the run reported as
        ``"timed out"``.
    progress
        Show a progress bar (default: when stderr is a terminal).
    log_dir
        Where the per-run logs and ``summary.csv`` go (default
        ``<output_root>/_logs/batch-<time>-<pid>/``).

    Returns
    -------
    BatchResult
        One outcome per run, in the schedule's order.
    """
    from tqdm import tqdm


    started = time.perf_counter()
    root = Path(output_root) if output_root else REPORTS_DIR
    try:
        root.mkdir(parents=True, exist_ok=True)
        logs = Path(log_dir) if log_dir else make_log_dir(root)
        logs.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write to the output folder: {exc.strerror or exc}", path=root) from None
    sweep_output_root(root)
    log_paths = _log_paths(runs, logs)
    options = {"output_root": str(root), "force": force, "run_timeout": run_timeout}
    outcomes: dict[int, RunOutcome] = {}
    bar = tqdm(total=len(runs), desc="workbook batch", unit="run", disable=(not sys.stderr.isatty()) if progress is None
               else not progress, file=sys.stderr)

    def record(i: int, outcome: RunOutcome) -> None:
        outcomes[i] = outcome
        bar.set_postfix_str(f"{outcome.area} {outcome.status}", refresh=False)
        bar.update(1)
        (logger.info if outcome.status in ("done", "skipped") else logger.warning)(
            "%s %s: %s in %.1f s%s", outcome.area, outcome.period, outcome.status, outcome.seconds,
            f" ({outcome.error})" if outcome.error else "")

    from tqdm.contrib.logging import logging_redirect_tqdm

    try:
        with logging_redirect_tqdm():  # log lines print above the bar, not through it
            if scheduler:
                used: int | str = scheduler
                _run_on_dask(runs, scheduler, options, log_paths, record)
            else:
                used = max(1, min(workers or default_workers(), len(runs) or 1))
                _run_locally(runs, used, options, log_paths, record)
    finally:
        bar.close()
    result = BatchResult(tuple(outcomes[i] for i in range(len(runs))), log_dir=logs,
                         seconds=time.perf_counter() - started, workers=used)
    try:
        result.to_frame().to_csv(logs / "summary.csv", index=False)
    except OSError as exc:
        logger.warning("cannot write %s: %s", logs / "summary.csv", exc.strerror or exc)
    return result


def _run_locally(runs, workers, options, log_paths, record) -> None:  # noqa: ANN001
    import multiprocessing

    # spawn: a clean interpreter per worker (fork would copy this process's threads and sockets)
    ctx = multiprocessing.get_context("spawn")
    blas_threads = max(1, default_workers() // workers)
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                             initargs=(blas_threads,)) as pool:
        futures: dict[Future, int] = {}
        submitted = {}
        for i, run in enumerate(runs):
            opts = options | {"log_path": str(log_paths[i]), "capture_fds": True}
            futures[pool.submit(_run_one_in_worker, asdict(run), opts)] = i
            submitted[i] = time.perf_counter()
        for fut in as_completed(futures):
            i = futures[fut]
            try:
                record(i, _outcome_from(fut.result()))
            except Exception as exc:  # noqa: BLE001 - a worker that died (killed, out of memory)
                record(i, _lost(runs[i], exc, log_paths[i], time.perf_counter() - submitted[i]))


def _run_on_dask(runs, scheduler, options, log_paths, record) -> None:  # noqa: ANN001
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "--scheduler needs Dask's distributed scheduler (the 'distributed' package, a dependency of this one); reinstall with `pip install -e .`"
        ) from None
    try:
        client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        futures = {}
        submitted = time.perf_counter()
        for i, run in enumerate(runs):
            opts = options | {"log_path": str(log_paths[i]), "capture_fds": False}
            fut = client.submit(_run_one_in_worker, asdict(run), opts, pure=False, key=f"workbook-{run.label}-{i}-{os.getpid()}")
            futures[fut] = i
        for fut in dask_completed(list(futures), loop=client.loop):
            i = futures[fut]
            try:
                record(i, _outcome_from(fut.result()))
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its run, not the batch
                record(i, _lost(runs[i], exc, log_paths[i], time.perf_counter() - submitted))
    finally:
        client.close()


def describe_runs(runs: Iterable[ScheduledRun]) -> str:
    """
    Examples
    --------
    >>> describe_runs([ScheduledRun("lambeth", "2023-11"), ScheduledRun("city-of-london")])
    'lambeth 2023-11, city-of-london latest'
    """
    return ", ".join(f"{Path(r.area).stem if r.area.endswith('.yml') else r.area} {r.period or 'latest'}" for r in runs)
