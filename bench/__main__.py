"""Benchmark the resourcing engine at U.S. scale: `make bench` (or `.venv/bin/python -m bench`).

Generates a deterministic U.S.-scale organisation (3.7 million cases, 90,000 officers, 5,000
sites in 50 regions) and times both staffing methods end to end:

- arrays: from in-memory NumPy arrays (inputs_from_arrays → ratio + time standard → report dict
  → JSON), the path a server holding the data in memory would take;
- csv:    from a folder of import-format CSV files written to a temporary directory
  (inputs_from_csv_folder → the same), the path of `caseweight staffing --from FOLDER`.

Each scenario runs in a fresh child process so its peak resident memory (ru_maxrss) is its own;
tracemalloc measures the memory the computation itself allocates in a separate, untimed run
(tracing slows allocation). Results go to bench/results/resourcing.json.

    python -m bench                     full scale, both scenarios
    python -m bench --scale 0.01        a quick run at 1% scale
    python -m bench --skip-csv          arrays only

Then the resilient method's benchmark (bench/resilience.py, results in bench/results/resilience.json)
unless --skip-resilience.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from caseweight import codes
from caseweight.engine import explain_site, inputs_from_arrays, inputs_from_csv_folder, load_policy, staffing_report
from caseweight.engine.inputs import LEVELS, N_FACTORS, N_SECURITY

RESULTS = Path(__file__).resolve().parent / "results" / "resourcing.json"
US = {"cases": 3_700_000, "officers": 90_000, "sites": 5_000, "regions": 50}
SEED = 20250601


# --- the synthetic organisation -------------------------------------------------------------


def generate(*, cases: int, officers: int, sites: int, regions: int, seed: int = SEED) -> dict:
    """Arrays for inputs_from_arrays. Site sizes are skewed (log-normal) like real offices."""
    rng = np.random.default_rng(seed)
    # Mostly community offices, as in U.S. probation and parole; some institutions and CCCs.
    kind = rng.choice(3, size=sites, p=[0.15, 0.75, 0.10]).astype(np.int8)  # institution, parole_office, ccc
    mask = np.where(kind == 0, rng.integers(1, 1 << N_SECURITY, sites), 0).astype(np.uint8)
    weight = rng.lognormal(0.0, 0.8, sites)
    weight /= weight.sum()
    case_site = rng.choice(sites, size=cases, p=weight).astype(np.int32)

    # A level each case's site can hold: a security level of the institution's, else a supervision level.
    levels_of_mask = np.zeros((1 << N_SECURITY, N_SECURITY), dtype=np.int8)
    count_of_mask = np.zeros(1 << N_SECURITY, dtype=np.int64)
    for m in range(1, 1 << N_SECURITY):
        held = [i for i in range(N_SECURITY) if m >> i & 1]
        levels_of_mask[m, : len(held)] = held
        count_of_mask[m] = len(held)
    site_mask = mask[case_site]
    pick = (rng.random(cases) * np.maximum(count_of_mask[site_mask], 1)).astype(np.int64)
    security = levels_of_mask[site_mask, pick]
    supervision = rng.choice(np.arange(N_SECURITY, len(LEVELS)), size=cases, p=[0.05, 0.25, 0.35, 0.25, 0.10])
    level = np.where(kind[case_site] == 0, security, supervision).astype(np.int8)

    # Each complexity factor on about 8% of cases, independently (one bit at a time to spare memory).
    factors = np.zeros(cases, dtype=np.uint16)
    for bit in range(N_FACTORS):
        factors |= (rng.random(cases) < 0.08).astype(np.uint16) << bit
    extra = np.where(rng.random(cases) < 0.01, 2.0, 0.0)

    # Officers in proportion to each site's cases; 90% parole officers, the rest supervisors.
    officer_site = rng.choice(sites, size=officers, p=weight).astype(np.int32)
    fte = rng.choice([1.0, 0.8, 0.5], size=officers, p=[0.85, 0.10, 0.05])
    role = rng.choice(
        [codes.OFFICER_ROLES.index("po"), codes.OFFICER_ROLES.index("mai"), codes.OFFICER_ROLES.index("pos")],
        size=officers,
        p=[0.9, 0.05, 0.05],
    ).astype(np.int8)
    return {
        "site_codes": [f"S{i:05d}" for i in range(sites)],
        "site_regions": [f"R{i % regions:02d}" for i in range(sites)],
        "site_kinds": kind,
        "site_security_levels": mask,
        "site_addon_hours": np.round(rng.uniform(0, 20, sites), 1),
        "officer_site": officer_site,
        "officer_fte": fte,
        "officer_role": role,
        "case_site": case_site,
        "case_level": level,
        "case_factors": factors,
        "case_extra_hours": extra,
    }


def write_csv_folder(folder: Path, data: dict) -> None:
    """The organisation in the import format (caseweight.imports.tables), one CSV file a table.

    Add-on hours and approved extra hours are not columns of the import format: they go to a side
    file, extras.json, so the CSV scenario computes the same figures as the arrays one.
    """
    extra = data["case_extra_hours"]
    with (folder / "extras.json").open("w", encoding="utf-8") as f:
        json.dump(
            {
                "site_addon_hours": dict(zip(data["site_codes"], data["site_addon_hours"].tolist())),
                "case_extra_hours": {f"C{i:07d}": float(extra[i]) for i in np.flatnonzero(extra).tolist()},
            },
            f,
        )
    regions = sorted(set(data["site_regions"]))
    with (folder / "regions.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "name_fr"])
        w.writerows((r, f"Region {r}", "") for r in regions)
    level_text = {
        i: ",".join(codes.SECURITY_LEVELS[b] for b in range(N_SECURITY) if i >> b & 1) for i in range(1 << N_SECURITY)
    }
    with (folder / "sites.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "region", "kind", "security_levels", "languages"])
        for code, region, kind, mask in zip(
            data["site_codes"], data["site_regions"], data["site_kinds"].tolist(), data["site_security_levels"].tolist()
        ):
            w.writerow([code, f"Site {code}", region, codes.SITE_KINDS[kind], level_text[mask].replace(",", ";"), "en"])
    codes_ = data["site_codes"]
    with (folder / "officers.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "site", "role", "fte", "languages", "specialisations"])
        w.writerows(
            (f"O{i:06d}", f"Officer {i}", codes_[s], codes.OFFICER_ROLES[r], f"{fte:.3f}", "en", "")
            for i, (s, r, fte) in enumerate(
                zip(data["officer_site"].tolist(), data["officer_role"].tolist(), data["officer_fte"].tolist())
            )
        )
    factor_text = [";".join(codes.COMPLEXITY_FACTORS[b] for b in range(N_FACTORS) if m >> b & 1) for m in range(1 << N_FACTORS)]
    security = {i: (LEVELS[i], "") if i < N_SECURITY else ("", LEVELS[i]) for i in range(len(LEVELS))}
    with (folder / "cases.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["ref", "site", "security_level", "supervision_level", "language", "factors", "officer", "opened", "closed"])
        w.writerows(
            (f"C{i:07d}", codes_[s], *security[lv], "en", factor_text[fm], "", "2025-01-15", "")
            for i, (s, lv, fm) in enumerate(
                zip(data["case_site"].tolist(), data["case_level"].tolist(), data["case_factors"].tolist())
            )
        )


# --- timing -----------------------------------------------------------------------------------


def _run_methods(inputs, policy) -> tuple[dict, dict]:
    """Both methods and the report; returns seconds per step and a few result figures."""
    steps = {}
    t = time.perf_counter()
    report = staffing_report(inputs, policy)
    steps["ratio_and_time_s"] = time.perf_counter() - t
    t = time.perf_counter()
    data = report.to_dict()
    steps["report_dict_s"] = time.perf_counter() - t
    t = time.perf_counter()
    text = json.dumps(data, allow_nan=False)
    steps["json_s"] = time.perf_counter() - t
    figures = {
        "json_bytes": len(text),
        "national_ratio_required_fte": round(data["national"]["ratio"]["required_fte"], 1),
        "national_time_required_fte": round(data["national"]["time"]["required_fte"], 1),
        "national_actual_fte": round(data["national"]["actual_fte"], 1),
    }
    return steps, figures


def scenario_arrays(scale: float, repeat: int) -> dict:
    size = {k: max(int(v * scale), 1) for k, v in US.items()}
    data = generate(**size)
    policy = load_policy("usje-2021")
    runs = []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        t = time.perf_counter()
        inputs = inputs_from_arrays(**data)
        steps = {"inputs_s": time.perf_counter() - t}
        method_steps, figures = _run_methods(inputs, policy)
        steps.update(method_steps)
        steps["total_s"] = time.perf_counter() - start
        steps["cpu_s"] = time.process_time() - cpu
        runs.append(steps)
    biggest = inputs.sites.codes[int(np.argmax(inputs.cases_per_site))]
    t = time.perf_counter()
    explain_site(inputs, policy, biggest, method="time")
    explain_s = time.perf_counter() - t

    tracemalloc.start()
    inputs = inputs_from_arrays(**data)
    _run_methods(inputs, policy)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    totals = [r["total_s"] for r in runs]
    return {
        "size": size,
        "policy": policy.name,
        "runs": [{k: round(v, 4) for k, v in r.items()} for r in runs],
        "best_total_s": round(min(totals), 4),
        "median_total_s": round(statistics.median(totals), 4),
        "explain_one_site_s": round(explain_s, 4),
        "explained_site_cases": int(inputs.cases_per_site.max()),
        "traced_peak_mb": round(traced_peak / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "figures": figures,
    }


def scenario_csv(folder: str) -> dict:
    policy = load_policy("usje-2021")
    start, cpu = time.perf_counter(), time.process_time()
    extras = json.loads((Path(folder) / "extras.json").read_text(encoding="utf-8"))
    inputs = inputs_from_csv_folder(folder, **extras)
    steps = {"read_csv_s": time.perf_counter() - start}
    method_steps, figures = _run_methods(inputs, policy)
    steps.update(method_steps)
    steps["total_s"] = time.perf_counter() - start
    steps["cpu_s"] = time.process_time() - cpu
    return {
        "policy": policy.name,
        "cases_read": len(inputs.cases),
        "officers_read": len(inputs.officers),
        "sites_read": len(inputs.sites),
        "steps": {k: round(v, 4) for k, v in steps.items()},
        "total_s": round(steps["total_s"], 4),
        "cpu_s": round(steps["cpu_s"], 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "figures": figures,
    }


def _child(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of U.S. scale (default 1)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of the arrays scenario")
    parser.add_argument("--skip-csv", action="store_true", help="skip the CSV-folder scenario")
    parser.add_argument("--skip-resilience", action="store_true", help="skip the resilient method's benchmark")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file")
    parser.add_argument("--child", choices=["arrays", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "arrays":
        print(json.dumps(scenario_arrays(args.scale, args.repeat)))
        return
    if args.child == "csv":
        print(json.dumps(scenario_csv(args.folder)))
        return

    results = {
        "benchmark": "resourcing: ratio and time-standard methods, all sites, with totals and JSON",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
        "scale": args.scale,
        # The machine is shared: wall times stretch under others' load, CPU times much less.
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "notes": (
            "arrays: inputs_from_arrays + ratio + time standard + report dict + JSON, best and median of "
            "the runs; csv: inputs_from_csv_folder (csv module, one pass) + the same, one run; "
            "peak_rss_mb is the child process's peak resident memory including data generation; "
            "traced_peak_mb is what the computation itself allocates (tracemalloc, untimed run)."
        ),
    }
    print(f"arrays scenario at scale {args.scale} ...", file=sys.stderr)
    results["arrays"] = _child(["--child", "arrays", "--scale", str(args.scale), "--repeat", str(args.repeat)])
    print(f"  best {results['arrays']['best_total_s']} s, peak RSS {results['arrays']['peak_rss_mb']} MB", file=sys.stderr)
    if not args.skip_csv:
        size = {k: max(int(v * args.scale), 1) for k, v in US.items()}
        with tempfile.TemporaryDirectory(prefix="caseweight-bench-") as folder:
            t = time.perf_counter()
            write_csv_folder(Path(folder), generate(**size))
            written = time.perf_counter() - t
            megabytes = sum(p.stat().st_size for p in Path(folder).iterdir()) / 2**20
            print(f"csv scenario: wrote {megabytes:.0f} MB in {written:.1f} s, reading ...", file=sys.stderr)
            results["csv"] = _child(["--child", "csv", "--folder", folder])
            results["csv"]["write_csv_s"] = round(written, 2)
            results["csv"]["folder_mb"] = round(megabytes, 1)
        print(f"  total {results['csv']['total_s']} s, peak RSS {results['csv']['peak_rss_mb']} MB", file=sys.stderr)
        # The same organisation by both paths must give the same national figures.
        results["csv"]["figures_match_arrays"] = results["csv"]["figures"] == results["arrays"]["figures"]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    results["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    if not args.skip_resilience:
        from bench import resilience

        resilience.main([])


if __name__ == "__main__":
    main()
