"""Distribution pages: workload by site and officer, recommendation for a new case, batch
assignment, absence redistribution, rebalance, flags, complexity assessments, reductions.

Thin views: scope (accounts.scope) → selectors (database → SiteWorkload) → engine → template;
writes through services. Access as elsewhere (accounts.access): signed out → sign-in page;
outside one's scope or role → 403; unknown → 404.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from caseweight.accounts import scope
from caseweight.accounts.access import get_in_scope, require
from caseweight.distribution import selectors, services
from caseweight.distribution.reasons import reword
from caseweight.distribution.forms import ComplexityForm, DecisionForm, EndFlagForm, FlagForm, ReductionForm
from caseweight.distribution.models import CaseFlag, Reduction
from caseweight.engine.assignment import assign_cases, rebalance, recommend_officers, redistribute_absence
from caseweight.engine.load import CaseHours
from caseweight.organisation.models import Absence, Officer

MANAGERS = services.DECIDERS
CHART_MAX = 1.5  # the bar chart's scale runs to 150% utilisation


def _language() -> str:
    return "fr" if (get_language() or "en").startswith("fr") else "en"


def _is_manager(user) -> bool:
    return scope.role_of(user) in MANAGERS


def _managed_site(request, code):
    require(_is_manager(request.user))
    return get_in_scope(scope.sites_for(request.user), code=code)


def _pct(value) -> float | None:
    return None if value is None else value * 100


def _bars(rows: list[dict]) -> dict:
    """Geometry of the utilisation chart (inline SVG): one bar per officer."""
    width, label, row_h = 640, 150, 22
    plot = width - label - 60
    bars = []
    for i, row in enumerate(rows):
        value = row["utilisation"] or 0.0
        bars.append({
            **row,
            "y": 6 + i * row_h,
            "text_y": 6 + i * row_h + 12,
            "width": round(min(value, CHART_MAX) / CHART_MAX * plot, 1),
            "value_x": label + round(min(value, CHART_MAX) / CHART_MAX * plot, 1) + 4,
        })  # fmt: skip
    marks = [
        {"x": label + round(level / CHART_MAX * plot, 1), "pct": level * 100} for level in (1.0, 1.1)
    ]
    return {"bars": bars, "width": width, "label": label, "height": 6 + len(rows) * row_h + 18, "marks": marks,
            "axis_y": 6 + len(rows) * row_h + 14}  # fmt: skip


# --- overview -----------------------------------------------------------------------------------


@login_required
def overview(request):
    """Per region and nationally: officers amber (≥100%), red (≥110%) and in sustained overload;
    each site with its own counts, so the overloaded ones stand out."""
    policy = selectors.distribution_policy()
    sites = list(scope.sites_for(request.user).select_related("region").order_by("code"))
    by_site = selectors.site_status_counts(sites=sites, policy=policy)
    regions = []
    for region in scope.regions_for(request.user):
        mine = [{"site": site, **by_site[site.pk]} for site in sites if site.region_id == region.pk]
        if mine:
            regions.append({"region": region, "sites": mine, **selectors.sum_counts(mine)})
    return render(request, "distribution/overview.html", {
        "regions": regions, "national": selectors.sum_counts(by_site.values()),
        "can_manage": _is_manager(request.user), "language": _language(),
    })  # fmt: skip


# --- site and officer loads -----------------------------------------------------------------------


@login_required
def site_workload(request, code):
    site = get_in_scope(scope.sites_for(request.user), code=code)
    if scope.role_of(request.user) == "officer":
        return redirect("distribution_officer", code=request.user.officer.code)
    policy = selectors.distribution_policy()
    workload, loads = selectors.site_loads(site=site, policy=policy)
    # The counts and totals cover the site; the rows only the officers the user may see (a union
    # analyst none: never a row about one officer).
    shown = scope.shown_officer_codes(request.user, [row["load"].officer for row in loads])
    names = dict(Officer.objects.filter(site=site, code__in=shown).values_list("code", "name"))
    rows = [
        {
            "code": row["load"].officer, "name": names.get(row["load"].officer, ""), "load": row["load"],
            "utilisation": row["load"].utilisation, "pct": row["utilisation_pct"], "status": row["status"],
            "sustained": row["sustained"], "present": row["load"].present,
            "cases": len(row["load"].cases), "covering": len(row["load"].covering),
        }
        for row in loads if row["load"].officer in shown
    ]  # fmt: skip
    load_hours = sum(row["load"].load_hours for row in loads)
    capacity_hours = sum(row["load"].capacity_hours for row in loads)
    site_absences = (
        Absence.objects.filter(officer__site=site, end__gte=timezone.localdate()).select_related("officer")
        .annotate(cover_count=Count("covers")).order_by("start")
        if _is_manager(request.user) else []
    )  # fmt: skip
    return render(request, "distribution/site.html", {
        "site": site, "rows": rows, "chart": _bars(rows), "policy": policy, "period": workload.period,
        "unassigned": selectors.unassigned_cases(site=site).count() if scope.can_see_case_rows(request.user) else None,
        "can_manage": _is_manager(request.user), "absences": site_absences,
        "counts": selectors.load_row_counts(loads), "rows_hidden": len(rows) < len(loads),
        "load_hours": load_hours, "capacity_hours": capacity_hours,
        "site_pct": _pct(load_hours / capacity_hours) if capacity_hours else None,
    })  # fmt: skip


@login_required
def officer_load(request, code):
    officer = get_in_scope(scope.officers_for(request.user), code=code)
    policy = selectors.distribution_policy()
    workload = selectors.site_workload(site=officer.site)
    from caseweight.engine.load import officer_loads

    load = next((entry for entry in officer_loads(workload, policy) if entry.officer == officer.code), None)
    see_cases = scope.can_see_case_rows(request.user)
    hours = CaseHours(policy, workload.kind)
    by_ref = {c.ref: c for c in workload.cases}
    case_rows = []
    if load is not None and see_cases:
        for entry in load.cases:
            case = by_ref[entry.ref]
            case_rows.append({"ref": entry.ref, "hours": entry.hours, "level": case.level, "factors": sorted(case.factors),
                              "extra": case.extra_hours, "breakdown": hours.breakdown(case)})  # fmt: skip
    covering_rows = []
    if load is not None and see_cases and load.covering:
        names = dict(Officer.objects.filter(site=officer.site).values_list("code", "name"))
        until = selectors.cover_ends(officer=officer, refs=[c.ref for c in load.covering], period=workload.period)
        covering_rows = [{"ref": c.ref, "name": names.get(c.covering_for, c.covering_for), "until": until.get(c.ref),
                          "hours": c.hours} for c in load.covering]  # fmt: skip
    return render(request, "distribution/officer.html", {
        "officer": officer, "site": officer.site, "load": load, "case_rows": case_rows, "see_cases": see_cases,
        "covering_rows": covering_rows,
        "pct": _pct(load.utilisation) if load else None, "policy": policy, "can_manage": _is_manager(request.user),
        "reductions": Reduction.objects.filter(officer=officer).order_by("-start") if _is_manager(request.user) or
        (request.user.officer_id == officer.pk) else [],
        "flags": selectors.flags_for_cases(cases=scope.cases_for(request.user).filter(officer=officer)) if see_cases else [],
    })  # fmt: skip


# --- recommendation for one new case -------------------------------------------------------------


@login_required
def recommend_list(request, code):
    site = _managed_site(request, code)
    return render(request, "distribution/recommend_list.html", {
        "site": site, "cases": selectors.unassigned_cases(site=site),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def recommend(request, code, ref):
    site = _managed_site(request, code)
    case = get_in_scope(scope.cases_for(request.user).filter(site=site), ref=ref)
    if request.method == "POST":
        officer = Officer.objects.filter(site=site, code=request.POST.get("officer", "")).first()
        if officer is None:
            messages.error(request, _("Pick one of the officers listed."))
            return redirect("distribution_recommend", code=site.code, ref=case.ref)
        method = "recommendation" if request.POST.get("rank") == "1" else "manual"
        try:
            services.case_assign(case_id=case.pk, officer=officer, user=request.user, method=method)
        except services.DistributionError as error:
            messages.error(request, str(error))
            return redirect("distribution_recommend_list", code=site.code)
        messages.success(request, _("Case %(ref)s assigned to %(name)s.") % {"ref": case.ref, "name": officer.name})
        return redirect("distribution_recommend_list", code=site.code)
    if case.officer_id is not None:
        messages.info(request, _("Case %(ref)s is already assigned to %(officer)s.") % {
            "ref": case.ref, "officer": case.officer.name})  # fmt: skip
    policy = selectors.distribution_policy()
    workload = selectors.site_workload(site=site)
    names = dict(Officer.objects.filter(site=site).values_list("code", "name"))
    result = recommend_officers(workload, policy, case.ref).to_dict()
    for c in result["candidates"]:
        c["name"] = names.get(c["officer"], c["officer"])
        c["before_pct"] = _pct(c.get("utilisation_before"))
        c["after_pct"] = _pct(c.get("utilisation_after"))
        c["reasons"] = reword(c["reasons"], allowed=True)
    for e in result["excluded"]:
        e["name"] = names.get(e["officer"], e["officer"])
        e["reasons"] = reword(e["reasons"], allowed=False)
    return render(request, "distribution/recommend.html", {
        "site": site, "case": case, "result": result, "history": selectors.assignments_of(case=case)[:10],
    })  # fmt: skip


# --- plans: batch assignment, rebalance, redistribution -----------------------------------------


def _posted_moves(text: str, *, site) -> list[dict]:
    """The moves of a plan posted back by a page: only case, officer and from_officer are read, the
    rest of the plan being worked out again when it is written. ValueError (RecursionError for
    brackets nested too deep) unless it is a list of moves, each case at most once, no more moves
    than the site has cases."""
    plan = json.loads(text)
    moves = plan.get("assignments", []) if isinstance(plan, dict) else None
    if not isinstance(moves, list) or not all(
        isinstance(m, dict) and isinstance(m.get("case"), str) and isinstance(m.get("officer"), str)
        and isinstance(m.get("from_officer"), str | None) for m in moves
    ):  # fmt: skip
        raise ValueError("not a plan")
    if len({m["case"] for m in moves}) < len(moves) or len(moves) > site.cases.count():
        raise ValueError("a case twice, or more moves than cases")
    if any("\x00" in (m["case"] + m["officer"] + (m.get("from_officer") or "")) for m in moves):
        raise ValueError("a NUL character, which the database cannot compare")
    return [{"case": m["case"], "officer": m["officer"], "from_officer": m.get("from_officer")} for m in moves]


def _plan_page(request, *, site, title, method, make_plan, back, absence=None):
    if request.method == "POST":
        try:
            plan = {"assignments": _posted_moves(request.POST.get("plan", ""), site=site)}
            written = services.plan_apply(plan=plan, site_id=site.pk, user=request.user, method=method, absence=absence)
        except (ValueError, KeyError, TypeError, RecursionError):
            messages.error(request, _("The plan could not be read. Make it again."))
            return redirect(request.path)
        except services.DistributionError as error:
            messages.error(request, str(error))
            return redirect(request.path)
        if absence is not None:
            messages.success(request, ngettext(
                "%(count)d case covered until %(end)s.", "%(count)d cases covered until %(end)s.", len(written)
            ) % {"count": len(written), "end": date_format(absence.end, "DATE_FORMAT")})  # fmt: skip
        else:
            messages.success(request, ngettext(
                "%(count)d assignment written.", "%(count)d assignments written.", len(written)
            ) % {"count": len(written)})  # fmt: skip
        return redirect(back)
    workload = (selectors.site_workload(site=site, as_of=absence.start, absences_through=absence.end) if absence
                else selectors.site_workload(site=site))  # fmt: skip
    plan = make_plan(workload, selectors.distribution_policy()).to_dict()
    plan_json = json.dumps(plan, default=str)  # before the page adds its wording
    names = dict(Officer.objects.filter(site=site).values_list("code", "name"))
    for o in plan["officers"]:
        o["name"] = names.get(o["officer"], o["officer"])
        o["before_pct"], o["after_pct"] = _pct(o.get("utilisation_before")), _pct(o.get("utilisation_after"))
    for a in plan["assignments"]:
        a["name"] = names.get(a["officer"], a["officer"])
        a["reasons"] = reword(a["reasons"], allowed=True)
    for c in plan.get("already_covered", []):
        c["name"] = names.get(c["officer"], c["officer"])
    for u in plan["unassignable"]:
        u["why"] = [
            {"name": names.get(x["officer"], x["officer"]), "reasons": reword(x["reasons"], allowed=False)}
            for x in u.get("exclusions", [])
        ]
    return render(request, "distribution/plan.html", {
        "site": site, "title": title, "plan": plan, "plan_json": plan_json, "absence": absence,
        "max_before": _pct(plan.get("max_utilisation_before")), "max_after": _pct(plan.get("max_utilisation")),
        "bound_pct": _pct(plan.get("lower_bound")), "gap_points": _pct(plan.get("gap")),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def batch_assign(request, code):
    site = _managed_site(request, code)
    return _plan_page(request, site=site, title=_("Assign the new cases"), method="batch",
                      make_plan=lambda w, p: assign_cases(w, p), back=reverse("distribution_site", args=[site.code]))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def rebalance_site(request, code):
    site = _managed_site(request, code)
    return _plan_page(request, site=site, title=_("Rebalance the caseloads"), method="rebalance",
                      make_plan=lambda w, p: rebalance(w, p, time_limit=2.0), back=reverse("distribution_site", args=[site.code]))  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def redistribute(request, pk):
    absence = get_object_or_404(Absence.objects.select_related("officer__site"), pk=pk)
    site = _managed_site(request, absence.officer.site.code)
    officer = absence.officer

    def make(workload, policy):
        return redistribute_absence(workload, policy, officer.code, absence.start, absence.end)

    if officer.code not in {o.code for o in selectors.site_workload(site=site).officers}:
        messages.error(request, _("%(name)s carries no caseload: nothing to redistribute.") % {"name": officer.name})
        return redirect("distribution_site", code=site.code)
    return _plan_page(request, site=site, title=_("Share out %(name)s's cases while absent") % {"name": officer.name},
                      method="redistribution", make_plan=make, back=reverse("distribution_site", args=[site.code]),
                      absence=absence)  # fmt: skip


# --- flags -----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def case_flags(request, ref):
    require(scope.can_see_case_rows(request.user))
    case = get_in_scope(scope.cases_for(request.user), ref=ref)
    is_own = scope.role_of(request.user) == "officer" and case.officer_id == request.user.officer_id
    form = FlagForm(request.POST or None) if is_own else None
    if request.method == "POST":
        if not is_own:
            raise PermissionDenied
        if form.is_valid():
            services.flag_raise(case=case, user=request.user, hours=form.cleaned_data["hours"],
                                reason=form.cleaned_data["reason"])  # fmt: skip
            messages.success(request, _("Flag sent to your supervisor."))
            return redirect("distribution_flags", ref=case.ref)
    flags = list(selectors.flags_for_cases(cases=type(case).objects.filter(pk=case.pk)))
    if _is_manager(request.user):
        for flag in flags:  # one form a flag, each with its own field ids so its labels point at its fields
            flag.decision_form = DecisionForm(auto_id=f"id_{flag.pk}_%s")
            flag.end_form = EndFlagForm(auto_id=f"id_end_{flag.pk}_%s")
    return render(request, "distribution/flags.html", {
        "case": case, "form": form, "flags": flags, "can_decide": _is_manager(request.user),
    })  # fmt: skip


@login_required
@require_http_methods(["POST"])
def flag_decide(request, pk):
    require(_is_manager(request.user))
    flag = get_object_or_404(CaseFlag.objects.select_related("case"), pk=pk)
    get_in_scope(scope.cases_for(request.user), pk=flag.case_id)
    form = (EndFlagForm if request.POST.get("decision") == "ended" else DecisionForm)(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("distribution_flags", ref=flag.case.ref)
    try:
        services.flag_decide(flag=flag, user=request.user, decision=form.cleaned_data["decision"],
                             hours=form.cleaned_data.get("hours"), note=form.cleaned_data.get("note", ""))  # fmt: skip
    except services.FlagStateError as error:
        messages.error(request, str(error))
        return redirect("distribution_flags", ref=flag.case.ref)
    except services.DistributionError as error:
        raise PermissionDenied(str(error)) from None
    messages.success(request, _("Decision recorded."))
    return redirect("distribution_flags", ref=flag.case.ref)


@login_required
def site_flags(request, code):
    site = _managed_site(request, code)
    flags = selectors.flags_for_cases(cases=scope.cases_for(request.user).filter(site=site))
    return render(request, "distribution/site_flags.html", {"site": site, "flags": flags})


# --- complexity ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complexity(request, ref):
    require(_is_manager(request.user))
    case = get_in_scope(scope.cases_for(request.user), ref=ref)
    policy = selectors.distribution_policy()
    factors = selectors.factor_minutes(policy=policy, language=_language())
    choices = [(code, _("%(label)s (+%(minutes)s min a month)") % {"label": label, "minutes": f"{minutes:g}"})
               for code, label, minutes in factors]  # fmt: skip
    form = ComplexityForm(request.POST or None, factor_choices=choices, initial={"factors": case.factor_list})
    if request.method == "POST" and form.is_valid():
        services.assessment_record(case=case, factors=form.cleaned_data["factors"], user=request.user,
                                   note=form.cleaned_data["note"])  # fmt: skip
        messages.success(request, _("Assessment recorded."))
        return redirect("distribution_complexity", ref=case.ref)
    return render(request, "distribution/complexity.html", {
        "case": case, "form": form, "history": selectors.assessments_of(case=case), "policy": policy,
    })  # fmt: skip


# --- reductions -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def reductions(request, code):
    site = _managed_site(request, code)
    officers = Officer.objects.filter(site=site).order_by("code")
    form = ReductionForm(request.POST or None, officer_choices=[(o.code, f"{o.code} — {o.name}") for o in officers])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.reduction_record(officer=officers.get(code=data["officer"]), hours_per_week=data["hours_per_week"],
                                  reason=data["reason"], start=data["start"], end=data["end"], user=request.user)  # fmt: skip
        messages.success(request, _("Reduction recorded."))
        return redirect("distribution_reductions", code=site.code)
    return render(request, "distribution/reductions.html", {
        "site": site, "form": form,
        "reductions": Reduction.objects.filter(officer__site=site).select_related("officer", "recorded_by"),
        "today": timezone.localdate(),
    })  # fmt: skip


@login_required
@require_http_methods(["POST"])
def reduction_end(request, pk):
    reduction = get_object_or_404(Reduction.objects.select_related("officer__site"), pk=pk)
    site = _managed_site(request, reduction.officer.site.code)
    try:
        end = dt.date.fromisoformat(request.POST.get("end", ""))
        services.reduction_end(reduction=reduction, end=end)
    except ValueError:
        messages.error(request, _("Give the last day of the reduction as a date."))
    except services.DistributionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Reduction ended on %(end)s.") % {"end": date_format(end, "DATE_FORMAT")})
    return redirect("distribution_reductions", code=site.code)
