"""Explanations: one site's figure broken down, line by line, to the policy numbers behind it.

An explanation is a list of root lines, the first being the total it explains. Every line has a
value, a unit, a label, the dotted policy keys it came from and the numbers that produced it;
a line's children always add up to its value (lines may be negative: a deduction). So the UI
can show a tree and link each line to the cited source of its key (``Policy.number(key)``).

Explanations are computed on demand for one site, from its own cases.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from caseweight import codes
from caseweight.engine.inputs import LEVELS, N_FACTORS, N_SECURITY, StaffingInputs, security_levels_of
from caseweight.engine.policy import ALLOWANCES, Policy
from caseweight.engine.ratio import NO_CCC_RATIO, NO_PAROLE_OFFICE_RATIO, institution_ratios, positions_for
from caseweight.engine.time_standard import case_hours_table, time_standard_staffing

METHODS = ("ratio", "time", "resilient")

_TEXT = {
    "ratio_total": ("Required FTE by caseload ratio", "ETP requis selon le ratio de cas"),
    "time_total": ("Required FTE by time standards", "ETP requis selon les normes de temps"),
    "level": ("{level}: {cases} cases ÷ {ratio:g} a parole officer", "{level} : {cases} cas ÷ {ratio:g} par agent"),
    "lowest": (" (lowest ratio of the site's levels)", " (ratio le plus bas des niveaux du site)"),
    "residents": ("{cases} cases ÷ {ratio:g} a parole officer", "{cases} cas ÷ {ratio:g} par agent"),
    "actual": ("Actual FTE ({officers} parole officers)", "ETP réels ({officers} agents de libération conditionnelle)"),
    "gap": ("Gap: required − actual", "Écart : requis − réels"),
    "required": ("Required FTE", "ETP requis"),
    "minus_actual": ("Actual FTE (subtracted)", "ETP réels (soustraits)"),
    "case_work": ("Case work at standard times: {hours:.2f} h a month ÷ {awt:.4g} h available",
                  "Travail sur les cas aux temps standards : {hours:.2f} h par mois ÷ {awt:.4g} h disponibles"),
    "category": ("{level}: {cases} cases × {per_case:.3f} h", "{level} : {cases} cas × {per_case:.3f} h"),
    "activity": ("{label}: {cases} × {frequency:.4g} a month × {minutes:g} min",
                 "{label} : {cases} × {frequency:.4g} par mois × {minutes:g} min"),
    "factors": ("Complexity factors", "Facteurs de complexité"),
    "factor": ("{label}: {cases} cases × {minutes:g} min", "{label} : {cases} cas × {minutes:g} min"),
    "extra": ("Approved intensive-supervision hours", "Heures de surveillance intensive approuvées"),
    "other_duties": ("Other related duties: {share:.0%} of working time", "Autres tâches connexes : {share:.0%} du temps de travail"),
    "addon": ("Add-on tasks: {hours:.2f} h a month", "Tâches ajoutées : {hours:.2f} h par mois"),
    "awt": ("Available working time per FTE, hours a month", "Temps de travail disponible par ETP, heures par mois"),
    "awt_year": ("{weeks:g} weeks × {hours:g} h ÷ 12", "{weeks:g} semaines × {hours:g} h ÷ 12"),
    "holidays": ("Designated paid holidays", "Jours fériés désignés payés"),
    "annual_leave": ("Annual leave", "Congé annuel"),
    "sick_leave": ("Sick leave", "Congé de maladie"),
    "training": ("Training", "Formation"),
    "other_absence": ("Other absence", "Autres absences"),
    "not_applicable": ("Not applicable", "Sans objet"),
    "resilient_total": ("Resilient FTE ({model}): overload in at most {alpha:.0%} of weeks",
                        "ETP résilients ({model}) : surcharge dans au plus {alpha:.0%} des semaines"),
    "minimum": ("Minimum: {hours:.1f} h a week ÷ {week:g} h (nobody away)",
                "Minimum : {hours:.1f} h par semaine ÷ {week:g} h (personne d'absent)"),
    "absence_cover": ("Cover for absences: chance of a week over {week:g} h per officer {p:.1%} with {n} officers",
                      "Couverture des absences : probabilité d'une semaine de plus de {week:g} h par agent {p:.1%} avec {n} agents"),
    "workload": ("Weekly workload: hours a year ÷ {weeks:.4g} working weeks",
                 "Charge hebdomadaire : heures par année ÷ {weeks:.4g} semaines de travail"),
    "week_cases": ("Case work: {hours:.2f} h a month × 12", "Travail sur les cas : {hours:.2f} h par mois × 12"),
    "week_other": ("Other related duties: {share:.0%} of working time", "Autres tâches connexes : {share:.0%} du temps de travail"),
    "week_addon": ("Add-on tasks: {hours:.2f} h a month × 12", "Tâches ajoutées : {hours:.2f} h par mois × 12"),
    "rate": ("Absence rate: share of working days away ({source})", "Taux d'absence : part des jours ouvrables d'absence ({source})"),
    "rate_records": ("from {years:.1f} officer-years of absence records", "selon {years:.1f} années-agents de relevés d'absence"),
    "rate_policy": ("the policy's rates: too few absence records", "taux de la politique : trop peu de relevés d'absence"),
    "kind_annual": ("Annual leave", "Congé annuel"),
    "kind_sick": ("Sick leave", "Congé de maladie"),
    "kind_secondment": ("Secondment", "Affectation temporaire"),
    "kind_training": ("Training", "Formation"),
    "kind_other": ("Other", "Autres"),
    "relief": ("Relief-factor FTE: minimum ÷ (1 − absence rate)", "ETP selon le facteur de relève : minimum ÷ (1 − taux d'absence)"),
    "time_fte": ("Time-standard FTE (absences on average, in available working time)",
                 "ETP selon les normes de temps (absences en moyenne, dans le temps de travail disponible)"),
    "uncovered_now": ("Uncovered hours a year with today's {n} officers ({p:.1%} of weeks overloaded)",
                      "Heures non couvertes par année avec les {n} agents actuels ({p:.1%} des semaines en surcharge)"),
    "cost_net": ("Net cost a year of the resilient staff", "Coût net annuel de l'effectif résilient"),
    "cost_extra": ("Extra officers: {fte:.2f} FTE × {salary:,.0f} $", "Agents supplémentaires : {fte:.2f} ETP × {salary:,.0f} $"),
    "cost_avoided": ("Overtime avoided: uncovered hours at overtime rates × {rate:.2f} $ an hour",
                     "Heures supplémentaires évitées : heures non couvertes aux taux majorés × {rate:.2f} $ l'heure"),
}  # fmt: skip

_LEVEL_NAMES_FR = {"minimum": "minimale", "medium": "moyenne", "maximum": "maximale", "intensive": "intensive"}


def _t(key: str, language: str, **values) -> str:
    text = _TEXT[key][1 if language == "fr" else 0]
    return text.format(**values)


def _level_name(level: str, language: str) -> str:
    return _LEVEL_NAMES_FR.get(level, level) if language == "fr" else level


@dataclass(frozen=True)
class Line:
    label: str
    value: float
    unit: str  # "FTE" or "hours/month"
    keys: tuple[str, ...] = ()  # the policy keys this line's numbers come from; the first is the main one
    numbers: dict[str, float] = field(default_factory=dict)
    children: tuple[Line, ...] = ()

    @property
    def key(self) -> str | None:
        return self.keys[0] if self.keys else None

    def walk(self) -> Iterator[Line]:
        yield self
        for child in self.children:
            yield from child.walk()

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "value": _num(self.value),
            "unit": self.unit,
            "key": self.key,
            "keys": list(self.keys),
            "numbers": {k: _num(v) for k, v in self.numbers.items()},
            "children": [child.to_dict() for child in self.children],
        }


@dataclass(frozen=True)
class Explanation:
    site: str
    method: str  # "ratio" or "time"
    policy: str
    applies: bool
    reason: str | None  # why the method does not apply
    lines: tuple[Line, ...]  # lines[0] is the total

    @property
    def total(self) -> Line | None:
        return self.lines[0] if self.lines else None

    def to_dict(self) -> dict:
        return {
            "site": self.site,
            "method": self.method,
            "policy": self.policy,
            "applies": self.applies,
            "reason": self.reason,
            "lines": [line.to_dict() for line in self.lines],
        }


def _num(value: float) -> float | int | None:
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    value = float(value)
    return value if math.isfinite(value) else None


def explain_site(inputs: StaffingInputs, policy: Policy, site: str, *, method: str, language: str = "en", **options) -> Explanation:
    """Explain one site's required FTE by a method ("ratio", "time" or "resilient"; the resilient
    method takes explain_resilient's options: alpha, rates)."""
    if method == "ratio":
        return explain_ratio(inputs, policy, site, language=language)
    if method == "time":
        return explain_time(inputs, policy, site, language=language)
    if method == "resilient":
        return explain_resilient(inputs, policy, site, language=language, **options)
    raise ValueError(f"unknown method {method!r}; expected one of: {', '.join(METHODS)}")


def _actual_and_gap(inputs: StaffingInputs, s: int, required: float, language: str) -> tuple[Line, Line]:
    actual = float(inputs.actual_fte[s])
    officers = int(inputs.counted_officers[s])
    actual_line = Line(_t("actual", language, officers=officers), actual, "FTE", numbers={"officers": officers})
    gap = Line(
        _t("gap", language),
        required - actual,
        "FTE",
        children=(
            Line(_t("required", language), required, "FTE"),
            Line(_t("minus_actual", language), -actual, "FTE"),
        ),
    )
    return actual_line, gap


def explain_ratio(inputs: StaffingInputs, policy: Policy, site: str, *, language: str = "en") -> Explanation:
    s = inputs.site_index(site)
    kind = inputs.sites.kind_name(s)
    counts = inputs.case_counts[s]
    if kind == "institution":
        ratios = institution_ratios(policy, inputs.sites.security_levels[s : s + 1])[0]
        lowest = policy.hybrid.value == "lowest_ratio"
        own = {level: policy.institution_ratios[level].value for level in codes.SECURITY_LEVELS}
        site_levels = security_levels_of(int(inputs.sites.security_levels[s]))
        children = []
        for i, level in enumerate(codes.SECURITY_LEVELS):
            if not counts[i]:
                continue
            ratio = float(ratios[i])
            # Name the key of the ratio actually used: under lowest_ratio, the site's lowest level's.
            used = next(lv for lv in site_levels if own[lv] == ratio) if lowest else level
            label = _t("level", language, level=_level_name(level, language), cases=int(counts[i]), ratio=ratio)
            if lowest and used != level:
                label += _t("lowest", language)
            keys = (f"ratios.institution.{used}", "ratios.hybrid")
            children.append(Line(label, counts[i] / ratio, "FTE", keys, {"cases": int(counts[i]), "ratio": ratio}))
        # Same summation as ratio_staffing, so the total matches it to the last bit.
        total = float((counts[:N_SECURITY] / ratios).sum())
    else:
        ratio_cited = policy.ccc_ratio if kind == "ccc" else policy.parole_office_ratio
        if ratio_cited is None:
            reason = NO_CCC_RATIO if kind == "ccc" else NO_PAROLE_OFFICE_RATIO
            return Explanation(site, "ratio", policy.name, False, reason, ())
        key = "ratios.ccc" if kind == "ccc" else "ratios.parole_office"
        cases = int(counts.sum())
        total = cases / ratio_cited.value
        label = _t("residents", language, cases=cases, ratio=ratio_cited.value)
        children = [Line(label, total, "FTE", (key,), {"cases": cases, "ratio": ratio_cited.value})] if cases else []
    positions = int(positions_for(np.array([total]))[0])
    root = Line(
        _t("ratio_total", language),
        total,
        "FTE",
        numbers={"cases": int(counts.sum()), "positions": positions},
        children=tuple(children),
    )
    return Explanation(site, "ratio", policy.name, True, None, (root, *_actual_and_gap(inputs, s, total, language)))


def explain_time(inputs: StaffingInputs, policy: Policy, site: str, *, language: str = "en") -> Explanation:
    s = inputs.site_index(site)
    kind_index = int(inputs.sites.kind[s])
    kind = codes.SITE_KINDS[kind_index]
    counts = inputs.case_counts[s]
    awt = policy.awt_hours_per_month
    share = policy.other_duties_share.value
    per_case = case_hours_table(policy)[kind_index]

    # Standard activities, by case level.
    categories = []
    for li, level in enumerate(LEVELS):
        n = int(counts[li])
        if not n or not per_case[li]:
            continue
        activities = []
        for activity in policy.activities:
            frequency = activity.frequency.get(level)
            if kind not in activity.site_kinds or frequency is None or not frequency.value:
                continue
            hours = n * frequency.value * activity.minutes.value / 60
            activities.append(
                Line(
                    _t("activity", language, label=activity.label(language), cases=n,
                       frequency=frequency.value, minutes=activity.minutes.value),
                    hours / awt,
                    "FTE",
                    (f"activities.{activity.code}.frequency.{level}", f"activities.{activity.code}.minutes"),
                    {"cases": n, "frequency": frequency.value, "minutes": activity.minutes.value, "hours": hours},
                )
            )  # fmt: skip
        hours = n * per_case[li]
        categories.append(
            Line(
                _t("category", language, level=_level_name(level, language), cases=n, per_case=per_case[li]),
                hours / awt,
                "FTE",
                numbers={"cases": n, "hours_per_case": float(per_case[li]), "hours": float(hours)},
                children=tuple(activities),
            )
        )

    # Complexity factors, counted over this site's cases only.
    idx = inputs.site_case_indexes(s)
    masks = inputs.cases.factors[idx].astype(np.int64)
    factor_counts = ((masks[:, None] >> np.arange(N_FACTORS)) & 1).sum(axis=0)
    factor_lines = []
    for fi, code in enumerate(codes.COMPLEXITY_FACTORS):
        n = int(factor_counts[fi])
        factor = policy.complexity_factors[code]
        if not n or not factor.minutes.value:
            continue
        hours = n * factor.minutes.value / 60
        factor_lines.append(
            Line(
                _t("factor", language, label=factor.label(language), cases=n, minutes=factor.minutes.value),
                hours / awt,
                "FTE",
                (f"complexity_factors.{code}.minutes",),
                {"cases": n, "minutes": factor.minutes.value, "hours": hours},
            )
        )
    case_work_children = list(categories)
    if factor_lines:
        factor_hours = math.fsum(line.numbers["hours"] for line in factor_lines)
        case_work_children.append(
            Line(_t("factors", language), factor_hours / awt, "FTE", numbers={"hours": factor_hours},
                 children=tuple(factor_lines))
        )  # fmt: skip
    extra_hours = 0.0 if inputs.cases.extra_hours is None else float(inputs.cases.extra_hours[idx].sum())
    if extra_hours:
        case_work_children.append(Line(_t("extra", language), extra_hours / awt, "FTE", numbers={"hours": extra_hours}))

    case_hours = math.fsum(line.value for line in case_work_children) * awt
    case_fte = case_hours / awt
    case_work = Line(
        _t("case_work", language, hours=case_hours, awt=awt),
        case_fte,
        "FTE",
        (),
        {"hours": case_hours, "awt_hours_per_month": awt},
        tuple(case_work_children),
    )
    # The other-duties allowance as its own line: case FTE × share / (1 − share), so that
    # case FTE + this line = case hours / (AWT × (1 − share)).
    other = Line(
        _t("other_duties", language, share=share),
        case_fte * share / (1 - share),
        "FTE",
        ("other_duties.share",),
        {"share": share, "category_allowance_factor": 1 / (1 - share)},
    )
    roots = [case_work, other]
    addon_hours = float(inputs.sites.addon_hours[s])
    if addon_hours:
        roots.append(Line(_t("addon", language, hours=addon_hours), addon_hours / awt, "FTE", (),
                          {"hours": addon_hours, "individual_allowance_factor": addon_hours / awt}))  # fmt: skip
    total = math.fsum(line.value for line in roots)
    positions = int(positions_for(np.array([total]))[0])
    root = Line(
        _t("time_total", language),
        total,
        "FTE",
        numbers={"cases": int(counts.sum()), "positions": positions, "case_hours": case_hours, "addon_hours": addon_hours},
        children=tuple(roots),
    )
    return Explanation(
        site,
        "time",
        policy.name,
        True,
        None,
        (root, _awt_line(policy, language), *_actual_and_gap(inputs, s, total, language)),
    )


def _awt_line(policy: Policy, language: str) -> Line:
    weeks, hours = policy.weeks_per_year.value, policy.week_hours.value
    children = [
        Line(_t("awt_year", language, weeks=weeks, hours=hours), weeks * hours / 12, "hours/month",
             ("time.weeks_per_year", "time.week_hours"), {"weeks": weeks, "week_hours": hours})
    ]  # fmt: skip
    for allowance in ALLOWANCES:
        yearly = policy.allowances[allowance].value
        children.append(
            Line(_t(allowance, language), -yearly / 12, "hours/month", (f"allowances.{allowance}",), {"hours_per_year": yearly})
        )
    return Line(
        _t("awt", language),
        policy.awt_hours_per_month,
        "hours/month",
        numbers={"hours_per_year": policy.awt_hours_per_year},
        children=tuple(children),
    )



def explain_resilient(inputs: StaffingInputs, policy: Policy, site: str, *, alpha: float | None = None, rates=None,
                      language: str = "en") -> Explanation:  # fmt: skip
    """The resilient FTE by the exact binomial model: minimum + cover for absences, the weekly
    workload and the absence rate behind it, the relief factor and time standard beside it, today's
    uncovered hours, and the net cost (when the policy has pay figures). Units: FTE, hours/week,
    share, hours/year, $/year."""
    from caseweight.engine.absence import KINDS, absence_rates
    from caseweight.engine.resilience import (
        OvertimeRules, binomial_overload, relief_factor_fte, resilient_officers, weekly_workload_hours,
    )  # fmt: skip

    s = inputs.site_index(site)
    alpha = float(policy.alpha.value if alpha is None else alpha)
    rates = rates or absence_rates(inputs, policy)
    time = time_standard_staffing(inputs, policy)
    week = policy.week_hours.value
    weeks = policy.working_weeks_per_year
    share = policy.other_duties_share.value
    overtime = OvertimeRules.of(policy)
    workload = float(weekly_workload_hours(time, policy)[s])
    rate = float(rates.rate[s])
    minimum = workload / week
    n = int(resilient_officers(workload, rate, alpha, capacity_hours=week)[0])
    if n < 0:
        from caseweight.engine.report import NO_RESILIENT_N

        return Explanation(site, "resilient", policy.name, False, NO_RESILIENT_N, ())
    at_n = binomial_overload(n, rate, workload, capacity_hours=week, overtime=overtime)

    root = Line(
        _t("resilient_total", language, model="binomial", alpha=alpha),
        float(n),
        "FTE",
        ("resilience.alpha",),
        {"alpha": alpha, "positions": n, "p_overload": float(at_n.p_overload), "absence_rate": rate},
        (
            Line(_t("minimum", language, hours=workload, week=week), minimum, "FTE", ("time.week_hours",),
                 {"weekly_workload_hours": workload, "week_hours": week}),
            Line(_t("absence_cover", language, week=week, p=float(at_n.p_overload), n=n), n - minimum, "FTE",
                 ("resilience.alpha",), {"alpha": alpha, "p_overload": float(at_n.p_overload), "absence_rate": rate}),
        ),
    )  # fmt: skip

    case_year, addon_year = float(time.case_hours[s]) * 12, float(time.addon_hours[s]) * 12
    workload_children = [
        Line(_t("week_cases", language, hours=case_year / 12), case_year / weeks, "hours/week", (), {"hours_per_year": case_year}),
        Line(_t("week_other", language, share=share), case_year * share / (1 - share) / weeks, "hours/week",
             ("other_duties.share",), {"share": share}),
    ]  # fmt: skip
    if addon_year:
        workload_children.append(Line(_t("week_addon", language, hours=addon_year / 12), addon_year / weeks, "hours/week", (),
                                      {"hours_per_year": addon_year}))  # fmt: skip
    workload_line = Line(_t("workload", language, weeks=weeks), workload, "hours/week",
                         ("time.weeks_per_year", "allowances.holidays"), {"working_weeks": weeks},
                         tuple(workload_children))  # fmt: skip

    from_records = rates.source[s] == "records"
    source = (_t("rate_records", language, years=float(rates.officer_years[s])) if from_records
              else _t("rate_policy", language))  # fmt: skip
    rate_line = Line(
        _t("rate", language, source=source), rate, "share", (),
        {"officer_years": float(rates.officer_years[s]), "records": int(rates.records[s])},
        tuple(Line(_t(f"kind_{kind}", language), float(rates.by_kind[s, i]), "share",
                   () if from_records else (f"absence_rates.{kind}",))
              for i, kind in enumerate(KINDS)),
    )  # fmt: skip
    relief = float(relief_factor_fte(minimum, rate))
    lines = [root, workload_line, rate_line,
             Line(_t("relief", language), relief, "FTE", (), {"minimum_fte": minimum, "absence_rate": rate}),
             Line(_t("time_fte", language), float(time.required_fte[s]), "FTE", ())]  # fmt: skip

    officers_now = int(inputs.counted_officers[s])
    fte_now = float(inputs.actual_fte[s])
    capacity_now = week * fte_now / officers_now if officers_now else week
    now = binomial_overload(officers_now, rate, workload, capacity_hours=capacity_now, overtime=overtime)
    lines.append(Line(_t("uncovered_now", language, n=officers_now, p=float(now.p_overload)),
                      float(now.uncovered_hours) * weeks, "hours/year", (),
                      {"p_overload": float(now.p_overload), "officers": officers_now, "fte": fte_now}))  # fmt: skip
    hourly, salary = policy.hourly_rate, policy.annual_salary
    if hourly is not None and salary is not None:
        extra_fte = max(n - fte_now, 0.0)
        avoided = (float(now.paid_hours) - float(at_n.paid_hours)) * weeks * hourly
        lines.append(Line(
            _t("cost_net", language), extra_fte * salary - avoided, "$/year", (), {},
            (Line(_t("cost_extra", language, fte=extra_fte, salary=salary), extra_fte * salary, "$/year",
                  ("pay.annual_salary",), {"extra_fte": extra_fte, "annual_salary": salary}),
             Line(_t("cost_avoided", language, rate=hourly), -avoided, "$/year",
                  ("pay.hourly_rate", "overtime.rate", "overtime.double_rate", "overtime.double_after_hours"),
                  {"hourly_rate": hourly})),
        ))  # fmt: skip
    lines.extend(_actual_and_gap(inputs, s, float(n), language))
    return Explanation(site, "resilient", policy.name, True, None, tuple(lines))
