"""Forecast accuracy benchmark: rolling-origin backtest on real London data.

Run as ``python benchmarks/forecast_accuracy.py`` from the repository root.

For every London borough (each is a Community Safety Partnership) and each
of the six largest police.uk crime categories by volume over the last 12
months of the embedded Metropolitan Police data, every method in
``workbook.forecast.methods`` is tested from origins spread over the whole series
(every ``--stride`` months; 36-month training window; 12-month horizon).
Intervals are calibrated at each origin exactly as ``forecast_series`` does,
from the errors of earlier origins that had been recorded by then, so their
coverage is an honest out-of-sample check.

Printed per method: mean MASE (scaled by the in-sample seasonal naive,
m = 12), mean WAPE, 80% and 95% interval coverage, the chosen method's
improvement over seasonal naive on mean MASE, and the run time.  If Nixtla's
``statsforecast`` is importable its AutoETS is run on the same windows as a
peer (with its own model-based intervals); otherwise a note is printed.

Goals: the chosen method beats seasonal naive by at least 10% on mean MASE,
is no worse than AutoETS, and its 95% intervals cover 90-98% of outcomes.
"""

from __future__ import annotations

import os

# One BLAS thread per process: the models fit tiny matrices, and on a shared
# two-core machine multithreaded BLAS makes each fit several times slower.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from workbook.forecast.backtest import backtest_series, choose_method  # noqa: E402
from workbook.forecast.methods import BASE_METHODS, METHOD_LABELS, METHODS  # noqa: E402
from workbook.forecast.results import BacktestResult  # noqa: E402
from workbook.forecast.scores import summarise_errors, summarise_totals  # noqa: E402
from workbook.data.sources import load_source  # noqa: E402
from workbook.core.paths import DATA_DIR  # noqa: E402

DEFAULT_DATA = DATA_DIR / "mps" / "MPS_Borough_Level_Crime_Historical.csv"
TRAIN, HORIZON, LEVELS = 36, 12, (80, 95)
N_CATEGORIES = 6


def _load_table(path: Path) -> tuple[pd.DataFrame, str]:
    """The canonical crime table, and a note of how it was loaded."""
    return load_source(path), f"workbook.data.sources.load_source({path})"


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


def _autoets_errors(y: pd.Series, bt: BacktestResult) -> pd.DataFrame | None:
    try:
        from statsforecast.models import AutoETS
    except ImportError:
        return None
    values = y.to_numpy()
    pos_of = {m: i for i, m in enumerate(y.index)}
    scales = bt.errors.drop_duplicates("origin").set_index("origin")["scale"]
    rows = []
    for origin, scale in scales.items():
        p = pos_of[origin]
        x = values[p + 1 - TRAIN:p + 1]
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


def _run_one(args: tuple[str, str, pd.Series, list[pd.Timestamp], bool]
             ) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    area, cat, y, origins, with_autoets = args
    t0 = time.process_time()
    bt = backtest_series(y, train=TRAIN, horizon=HORIZON, origins=origins, methods=METHODS, levels=LEVELS)
    errors = bt.errors.drop(columns=["month"])
    # The combination with ARIMA added, for comparison (point accuracy only).
    base = errors.loc[errors["method"].isin(BASE_METHODS)]
    mean5 = base.groupby(["origin", "horizon"], as_index=False).agg(
        actual=("actual", "first"), forecast=("forecast", "mean"), scale=("scale", "first"))
    mean5["method"] = "combination_with_arima"
    frames = [errors, mean5]
    if with_autoets:
        auto = _autoets_errors(y, bt)
        if auto is not None:
            frames.append(auto)
    out = pd.concat(frames, ignore_index=True)
    out["area"] = area
    out["category"] = cat
    totals = bt.totals.assign(area=area, category=cat)
    return out, totals, time.process_time() - t0


def _per_series(errors: pd.DataFrame) -> pd.DataFrame:
    """MASE and WAPE per series and method."""
    e = errors.assign(abs_err=(errors["actual"] - errors["forecast"]).abs())
    e["scaled"] = e["abs_err"] / e["scale"]
    g = e.groupby(["area", "category", "method"])
    out = pd.DataFrame({"mase": g["scaled"].mean(), "wape": g["abs_err"].sum() / g["actual"].sum()})
    return out.reset_index()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="MPS borough-level crime file")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--stride", type=int, default=3, help="months between forecast origins (default 3)")
    parser.add_argument("--max-series", type=int, default=None, help="test only the first N series")
    parser.add_argument("--no-autoets", action="store_true", help="skip the statsforecast AutoETS peer")
    parser.add_argument("--write", type=Path, default=None,
                        help="also write the per-method summary as CSV (the report's methods annex reads "
                             "src/workbook/resources/forecast_accuracy.csv)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    table, how = _load_table(args.data)
    series, main_categories = _series(table)
    if args.max_series:
        series = series[: args.max_series]
    months = series[0][2].index
    first, last = TRAIN - 1, len(months) - 1 - HORIZON
    origins = list(months[np.arange(first, last + 1, args.stride)])
    try:
        import statsforecast

        sf_version = statsforecast.__version__
    except ImportError:
        sf_version = None
    with_autoets = sf_version is not None and not args.no_autoets

    print(f"Data: {how}")
    print(f"Months: {months[0]:%Y-%m} to {months[-1]:%Y-%m}; "
          "main categories (largest by volume, last 12 months):")
    print("  " + "; ".join(main_categories))
    print(f"Series: {len(series)} (boroughs x categories); origins per series: {len(origins)} "
          f"({origins[0]:%Y-%m} to {origins[-1]:%Y-%m}, every {args.stride} months); "
          f"train {TRAIN}, horizon {HORIZON}; workers {args.jobs}")
    if sf_version is None:
        print("Note: statsforecast is not installed, so the AutoETS peer is skipped.")
    elif args.no_autoets:
        print("Note: AutoETS peer skipped (--no-autoets).")
    else:
        print(f"Peer: statsforecast {sf_version} AutoETS (model-based intervals)")
    sys.stdout.flush()

    work = [(area, cat, y, origins, with_autoets) for area, cat, y in series]
    frames, total_frames, cpu = [], [], 0.0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for frame, totals, seconds in pool.map(_run_one, work, chunksize=2):
            frames.append(frame)
            total_frames.append(totals)
            cpu += seconds
    errors = pd.concat(frames, ignore_index=True)
    totals = summarise_totals(pd.concat(total_frames, ignore_index=True), levels=LEVELS)

    per = _per_series(errors)
    summary = summarise_errors(errors, levels=LEVELS)
    means = per.groupby("method")[["mase", "wape"]].mean()
    summary["mean_mase"] = summary["method"].map(means["mase"])
    summary["mean_wape"] = summary["method"].map(means["wape"])
    snaive = float(summary.loc[summary["method"] == "seasonal_naive", "mean_mase"].iloc[0])
    summary["vs_seasonal_naive"] = 1.0 - summary["mean_mase"] / snaive
    summary = summary.merge(totals, on="method", how="left")
    if args.write is not None:
        out = summary[["method", "mean_mase", "mean_wape", "coverage_80", "coverage_95", "vs_seasonal_naive"]].copy()
        out.insert(0, "measured", time.strftime("%Y-%m-%d"))
        out.insert(1, "series", len(series))
        out.to_csv(args.write, index=False)
        print(f"Summary written to {args.write}")

    own = errors.loc[errors["method"].isin(METHODS)]
    pooled = BacktestResult(errors=own, series=pd.Series(dtype=float), train=TRAIN, horizon=HORIZON,
                            levels=LEVELS, calibration_origins=36)
    choice = choose_method(pooled)

    def pct(v: float) -> str:
        return "" if np.isnan(v) else f"{v:.1%}"

    print()
    print(f"{'method':<24} {'mean MASE':>9} {'mean WAPE':>9} {'cover 80':>8} {'cover 95':>8} {'vs snaive':>9}"
          f" {'12m total 80':>12} {'12m total 95':>12}")
    for r in summary.itertuples(index=False):
        print(f"{r.method:<24} {r.mean_mase:>9.3f} {r.mean_wape:>9.1%} {pct(r.coverage_80):>8} "
              f"{pct(r.coverage_95):>8} {r.vs_seasonal_naive:>+9.1%} {pct(r.total_coverage_80):>12} "
              f"{pct(r.total_coverage_95):>12}")
    comb = summary.set_index("method").loc["combination"]
    print(f"(monthly coverage over {int(comb['n_intervals']):,} calibrated forecasts per method, "
          f"12-month totals over {int(comb['n_totals']):,}; "
          f"{int(summary['n_errors'].max()):,} forecast errors per method)")

    # Honest per-series selection: choose on the earlier half of the origins,
    # score the choice on the later half.
    half = origins[len(origins) // 2]
    picked, later = [], []
    for (area, cat), g in own.groupby(["area", "category"]):
        early = g.loc[g["origin"] < half]
        bt = BacktestResult(errors=early, series=pd.Series(dtype=float), train=TRAIN, horizon=HORIZON,
                            levels=LEVELS, calibration_origins=36)
        m = choose_method(bt).method
        picked.append(m)
        late = g.loc[(g["origin"] >= half)]
        s = (late["actual"] - late["forecast"]).abs() / late["scale"]
        later.append({"chosen": s[late["method"] == m].mean(),
                      "seasonal_naive": s[late["method"] == "seasonal_naive"].mean(),
                      "combination": s[late["method"] == "combination"].mean()})
    later_df = pd.DataFrame(later).mean()
    counts = pd.Series(picked).value_counts()

    chosen = choice.method
    row = summary.set_index("method").loc[chosen]
    print()
    print(f"Chosen method (choose_method on all series): {METHOD_LABELS.get(chosen, chosen)}")
    print(f"  {choice.reason}")
    print(f"  improvement over seasonal naive on mean MASE: {row['vs_seasonal_naive']:+.1%} "
          f"({row['mean_mase']:.3f} vs {snaive:.3f})")
    print(f"Per-series choice made on origins before {half:%Y-%m}, scored on the later origins: mean MASE "
          f"{later_df['chosen']:.3f} vs combination {later_df['combination']:.3f} vs seasonal naive "
          f"{later_df['seasonal_naive']:.3f} ({1 - later_df['chosen'] / later_df['seasonal_naive']:+.1%}); "
          "picks: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    print()
    print("Goals:")
    gain = row["vs_seasonal_naive"]
    verdict = "PASS" if gain >= 0.10 else "FAIL"
    print(f"  [{verdict}] beats seasonal naive by >= 10% on mean MASE: {gain:+.2%} "
          f"({row['mean_mase']:.4f} vs {snaive:.4f})")
    if "autoets" in set(summary["method"]):
        auto = float(summary.loc[summary["method"] == "autoets", "mean_mase"].iloc[0])
        ok = row["mean_mase"] <= auto
        print(f"  [{'PASS' if ok else 'FAIL'}] no worse than AutoETS on mean MASE: {row['mean_mase']:.4f} vs "
              f"{auto:.4f}")
    else:
        print("  [SKIP] no worse than AutoETS: statsforecast not installed")
    cov = row["coverage_95"]
    print(f"  [{'PASS' if 0.90 <= cov <= 0.98 else 'FAIL'}] 95% intervals cover 90-98%: {cov:.1%}")

    wall = time.perf_counter() - start
    print()
    print(f"Run time: {wall / 60:.1f} min wall clock ({cpu / 60:.1f} CPU-min in workers, "
          f"{args.jobs} workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
