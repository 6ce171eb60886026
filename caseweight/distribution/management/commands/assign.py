"""`caseweight assign --site CODE [--data PATH] [--policy P] [--apply] [--format table|json]`:
give the site's open cases without an officer to its officers (min-max utilisation)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseweight.audit.context import acting_as
from caseweight.distribution import commands
from caseweight.engine.assignment import assign_cases
from caseweight.organisation.models import Site


class Command(BaseCommand):
    help = (
        "Assign a site's unassigned open cases, minimising the largest utilisation under the hard rules "
        "(presence, language, specialisation). Reads the database, or with --data a CSV folder or XLSX "
        "workbook in the import format. --apply writes the assignments (database only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code")
        parser.add_argument("--data", help="a folder of import CSV files or an .xlsx workbook (default: the database)")
        commands.add_common(parser)

    def handle(self, *args, site, data, policy, apply, format, as_of, time_limit, **options):
        as_of = commands.parse_day(as_of) or timezone.localdate()
        policy = commands.policy_from(policy)
        if data:
            if apply:
                raise CommandError("--apply writes to the database: it cannot be used with --data")
            workload = commands.workload_from_path(Path(data), site=site, as_of=as_of)
            site_obj = None
        else:
            from caseweight.distribution.selectors import site_workload

            site_obj = Site.objects.filter(code=site).first()
            if site_obj is None:
                raise CommandError(f"no site {site!r}")
            workload = site_workload(site=site_obj, as_of=as_of)
        plan = assign_cases(workload, policy, time_limit=time_limit).to_dict()
        self.stdout.write(commands.render(plan, format), ending="")
        if apply:
            from caseweight.distribution.services import DistributionError, plan_apply

            try:
                with acting_as(commands.cli_actor()):
                    written = plan_apply(plan=plan, site_id=site_obj.pk, method="batch", as_of=as_of)
            except DistributionError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(f"applied: {len(written)} assignments written")
