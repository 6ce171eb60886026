"""Writes for distribution: assessments, flags, reductions, and assignments (one at a time, or a
whole engine plan in one transaction). Single saves are audited by the audit app's signals.

Two supervisors assigning the same case at once: `case_assign` locks the case row
(SELECT ... FOR UPDATE; on SQLite the transaction's write lock, taken as it begins) and checks it
is still unassigned; the second one waits for the first to commit, then finds an officer there
and gets CaseAlreadyAssigned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from caseweight import codes
from caseweight.accounts import scope
from caseweight.audit.context import current_actor
from caseweight.cases.models import Case
from caseweight.distribution import selectors
from caseweight.distribution.reasons import reword
from caseweight.distribution.models import (
    COUNTED_FLAG_STATES,
    SELF_DECISION_REFUSED,
    Assignment,
    CaseFlag,
    ComplexityAssessment,
    Cover,
    Reduction,
)
from caseweight.engine.assignment import hard_rule_breaks
from caseweight.engine.workload import week_of
from caseweight.organisation.models import Absence, Officer, Site

DECIDERS = ("supervisor", "regional_manager", "national_analyst")


class DistributionError(Exception):
    """A refused write, with a message fit for the user."""


class CaseAlreadyAssigned(DistributionError):
    pass


class PlanOutdated(DistributionError):
    pass


class RuleBroken(DistributionError):
    """A choice or plan would break a hard rule (presence, language, specialisation)."""


class FlagStateError(DistributionError):
    """The decision does not fit the flag's state (e.g. deciding twice)."""


# --- complexity ---------------------------------------------------------------------------------


def assessment_record(*, case: Case, factors: Iterable[str], user, note: str = "") -> ComplexityAssessment:
    """Record an assessment; being the latest, it sets the case's factors."""
    joined = codes.join_codes([f for f in codes.COMPLEXITY_FACTORS if f in set(factors)])
    with transaction.atomic():
        assessment = ComplexityAssessment.objects.create(case=case, factors=joined, assessed_by=user, note=note)
        if case.factors != joined:
            case.factors = joined
            case.save(update_fields=["factors"])
    return assessment


# --- flags ----------------------------------------------------------------------------------------


def flag_raise(*, case: Case, user, hours: Decimal, reason: str) -> CaseFlag:
    """An officer flags one of their own cases for more intensive supervision."""
    if scope.role_of(user) != "officer" or not user.officer_id or case.officer_id != user.officer_id:
        raise DistributionError(_("Only the case's officer may flag it."))
    if hours is None or Decimal(hours) <= 0:
        raise DistributionError(_("Ask for a positive number of hours a month."))
    return CaseFlag.objects.create(case=case, raised_by=user, hours_requested=hours, reason=reason)


def flag_decide(*, flag: CaseFlag, user, decision: str, hours: Decimal | None = None, note: str = "") -> CaseFlag:
    """Approve (as asked), change (approve other hours) or decline a requested flag; approving one
    replaces the case's flag that counted until then. End a counted flag (its hours stop counting;
    the record stays). Nobody decides on their own flag."""
    if scope.role_of(user) not in DECIDERS:
        raise DistributionError(_("Only a supervisor or manager may decide on a flag."))
    if flag.raised_by_id == user.pk:
        raise DistributionError(str(SELF_DECISION_REFUSED))
    if decision == "ended":
        if flag.state not in COUNTED_FLAG_STATES:
            raise FlagStateError(_("Only an approved flag can be ended."))
        return _flag_end(flag, user=user, state="ended", note=note)
    if flag.state != "requested":
        raise FlagStateError(_("This flag was already decided on."))
    if decision == "approved":
        flag.approved_hours = flag.hours_requested
    elif decision == "changed":
        if hours is None or Decimal(hours) <= 0:
            raise DistributionError(_("Give the approved hours a month."))
        flag.approved_hours = Decimal(hours)
    elif decision == "declined":
        flag.approved_hours = None
    else:
        raise DistributionError(_("Unknown decision."))
    with transaction.atomic():
        if decision in COUNTED_FLAG_STATES:
            replaced = list(CaseFlag.objects.filter(case_id=flag.case_id, state__in=COUNTED_FLAG_STATES).exclude(pk=flag.pk))
            if any(earlier.raised_by_id == user.pk for earlier in replaced):
                # Replacing a flag ends it: a decision on that flag too (one raised before a change of role).
                raise DistributionError(_("Approving this flag would end one you raised on the same case: ask a colleague."))
            for earlier in replaced:
                _flag_end(earlier, user=user, state="replaced", note="")
        flag.state = decision
        flag.decided_by = user
        flag.decided_at = timezone.now()
        flag.decision_note = note
        flag.save()
    return flag


def _flag_end(flag: CaseFlag, *, user, state: str, note: str) -> CaseFlag:
    flag.state = state
    flag.ended_by = user
    flag.ended_at = timezone.now()
    flag.end_note = note
    flag.save()
    return flag


# --- reductions ----------------------------------------------------------------------------------


def reduction_record(*, officer: Officer, hours_per_week: Decimal, reason: str, start, end=None, user=None) -> Reduction:
    if end is not None and end < start:
        raise DistributionError(_("The end is before the start."))
    return Reduction.objects.create(
        officer=officer, hours_per_week=hours_per_week, reason=reason, start=start, end=end, recorded_by=user
    )


def reduction_end(*, reduction: Reduction, end) -> Reduction:
    """End a reduction on `end` (its last day): from the next day the officer's capacity is whole again."""
    if end < reduction.start:
        raise DistributionError(_("The end is before the start."))
    if reduction.end is not None and end >= reduction.end:
        raise DistributionError(_("This reduction already ends by then."))
    reduction.end = end
    reduction.save(update_fields=["end"])
    return reduction


# --- assignment -----------------------------------------------------------------------------------


def case_assign(*, case_id: int, officer: Officer, user=None, method: str = "manual") -> Assignment:
    """Give an unassigned case to an officer of its site whom the hard rules allow this week;
    CaseAlreadyAssigned if someone was quicker."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.officer_id is not None:
            raise CaseAlreadyAssigned(
                _("Case %(ref)s was just assigned to %(officer)s by someone else.")
                % {"ref": case.ref, "officer": Officer.objects.get(pk=case.officer_id).code}
            )
        if officer.site_id == case.site_id:
            _refuse_rule_breaks(site=case.site, moves=[(case.ref, officer.code)], period=None)
        return _move(case=case, officer=officer, user=user, method=method)


def _refuse_rule_breaks(*, site: Site, moves: list[tuple[str, str]], period, excluded=frozenset()) -> None:
    """RuleBroken when a move (case ref, officer code) breaks a hard rule for the period (default:
    this week): plans and choices come back from a page, and a form can be forged."""
    workload = selectors.site_workload(site=site, as_of=period[0] if period else None,
                                       absences_through=period[1] if period else None)  # fmt: skip
    breaks = hard_rule_breaks(workload, selectors.distribution_policy(), moves, period=period or workload.period,
                              excluded=frozenset(excluded))  # fmt: skip
    if breaks:
        ref, (code, reasons) = next(iter(breaks.items()))
        name = Officer.objects.filter(site=site, code=code).values_list("name", flat=True).first() or code
        raise RuleBroken(
            _("Case %(ref)s may not go to %(name)s: %(reasons)s. Nothing was written.")
            % {"ref": ref, "name": name, "reasons": "; ".join(r["text"] for r in reword([x.to_dict() for x in reasons],
                                                                                        allowed=False))}
        )  # fmt: skip


def _move(*, case: Case, officer: Officer, user, method: str) -> Assignment:
    if officer.site_id != case.site_id:
        raise DistributionError(_("This officer works at another site."))
    previous = case.officer_id
    case.officer = officer
    case.assignment_recorded = True  # here, with its method: the history signal leaves it alone
    case.save(update_fields=["officer"])
    return Assignment.objects.create(
        case=case, officer=officer, from_officer_id=previous, assigned_by=user, method=method
    )


def record_other_assignment(*, case: Case, from_officer_id: int | None) -> Assignment | None:
    """An existing case saved with another officer, or none, outside these services (the admin, a
    shell): record it in the history, as done by whoever is acting (see signals)."""
    if case.officer_id == from_officer_id or getattr(case, "assignment_recorded", False):
        return None
    return Assignment.objects.create(
        case=case, officer_id=case.officer_id, from_officer_id=from_officer_id, assigned_by_id=current_actor().user_id,
        method="manual" if case.officer_id is not None else "unassigned",
    )  # fmt: skip


def record_imported_assignments(given: list[tuple[Case, Officer | None]]) -> None:
    """History rows for the existing cases an import gave another officer, or none: (case, officer
    it had before). Bulk inserts, like the import's own writes; the cases' audit entries show the change."""
    user_id = current_actor().user_id
    Assignment.objects.bulk_create(
        [
            Assignment(case_id=case.pk, officer_id=case.officer_id, from_officer=before, assigned_by_id=user_id,
                       method="import" if case.officer_id is not None else "unassigned")
            for case, before in given
        ],
        batch_size=2000,
    )  # fmt: skip


def plan_apply(
    *, plan: dict, site_id: int, user=None, method: str, absence: Absence | None = None, as_of: dt.date | None = None
) -> list:
    """Write an engine plan's assignments (Plan.to_dict()) in one transaction, or nothing.

    A plan comes back from a page or a file, so only its moves are read from it (case, officer,
    from_officer), and each is checked against the database: the case must still be carried by
    whoever the plan found carrying it (its `from_officer`, or nobody), and the move must keep the
    hard rules for the server's period: the absence's dates for a redistribution, else the week of
    `as_of` (default today). A period the plan names is never used: it would get round the rules.

    A redistribution plan for an `absence` is written as covers of that absence (the cases go back
    when it ends); any other plan as permanent assignments, recorded in the assignment history.
    """
    moves = plan.get("assignments", [])
    with transaction.atomic():
        cases = {
            c.ref: c
            for c in Case.objects.select_for_update(of=("self",))
            .filter(site_id=site_id, ref__in=[m["case"] for m in moves])
            .select_related("officer")
        }
        officers = {o.code: o for o in Officer.objects.filter(site_id=site_id)}
        covered = {}
        if absence is not None:
            covered = selectors.covering_officers(cases=[c.pk for c in cases.values()], start=absence.start, end=absence.end)
        for move in moves:
            case = cases.get(move["case"])
            carrier = None if case is None else covered.get(case.pk) or (case.officer.code if case.officer else None)
            outdated = case is None or carrier != move.get("from_officer") or move["officer"] not in officers
            if absence is not None and carrier != absence.officer.code:
                outdated = True
            if outdated:
                raise PlanOutdated(
                    _("Case %(ref)s changed since the plan was made: nothing was written. Make the plan again.")
                    % {"ref": move["case"]}
                )
        period = (absence.start, absence.end) if absence is not None else week_of(as_of or timezone.localdate())
        _refuse_rule_breaks(site=Site.objects.get(pk=site_id), moves=[(m["case"], m["officer"]) for m in moves],
                            period=period, excluded={absence.officer.code} if absence is not None else ())  # fmt: skip
        if absence is not None:
            return [
                Cover.objects.create(case=cases[m["case"]], officer=officers[m["officer"]], absence=absence, assigned_by=user)
                for m in moves
            ]
        return [_move(case=cases[m["case"]], officer=officers[m["officer"]], user=user, method=method) for m in moves]
