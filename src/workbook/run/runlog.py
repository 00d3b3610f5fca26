"""Per-run log files for batch runs."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from workbook.config.schedule import ScheduledRun

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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


def make_log_dir(output_root: str | Path) -> Path:
    """A new folder for one batch's logs: ``<output_root>/_logs/batch-<time>-<pid>``."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(output_root) / "_logs" / f"batch-{stamp}-{os.getpid()}"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _log_paths(runs: Sequence[ScheduledRun], logs: Path) -> list[Path]:
    seen: dict[str, int] = {}
    paths = []
    for run in runs:
        seen[run.label] = seen.get(run.label, 0) + 1
        suffix = "" if seen[run.label] == 1 else f"-{seen[run.label]}"
        paths.append(logs / f"{run.label}{suffix}.log")
    return paths
