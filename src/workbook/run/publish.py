"""Publishing a report atomically and sweeping up partial outputs."""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import re
import shutil
import socket
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the notebook libraries are imported when a run needs them, so a skipped run is quick
    pass

logger = logging.getLogger(__name__)

# A temporary folder whose name does not say which process owns it (an older
# version's, or another machine's) is only swept once it is this old.
STALE_UNOWNED_SECONDS = 24 * 3600
_TEMP_NAME = re.compile(r"^\.(?P<period>[^/]+?)\.(?P<kind>partial|old)-(?P<host>[A-Za-z0-9_]+)-(?P<pid>\d+)(?:-|$)")


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
    >>> import tempfile
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
    >>> import tempfile
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
    >>> import tempfile
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
