"""Who may carry a case (hard rules) and who would rather (soft rules), with the reasons.

Hard rules exclude an officer; they are never broken, a case nobody may take is reported as
unassignable with each officer's reasons:

- ``absent``         the officer is absent for the period planned for;
- ``no_capacity``    reductions take all of the officer's case time (capacity 0);
- ``language``       the officer does not speak the case's language;
- ``specialisation`` the officer lacks a specialisation that one of the case's complexity
                     factors requires under the policy (``complexity_factors.<code>.specialisation``).

Soft rules rank the officers who may take it, in integer points:

- ``continuity``     the officer is one of the case's former officers: CONTINUITY_POINTS;
- ``preference``     the officer has a specialisation the case would rather have: one point each.

A case would rather have (``preferred_specialisations``) the specialisations given with it, and
the natural specialisation of each of its factors (``FACTOR_SPECIALISATIONS``) that the policy
does not already require: under a policy that drops the requirement, a mental-health case still
goes to a mental-health officer when that costs nothing.

Each rule is a ``Reason(rule, text)``: the code lets a page translate, the text is English.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseweight.engine.policy import Policy
from caseweight.engine.workload import Case, Officer, SiteWorkload

CONTINUITY_POINTS = 2
PREFERENCE_POINTS = 1
FACTOR_SPECIALISATIONS = {"mental_health": "mental_health", "siu": "siu", "indigenous_planning": "indigenous"}


@dataclass(frozen=True)
class Reason:
    rule: str  # absent | no_capacity | language | specialisation | present | continuity | preference
    text: str  # English; a page in another language renders its own from rule and params
    params: tuple[tuple[str, str], ...] = ()  # e.g. (("language", "fr"),)

    def to_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "params": dict(self.params)}


def required_specialisations(case: Case, policy: Policy) -> dict[str, tuple[str, ...]]:
    """Specialisation -> the case's factors that require it under the policy."""
    required: dict[str, list[str]] = {}
    for factor in sorted(case.factors):
        entry = policy.complexity_factors.get(factor)
        if entry is not None and entry.specialisation:
            required.setdefault(entry.specialisation, []).append(factor)
    return {spec: tuple(factors) for spec, factors in sorted(required.items())}


def preferred_specialisations(case: Case, policy: Policy) -> frozenset[str]:
    required = required_specialisations(case, policy)
    natural = {FACTOR_SPECIALISATIONS[f] for f in case.factors if f in FACTOR_SPECIALISATIONS}
    return frozenset((set(case.preferred_specialisations) | natural) - set(required))


def exclusions(
    workload: SiteWorkload, officer: Officer, case: Case, policy: Policy, *, capacity: float,
    period=None,
) -> list[Reason]:  # fmt: skip
    """The hard rules that stop ``officer`` taking ``case``; empty when allowed."""
    reasons = []
    absence = workload.absence_of(officer, period)
    if absence is True:
        reasons.append(Reason("absent", "absent"))
    elif absence is not None:
        dates = (("start", absence.start.isoformat()), ("end", absence.end.isoformat()), ("kind", absence.kind))
        reasons.append(Reason("absent", absence.describe(), dates))
    if capacity <= 0:
        reasons.append(Reason("no_capacity", "no capacity: reductions take all case time"))
    if case.language not in officer.languages:
        reasons.append(Reason("language", f"does not speak {case.language}", (("language", case.language),)))
    for spec, factors in required_specialisations(case, policy).items():
        if spec not in officer.specialisations:
            text = f"lacks the {spec} specialisation required by {', '.join(factors)}"
            reasons.append(Reason("specialisation", text, (("specialisation", spec), ("factors", ";".join(factors)))))
    return reasons


def qualifications(case: Case, officer: Officer, policy: Policy) -> list[Reason]:
    """Why an allowed officer fits: the hard rules met, then the soft ones."""
    reasons = [
        Reason("present", "present for the period"),
        Reason("language", f"speaks {case.language}", (("language", case.language),)),
    ]
    for spec, factors in required_specialisations(case, policy).items():
        text = f"has the {spec} specialisation required by {', '.join(factors)}"
        reasons.append(Reason("specialisation", text, (("specialisation", spec), ("factors", ";".join(factors)))))
    if officer.code in case.former_officers:
        reasons.append(Reason("continuity", "former officer of this case (continuity)"))
    for spec in sorted(preferred_specialisations(case, policy) & officer.specialisations):
        reasons.append(Reason("preference", f"has the preferred {spec} specialisation", (("specialisation", spec),)))
    return reasons


def soft_points(case: Case, officer: Officer, policy: Policy) -> int:
    points = CONTINUITY_POINTS if officer.code in case.former_officers else 0
    return points + PREFERENCE_POINTS * len(preferred_specialisations(case, policy) & officer.specialisations)
