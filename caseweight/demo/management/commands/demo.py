"""`caseweight demo [--seed N] [--today YYYY-MM-DD] [--scale S]`: load the national demo data set.

Generates the data (caseweight.demo.generator), imports it through the importer as actor
"demo", and creates or resets one demo account per role. Running it again is safe: the same
seed and day change nothing; another day or seed replaces the demo rows at the demo sites.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseweight.demo.generator import generate_demo
from caseweight.demo.services import DEMO_SITE, demo_accounts_reset, demo_covers, demo_load
from caseweight.imports.services import ImportRejected


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date: write YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Generate and load the national demo data set, and create the demo accounts (one per role)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026): same seed, same data")
        parser.add_argument("--today", type=_date, default=None,
                            help="the day the data set ends at, YYYY-MM-DD (default: today)")
        parser.add_argument("--scale", type=float, default=1.0,
                            help="share of the sites to generate, more than 0 and at most 1 (default 1: national)")

    def handle(self, *args, seed, today, scale, **options):
        if not 0 < scale <= 1:
            raise CommandError(f"--scale {scale} must be more than 0 and at most 1")
        today = today or timezone.localdate()
        began = time.monotonic()

        self.stdout.write(f"Generating the demo data set (seed {seed}, today {today.isoformat()}, scale {scale:g})…")
        tables = generate_demo(seed=seed, today=today, scale=scale)
        open_cases = sum(1 for row in tables["cases"] if not row["closed"])
        self.stdout.write(
            f"  {len(tables['sites'])} sites, {len(tables['officers'])} officers, "
            f"{len(tables['cases'])} cases ({open_cases} open), {len(tables['absences'])} absences"
        )

        self.stdout.write("Importing…")
        try:
            report, pruned = demo_load(tables=tables)
        except ImportRejected as rejected:
            for line in rejected.lines():
                self.stderr.write(line)
            raise CommandError("the importer rejected the demo data set; nothing was written") from None
        if pruned.cases or pruned.absences or pruned.officers:
            self.stdout.write(
                f"  removed from an earlier demo: {pruned.cases} cases, {pruned.absences} absences, "
                f"{pruned.officers} officers"
            )
        for line in report.summary().splitlines():
            self.stdout.write(f"  {line}")

        covered = demo_covers(today=today)
        self.stdout.write(f"  {DEMO_SITE}: {covered} cases of officers absent this week covered by colleagues")
        accounts = demo_accounts_reset()
        self.stdout.write(f"Done in {time.monotonic() - began:.1f} s.")
        self.stdout.write("")
        self.stdout.write("Demo accounts (a local demo: change or delete them before any real use):")
        headers = ("username", "role", "scope", "password")
        rows = [(a.username, a.role, a.scope, a.password) for a in accounts]
        widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
        for row in [headers, tuple("-" * w for w in widths), *rows]:
            self.stdout.write("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
