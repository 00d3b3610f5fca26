"""Forecast accuracy benchmark: rolling-origin backtest on real London data, scored on later real months.

Run as ``python benchmarks/forecast_accuracy.py`` from the repository root.

Data: the Metropolitan Police's historical borough file embedded in
``data/mps/`` (2010-04 to 2023-11) joined to the "most recent 24 months"
files kept beside it (2023-12 to 2025-11 and 2024-07 to 2026-06); where
files overlap the newer one wins (recent months are revised in each
release).  The newer files use layouts and categories the package's loader
does not read yet (``Group, SubGroup, BOCU``; ``BURGLARY - RESIDENTIAL``;
``NFIB``; a comma in ``PUBLIC FEAR, ALARM OR DISTRESS``), so a small reader
here maps them onto the historical scheme.

Series: every London borough (each a Community Safety Partnership) x the
six largest police.uk crime categories over the last 12 months of the
joined data.  From origins every ``--stride`` months (36-month training
window, 12-month horizon) every method in ``workbook.forecast.methods``
forecasts the next 12 months.

Intervals, as the workbook makes them: ``point +/- scale x q``, ``q`` a
conformal quantile of the absolute scaled errors pooled over all series.
At each origin the quantiles use only errors whose months had been recorded
by that origin *and* by ``--calibrate-until`` (default: the last month of
the embedded historical file), so every interval is out of sample, and from
that month on the quantiles are frozen: the months after it (origins from
2023-11) test exactly the table the workbook ships.  ``--write-calibration``
writes that table.

Printed: for every method, a table by origin year and horizon band (1-3,
4-6, 7-12 months) of MASE (scaled by the in-sample seasonal naive, m = 12),
WAPE, the improvement on seasonal naive's MASE, and 80%/95% interval
coverage, with the coverage of the 12-month totals' intervals; a summary
of the later months; and the validation of the direction-of-travel rule
(``workbook.forecast.direction``): how often each label was followed by a
change of that sign in the next 12 months.

Goals: the combination beats seasonal naive on mean MASE; on the later
months, 80% intervals cover 77-83% and 95% intervals 93-97% in every
horizon band and for 12-month totals; "increasing" and "decreasing" labels
are followed by a change of their sign at least 80% of the time.
"""

from __future__ import annotations

import os

# One BLAS thread per process: the models fit tiny matrices, and on a shared
# two-core machine multithreaded BLAS makes each fit several times slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from workbook.core.categories import harmonise_categories  # noqa: E402
from workbook.core.paths import DATA_DIR  # noqa: E402
from workbook.data.lookups import lookup_district_code  # noqa: E402
from workbook.data.sources import load_source  # noqa: E402
from workbook.forecast.backtest import backtest_series  # noqa: E402
from workbook.forecast.direction import DIRECTION_LEVEL, validate_directions  # noqa: E402
from workbook.forecast.intervals import CALIBRATION_LEVELS, CALIBRATION_PATH, calibrate_intervals  # noqa: E402
from workbook.forecast.methods import BASE_METHODS, METHODS  # noqa: E402

DEFAULT_DATA = DATA_DIR / "mps" / "MPS_Borough_Level_Crime_Historical.csv"
LATER_FILES = (
    DATA_DIR / "mps" / "MPS_Borough_Level_Crime_most_recent_24_months_2023-12_to_2025-11.csv",
    DATA_DIR / "mps" / "MPS_Borough_Level_Crime_most_recent_24_months_2024-07_to_2026-06.csv",
)
TRAIN, HORIZON, LEVELS = 36, 12, (80, 95)
N_CATEGORIES = 6
BANDS = {"1-3": (1, 3), "4-6": (4, 6), "7-12": (7, 12)}
MIN_ORIGINS_CALIBRATION = 5
"""Fewest origins' worth of pooled errors (x the number of series, at least 200) for a quantile."""
SENSITIVITY_LEVELS = (50, 67, 80, 90)

# Later files' names for categories the category map does not know yet, mapped to the
# historical categories they continue (same police.uk category and subcategory).
_LATER_NAMES = {
    "BURGLARY - RESIDENTIAL": "RES BURGLARY OF A HOME",
    "NFIB": "FRAUD AND FORGERY",
    "PUBLIC FEAR, ALARM OR DISTRESS": "PUBLIC FEAR ALARM OR DISTRESS",
}
_LAYOUTS = {"Group": "MajorText", "SubGroup": "MinorText", "BOCU": "BoroughName",
            "LookUp_BoroughName": "BoroughName"}


# --------------------------------------------------------------------------- data


def _read_later(path: Path) -> pd.DataFrame:
    """A "most recent 24 months" file in either layout, as ``month, area_code, area_name, category, count``."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False).rename(columns=_LAYOUTS)
    months = [c for c in raw.columns if c.isdigit() and len(c) == 6]
    minor = raw["MinorText"].str.strip().replace(_LATER_NAMES)
    cats = harmonise_categories(minor, source="mps", path=path)
    wide = raw[months].apply(lambda c: pd.to_numeric(c.str.replace(",", "", regex=False)))
    wide["area_name"] = raw["BoroughName"].str.strip()
    wide["category"] = cats["category"]
    long = wide.melt(id_vars=["area_name", "category"], var_name="m", value_name="count")
    long["month"] = pd.to_datetime(long["m"], format="%Y%m")
    long["area_code"] = long["area_name"].map(lookup_district_code)
    return long.groupby(["month", "area_code", "area_name", "category"], as_index=False, dropna=False)["count"].sum()


def _load_joined(path: Path, later: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """The historical file joined to the later files, the newer winning where they overlap."""
    base = load_source(path)[["month", "area_code", "area_name", "category", "count"]]
    notes = [(f"{path.name}: {base['month'].min():%Y-%m} to {base['month'].max():%Y-%m} "
              "(workbook.data.sources.load_source)")]
    parts = [base]
    for p in sorted(later, key=lambda q: _read_later(q)["month"].min()):
        t = _read_later(p)
        start = t["month"].min()
        parts = [q.loc[q["month"] < start] for q in parts] + [t]
        notes.append(f"{p.name}: {start:%Y-%m} to {t['month'].max():%Y-%m} (benchmark reader; wins from "
                     f"{start:%Y-%m})")
    return pd.concat(parts, ignore_index=True), notes


def _series(table: pd.DataFrame) -> tuple[list[tuple[str, str, pd.Series]], list[str]]:
    """Monthly series for every borough and main category."""
    boroughs = table.loc[table["area_code"].notna() & table["area_code"].astype(str).str.startswith("E09")]
    months = pd.date_range(boroughs["month"].min(), boroughs["month"].max(), freq="MS")
    recent = boroughs.loc[boroughs["month"] > months[-1] - pd.DateOffset(months=12)]
    volume = recent.groupby("category")["count"].sum().sort_values(ascending=False)
    main = volume.index[:N_CATEGORIES].tolist()
    sub = boroughs.loc[boroughs["category"].isin(main)]
    totals = sub.groupby(["area_name", "category", "month"])["count"].sum()
    out = []
    for (area, cat), s in totals.groupby(level=[0, 1]):
        y = s.droplevel([0, 1]).reindex(months, fill_value=0).astype(float)
        y.index = pd.DatetimeIndex(y.index, freq="MS")
        out.append((str(area), str(cat), y))
    return out, main


# --------------------------------------------------------------------------- backtest (workers)


def _autoets_errors(y: pd.Series, origins: list[pd.Timestamp]) -> pd.DataFrame | None:
    try:
        from statsforecast.models import AutoETS
    except ImportError:
        return None
    values = y.to_numpy()
    pos_of = {m: i for i, m in enumerate(y.index)}
    rows = []
    for origin in origins:
        p = pos_of[origin]
        x = values[p + 1 - TRAIN:p + 1]
        scale = float(np.mean(np.abs(x[12:] - x[:-12]))) or 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = AutoETS(season_length=12).fit(x).predict(HORIZON, level=list(LEVELS))
        for h in range(1, HORIZON + 1):
            if p + h >= len(values):
                break
            row = {"method": "autoets", "origin": origin, "horizon": h, "actual": values[p + h],
                   "forecast": max(0.0, float(pred["mean"][h - 1])), "scale": scale}
            for level in LEVELS:
                row[f"lower_{level}"] = max(0.0, float(pred[f"lo-{level}"][h - 1]))
                row[f"upper_{level}"] = max(0.0, float(pred[f"hi-{level}"][h - 1]))
            rows.append(row)
    return pd.DataFrame(rows)


def _run_one(args: tuple[int, str, str, pd.Series, list[pd.Timestamp], bool]
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None, float]:
    sid, area, cat, y, origins, with_autoets = args
    t0 = time.process_time()
    bt = backtest_series(y, train=TRAIN, horizon=HORIZON, origins=origins, methods=METHODS, levels=LEVELS,
                         calibration=pd.DataFrame())
    keep = ["method", "origin", "horizon", "month", "actual", "forecast", "scale", "total_actual",
            "total_forecast", "total_scale"]
    errors = bt.errors[keep].assign(series=sid, area=area, category=cat)
    previous = bt.totals.loc[bt.totals["method"] == METHODS[0], ["origin", "previous"]].assign(series=sid)
    auto = _autoets_errors(y, origins) if with_autoets else None
    if auto is not None:
        auto = auto.assign(series=sid, area=area, category=cat)
    return errors, previous, auto, time.process_time() - t0


# --------------------------------------------------------------------------- out-of-sample calibration


def _rank(n: int, level: float) -> int:
    return min(max(math.ceil((n + 1) * level / 100.0), 1), n) - 1


def _rolling_quantiles(errors: pd.DataFrame, cutoffs: pd.DatetimeIndex, levels: tuple[int, ...], *,
                       min_errors: int) -> dict[tuple[str, str, int, int], pd.Series]:
    """For each method, kind, horizon and level: the conformal quantile using the errors recorded by each cutoff.

    The same quantile as :func:`workbook.forecast.intervals.conformal_quantile` on
    the subset of errors whose month is at most the cutoff; NaN below
    ``min_errors`` errors.
    """
    out = {}
    for (method, h), g in errors.groupby(["method", "horizon"], sort=False):
        month = g["month"].to_numpy()
        for kind, z in (("month", (g["actual"] - g["forecast"]) / g["scale"]),
                        ("total", (g["total_actual"] - g["total_forecast"]) / g["total_scale"])):
            a = np.abs(z.to_numpy(dtype=float))
            ok = np.isfinite(a)
            a, m = a[ok], month[ok]
            order = np.argsort(m, kind="stable")
            a, m = a[order], m[order]
            ends = np.searchsorted(m, cutoffs.to_numpy(), side="right")
            for level in levels:
                vals = np.full(len(cutoffs), np.nan)
                for j, e in enumerate(ends):
                    if e >= min_errors:
                        sub = a[:e]
                        k = _rank(e, level)
                        vals[j] = np.partition(sub, k)[k]
                out[(method, kind, int(h), level)] = pd.Series(vals, index=cutoffs)
    return out


def _add_bounds(errors: pd.DataFrame, q: dict, cutoff: pd.Timestamp, levels: tuple[int, ...]) -> pd.DataFrame:
    """Monthly and total bounds for each error row, from the quantiles known at min(origin, cutoff)."""
    out = errors.copy()
    at = out["origin"].where(out["origin"] <= cutoff, cutoff)
    for level in levels:
        qm = np.full(len(out), np.nan)
        qt = np.full(len(out), np.nan)
        for (method, h), idx in out.groupby(["method", "horizon"], sort=False).groups.items():
            key_m, key_t = (method, "month", int(h), level), (method, "total", int(h), level)
            if key_m in q:
                qm[out.index.get_indexer(idx)] = q[key_m].reindex(at.loc[idx]).to_numpy()
                qt[out.index.get_indexer(idx)] = q[key_t].reindex(at.loc[idx]).to_numpy()
        out[f"lower_{level}"] = np.clip(out["forecast"] - out["scale"] * qm, 0.0, None)
        out[f"upper_{level}"] = out["forecast"] + out["scale"] * qm
        out[f"total_lower_{level}"] = np.clip(out["total_forecast"] - out["total_scale"] * qt, 0.0, None)
        out[f"total_upper_{level}"] = out["total_forecast"] + out["total_scale"] * qt
    return out


# --------------------------------------------------------------------------- scores


def _band(h: pd.Series) -> pd.Series:
    return pd.cut(h, bins=[0, 3, 6, 12], labels=list(BANDS))


def _scores(e: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """MASE, WAPE and coverage grouped by ``by``; MASE relative to seasonal naive in the same cell."""
    e = e.assign(abs_err=(e["actual"] - e["forecast"]).abs())
    e["scaled"] = e["abs_err"] / e["scale"]
    for level in LEVELS:
        lo, hi = e[f"lower_{level}"], e[f"upper_{level}"]
        e[f"in_{level}"] = np.where(lo.notna(), ((e["actual"] >= lo) & (e["actual"] <= hi)).astype(float), np.nan)
    g = e.groupby(by + ["method"], observed=True)
    out = pd.DataFrame({"mase": g["scaled"].mean(), "wape": g["abs_err"].sum() / g["actual"].sum(),
                        "n": g.size()})
    for level in LEVELS:
        out[f"cov_{level}"] = g[f"in_{level}"].mean()
    out = out.reset_index()
    sn = out.loc[out["method"] == "seasonal_naive"].set_index(by)["mase"]
    key = out.set_index(by).index
    out["vs_sn"] = 1.0 - out["mase"].to_numpy() / sn.reindex(key).to_numpy()
    return out


def _total_cover(t: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    t = t.copy()
    for level in LEVELS:
        lo, hi = t[f"total_lower_{level}"], t[f"total_upper_{level}"]
        t[f"tin_{level}"] = np.where(lo.notna(), ((t["total_actual"] >= lo) & (t["total_actual"] <= hi)).astype(float),
                                     np.nan)
    g = t.groupby(by + ["method"], observed=True)
    out = pd.DataFrame({f"tcov_{level}": g[f"tin_{level}"].mean() for level in LEVELS})
    out["n_totals"] = g[f"tin_{LEVELS[0]}"].count()
    return out.reset_index()


def _pct(v: float) -> str:
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else f"{v:.1%}"


def _print_method_table(method: str, sc: pd.DataFrame, tc: pd.DataFrame, rows: list[str]) -> None:
    head = f"{'origins':<22}"
    for b in BANDS:
        head += f" | {b + ' months':<33}"
    head += " | 12-month total"
    print(head)
    sub = f"{'':<22}"
    for _ in BANDS:
        sub += f" | {'MASE':>5} {'WAPE':>6} {'vs SN':>6} {'80%':>6} {'95%':>6}"
    sub += f" | {'80%':>6} {'95%':>6} {'n':>5}"
    print(sub)
    for r in rows:
        line = f"{r:<22}"
        for b in BANDS:
            x = sc.loc[(sc["method"] == method) & (sc["period"] == r) & (sc["band"] == b)]
            if x.empty:
                line += f" | {'':>33}"
                continue
            x = x.iloc[0]
            line += (f" | {x['mase']:>5.3f} {x['wape']:>6.1%} {x['vs_sn']:>+6.1%} {_pct(x['cov_80']):>6} "
                     f"{_pct(x['cov_95']):>6}")
        y = tc.loc[(tc["method"] == method) & (tc["period"] == r)]
        if not y.empty:
            y = y.iloc[0]
            line += f" | {_pct(y['tcov_80']):>6} {_pct(y['tcov_95']):>6} {int(y['n_totals']):>5}"
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MPS historical borough-level crime file")
    parser.add_argument("--later", type=Path, nargs="*", default=list(LATER_FILES),
                        help="later 'most recent 24 months' files (either layout); none to use the historical file only")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--stride", type=int, default=1, help="months between forecast origins (default 1)")
    parser.add_argument("--max-series", type=int, default=None, help="test only the first N series")
    parser.add_argument("--calibrate-until", type=str, default=None,
                        help="last month (YYYY-MM) whose outcomes calibrate the intervals; default the last month of "
                             "--data")
    parser.add_argument("--no-autoets", action="store_true", help="skip the statsforecast AutoETS peer")
    parser.add_argument("--write", type=Path, default=None,
                        help="also write the later months' per-method summary as CSV (the report's methods annex "
                             "reads src/workbook/resources/forecast_accuracy.csv)")
    parser.add_argument("--write-calibration", type=Path, default=None, const=CALIBRATION_PATH, nargs="?",
                        help=f"write the calibration table at the cut-off (default path {CALIBRATION_PATH})")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    table, notes = _load_joined(args.data, args.later)
    series, main_categories = _series(table)
    if args.max_series:
        series = series[: args.max_series]
    months = series[0][2].index
    hist_last = load_source(args.data)["month"].max()
    cutoff = pd.Timestamp(args.calibrate_until + "-01") if args.calibrate_until else hist_last
    origins = list(months[np.arange(TRAIN - 1, len(months) - 1, args.stride)])
    try:
        import statsforecast

        sf_version = statsforecast.__version__
    except ImportError:
        sf_version = None
    with_autoets = sf_version is not None and not args.no_autoets

    print("Data:")
    for note in notes:
        print(f"  {note}")
    print(f"Months: {months[0]:%Y-%m} to {months[-1]:%Y-%m}; main categories (largest by volume, last 12 months):")
    print("  " + "; ".join(main_categories))
    print(f"Series: {len(series)} (boroughs x categories); origins per series: {len(origins)} "
          f"({origins[0]:%Y-%m} to {origins[-1]:%Y-%m}, every {args.stride} months); train {TRAIN}, horizon "
          f"{HORIZON}; workers {args.jobs}")
    print(f"Intervals calibrated out of sample on outcomes recorded by each origin and by {cutoff:%Y-%m}; "
          f"later months: origins from {cutoff:%Y-%m}")
    if sf_version is None:
        print("Note: statsforecast is not installed, so the AutoETS peer is skipped.")
    elif args.no_autoets:
        print("Note: AutoETS peer skipped (--no-autoets).")
    else:
        print(f"Peer: statsforecast {sf_version} AutoETS (model-based intervals)")
    sys.stdout.flush()

    work = [(i, area, cat, y, origins, with_autoets) for i, (area, cat, y) in enumerate(series)]
    frames, previous, autos, cpu = [], [], [], 0.0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for frame, prev, auto, seconds in pool.map(_run_one, work, chunksize=1):
            frames.append(frame)
            previous.append(prev)
            if auto is not None:
                autos.append(auto)
            cpu += seconds
    errors = pd.concat(frames, ignore_index=True)
    previous = pd.concat(previous, ignore_index=True)

    # Out-of-sample quantiles at every origin (frozen at the cut-off), and the bounds they give.
    qlevels = tuple(sorted(set(LEVELS) | set(SENSITIVITY_LEVELS)))
    cutoffs = pd.DatetimeIndex(sorted({min(o, cutoff) for o in origins}))
    min_errors = max(200, MIN_ORIGINS_CALIBRATION * len(series))
    q = _rolling_quantiles(errors, cutoffs, qlevels, min_errors=min_errors)
    errors = _add_bounds(errors, q, cutoff, qlevels)
    base = errors.loc[errors["method"].isin(BASE_METHODS)]
    mean5 = base.groupby(["series", "origin", "horizon"], as_index=False).agg(
        month=("month", "first"), actual=("actual", "first"), forecast=("forecast", "mean"),
        scale=("scale", "first"), area=("area", "first"), category=("category", "first"))
    mean5["method"] = "combination_with_arima"
    scored = pd.concat([errors, mean5, *autos], ignore_index=True)
    scored["band"] = _band(scored["horizon"])
    scored["year"] = scored["origin"].dt.year.astype(str)
    scored["period"] = scored["year"]
    later = scored.loc[scored["origin"] >= cutoff].assign(period=f"later (from {cutoff:%Y-%m})")
    allp = scored.assign(period="all origins")
    sc = _scores(pd.concat([scored, later, allp], ignore_index=True), ["period", "band"])
    totals = errors.loc[(errors["horizon"] == HORIZON) & errors["total_actual"].notna()]
    tt = pd.concat([totals.assign(period=totals["origin"].dt.year.astype(str)),
                    totals.loc[totals["origin"] >= cutoff].assign(period=f"later (from {cutoff:%Y-%m})"),
                    totals.assign(period="all origins")], ignore_index=True)
    tc = _total_cover(tt, ["period"])

    periods = sorted(scored["year"].unique()) + [f"later (from {cutoff:%Y-%m})", "all origins"]
    shown = [m for m in (*METHODS, "combination_with_arima", "autoets") if m in set(scored["method"])]
    for method in shown:
        print()
        print(f"== {method}")
        _print_method_table(method, sc, tc, periods)
    n_cal = int(errors.loc[errors["month"] <= cutoff, "series"].nunique())
    print("(coverage only where at least "
          f"{min_errors:,} pooled errors had been recorded by the origin; 'vs SN' = 1 - MASE / seasonal "
          "naive's MASE in the same cell; combination_with_arima and autoets: point accuracy, autoets with its own "
          "model intervals)")

    # Summary per method on the later months (what the report's annex quotes) and over all origins.
    per = scored.assign(abs_err=(scored["actual"] - scored["forecast"]).abs())
    per["scaled"] = per["abs_err"] / per["scale"]
    summary_rows = []
    for label, part in (("later", per.loc[per["origin"] >= cutoff]), ("all", per)):
        g = part.groupby(["series", "method"])
        ps = pd.DataFrame({"mase": g["scaled"].mean(), "wape": g["abs_err"].sum() / g["actual"].sum()}).reset_index()
        means = ps.groupby("method")[["mase", "wape"]].mean()
        for method in shown:
            x = part.loc[part["method"] == method]
            row = {"set": label, "method": method, "mean_mase": means.loc[method, "mase"],
                   "mean_wape": means.loc[method, "wape"]}
            for level in LEVELS:
                lo, hi = x[f"lower_{level}"], x[f"upper_{level}"]
                ok = lo.notna()
                row[f"coverage_{level}"] = float(((x.loc[ok, "actual"] >= lo[ok]) & (x.loc[ok, "actual"] <= hi[ok])).mean()
                                                 ) if ok.any() else np.nan
                tx = totals.loc[totals["method"] == method]
                if label == "later":
                    tx = tx.loc[tx["origin"] >= cutoff]
                lo, hi = tx[f"total_lower_{level}"], tx[f"total_upper_{level}"]
                ok = lo.notna()
                row[f"total_coverage_{level}"] = float(
                    ((tx.loc[ok, "total_actual"] >= lo[ok]) & (tx.loc[ok, "total_actual"] <= hi[ok])).mean()
                ) if ok.any() else np.nan
            summary_rows.append(row)
    summary = pd.DataFrame(summary_rows)
    for label in ("later", "all"):
        s = summary.loc[summary["set"] == label].copy()
        snaive = float(s.loc[s["method"] == "seasonal_naive", "mean_mase"].iloc[0])
        summary.loc[s.index, "vs_seasonal_naive"] = 1.0 - s["mean_mase"] / snaive
    print()
    print("Summary (mean over series of each series' MASE and WAPE; coverage pooled):")
    print(f"{'set':<6} {'method':<24} {'mean MASE':>9} {'mean WAPE':>9} {'cover 80':>8} {'cover 95':>8} "
          f"{'vs snaive':>9} {'12m total 80':>12} {'12m total 95':>12}")
    for r in summary.itertuples(index=False):
        print(f"{r.set:<6} {r.method:<24} {r.mean_mase:>9.3f} {r.mean_wape:>9.1%} {_pct(r.coverage_80):>8} "
              f"{_pct(r.coverage_95):>8} {r.vs_seasonal_naive:>+9.1%} {_pct(r.total_coverage_80):>12} "
              f"{_pct(r.total_coverage_95):>12}")

    # Direction of travel: the rule at DIRECTION_LEVEL, validated on every origin with a recorded next year.
    comb = totals.loc[totals["method"] == "combination"].drop(columns=["actual"])
    comb = comb.merge(previous, on=["series", "origin"]).rename(columns={"total_actual": "actual"})
    comb = comb.assign(lower_80=comb[f"total_lower_{DIRECTION_LEVEL}"], upper_80=comb[f"total_upper_{DIRECTION_LEVEL}"])
    print()
    print(f"Direction of travel (combination; 'increasing' when the whole {DIRECTION_LEVEL}% interval of the next 12 "
          "months' total is above the last 12 months' total, 'decreasing' when wholly below, else 'no clear "
          "change'); what followed in the next 12 months:")
    print(f"{'origins':<22} {'label':<16} {'n':>6} {'share':>7} {'rise':>7} {'fall':>7} {'right':>7} "
          f"{'|chg|>10%':>9} {'median chg':>10}")
    groups = [(str(y), comb.loc[comb["origin"].dt.year == y]) for y in sorted(comb["origin"].dt.year.unique())]
    groups += [(f"before {cutoff:%Y-%m}", comb.loc[comb["origin"] < cutoff]),
               (f"later (from {cutoff:%Y-%m})", comb.loc[comb["origin"] >= cutoff]), ("all origins", comb)]
    for name, part in groups:
        part = part.loc[part["lower_80"].notna()]
        if part.empty:
            continue
        v = validate_directions(part, level=80)
        for r in v.itertuples(index=False):
            print(f"{name:<22} {r.label:<16} {r.n:>6} {_pct(r.share):>7} {_pct(r.followed_by_rise):>7} "
                  f"{_pct(r.followed_by_fall):>7} {_pct(r.right):>7} {_pct(r.followed_by_large_change):>9} "
                  f"{_pct(r.median_change):>10}")
    print("('right': rise after 'increasing', fall after 'decreasing', a change within 10% after 'no clear change')")
    print()
    print("Sensitivity: the same rule at other interval levels (all origins with a calibrated interval):")
    print(f"{'level':>5} {'origins':<22} {'increasing n':>12} {'right':>7} {'decreasing n':>12} {'right':>7} "
          f"{'no clear change':>15} {'|chg|>10%':>9}")
    for level in SENSITIVITY_LEVELS:
        part = comb.assign(lower_80=comb[f"total_lower_{level}"], upper_80=comb[f"total_upper_{level}"])
        for name, sub in ((f"before {cutoff:%Y-%m}", part.loc[part["origin"] < cutoff]),
                          (f"later (from {cutoff:%Y-%m})", part.loc[part["origin"] >= cutoff])):
            v = validate_directions(sub.loc[sub["lower_80"].notna()], level=80).set_index("label")
            print(f"{level:>5} {name:<22} {int(v.loc['increasing', 'n']):>12} {_pct(v.loc['increasing', 'right']):>7} "
                  f"{int(v.loc['decreasing', 'n']):>12} {_pct(v.loc['decreasing', 'right']):>7} "
                  f"{int(v.loc['no clear change', 'n']):>15} "
                  f"{_pct(v.loc['no clear change', 'followed_by_large_change']):>9}")

    # Goals.
    lat = sc.loc[sc["period"] == f"later (from {cutoff:%Y-%m})"]
    ltc = tc.loc[tc["period"] == f"later (from {cutoff:%Y-%m})"].set_index("method")
    allsum = summary.loc[summary["set"] == "all"].set_index("method")
    print()
    print("Goals:")
    gain = allsum.loc["combination", "vs_seasonal_naive"]
    print(f"  [{'PASS' if gain > 0 else 'FAIL'}] combination beats seasonal naive on mean MASE (all origins): {gain:+.1%}")
    c = lat.loc[lat["method"] == "combination"].set_index("band")
    checks = [(f"{b} months", c.loc[b, "cov_80"], c.loc[b, "cov_95"]) for b in BANDS]
    checks.append(("12-month totals", ltc.loc["combination", "tcov_80"], ltc.loc["combination", "tcov_95"]))
    for name, c80, c95 in checks:
        ok = 0.77 <= c80 <= 0.83 and 0.93 <= c95 <= 0.97
        print(f"  [{'PASS' if ok else 'FAIL'}] later months, {name}: 80% cover {c80:.1%} (77-83%), 95% cover "
              f"{c95:.1%} (93-97%)")
    v = validate_directions(comb.loc[comb["lower_80"].notna()], level=80).set_index("label")
    for label in ("increasing", "decreasing"):
        r = v.loc[label, "right"]
        print(f"  [{'PASS' if r >= 0.8 else 'FAIL'}] '{label}' followed by a change of its sign >= 80% (all origins): "
              f"{_pct(r)} of {int(v.loc[label, 'n'])}")

    if args.write_calibration is not None:
        cal = errors.loc[(errors["month"] <= cutoff) & errors["method"].isin(METHODS),
                         ["method", "horizon", "actual", "forecast", "scale", "total_actual", "total_forecast",
                          "total_scale", "series"]]
        table_out = calibrate_intervals(cal, levels=CALIBRATION_LEVELS)
        table_out["calibrated_until"] = f"{cutoff:%Y-%m}"
        table_out.to_csv(args.write_calibration, index=False, float_format="%.4f")
        print(f"Calibration table ({len(table_out)} rows, {n_cal} series, outcomes to {cutoff:%Y-%m}) written to "
              f"{args.write_calibration}")
    if args.write is not None:
        s = summary.loc[summary["set"] == "later", ["method", "mean_mase", "mean_wape", "coverage_80",
                                                   "coverage_95", "vs_seasonal_naive", "total_coverage_80",
                                                   "total_coverage_95"]].copy()
        s = s.loc[s["method"].isin((*METHODS, "autoets"))]
        n_orig = int(errors.loc[errors["origin"] >= cutoff, "origin"].nunique())
        s.insert(0, "measured", time.strftime("%Y-%m-%d"))
        s.insert(1, "series", len(series))
        s.insert(2, "origins", f"{cutoff:%Y-%m} to {errors['origin'].max():%Y-%m} ({n_orig})")
        s.to_csv(args.write, index=False, float_format="%.4f")
        print(f"Summary written to {args.write}")

    wall = time.perf_counter() - start
    print()
    print(f"Run time: {wall / 60:.1f} min wall clock ({cpu / 60:.1f} CPU-min in workers, {args.jobs} workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
