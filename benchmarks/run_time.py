"""Run-time benchmark: how long a report takes, against what papermill itself costs.

Run as ``python benchmarks/run_time.py`` from the repository root.

Printed, in one run on the same machine:

* **default**: the wall time of ``workbook assess`` for the default area
  (Lambeth, 2023-11), forced to run, after one set-up run (which warms the
  parsed-data cache and the font and bytecode caches);
* **floor**: the wall time of a process that does what the command does
  minus the analysis: papermill executes a notebook whose one cell only
  imports the libraries the assessment notebook imports, and nbconvert
  exports it to HTML with the same exporter;
* their ratio;
* **unchanged re-run**: ``workbook assess`` again with nothing changed
  (skipped by checksum);
* **London**: the wall time of ``workbook batch --london-boroughs`` (all 32
  boroughs from the Met's file) with ``--workers`` processes (default 2),
  as a region's monthly schedule runs it: first for 2023-10 with nothing
  cached for those boroughs (cold), then for 2023-11, the next month, which
  reuses the model fits of the backtest windows the two months share;
* the peak memory (sum of the resident memory of the command and every
  process it starts, sampled every 0.1 s) of the default run and the batch;
* the CPU time of each (the command and every process under it), and what
  the batch's would be as wall time on otherwise idle cores: on a shared
  machine the wall times depend on what else is running.

Caches (parsed data, forecasts) live in a fresh temporary folder for the
benchmark: the set-up run fills Lambeth's; the first London batch meets the
other 31 boroughs cold, as the first run of a new schedule would.

* **monitoring**: the wall time of ``workbook monitor`` for Lambeth 2023-11
  (after a set-up run, as the month before's report would have warmed it),
  as a share of the assessment's.
* **runner's fixed cost**: the same runner (``run_assessment``) on a notebook
  with the monitoring notebook's parameters and imports and nothing else:
  what every report costs before its own work (the runner's checks and
  preparation, a kernel that starts and imports the libraries, papermill,
  the export).  Each report's own work is its time above this.

Targets on a 2-core machine: default under 20 s and within 3x the floor;
monitoring under half the assessment's time; 32 boroughs under 4 minutes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from workbook.core.paths import NOTEBOOKS_DIR, REPO_ROOT
from workbook.run.kernel import notebook_imports

NOTEBOOK = NOTEBOOKS_DIR / "assessment.ipynb"
TARGET_DEFAULT_S, TARGET_RATIO, TARGET_LONDON_S, TARGET_MONITORING = 20.0, 3.0, 240.0, 0.5

FLOOR_SCRIPT = """
import sys
sys.modules.setdefault("rfc3987_syntax", None)  # as the workbook command does
import papermill as pm
import nbformat
from nbconvert import HTMLExporter
nb_in, nb_out, html_out = sys.argv[1:4]
pm.execute_notebook(nb_in, nb_out, kernel_name="python3", progress_bar=False, cwd=sys.argv[4])
exporter = HTMLExporter(template_name="basic", exclude_input=True, exclude_input_prompt=True,
                        exclude_output_prompt=True, exclude_anchor_links=True, embed_images=True)
body, _ = exporter.from_notebook_node(nbformat.read(nb_out, as_version=4))
open(html_out, "w", encoding="utf-8").write(body)
"""


RUNNER_FLOOR_SCRIPT = """
import sys
from workbook.run.assess import run_assessment
run_assessment("lambeth", period="2023-11", notebook=sys.argv[1], product="monitoring", output_root=sys.argv[2],
               force=True)
"""


def write_runner_floor_notebook(folder: Path) -> Path:
    """The monitoring notebook cut to its parameters cell and its imports."""
    nb = json.loads((NOTEBOOKS_DIR / "monitoring.ipynb").read_text(encoding="utf-8"))
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    imports = {"cell_type": "code", "execution_count": None, "id": "imports", "metadata": {}, "outputs": [],
               "source": "\n".join(notebook_imports(NOTEBOOKS_DIR / "monitoring.ipynb"))}
    title = {"cell_type": "markdown", "id": "title", "metadata": {}, "source": "# Runner floor"}
    nb["cells"] = [title, params, imports]
    path = folder / "runner-floor.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def write_floor_notebook(folder: Path) -> Path:
    """A notebook with a parameters cell and one cell of the assessment's imports."""
    imports = "\n".join(notebook_imports(NOTEBOOK))
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": "parameters", "metadata": {"tags": ["parameters"]},
             "outputs": [], "source": 'area: str = "lambeth"\n'},
            {"cell_type": "code", "execution_count": None, "id": "imports", "metadata": {}, "outputs": [],
             "source": imports},
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = folder / "floor.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


class PeakMemory:
    """Sample the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:  # pragma: no cover
            return
        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], *, label: str) -> tuple[float, int, str, float]:
    """Wall time (s), peak memory (bytes), stdout and CPU time (s, the command
    and every process under it) of a command; exits on failure."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
    with PeakMemory(proc.pid) as mem:
        out, err = proc.communicate()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        print(f"{label} failed (exit {proc.returncode}):\n{out[-3000:]}\n{err[-3000:]}", file=sys.stderr)
        sys.exit(1)
    return seconds, mem.peak, out, _children_cpu() - cpu


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2, help="timed repeats of the default run and the floor (best kept)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the London batch")
    parser.add_argument("--skip-london", action="store_true", help="leave out the 32-borough batch")
    args = parser.parse_args()
    exe = [sys.executable, "-m", "workbook.cli", "-q"]
    cores = os.cpu_count() or 1
    print(f"machine: {cores} cores; python {sys.version.split()[0]}; load average at start "
          f"{os.getloadavg()[0]:.2f} (other work competing for the cores)")
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as tmp:
        tmp = Path(tmp)
        os.environ["WORKBOOK_CACHE_DIR"] = str(tmp / "cache")  # inherited by every command below
        out = tmp / "reports"
        assess = [*exe, "assess", "--area", "lambeth", "--period", "2023-11", "--output", str(out)]
        setup, _, _, _ = timed(assess, label="set-up run")
        print(f"set-up run (not counted):        {setup:6.1f} s")

        defaults, peaks, cpus = [], [], []
        for _ in range(args.repeat):
            s, peak, _, cpu = timed([*assess, "--force"], label="default run")
            defaults.append(s)
            peaks.append(peak)
            cpus.append(cpu)
        default = min(defaults)

        monitor = [*exe, "monitor", "--area", "lambeth", "--period", "2023-11", "--output", str(out)]
        timed(monitor, label="monitoring set-up run")  # warms the previous month's forecasts, as last month's run would
        monitors, monitor_peaks = [], []
        for _ in range(args.repeat):
            s, peak, _, _ = timed([*monitor, "--force"], label="monitoring run")
            monitors.append(s)
            monitor_peaks.append(peak)
        monitoring = min(monitors)

        runner_nb = write_runner_floor_notebook(tmp)
        runner_script = tmp / "runner_floor.py"
        runner_script.write_text(RUNNER_FLOOR_SCRIPT, encoding="utf-8")
        runner_floors = []
        for i in range(args.repeat + 1):  # the first warms the same caches the set-up run did
            s, _, _, _ = timed([sys.executable, str(runner_script), str(runner_nb), str(tmp / "runner-floor")],
                               label="runner floor")
            if i:
                runner_floors.append(s)
        runner_floor = min(runner_floors)

        floor_nb = write_floor_notebook(tmp)
        script = tmp / "floor.py"
        script.write_text(FLOOR_SCRIPT, encoding="utf-8")
        floors, floor_cpus = [], []
        for i in range(args.repeat + 1):  # the first warms the same caches the set-up run did
            s, _, _, cpu = timed([sys.executable, str(script), str(floor_nb), str(tmp / f"floor-out-{i}.ipynb"),
                             str(tmp / "floor.html"), str(NOTEBOOKS_DIR)], label="floor")
            if i:
                floors.append(s)
                floor_cpus.append(cpu)
        floor = min(floors)
        ratio = default / floor

        skip, _, _, _ = timed(assess, label="unchanged re-run")

        def verdict(ok: bool) -> str:
            return "meets target" if ok else "MISSES target"

        print(f"default assessment (lambeth):    {default:6.1f} s  (runs: {', '.join(f'{x:.1f}' for x in defaults)}; "
              f"target < {TARGET_DEFAULT_S:.0f} s: {verdict(default < TARGET_DEFAULT_S)})")
        print(f"  CPU time of the default run:   {min(cpus):6.1f} s")
        print(f"floor (papermill + nbconvert):   {floor:6.1f} s  (runs: {', '.join(f'{x:.1f}' for x in floors)})")
        print(f"  CPU time of the floor:         {min(floor_cpus):6.1f} s")
        print(f"ratio default / floor:           {ratio:6.2f}    (target <= {TARGET_RATIO:.0f}: {verdict(ratio <= TARGET_RATIO)})")
        print(f"monitoring report (lambeth):     {monitoring:6.1f} s  (runs: {', '.join(f'{x:.1f}' for x in monitors)}; "
              f"{monitoring / default:.2f} of the assessment's time; target < {TARGET_MONITORING:.1f}: "
              f"{verdict(monitoring / default < TARGET_MONITORING)})")
        print(f"  peak memory, monitoring run:   {mb(max(monitor_peaks))}")
        own_m, own_a = monitoring - runner_floor, default - runner_floor
        print(f"runner's fixed cost:             {runner_floor:6.1f} s  (runs: {', '.join(f'{x:.1f}' for x in runner_floors)}; "
              f"a report notebook that only imports)")
        print(f"  each report's own work above it: monitoring {own_m:.1f} s, assessment {own_a:.1f} s "
              f"({own_m / own_a:.2f})")
        print(f"unchanged re-run (skipped):      {skip:6.1f} s")
        print(f"peak memory, default run:        {mb(max(peaks))}")
        if not args.skip_london:
            # A region's monthly schedule: the first month every borough is new
            # (cold: nothing fitted yet); the next month reuses the model fits
            # of every backtest window it shares with the month before.
            load = os.getloadavg()[0]
            for label, period in (("first month, cold", "2023-10"), ("next month", "2023-11")):
                batch = [*exe, "batch", "--london-boroughs", "--period", period, "--output", str(tmp / "london"),
                         "--workers", str(args.workers), "--no-progress", "--force"]
                s, peak, stdout, cpu = timed(batch, label=f"London batch {period}")
                done = sum(1 for line in stdout.splitlines() if "  done  " in line)
                print(f"32 London boroughs {period} ({label}), {args.workers} workers: {s:6.1f} s  ({done} reports; "
                      f"{s / 32:.1f} s per borough; target < {TARGET_LONDON_S:.0f} s: {verdict(s < TARGET_LONDON_S)})")
                print(f"  CPU time of the batch:         {cpu:6.1f} s  ({cpu / 32:.1f} s per borough; "
                      f"{cpu / min(cores, args.workers):.0f} s of wall time if {min(cores, args.workers)} cores were "
                      f"free; load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at end)")
                print(f"  peak memory of the batch:      {mb(peak)}")
                load = os.getloadavg()[0]

if __name__ == "__main__":
    main()
