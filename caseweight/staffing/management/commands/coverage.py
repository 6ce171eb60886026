"""`caseweight coverage`: one site's week: who is at work, who is away, whose cases need cover.

    caseweight coverage --site CODE [--week 2026-W48] [--policy NAME_OR_FILE] [--share fte|even]
                        [--format table|json]

The week is an ISO week (default: this week), Monday to Friday. Each case's hours a month come
from the policy's time standards (its level at this kind of site, plus its complexity factors);
a week's load is those hours × 12 / 52, carrying the policy's share of other related duties
(÷ (1 − share)), as the time-standard method counts it. The load of the days an officer is away
is shared among the officers at work (by FTE × days at work, or evenly with --share even); the
hours over an officer's paid week (37.5 h × FTE × days at work / 5) are work nobody is paid for
unless someone is backfilled. See caseweight.engine.coverage.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from caseweight.engine import PolicyError
from caseweight.organisation.models import Site
from caseweight.staffing import selectors


def coverage_table(result: dict) -> str:
    """The week as aligned text: the officers, then the cases of the officers away, then totals."""
    lines = [
        f"Site {result['site']}, week {result['week']} ({result['week_start']} to {result['week_end']}), "
        f"policy {result['policy']}, share of cover by {result['share']}",
        f"At work: {result['present']}, partly away: {result['partly_away']}, away: {result['away']}",
        "",
    ]
    header = ["officer", "name", "fte", "status", "days_away", "cases", "own_h", "cover_h", "load_h", "paid_h", "over_h"]
    rows = [
        [r["code"], r["name"], f"{r['fte']:.2f}", r["status"], str(r["days_away"]), str(r["cases"]),
         f"{r['own_hours']:.2f}", f"{r['cover_hours']:.2f}", f"{r['load_hours']:.2f}", f"{r['paid_hours']:.2f}",
         f"{r['over_hours']:.2f}"]
        for r in result["officers"]
    ]  # fmt: skip
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    text = {0, 1, 3}

    def render(cells):
        return "  ".join(c.ljust(w) if i in text else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines += [render(header), render(["-" * w for w in widths])] + [render(row) for row in rows]
    lines.append("")
    if result["absent_cases"]:
        lines.append("Cases of the officers away (hours this week to cover):")
        for case in result["absent_cases"]:
            lines.append(f"  {case['ref'] or '-'}  {case['officer']}  {case['hours']:.2f} h")
    else:
        lines.append("Nobody is away: no case needs cover.")
    load = result["load_per_officer_at_work"]
    lines += [
        "",
        f"Hours to cover: {result['hours_to_cover']:.2f}",
        f"Load per officer at work: {'n/a' if load is None else f'{load:.2f} h'} (paid week {result['week_hours']:g} h × FTE)",
        f"Hours over the paid week, unpaid unless someone is backfilled: {result['over_hours']:.2f}",
    ]
    if result["uncovered_hours"]:
        lines.append(f"Nobody at work: {result['uncovered_hours']:.2f} h uncovered")
    if result["unassigned_cases"]:
        lines.append(f"Cases held by no officer: {result['unassigned_cases']} ({result['unassigned_hours']:.2f} h, not shared out)")
    lines.append("Case hours: the policy's time standards a month × 12 / 52, with its share of other related duties.")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "One site's week: who is at work and away, the cases of the officers away, and the load per officer at work."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="the site (code)")
        parser.add_argument("--week", help="the ISO week, e.g. 2026-W48 (default: this week)")
        parser.add_argument("--policy", default=None, help="a policy name or a .toml file (default: the settings' DEFAULT_POLICY)")
        parser.add_argument("--share", choices=("fte", "even"), default="fte",
                            help="share the absent officers' load by FTE (default) or evenly")  # fmt: skip
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, site, week, policy, share, format, **options):
        try:
            iso_year, iso_week = selectors.parse_iso_week(week)
        except ValueError as error:
            raise CommandError(f"--week: {error}") from None
        try:
            chosen = selectors.policy_get(policy or settings.DEFAULT_POLICY)
        except PolicyError as error:
            raise CommandError(f"policy refused: {error}") from None
        found = Site.objects.filter(code=site).first()
        if found is None:
            raise CommandError(f"unknown site {site!r}")
        result = selectors.site_week_coverage(site=found, iso_year=iso_year, iso_week=iso_week, policy=chosen, share=share)
        if format == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, allow_nan=False, indent=2) + "\n", ending="")
        else:
            self.stdout.write(coverage_table(result), ending="")
