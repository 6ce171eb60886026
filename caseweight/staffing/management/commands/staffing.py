"""`caseweight staffing`: required officers per site by the ratio, time-standard and resilient methods.

    caseweight staffing [--data PATH] [--policy NAME_OR_FILE] [--method ratio|time|resilient|all]
                        [--alpha A] [--simulations N] [--seed S] [--as-of YYYY-MM-DD]
                        [--region R] [--site CODE ...] [--format table|json|csv|xlsx] [--output FILE]

The resilient method (DESIGN.md §4) sizes each site so that, with officers away at random, the
weekly workload per officer at work stays under the week's hours in all but alpha of the weeks
(default: the policy's resilience.alpha); absence rates come from the absence records of the 52
weeks before --as-of (default today) where there are enough, else from the policy. Each site's JSON
gains the engine's "resilient" object (caseweight.engine.report); the table shows the minimum
(time-standard) FTE, the relief-factor FTE and the resilient FTE side by side, with P(overload) and
the uncovered hours a year at today's staff. --simulations N > 0 adds the Monte Carlo model.

From the database by default; with --data, straight from a folder of import CSV files or an XLSX
workbook in the import format (no database needed). --region / --site narrow the report to those
sites: the region lines and the national line then add up the chosen sites only (the JSON says
so under "filter").
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from caseweight.engine import InputError, PolicyError, inputs_from_csv_folder, inputs_from_tables, staffing_report
from caseweight.staffing import reports, selectors

FORMATS = ("table", "json", "csv", "xlsx")
METHOD_CHOICES = {
    "ratio": ("ratio",),
    "time": ("time",),
    "resilient": ("resilient",),
    "all": ("ratio", "time", "resilient"),
}


def parse_alpha(text: str | None) -> float | None:
    """--alpha: a share of weeks strictly between 0 and 1; CommandError otherwise."""
    if text is None:
        return None
    try:
        alpha = float(text)
    except ValueError:
        raise CommandError(f"--alpha must be a number between 0 and 1 (exclusive), got {text!r}") from None
    if not 0 < alpha < 1:
        raise CommandError(f"--alpha must be between 0 and 1 (exclusive), got {text}")
    return alpha


def parse_simulations(text: str | None) -> int:
    try:
        runs = int(text or 0)
    except ValueError:
        raise CommandError(f"--simulations must be a whole number, 0 or more, got {text!r}") from None
    if runs < 0:
        raise CommandError(f"--simulations must be 0 or more, got {runs}")
    return runs


def parse_day(text: str | None, option: str = "--as-of") -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} must be a date YYYY-MM-DD, got {text!r}") from None


def inputs_from_path(path: Path, *, as_of: dt.date | None = None):
    """Engine inputs from a folder of CSV files or an .xlsx workbook; CommandError if unreadable."""
    if path.is_dir():
        if not (path / "sites.csv").is_file():
            raise CommandError(f"{path}: no sites.csv in the folder (the import format: sites.csv, officers.csv, cases.csv)")
        try:
            return inputs_from_csv_folder(path, as_of=as_of)
        except InputError as error:
            raise CommandError(f"{path}: {error}") from None
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise CommandError(f"{path}: cannot read the CSV files: {error}") from None
    if path.is_file() and path.suffix.lower() == ".xlsx":
        from caseweight.imports.readers import read_workbook

        result = read_workbook(path, file_name=path.name)
        if result.errors:
            raise CommandError("; ".join(str(error) for error in result.errors))
        tables = {source.table: [row for _number, row in source.rows] for source in result.sources}
        if "sites" not in tables:
            raise CommandError(f"{path}: the workbook has no sites sheet")
        try:
            return inputs_from_tables(tables, as_of=as_of)
        except InputError as error:
            raise CommandError(f"{path}: {error}") from None
    if not path.exists():
        raise CommandError(f"{path}: no such file or folder")
    raise CommandError(f"{path}: give a folder of CSV files or an .xlsx workbook")


def illustrative_note(policy) -> str:
    counts = reports.status_counts(policy)
    weak = counts.get("illustrative", 0)
    if not weak:
        return ""
    return (
        f"Note: {weak} of the policy's {sum(counts.values())} numbers are illustrative defaults, "
        "not measured values (see `caseweight policies " + policy.name + "`)."
    )


class Command(BaseCommand):
    help = (
        "Required parole officers per site by the ratio, time-standard and resilient methods, with region and "
        "national totals. Reads the database, or with --data a CSV folder or XLSX workbook in the import format."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data", help="a folder of import CSV files or an .xlsx workbook (default: the database)")
        parser.add_argument("--policy", default=None, help="a policy name or a .toml file (default: the settings' DEFAULT_POLICY)")
        parser.add_argument("--method", choices=tuple(METHOD_CHOICES), default="all")
        parser.add_argument("--alpha", help="resilient method: the share of weeks allowed over the week's hours, 0 < A < 1 "
                            "(default: the policy's resilience.alpha)")
        parser.add_argument("--simulations", default="0", help="resilient method: Monte Carlo runs per site (default 0: exact binomial model only)")
        parser.add_argument("--seed", type=int, default=0, help="resilient method: the Monte Carlo seed (default 0)")
        parser.add_argument("--as-of", dest="as_of", help="resilient method: absence rates from the 52 weeks before this day (default today)")
        parser.add_argument("--region", help="only the sites of this region (code)")
        parser.add_argument("--site", action="append", default=[], help="only this site (code); may be repeated")
        parser.add_argument("--format", choices=FORMATS, default="table")
        parser.add_argument("--output", help="write to this file instead of the terminal (needed for xlsx)")

    def handle(self, *args, data, policy, method, region, site, format, output, alpha=None, simulations="0", seed=0,
               as_of=None, **options):
        from django.conf import settings

        alpha = parse_alpha(alpha)
        simulations = parse_simulations(simulations)
        as_of = parse_day(as_of)
        if format == "xlsx" and not output:
            raise CommandError("--format xlsx writes a workbook: give --output FILE.xlsx")
        try:
            chosen_policy = selectors.policy_get(policy or settings.DEFAULT_POLICY)
        except PolicyError as error:
            raise CommandError(f"policy refused: {error}") from None

        if data:
            inputs = inputs_from_path(Path(data), as_of=as_of)
        else:
            try:
                inputs = selectors.staffing_inputs(absences="resilient" in METHOD_CHOICES[method], as_of=as_of)
            except InputError as error:
                raise CommandError(f"the database holds data the staffing methods refuse: {error}") from None
        if region or site:
            try:
                inputs = reports.inputs_subset(inputs, reports.select_sites(inputs, region=region, sites=site))
            except ValueError as error:
                raise CommandError(str(error)) from None

        report = staffing_report(inputs, chosen_policy, methods=METHOD_CHOICES[method], alpha=alpha,
                                 simulations=simulations, seed=seed)
        result = report.to_dict()
        result["filter"] = {"region": region, "sites": site or None}

        if format == "json":
            content: str | bytes = json.dumps(result, ensure_ascii=False, allow_nan=False, indent=2) + "\n"
        elif format == "csv":
            content = reports.csv_text(result)
        elif format == "xlsx":
            content = reports.xlsx_bytes(result)
        else:
            note = illustrative_note(chosen_policy)
            if region or site:
                note = (note + "\n" if note else "") + "Filtered: the region and national lines add up the chosen sites only."
            content = reports.text_table(result, note=note)

        if output:
            target = Path(output)
            try:
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    # CSV with a byte order mark, so that Excel reads the accents right (as the export does).
                    target.write_text(content, encoding="utf-8-sig" if format == "csv" else "utf-8", newline="")
            except OSError as error:
                raise CommandError(f"cannot write {target}: {error}") from None
            self.stdout.write(f"wrote {target}")
        else:
            self.stdout.write(content, ending="")
