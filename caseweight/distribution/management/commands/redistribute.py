"""`caseweight redistribute --absence ID [--policy P] [--apply] [--format table|json]`: share an
absent officer's cases among their present colleagues for the absence.

Applied, the plan records covers of the absence: the colleagues carry the cases while it lasts and
the cases go back to their officer when it ends (or when its dates are changed)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from caseweight.audit.context import acting_as
from caseweight.distribution import commands
from caseweight.distribution.selectors import site_workload
from caseweight.distribution.services import DistributionError, plan_apply
from caseweight.engine.assignment import redistribute_absence
from caseweight.organisation.models import Absence


class Command(BaseCommand):
    help = "Plan the redistribution of an absent officer's cases (absence id). --apply records colleagues' covers until the absence ends."

    def add_arguments(self, parser):
        parser.add_argument("--absence", required=True, type=int, help="absence id")
        commands.add_common(parser)

    def handle(self, *args, absence, policy, apply, format, as_of, time_limit, **options):
        record = Absence.objects.select_related("officer__site").filter(pk=absence).first()
        if record is None:
            raise CommandError(f"no absence {absence}")
        policy = commands.policy_from(policy)
        workload = site_workload(site=record.officer.site, as_of=commands.parse_day(as_of) or record.start,
                                 absences_through=record.end)
        try:
            plan = redistribute_absence(
                workload, policy, record.officer.code, record.start, record.end, time_limit=time_limit
            ).to_dict()
        except KeyError:
            raise CommandError(f"officer {record.officer.code} carries no caseload (role {record.officer.role})") from None
        self.stdout.write(commands.render(plan, format), ending="")
        if apply:
            try:
                with acting_as(commands.cli_actor()):
                    written = plan_apply(
                        plan=plan, site_id=record.officer.site_id, method="redistribution", absence=record
                    )
            except DistributionError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(f"applied: {len(written)} cases covered until {record.end.isoformat()}")
