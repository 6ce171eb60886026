"""`caseweight rebalance --site CODE [--policy P] [--apply] [--format table|json]`: minimise the
largest utilisation at a site, then the number of cases moved."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from caseweight.audit.context import acting_as
from caseweight.distribution import commands
from caseweight.distribution.selectors import site_workload
from caseweight.distribution.services import DistributionError, plan_apply
from caseweight.engine.assignment import rebalance
from caseweight.organisation.models import Site


class Command(BaseCommand):
    help = "Rebalance a site's cases: smallest largest utilisation, then fewest moves. --apply writes the moves."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True, help="site code")
        commands.add_common(parser)

    def handle(self, *args, site, policy, apply, format, as_of, time_limit, **options):
        as_of = commands.parse_day(as_of) or timezone.localdate()
        policy = commands.policy_from(policy)
        site_obj = Site.objects.filter(code=site).first()
        if site_obj is None:
            raise CommandError(f"no site {site!r}")
        plan = rebalance(site_workload(site=site_obj, as_of=as_of), policy, time_limit=time_limit).to_dict()
        self.stdout.write(commands.render(plan, format), ending="")
        if apply:
            try:
                with acting_as(commands.cli_actor()):
                    written = plan_apply(plan=plan, site_id=site_obj.pk, method="rebalance", as_of=as_of)
            except DistributionError as error:
                raise CommandError(str(error)) from None
            self.stderr.write(f"applied: {len(written)} cases moved")
