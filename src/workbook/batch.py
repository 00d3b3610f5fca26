"""Unattended runs: many areas and periods, in parallel, never losing a good report.

``workbook batch`` takes a schedule (a YAML list of areas and periods) or,
without one, every configured area at its latest period, and runs each
with :func:`workbook.run.run_assessment` in parallel worker processes
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
import re
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator

import pandas as pd
import yaml

from workbook.errors import ConfigError, WorkbookError
from workbook.paths import REPORTS_DIR

logger = logging.getLogger(__name__)

ALL_AREAS = "all"
LONDON_BOROUGHS = "london-boroughs"
STATUSES = ("done", "skipped", "failed", "timed out")
DEFAULT_RUN_TIMEOUT = 3600.0
DASK_CONNECT_TIMEOUT = 30.0
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_SCHEDULE_KEYS = {"area", "period", "data"}
_PERIOD = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class ScheduledRun:
    """One area and period to run (``period=None``: the latest in the data)."""

    area: str
    period: str | None = None
    data_path: str | None = None

    @property
    def label(self) -> str:
        """A short name for logs and file names.

        Examples
        --------
        >>> ScheduledRun("config/areas/lambeth.yml", "2023-11").label
        'lambeth_2023-11'
        >>> ScheduledRun("lambeth").label
        'lambeth_latest'
        """
        name = Path(self.area).stem if self.area.endswith((".yml", ".yaml")) else self.area
        return f"{re.sub(r'[^A-Za-z0-9_-]', '_', name)}_{self.period or 'latest'}"


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


# --------------------------------------------------------------------------- schedules


def list_london_boroughs() -> pd.DataFrame:
    """The 32 London boroughs the Met polices: ``code, name, csp_code``, from the ONS lookup.

    Examples
    --------
    >>> b = list_london_boroughs()
    >>> len(b), b["code"].iloc[0], b["name"].iloc[-1]
    (32, 'E09000002', 'Westminster')
    """
    from workbook.ingest import LOOKUP_PATH

    lk = pd.read_csv(LOOKUP_PATH, dtype=str)
    codes = [f"E090000{n:02d}" for n in range(2, 34)]
    out = lk[lk["LAD17CD"].isin(codes)].sort_values("LAD17CD")
    return pd.DataFrame(
        {"code": out["LAD17CD"].str.strip(), "name": out["LAD17NM"].str.strip(), "csp_code": out["CSP17CD"].str.strip()}
    ).reset_index(drop=True)


def borough_config(code: str, name: str, *, csp_code: str | None = None) -> dict[str, Any]:
    """An area config (as a YAML-ready mapping) for one London borough, from
    the Met's embedded borough file and the ONS population estimates.

    Examples
    --------
    >>> from workbook.config import parse_area_config
    >>> cfg = parse_area_config(borough_config("E09000007", "Camden"), slug="camden")
    >>> cfg.name, cfg.area_codes, cfg.data.format
    ('London Borough of Camden', ['E09000007'], 'mps_borough')
    """
    cities = {"Westminster": "City of Westminster", "Kensington and Chelsea": "Royal Borough of Kensington and Chelsea",
              "Kingston upon Thames": "Royal Borough of Kingston upon Thames", "Greenwich": "Royal Borough of Greenwich"}
    config: dict[str, Any] = {
        "name": cities.get(name, f"London Borough of {name}"),
        "short_name": name,
        "areas": [{"code": code, "name": name}],
        "data": {
            "path": "data/mps/MPS_Borough_Level_Crime_Historical.csv",
            "format": "mps_borough",
            "description": "Metropolitan Police Service recorded crime by borough and month (London Datastore)",
        },
        "population": {
            "path": "data/population/london_borough_population_components_mid2011_mid2024.csv",
            "households_path": "data/population/la_census2011_population_households.csv",
            "description": "ONS mid-year population estimates; households from the 2011 Census",
        },
        "n_main_categories": 6,
    }
    if csp_code:
        config["csp_code"] = csp_code
    return config


def slugify(name: str) -> str:
    """
    Examples
    --------
    >>> slugify("Kingston upon Thames")
    'kingston-upon-thames'
    """
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def write_london_borough_configs(folder: str | Path | None = None) -> list[Path]:
    """Write one area config per London borough and return their paths.

    The configs are generated (never hand-written) from the ONS lookup, so a
    region can run every borough from the Met's file without 32 files in
    ``config/areas/``.  Files whose content is unchanged are not rewritten.

    Parameters
    ----------
    folder
        Where to write them; default ``<cache>/areas/london`` (see
        :func:`workbook.cache.cache_dir`).

    Examples
    --------
    >>> import tempfile
    >>> paths = write_london_borough_configs(tempfile.mkdtemp())
    >>> len(paths), paths[0].name
    (32, 'barking-and-dagenham.yml')
    """
    from workbook.cache import cache_dir

    folder = Path(folder) if folder else cache_dir() / "areas" / "london"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot write the London borough configs: {exc.strerror or exc}", path=folder) from None
    paths = []
    for row in list_london_boroughs().itertuples(index=False):
        path = folder / f"{slugify(row.name)}.yml"
        text = (
            f"# Generated by workbook.batch.write_london_borough_configs from the ONS lookup; do not edit.\n"
            + yaml.safe_dump(borough_config(row.code, row.name, csp_code=row.csp_code), sort_keys=False)
        )
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def all_configured_runs(*, period: str | None = None) -> list[ScheduledRun]:
    """Every area in ``config/areas/``, at ``period`` (default: the latest in its data).

    Examples
    --------
    >>> [r.area for r in all_configured_runs()][:2]
    ['city-of-london', 'lambeth']
    """
    from workbook.config import list_areas

    return [ScheduledRun(area=a, period=period) for a in list_areas()]


def london_borough_runs(*, period: str | None = None, folder: str | Path | None = None) -> list[ScheduledRun]:
    """A run for each London borough, from generated configs (see :func:`write_london_borough_configs`)."""
    return [ScheduledRun(area=str(p), period=period) for p in write_london_borough_configs(folder)]


def _expand(area: str, period: str | None, data: str | None) -> list[ScheduledRun]:
    if area == ALL_AREAS:
        return [ScheduledRun(r.area, period, data) for r in all_configured_runs()]
    if area == LONDON_BOROUGHS:
        return [ScheduledRun(r.area, period, data) for r in london_borough_runs()]
    return [ScheduledRun(area, period, data)]


def parse_schedule(raw: Any, *, path: str | Path | None = None, base: Path | None = None) -> list[ScheduledRun]:
    """Validate a schedule already read from YAML (see the module docstring).

    Relative config and data paths are taken from ``base`` (the schedule's folder).

    Examples
    --------
    >>> parse_schedule([{"area": "lambeth", "period": "2023-11"}, {"area": "city-of-london"}])
    [ScheduledRun(area='lambeth', period='2023-11', data_path=None), ScheduledRun(area='city-of-london', period=None, data_path=None)]
    >>> parse_schedule({"runs": [{"area": "lambeth", "period": 202311}]}, path="s.yml")
    Traceback (most recent call last):
    ...
    workbook.errors.ConfigError: s.yml, key 'runs.0.period': expected a month as text "YYYY-MM" (quote it), got int 202311
    """
    prefix = "runs."
    if isinstance(raw, dict):
        unknown = set(raw) - {"runs"}
        if unknown:
            raise ConfigError("unknown key; a schedule has only 'runs'", path=path, key=sorted(unknown)[0])
        raw = raw.get("runs")
    else:
        prefix = ""
    if raw is None:
        raise ConfigError("schedule is empty; expected a list of runs, each with an 'area'", path=path)
    if not isinstance(raw, list):
        raise ConfigError(f"expected a list of runs, found {type(raw).__name__}", path=path, key=prefix.rstrip(".") or None)
    runs: list[ScheduledRun] = []
    for i, item in enumerate(raw):
        key = f"{prefix}{i}"
        if isinstance(item, str):
            item = {"area": item}
        if not isinstance(item, dict):
            raise ConfigError(f"expected a mapping with 'area' (and 'period'), found {type(item).__name__}", path=path, key=key)
        unknown = set(item) - _SCHEDULE_KEYS
        if unknown:
            raise ConfigError("unknown key; a run has 'area', 'period' and 'data'", path=path, key=f"{key}.{sorted(unknown)[0]}")
        area = item.get("area")
        if not isinstance(area, str) or not area.strip():
            raise ConfigError("required: an area slug or config path", path=path, key=f"{key}.area")
        period = item.get("period")
        if period is not None and (not isinstance(period, str) or not _PERIOD.match(period)):
            raise ConfigError(
                f'expected a month as text "YYYY-MM" (quote it), got {type(period).__name__} {period!r}',
                path=path,
                key=f"{key}.period",
            )
        data = item.get("data")
        if data is not None and not isinstance(data, str):
            raise ConfigError(f"expected a file or folder path, got {type(data).__name__}", path=path, key=f"{key}.data")
        if base is not None:
            if area.endswith((".yml", ".yaml")) and not Path(area).is_absolute():
                area = str(base / area)
            if data and not Path(data).is_absolute():
                data = str(base / data)
        runs.extend(_expand(area.strip(), period, data))
    if not runs:
        raise ConfigError("schedule lists no runs", path=path)
    return runs


def read_schedule(path: str | Path) -> list[ScheduledRun]:
    """Read a schedule YAML file.

    Raises
    ------
    ConfigError
        The file is missing, not YAML, or a run is malformed (naming the key).
    """
    from workbook.config import read_yaml

    path = Path(path)
    return parse_schedule(read_yaml(path, what="schedule"), path=path, base=path.resolve().parent)


# --------------------------------------------------------------------------- one run


class _ThreadFilter(logging.Filter):
    def __init__(self, thread: int) -> None:
        super().__init__()
        self.thread = thread

    def filter(self, record: logging.LogRecord) -> bool:
        return record.thread == self.thread


@contextmanager
def _run_log(log_path: Path, *, capture_fds: bool) -> Iterator[None]:
    """Send this run's log to ``log_path``.

    In a worker process of its own (``capture_fds``) the process's stdout and
    stderr, which its log handler and the kernel it starts write to, are
    pointed at the file for the run's duration.  On a shared (Dask) worker,
    only this thread's log records go there.
    """
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = None
    saved: list[int] = []
    if capture_fds:
        sys.stdout.flush()
        sys.stderr.flush()
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        saved = [os.dup(1), os.dup(2)]
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)
    else:
        handler = logging.FileHandler(log_path, encoding="utf-8")
        handler.setFormatter(logging.Formatter(LOG_FORMAT, datefmt="%H:%M:%S"))
        handler.addFilter(_ThreadFilter(threading.get_ident()))
        logging.getLogger().addHandler(handler)
    package = logging.getLogger("workbook")
    level = package.level
    if package.getEffectiveLevel() > logging.INFO:  # a shared worker may log warnings only; the run's log has all
        package.setLevel(logging.INFO)
    try:
        yield
    finally:
        package.setLevel(level)
        if capture_fds:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
        if handler is not None:
            logging.getLogger().removeHandler(handler)
            handler.close()


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
    from workbook.run import RunTimeoutError, run_assessment

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
    from workbook.cli import quieten_libraries

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


def make_log_dir(output_root: str | Path) -> Path:
    """A new folder for one batch's logs: ``<output_root>/_logs/batch-<time>-<pid>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(output_root) / "_logs" / f"batch-{stamp}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


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

    from workbook.run import sweep_output_root

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


def _log_paths(runs: Sequence[ScheduledRun], logs: Path) -> list[Path]:
    seen: dict[str, int] = {}
    paths = []
    for run in runs:
        seen[run.label] = seen.get(run.label, 0) + 1
        suffix = "" if seen[run.label] == 1 else f"-{seen[run.label]}"
        paths.append(logs / f"{run.label}{suffix}.log")
    return paths


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
        from distributed import Client, as_completed as dask_completed
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
