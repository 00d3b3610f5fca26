"""Run an assessment: execute the parameterised notebook with papermill, then
export a self-contained, accessible HTML report with no code.

Nothing good is lost:

* the parameters are checked against the notebook's declared types, and
  every input is loaded and checked, before a kernel starts;
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
reported as a :class:`~workbook.errors.RunError`.
"""

from __future__ import annotations

import contextvars
import ctypes
import errno
import hashlib
import html
import json
import logging
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbook import __version__
from workbook.assessment import Assessment, prepare_assessment
from workbook.cache import checksum_path
from workbook.config import AreaConfig, config_path_for, load_area_config
from workbook.errors import PeriodError, RunError
from workbook.parameters import ParameterError, check_parameters
from workbook.paths import NOTEBOOKS_DIR, PACKAGE_DIR, REPO_ROOT, REPORTS_DIR, RESOURCES_DIR, resolve_path

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    import nbformat

logger = logging.getLogger(__name__)

NOTEBOOK = NOTEBOOKS_DIR / "assessment.ipynb"
REPORT_NAME = "assessment.html"
EXECUTED_NAME = "assessment.ipynb"
MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1
KERNEL_START_RETRIES = 2
RETRY_WAIT_SECONDS = (0.5, 2.0)  # a random wait in this range (times the attempt) spreads out retries
# A temporary folder whose name does not say which process owns it (an older
# version's, or another machine's) is only swept once it is this old.
STALE_UNOWNED_SECONDS = 24 * 3600
# The libraries whose versions can change a report's numbers or pages.
LIBRARIES = ("pandas", "numpy", "scipy", "statsmodels", "matplotlib", "seaborn", "pyarrow", "papermill", "nbconvert",
             "nbclient", "ipykernel")
_TEMP_NAME = re.compile(r"^\.(?P<period>[^/]+?)\.(?P<kind>partial|old)-(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)(?:-|$)")


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


def strip_streams(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` without stream outputs (logs, warnings): they belong in
    the run's log and the executed notebook, not in a reader's report."""
    import nbformat

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


_EXPORT_LOCK = threading.Lock()  # one exporter per process, used by one run at a time


@lru_cache(maxsize=1)
def _report_exporter():  # noqa: ANN202 - nbconvert.HTMLExporter
    """nbconvert's exporter for the report body: outputs only, no code or prompts."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

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
    return exporter


@lru_cache(maxsize=1)
def _page_template():  # noqa: ANN202 - jinja2.Template
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(RESOURCES_DIR), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("report_page.html.j2")


def warm_up_export() -> threading.Thread:
    """Import and compile the exporter's templates in a background thread.

    The parent process is idle while the kernel works; doing this then
    takes it off the end of every run.
    """

    def work() -> None:
        try:
            with _EXPORT_LOCK:
                _report_exporter().template  # noqa: B018 - compiles nbconvert's template
            _page_template()
        except Exception as exc:  # noqa: BLE001 - the export itself will report any real problem
            logger.debug("export warm-up: %s", exc)

    thread = threading.Thread(target=work, name="workbook-export-warm-up", daemon=True)
    thread.start()
    return thread


def render_report_html(executed: nbformat.NotebookNode, *, assessment: Assessment, generated: datetime) -> str:
    """The executed notebook as one self-contained HTML page for readers.

    The notebook's outputs and narrative are converted with nbconvert's
    ``basic`` template (no inputs, prompts or anchor links) and wrapped in
    the house page: ``lang="en-GB"``, a contents list, inline styles and a
    print stylesheet.  Nothing is fetched from another host.
    """
    with _EXPORT_LOCK:
        body, _ = _report_exporter().from_notebook_node(strip_streams(executed))
    body = add_heading_ids(body)
    page = _page_template()
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


# --------------------------------------------------------------------------- temporary folders


def host_tag() -> str:
    """This machine's name as it appears in temporary folder names.

    Examples
    --------
    >>> re.fullmatch(r"[A-Za-z0-9_]+", host_tag()) is not None
    True
    """
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


def partial_prefix(period: str, *, pid: int | None = None) -> str:
    """The name prefix of a run's temporary folder: it says which process owns it.

    Examples
    --------
    >>> partial_prefix("2023-11", pid=42) == f".2023-11.partial-{host_tag()}-42-"
    True
    """
    return f".{period}.partial-{host_tag()}-{os.getpid() if pid is None else pid}-"


def is_process_alive(pid: int) -> bool:
    """True if a process with this id exists on this machine.

    Examples
    --------
    >>> is_process_alive(os.getpid())
    True
    """
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but belongs to someone else
        return True
    return True


def _is_stale(entry: Path, *, now: float) -> bool:
    m = _TEMP_NAME.match(entry.name)
    if m and m.group("host") == host_tag():
        pid = int(m.group("pid"))
        return pid != os.getpid() and not is_process_alive(pid)
    try:
        age = now - entry.lstat().st_mtime
    except OSError:
        return False
    return age > STALE_UNOWNED_SECONDS


def sweep_stale_partials(area_dir: str | Path) -> list[Path]:
    """Remove temporary folders left in an area's report folder by runs that died.

    A killed run cannot remove its own ``.<period>.partial-…`` folder.  This
    removes those whose owning process no longer exists on this machine
    (or, for folders that do not name their owner, that are over a day old).
    A ``.<period>.old-…`` backup left between the two steps of a
    non-atomic swap is put back if the report it backs up is missing.

    Returns
    -------
    list of Path
        The folders removed or restored.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / ".2023-11.partial-elsewhere_host-1-abc").mkdir()   # another machine's: left alone
    >>> (d / f".2023-11.partial-{host_tag()}-999999999-abc").mkdir()   # no such process: swept
    >>> [p.name.endswith("-999999999-abc") for p in sweep_stale_partials(d)], [p.name for p in d.iterdir()]
    ([True], ['.2023-11.partial-elsewhere_host-1-abc'])
    """
    area_dir = Path(area_dir)
    try:
        entries = sorted(area_dir.iterdir()) if area_dir.is_dir() else []
    except OSError as exc:  # unreadable: the run's own write will report the folder
        logger.debug("cannot sweep %s: %s", area_dir, exc)
        return []
    now = time.time()
    done = []
    for entry in entries:
        if not entry.name.startswith(".") or not (".partial-" in entry.name or ".old-" in entry.name):
            continue
        if not _is_stale(entry, now=now):
            continue
        m = _TEMP_NAME.match(entry.name)
        if m and m.group("kind") == "old" and not (area_dir / m.group("period")).exists():
            try:
                os.replace(entry, area_dir / m.group("period"))
                logger.warning("restored the previous report %s left by an interrupted swap", area_dir / m.group("period"))
                done.append(entry)
            except OSError as exc:
                logger.warning("cannot restore %s: %s", entry, exc.strerror or exc)
            continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            logger.info("removed %s, left by a run that no longer exists", entry)
            done.append(entry)
    return done


def sweep_output_root(root: str | Path) -> list[Path]:
    """:func:`sweep_stale_partials` for every area folder under ``root``.

    Examples
    --------
    >>> sweep_output_root(Path(tempfile.mkdtemp()) / "nothing-here")
    []
    """
    root = Path(root)
    if not root.is_dir():
        return []
    return [p for d in sorted(root.iterdir()) if d.is_dir() for p in sweep_stale_partials(d)]


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def publish_dir(src: str | Path, dest: str | Path) -> None:
    """Put the complete folder ``src`` at ``dest``, replacing any previous ``dest``.

    Where ``dest`` exists the two are swapped in one atomic step where the
    system allows, so ``dest`` is always either the old report or the new
    one; the old one is then deleted.  Elsewhere the old report is first
    renamed to a ``.<name>.old-…`` backup, which :func:`sweep_stale_partials`
    puts back if the process dies between the two renames.

    Examples
    --------
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "new").mkdir(); _ = (d / "new" / "f").write_text("new")
    >>> (d / "dest").mkdir(); _ = (d / "dest" / "f").write_text("old")
    >>> publish_dir(d / "new", d / "dest")
    >>> (d / "dest" / "f").read_text(), sorted(p.name for p in d.iterdir())
    ('new', ['dest'])
    """
    src, dest = Path(src), Path(dest)
    if not dest.exists():
        try:
            os.replace(src, dest)
            return
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):  # else: another run published meanwhile
                raise
    if _exchange(src, dest):
        shutil.rmtree(src, ignore_errors=True)  # now the old report
        return
    backup = dest.with_name(f".{dest.name}.old-{host_tag()}-{os.getpid()}")
    os.replace(dest, backup)
    try:
        os.replace(src, dest)
    except OSError:
        os.replace(backup, dest)
        raise
    shutil.rmtree(backup, ignore_errors=True)


# --------------------------------------------------------------------------- manifest


def code_checksum(notebook: Path = NOTEBOOK) -> dict[str, Any]:
    """Checksums of the code that makes a report: the package, the notebook,
    and the versions of the libraries that compute and render it.

    Examples
    --------
    >>> c = code_checksum()
    >>> len(c["sha256"]), c["workbook_version"] == __version__
    (64, True)
    """
    h = hashlib.sha256()
    files = sorted(
        p for p in PACKAGE_DIR.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")
    )
    for f in files:
        h.update(f.relative_to(PACKAGE_DIR).as_posix().encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    h.update(b"notebook")
    h.update(hashlib.sha256(Path(notebook).read_bytes()).digest())
    libraries = {}
    for lib in LIBRARIES:
        try:
            libraries[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            libraries[lib] = None
    h.update(json.dumps(libraries, sort_keys=True).encode())
    return {"sha256": h.hexdigest(), "workbook_version": __version__, "notebook": _display_path(notebook),
            "libraries": libraries}


def _display_path(path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _config_paths(value: Any, key: str = "") -> dict[str, Path]:
    """Every string in a config that names an existing file or folder."""
    found: dict[str, Path] = {}
    if isinstance(value, Mapping):
        for k, v in value.items():
            found |= _config_paths(v, f"{key}.{k}" if key else str(k))
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            found |= _config_paths(v, f"{key}.{i}")
    elif isinstance(value, str) and 0 < len(value) < 400 and "\n" not in value and ("/" in value or "." in value):
        try:
            p = resolve_path(value)
            if p.exists() and p != REPO_ROOT:
                found[key] = p
        except (OSError, ValueError):
            pass
    return found


def input_checksums(config_path: Path, config: AreaConfig, *, data_path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Checksums of every input a run reads: the config, and each file or
    folder it names (police data, population, households, local indicators),
    with ``data_path`` in place of the config's data where given.

    Examples
    --------
    >>> cfg = load_area_config("lambeth")
    >>> sorted(input_checksums(config_path_for("lambeth"), cfg))[:3]
    ['config', 'data.path', 'local_indicators']
    """
    paths = {"config": Path(config_path)} | _config_paths(config.model_dump(mode="json"))
    if data_path:
        paths["data.path"] = resolve_path(data_path, base=Path.cwd())
    out = {}
    for key, path in sorted(paths.items()):
        try:
            digest = checksum_path(path)
        except OSError:  # unreadable: never matches, so the run goes ahead and its loader names the problem
            digest = f"unreadable-{time.time_ns()}"
        out[key] = {"path": _display_path(path), "sha256": digest}
    return out


def build_manifest(
    *,
    slug: str,
    period: str,
    parameters: Mapping[str, Any],
    inputs: Mapping[str, Mapping[str, str]],
    code: Mapping[str, Any],
) -> dict[str, Any]:
    """The manifest a report folder carries; its ``key`` changes when any input,
    the code or a parameter does.

    Examples
    --------
    >>> m = build_manifest(slug="x", period="2023-11", parameters={"kernel_name": "python3"},
    ...                    inputs={"config": {"path": "x.yml", "sha256": "ab"}}, code={"sha256": "cd"})
    >>> m2 = build_manifest(slug="x", period="2023-11", parameters={"kernel_name": "python3"},
    ...                     inputs={"config": {"path": "x.yml", "sha256": "ef"}}, code={"sha256": "cd"})
    >>> len(m["key"]), m["key"] == m2["key"]
    (64, False)
    """
    basis = {
        "manifest_version": MANIFEST_VERSION,
        "area": slug,
        "period": period,
        "parameters": dict(parameters),
        "inputs": {k: v["sha256"] for k, v in inputs.items()},
        "code": code["sha256"],
    }
    key = hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()
    return {
        "manifest_version": MANIFEST_VERSION,
        "key": key,
        "area": slug,
        "period": period,
        "parameters": dict(parameters),
        "inputs": {k: dict(v) for k, v in inputs.items()},
        "code": dict(code),
    }


def read_manifest(report_dir: str | Path) -> dict[str, Any] | None:
    """A report folder's manifest, or None if it has none (or it is unreadable).

    Examples
    --------
    >>> read_manifest(tempfile.mkdtemp()) is None
    True
    """
    try:
        data = json.loads((Path(report_dir) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_up_to_date(report_dir: str | Path, manifest: Mapping[str, Any]) -> bool:
    """True if ``report_dir`` holds a complete report made with this manifest's key."""
    existing = read_manifest(report_dir)
    return bool(existing and existing.get("key") == manifest["key"] and (Path(report_dir) / REPORT_NAME).is_file())


# --------------------------------------------------------------------------- kernel


class KernelStartError(RunError):
    """The notebook's kernel did not start (after retries)."""


class RunTimeoutError(RunError):
    """A run reached its time limit and its kernel was stopped."""


_kernel_managers: contextvars.ContextVar[list | None] = contextvars.ContextVar("workbook_kernel_managers", default=None)


def _kernel_manager_class() -> type:
    """An AsyncKernelManager that tells the current run about itself, so the
    run's time limit can stop its kernel."""
    from jupyter_client.manager import AsyncKernelManager

    global _TrackedKernelManager
    if _TrackedKernelManager is None:

        class TrackedKernelManager(AsyncKernelManager):
            def __init__(self, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                holder = _kernel_managers.get()
                if holder is not None:
                    holder.append(self)

        _TrackedKernelManager = TrackedKernelManager
    return _TrackedKernelManager


_TrackedKernelManager: type | None = None


def _kill_kernel(km: Any) -> None:
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def _shutdown_kernel(km: Any) -> None:
    """Make sure a kernel is gone after a failed start or a stop."""
    from jupyter_core.utils import run_sync

    try:
        if km.has_kernel:
            run_sync(km._async_shutdown_kernel)(now=True)
    except Exception as exc:  # noqa: BLE001 - tidying up must not hide the run's own error
        logger.debug("kernel shutdown after failure: %s", exc)
        _kill_kernel(km)


def execute_with_retries(
    execute: Callable[..., Any],
    *,
    retries: int = KERNEL_START_RETRIES,
    run_timeout: float | None = None,
    what: str = "notebook",
) -> Any:
    """Call ``execute(on_notebook_start=..., kernel_manager_class=...)`` (a
    wrapped :func:`papermill.execute_notebook`) with the run's safeguards.

    * A kernel that fails before it is ready (the port races papermill is
      known for under parallel runs) is retried up to ``retries`` times.
    * With ``run_timeout``, a run still going after that many seconds has its
      kernel killed, and :class:`RunTimeoutError` says so.

    Returns
    -------
    object
        What ``execute`` returned (papermill's executed notebook).

    Raises
    ------
    KernelStartError
        The kernel failed to start on every attempt.
    RunTimeoutError
        The run's time limit was reached.

    Examples
    --------
    >>> calls = []
    >>> def flaky(*, on_notebook_start, kernel_manager_class):
    ...     calls.append(1)
    ...     if len(calls) == 1:
    ...         raise RuntimeError("Kernel died before replying to kernel_info")
    ...     on_notebook_start(notebook=None)
    ...     return "executed"
    >>> execute_with_retries(flaky, retries=2), len(calls)
    ('executed', 2)
    """
    from jupyter_client.kernelspec import NoSuchKernel

    deadline = None if run_timeout is None else time.monotonic() + run_timeout
    attempt = 0
    while True:
        attempt += 1
        started = threading.Event()
        timed_out = threading.Event()
        managers: list = []
        token = _kernel_managers.set(managers)

        def on_timeout() -> None:
            timed_out.set()
            for km in managers:
                _kill_kernel(km)

        timer = None
        if deadline is not None:
            timer = threading.Timer(max(0.0, deadline - time.monotonic()), on_timeout)
            timer.daemon = True
            timer.start()
        try:
            result = execute(on_notebook_start=lambda **_: started.set(), kernel_manager_class=_kernel_manager_class())
            if timed_out.is_set():  # the kill landed after the last cell: the report is complete
                logger.info("%s finished as its time limit was reached", what)
            return result
        except NoSuchKernel as exc:
            raise RunError(f"{what}: no Jupyter kernel named {exc.args[0]!r}; install one with ipykernel") from None
        except Exception as exc:
            if timed_out.is_set():
                raise RunTimeoutError(f"{what}: stopped after {run_timeout:g} s, the run's time limit") from None
            if started.is_set() or _is_execution_error(exc):
                raise
            if attempt > retries:
                raise KernelStartError(
                    f"{what}: the kernel failed to start {attempt} times ({type(exc).__name__}: {_first_line(exc)})"
                ) from exc
            wait = random.uniform(*RETRY_WAIT_SECONDS) * attempt
            logger.warning("%s: kernel failed to start (%s: %s); retrying in %.1f s", what, type(exc).__name__,
                           _first_line(exc), wait)
            time.sleep(wait)
        finally:
            if timer is not None:
                timer.cancel()
            _kernel_managers.reset(token)
            for km in managers:
                _shutdown_kernel(km)


def _is_execution_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "PapermillExecutionError"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


# --------------------------------------------------------------------------- run


def run_assessment(
    area: str | Path,
    *,
    period: str | None = None,
    data_path: str | Path | None = None,
    output_root: str | Path | None = None,
    notebook: Path = NOTEBOOK,
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
        Any input problem, found before a kernel starts: a parameter
        (:class:`~workbook.parameters.ParameterError` naming it, including a
        period outside the data), the config, the data or the population;
        or :class:`RunError` when a cell fails (naming it), the kernel will
        not start, the time limit is reached or the report cannot be written.
    """
    started = time.perf_counter()
    notebook = Path(notebook)
    # Check every input before a kernel starts: an error here names the parameter or file.
    check_parameters(
        {"area": str(area), "period": period or "", "data_path": str(data_path) if data_path else ""}, notebook=notebook
    )
    config_path, config = config_path_for(area), load_area_config(area)
    slug = config.slug
    root = Path(output_root) if output_root else REPORTS_DIR
    area_dir = root / slug
    sweep_stale_partials(area_dir)  # a killed run's leftovers go first, whatever this run does
    data_abs = str(resolve_path(data_path, base=Path.cwd())) if data_path else ""
    key_parameters = {"data_path": data_abs, "kernel_name": kernel_name}
    code = code_checksum(notebook)
    inputs = input_checksums(config_path, config, data_path=data_path)

    def skip_if_current(period_str: str) -> RunResult | None:
        manifest = build_manifest(slug=slug, period=period_str, parameters=key_parameters, inputs=inputs, code=code)
        dest = area_dir / period_str
        if not force and is_up_to_date(dest, manifest):
            logger.info("%s %s: report is up to date (same inputs, code and parameters); skipped", slug, period_str)
            return RunResult(area=slug, period=period_str, report_dir=dest, html_path=dest / REPORT_NAME,
                             seconds=time.perf_counter() - started, skipped=True)
        return None

    if period and (skipped := skip_if_current(f"{_month(period):%Y-%m}")):
        return skipped
    try:
        assessment = prepare_assessment(area, period=period, data_path=data_path)
    except PeriodError as exc:
        given = repr(period) if period else "(the latest month in the data)"
        raise ParameterError(f"{given}: {exc}", name="period") from None
    period_str = f"{assessment.latest_month:%Y-%m}"
    if not period and (skipped := skip_if_current(period_str)):
        return skipped
    manifest = build_manifest(slug=slug, period=period_str, parameters=key_parameters, inputs=inputs, code=code)
    what = f"{slug} {period_str}"
    try:
        area_dir.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=partial_prefix(period_str), dir=area_dir))
        work.chmod(0o755)  # mkdtemp makes it private; a published report is not
    except OSError as exc:
        raise RunError(f"cannot write to {area_dir}: {exc.strerror or exc}") from None
    dest = area_dir / period_str
    logger.info("%s: executing %s", what, notebook.name)
    params = {
        "area": str(area),
        "period": period_str,
        "data_path": data_abs,
        "output_dir": str(work),
    }
    import papermill as pm  # heavy import, only when a run happens

    def execute(**hooks: Any) -> nbformat.NotebookNode:
        # Saved once at the end (and on a cell error), not after every cell:
        # each save re-serialises every chart so far, ~2.5 s per run.
        return pm.execute_notebook(
            str(notebook),
            str(work / EXECUTED_NAME),
            parameters=params,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            cwd=str(notebook.parent),
            execution_timeout=timeout,
            **hooks,
        )

    warm_up_export()
    try:
        try:
            executed = execute_with_retries(execute, retries=kernel_retries, run_timeout=run_timeout, what=what)
        except pm.PapermillExecutionError as exc:
            failed = Path(tempfile.mkdtemp(prefix=f"workbook-failed-{slug}-{period_str}-")) / EXECUTED_NAME
            if (work / EXECUTED_NAME).exists():
                shutil.copy(work / EXECUTED_NAME, failed)
            raise RunError(
                f"{notebook.name}: cell {exc.cell_index} (execution {exc.exec_count}) failed with "
                f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}; executed notebook kept at {failed}"
            ) from None
        except OSError as exc:
            raise RunError(f"{what}: cannot write the executed notebook in {area_dir}: {exc.strerror or exc}") from None
        logger.info("%s: exporting HTML", what)
        page = render_report_html(executed, assessment=assessment, generated=datetime.now(timezone.utc))
        seconds = time.perf_counter() - started
        manifest = manifest | {"generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "seconds": round(seconds, 2)}
        try:
            write_text(work / REPORT_NAME, page)
            write_text(work / MANIFEST_NAME, json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            publish_dir(work, dest)
        except OSError as exc:
            raise RunError(f"{what}: cannot write the report to {area_dir}: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    seconds = time.perf_counter() - started
    logger.info("%s: report written to %s in %.1f s", what, dest, seconds)
    return RunResult(area=slug, period=period_str, report_dir=dest, html_path=dest / REPORT_NAME, seconds=seconds)


def write_text(path: Path, text: str) -> None:
    """Write a report file (one place, so a full disk can be simulated in tests)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def _month(period: str) -> datetime:
    from workbook.periods import parse_month

    return parse_month(period)
