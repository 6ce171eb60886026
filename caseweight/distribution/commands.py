"""Shared parts of the `assign`, `rebalance` and `redistribute` commands."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

from django.core.management.base import CommandError

from caseweight.audit.context import Actor
from caseweight.engine import InputError, PolicyError
from caseweight.engine.workload import site_workload_from_tables

FORMATS = ("table", "json")


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(None, f"cli:{user}", "cli")


def add_common(parser) -> None:
    parser.add_argument("--policy", help="policy name or .toml file (default: settings.DEFAULT_POLICY)")
    parser.add_argument("--apply", action="store_true", help="write the plan to the database (one transaction)")
    parser.add_argument("--format", choices=FORMATS, default="table")
    parser.add_argument("--as-of", dest="as_of", help="plan for the week holding this day (YYYY-MM-DD; default today)")
    parser.add_argument("--time-limit", dest="time_limit", type=float, default=5.0, help="solver seconds (default 5)")


def parse_day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of: {text!r} is not a date (YYYY-MM-DD)") from None


def policy_from(name: str | None):
    from caseweight.distribution.selectors import distribution_policy

    try:
        return distribution_policy(name)
    except PolicyError as error:
        raise CommandError(f"policy {name}: {error}") from None


def tables_from_path(path: Path) -> dict[str, list[dict[str, str]]]:
    """Import-format rows from a CSV folder, one CSV file or an XLSX workbook."""
    from caseweight.imports import readers

    if not path.exists():
        raise CommandError(f"{path}: no such file or folder")
    if path.is_dir():
        result = readers.read_folder(path)
    elif path.suffix.lower() == ".xlsx":
        result = readers.read_workbook(path, file_name=path.name)
    else:
        result = readers.read_csv_file(path)
    if result.errors:
        raise CommandError("; ".join(str(error) for error in result.errors))
    return {source.table: [row for _number, row in source.rows] for source in result.sources}


def workload_from_path(path: Path, *, site: str, as_of: dt.date):
    try:
        return site_workload_from_tables(tables_from_path(path), site=site, as_of=as_of)
    except (InputError, ValueError, KeyError) as error:
        raise CommandError(f"{path}: {error}") from None


def render(plan: dict, format: str) -> str:
    if format == "json":
        return json.dumps(plan, ensure_ascii=False, indent=2, default=str) + "\n"
    lines = [
        f"{plan.get('kind', '')} {plan.get('site', '')}: solver {plan.get('solver')} ({plan.get('status')}), "
        f"max utilisation {_pct(plan.get('max_utilisation_before'))} -> {_pct(plan.get('max_utilisation'))}, "
        f"lower bound {_pct(plan.get('lower_bound'))}",
        "",
        f"{'officer':<14}{'capacity h':>12}{'before h':>10}{'after h':>10}{'util.':>8}  status",
    ]
    for o in plan.get("officers", []):
        lines.append(
            f"{o['officer']:<14}{o['capacity_hours']:>12.1f}{o['load_before_hours']:>10.1f}{o['load_after_hours']:>10.1f}"
            f"{_pct(o.get('utilisation_after')):>8}  {o.get('status_after', '')}{'' if o.get('present', True) else ' (absent)'}"
        )
    lines += ["", f"{'case':<16}{'officer':<14}{'hours':>7}  reasons"]
    for a in plan.get("assignments", []):
        reasons = "; ".join(r["text"] for r in a.get("reasons", []))
        lines.append(f"{a['case']:<16}{a['officer']:<14}{a['hours']:>7.1f}  {reasons}")
    for u in plan.get("unassignable", []):
        lines.append(f"{u['case']:<16}{'(none)':<14}{u.get('hours', 0):>7.1f}  {'; '.join(map(str, u.get('reasons', [])))}")
    if "absence" in plan:
        absence = plan["absence"]
        lines += [
            "",
            f"absence of {absence['officer']} from {absence['start']} to {absence['end']} ({absence['days']} days): "
            f"{len(plan.get('already_covered', []))} cases already covered; backfill or overtime needed: "
            f"{plan['backfill_hours']:.1f} h a month, {plan['backfill_hours_for_absence']:.1f} h over the absence",
        ]
    return "\n".join(lines) + "\n"


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"
