"""Staffing pages: dashboard (national → region → site), explanation, comparison, policies.

Thin views: scope (accounts.scope) → selectors (database → engine inputs) → engine → template.
Everything here is aggregate: whoever may see a site may see its staffing (scope.sites_for), a
union analyst everywhere; no page shows a case row or a case reference, except the week's cover
page (coverage), which names officers and case references to the roles that may see them
(scope.shown_officer_codes: an officer their own) and gives the others its counts and hours only.
Access as in the rest of the app (accounts.access): signed out → sign-in page; outside one's
scope → 403; unknown → 404.
"""

from __future__ import annotations

import datetime as dt
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caseweight.accounts import scope
from caseweight.accounts.access import get_in_scope, require
from caseweight.engine import (
    ALL_METHODS,
    InputError,
    Policy,
    PolicyError,
    explain_site,
    overload_curve,
    staffing_report,
    weekly_load_history,
)
from caseweight.organisation.models import Region, Site
from caseweight.staffing import charts, reports, selectors, services
from caseweight.staffing.forms import PolicyUploadForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METHODS = ("ratio", "time")
EXPLAIN_METHODS = ("ratio", "time", "resilient")
EXPOSURE_TOP = 25
EXPOSURE_SORTS = ("p_overload", "uncovered")


def _shows_data_errors(view):
    """Data the engine refuses (e.g. a community case left at a site changed into an institution)
    gives a page that names the table, row and column at fault, not a server error."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InputError as error:
            return render(request, "staffing/data_error.html", {"error": error}, status=409)

    return wrapper


def _language() -> str:
    return "fr" if (get_language() or "en").startswith("fr") else "en"


def _policy_from(request, param: str = "policy", default: str | None = None) -> tuple[Policy, str | None]:
    """The policy named in the query string, else the default. A name that does not load (a file
    removed or broken since the link was made) falls back to the default, with the reason."""
    name = request.GET.get(param) or default or settings.DEFAULT_POLICY
    try:
        return selectors.policy_by_name(name), None
    except PolicyError as error:  # its message names no folder (engine.policy.PolicyError)
        problem = _("Policy %(name)s cannot be used (%(error)s): showing %(default)s instead.") % {
            "name": name[:64], "error": error, "default": settings.DEFAULT_POLICY,
        }  # fmt: skip
        return selectors.policy_by_name(settings.DEFAULT_POLICY), problem


def _policy_choices() -> list[tuple[str, str]]:
    """(name, title) of every valid policy, for the selector; invalid files are on the policies page."""
    language = _language()
    return [
        (entry.name, (entry.title_fr if language == "fr" and entry.title_fr else entry.title_en) or entry.name)
        for entry in selectors.policy_list()
        if not entry.error
    ]


def _policy_context(policy: Policy) -> dict:
    counts = reports.status_counts(policy)
    return {
        "policy": policy,
        "policy_title": policy.title(_language()),
        "policy_choices": _policy_choices(),
        "illustrative_count": counts.get("illustrative", 0),
        "unsourced_count": counts.get("unsourced", 0),
        "number_count": sum(counts.values()),
    }


def _download_xlsx(content: bytes, *, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{timezone.localdate().isoformat()}.xlsx"'
    return response


# --- sortable tables -------------------------------------------------------------------------------


def _sort_links(keep: dict, current: str, keys) -> dict[str, dict]:
    """For each sortable column: the link that sorts by it (again: the other way) and its aria-sort."""
    links = {}
    for key in keys:
        if current.lstrip("-") == key:
            following = key if current.startswith("-") else f"-{key}"
            descending = (key not in reports.TEXT_KEYS) != current.startswith("-")
            state = "descending" if descending else "ascending"
        else:
            following, state = key, "none"
        links[key] = {"url": "?" + urlencode({**keep, "sort": following}), "aria": state}
    return links


# --- the dashboard: national, region, site ----------------------------------------------------------


def _chart_bars(rows: list[dict], *, method: str, name_key: str, labels: dict, url_name: str, keep: dict) -> list[charts.Bar]:
    bars = []
    for row in rows:
        figures = row.get(method)
        if not figures or (name_key == "region" and method == "ratio" and not figures["sites"]):
            continue  # no figure by this method (a parole office has no ratio): the table says why
        code = row[name_key]
        url = reverse(url_name, args=[code]) + "?" + urlencode(keep)
        bars.append(charts.Bar(labels.get(code, code), figures["gap_fte"], url))
    return sorted(bars, key=lambda bar: (-bar.value, bar.label))


def _staffing_page(request, *, sites, region: Region | None = None, site: Site | None = None):
    """The dashboard at one level. `sites` is already narrowed to the user's scope."""
    policy, policy_error = _policy_from(request)
    sort = request.GET.get("sort", "")
    chart_method = request.GET.get("chart") if request.GET.get("chart") in METHODS else "ratio"

    data = staffing_report(selectors.staffing_inputs(sites=sites), policy).to_dict()
    site_rows, sort = reports.sort_rows(data["sites"], sort)
    region_rows, _sort = reports.sort_rows(data["regions"], sort, name_key="region")
    level = "site" if site else "region" if region else "national"
    # On screen, and so in the workbook: the national line on the national page only, the region
    # line on the national and region pages.
    shown = {
        **data,
        "sites": site_rows,
        "regions": [] if site else region_rows,
        "national": data["national"] if level == "national" else None,
    }
    if request.GET.get("format") == "xlsx":
        code = site.code if site else region.code if region else "national"
        return _download_xlsx(reports.xlsx_bytes(shown), stem=f"caseweight-staffing-{code}-{policy.name}")

    language = _language()
    site_names = dict(sites.values_list("code", "name"))
    region_names = {r.code: r.display_name(language) for r in Region.objects.filter(code__in=[r["region"] for r in data["regions"]])}
    for row in site_rows:
        row["name"] = site_names.get(row["site"], row["site"])
    for row in region_rows:
        row["name"] = region_names.get(row["region"], row["region"])

    keep = {"policy": policy.name}  # what every link of the page carries along
    chart_keep = {**keep, "chart": chart_method}
    method_label = _("ratio method") if chart_method == "ratio" else _("time-standard method")
    context = {
        **_policy_context(policy),
        "policy_error": policy_error,
        "level": level,
        "region": region,
        "site": site,
        "sites": site_rows,
        "regions": region_rows,
        "national": data["national"],
        "sort": sort,
        "hidden": [("sort", sort), ("chart", chart_method)],
        "scoped": scope.role_of(request.user) not in ("national_analyst", "union_analyst"),
        "sort_links": _sort_links({**keep, "chart": chart_method}, sort, reports.SORT_KEYS),
        "keep_query": urlencode(keep),
        "chart_method": chart_method,
        "chart_links": {m: "?" + urlencode({**keep, "sort": sort, "chart": m}) for m in METHODS},
        "xlsx_query": urlencode({**keep, "sort": sort, "format": "xlsx"}),
    }
    if level == "national" and len(region_rows) > 1:
        bars = _chart_bars(region_rows, method=chart_method, name_key="region", labels=region_names,
                           url_name="staffing_region", keep=chart_keep)  # fmt: skip
        context["region_chart"] = charts.gap_chart(
            bars, chart_id="gap-by-region",
            title=_("Gap by region, %(method)s, in FTE") % {"method": method_label},
            description=_("Required minus actual FTE for each region, largest shortfall first; the table below gives the same figures."),
        )  # fmt: skip
    if level != "site":
        bars = _chart_bars(site_rows, method=chart_method, name_key="site", labels={}, url_name="staffing_site", keep=keep)
        context["site_chart"] = charts.gap_chart(
            bars, chart_id="gap-by-site",
            title=_("Gap by site, %(method)s, in FTE") % {"method": method_label},
            description=_("Required minus actual FTE for each site, largest shortfall first; the table below gives the same figures."),
        )  # fmt: skip
        context["sites_without_chart"] = len(site_rows) - len(bars)
    else:
        row = site_rows[0]
        bars = [
            charts.Bar(_("Ratio method"), row["ratio"]["gap_fte"]) if row.get("ratio") else None,
            charts.Bar(_("Time-standard method"), row["time"]["gap_fte"]),
        ]
        context["site_row"] = row
        context["site_chart"] = charts.gap_chart(
            [bar for bar in bars if bar], chart_id="gap-by-method",
            title=_("Gap of %(site)s by method, in FTE") % {"site": site.code},
            description=_("Required minus actual FTE by each method; the table gives the same figures."),
        )  # fmt: skip
    return render(request, "staffing/dashboard.html", context)


@login_required
@require_GET
@_shows_data_errors
def dashboard(request):
    return _staffing_page(request, sites=scope.sites_for(request.user))


@login_required
@require_GET
@_shows_data_errors
def region_staffing(request, code):
    user = request.user
    region = get_in_scope(scope.regions_for(user), code=code)
    return _staffing_page(request, sites=scope.sites_for(user).filter(region=region), region=region)


@login_required
@require_GET
@_shows_data_errors
def site_staffing(request, code):
    site = get_in_scope(scope.sites_for(request.user).select_related("region"), code=code)
    return _staffing_page(request, sites=Site.objects.filter(pk=site.pk), region=site.region, site=site)


# --- the explanation of one site's figure --------------------------------------------------------------


def _explanation_rows(lines, policy: Policy) -> list[dict]:
    """The explanation tree as table rows, parents before children, each with its depth, its
    parent's id and the status and source of every policy key behind it."""
    rows: list[dict] = []

    def walk(line, depth: int, ident: str, parent: str) -> None:
        citations = []
        for key in line.keys:
            cited = policy.cited.get(key)
            citations.append({"key": key, "cited": cited})
        rows.append(
            {
                "id": ident,
                "parent": parent,
                "depth": min(depth, 6),
                "line": line,
                "numbers": list(line.numbers.items()),
                "citations": citations,
                "has_children": bool(line.children),
            }
        )
        for i, child in enumerate(line.children):
            walk(child, depth + 1, f"{ident}-{i}", ident)

    for i, line in enumerate(lines):
        walk(line, 0, f"line-{i}", "")
    return rows


@login_required
@require_GET
@_shows_data_errors
def explain(request, code):
    site = get_in_scope(scope.sites_for(request.user).select_related("region"), code=code)
    policy, policy_error = _policy_from(request)
    method = request.GET.get("method") if request.GET.get("method") in EXPLAIN_METHODS else "ratio"
    # One site's inputs: an explanation reads that site's own cases only (and its absences, for
    # the resilient method).
    inputs = selectors.staffing_inputs(sites=Site.objects.filter(pk=site.pk), absences=method == "resilient")
    options = {}
    alpha, alpha_error = None, None
    if method == "resilient":
        alpha, alpha_error = _alpha_from(request, policy)
        options["alpha"] = alpha
    explanation = explain_site(inputs, policy, site.code, method=method, language=_language(), **options)
    keep = {"policy": policy.name}
    context = {
        **_policy_context(policy),
        "policy_error": policy_error,
        "site": site,
        "region": site.region,
        "method": method,
        "hidden": [("method", method)],
        "explanation": explanation,
        "rows": _explanation_rows(explanation.lines, policy),
        "method_links": {m: "?" + urlencode({**keep, "method": m}) for m in EXPLAIN_METHODS},
        "keep_query": urlencode(keep),
        "alpha": alpha,
        "alpha_error": alpha_error,
    }
    return render(request, "staffing/explain.html", context)


# --- resilient staffing: absences, the exposed sites, a week's cover ---------------------------------


def _alpha_from(request, policy: Policy) -> tuple[float, str | None]:
    """?alpha= (a share of weeks, 0 < alpha < 1; "5%" style accepted as 5), else the policy's."""
    default = float(policy.alpha.value)
    text = (request.GET.get("alpha") or "").strip().rstrip("%")
    if not text:
        return default, None
    try:
        alpha = float(text)
    except ValueError:
        alpha = -1.0
    if 1 <= alpha < 100:
        alpha /= 100  # given as a percentage
    if not 0 < alpha < 1:
        return default, _("Alpha must be a share of weeks between 0 and 1 (for example 0.05): using the policy's %(alpha)s.") % {
            "alpha": f"{default:g}"
        }
    return alpha, None


ALPHA_CHOICES = (0.01, 0.02, 0.05, 0.10, 0.20)


def _percent(value: float | None) -> str:
    """A share as a percentage in the page's language (5.0% / 5,0%), for chart labels."""
    return "—" if value is None else f"{number_format(value * 100, 1)}%"


@login_required
@require_GET
@_shows_data_errors
def resilience(request, code):
    """One site: P(overload) against N, the load per officer at work over the past year, the three
    FTE figures (minimum, relief factor, resilient) side by side, and what staffing to the
    minimum costs. Aggregate: no officer or case is named."""
    site = get_in_scope(scope.sites_for(request.user).select_related("region"), code=code)
    policy, policy_error = _policy_from(request)
    alpha, alpha_error = _alpha_from(request, policy)
    inputs = selectors.staffing_inputs(sites=Site.objects.filter(pk=site.pk), absences=True)
    data = staffing_report(inputs, policy, methods=ALL_METHODS, alpha=alpha).to_dict()
    row = data["sites"][0]
    figures = row["resilient"]
    curve = overload_curve(inputs, policy, site.code, alpha=alpha)
    history = weekly_load_history(inputs, policy, site.code)
    week_hours = history["week_hours"]
    required = curve["required_fte"]
    officers_now = curve["officers_now"]
    overload_svg = charts.overload_chart(
        curve["points"], alpha=alpha, officers_now=officers_now, required=None if required is None else int(required),
        chart_id="overload-curve",
        title=_("Chance that a week overloads the officers at work, against the number of officers, %(site)s") % {"site": site.code},
        description=_("One point per number of full-time officers: the share of weeks in which the weekly workload per "
                      "officer at work exceeds %(hours)s hours. The dashed line is alpha; today's staff and the resilient "
                      "number are marked. The table below gives the same figures.") % {"hours": f"{week_hours:g}"},
        labels={
            "now": _("today: %(n)s officers") % {"n": officers_now},
            "required": _("resilient: %(n)s officers") % {"n": "—" if required is None else int(required)},
            "alpha": _("alpha %(alpha)s") % {"alpha": _percent(alpha)},
            "x_axis": _("full-time officers (N)"),
            "y_axis": _("P(overload)"),
            "point": _("%(officers)s officers: overload in %(p)s of weeks"),
        },
    )  # fmt: skip
    history_svg = charts.load_history_chart(
        history["weeks"], week_hours=week_hours, chart_id="load-history",
        title=_("Weekly workload per officer at work over the past year, %(site)s") % {"site": site.code},
        description=_("One bar per week from the absence records: today's weekly workload divided by the FTE at work "
                      "that week; bars above the %(hours)s-hour line are hours nobody is paid for. The table below "
                      "gives the same figures.") % {"hours": f"{week_hours:g}"},
        labels={
            "x_axis": _("ISO week"),
            "y_axis": _("hours per FTE at work"),
            "week_line": _("%(hours)s h paid week") % {"hours": f"{week_hours:g}"},
            "bar": _("%(week)s: %(hours)s h per FTE at work, %(away)s FTE away"),
            "nobody": _("%(week)s: nobody at work"),
        },
    )  # fmt: skip
    keep = {"policy": policy.name}
    weeks_over = sum(1 for w in history["weeks"] if (w["hours_over_per_fte_at_work"] or 0) > 1e-9)
    context = {
        **_policy_context(policy),
        "policy_error": policy_error,
        "site": site,
        "region": site.region,
        "row": row,
        "figures": figures,
        "reason": row.get("resilient_reason"),
        "resilience": data["resilience"],
        "alpha": alpha,
        "alpha_error": alpha_error,
        "alpha_choices": sorted({*ALPHA_CHOICES, alpha}),
        "hidden": [],
        "curve": curve,
        "history": history,
        "weeks_over": weeks_over,
        "overload_chart": overload_svg,
        "history_chart": history_svg,
        "keep_query": urlencode(keep),
        "explain_query": urlencode({**keep, "method": "resilient", "alpha": alpha}),
        "coverage_query": urlencode(keep),
    }
    return render(request, "staffing/resilience.html", context)


@login_required
@require_GET
@_shows_data_errors
def exposure(request):
    """The sites most exposed to absences (top 25): by P(overload) at today's staff or by the
    uncovered hours a year, in the user's scope, optionally one region. Aggregate."""
    user = request.user
    policy, policy_error = _policy_from(request)
    alpha, alpha_error = _alpha_from(request, policy)
    sort = request.GET.get("sort") if request.GET.get("sort") in EXPOSURE_SORTS else "p_overload"
    regions = list(scope.regions_for(user).order_by("code"))
    region_code = request.GET.get("region") or ""
    sites = scope.sites_for(user)
    if region_code:
        if region_code not in {r.code for r in regions}:
            raise Http404
        sites = sites.filter(region__code=region_code)
    data = staffing_report(selectors.staffing_inputs(sites=sites, absences=True), policy,
                           methods=("resilient",), alpha=alpha).to_dict()  # fmt: skip
    names = dict(sites.values_list("code", "name"))
    rows = []
    for row in data["sites"]:
        figures = row.get("resilient")
        if not figures:
            continue
        rows.append({"site": row["site"], "name": names.get(row["site"], row["site"]), "region": row["region"],
                     "kind": row["kind"], "cases": row["cases"], **figures})  # fmt: skip

    def key(row):
        primary = row["p_overload_now"] if sort == "p_overload" else row["uncovered_hours_year_now"]
        secondary = row["uncovered_hours_year_now"] if sort == "p_overload" else row["p_overload_now"]
        return (-(primary or 0.0), -(secondary or 0.0), row["site"])

    rows.sort(key=key)
    keep = {"policy": policy.name, "alpha": alpha, "region": region_code}
    language = _language()
    context = {
        **_policy_context(policy),
        "policy_error": policy_error,
        "alpha": alpha,
        "alpha_error": alpha_error,
        "alpha_choices": sorted({*ALPHA_CHOICES, alpha}),
        "rows": rows[:EXPOSURE_TOP],
        "total_sites": len(rows),
        "top": min(EXPOSURE_TOP, len(rows)),
        "sort": sort,
        "sort_links": {s: "?" + urlencode({**keep, "sort": s}) for s in EXPOSURE_SORTS},
        "regions": [(r.code, r.display_name(language)) for r in regions],
        "region_code": region_code,
        "hidden": [("sort", sort), ("region", region_code), ("alpha", repr(alpha))],
        "keep_query": urlencode({"policy": policy.name}),
        "national": data["national"].get("resilient"),
        "resilience": data["resilience"],
    }
    return render(request, "staffing/exposure.html", context)


@login_required
@require_GET
@_shows_data_errors
def coverage(request, code):
    """One site's week (?week=2026-W48, default this week): who is at work and away, the cases of
    the officers away, the load per officer at work. The counts and hours cover the site; officers'
    rows and case references only those the user may see (scope.shown_officer_codes)."""
    user = request.user
    site = get_in_scope(scope.sites_for(user).select_related("region"), code=code)
    policy, policy_error = _policy_from(request)
    week_error = None
    try:
        iso_year, iso_week = selectors.parse_iso_week(request.GET.get("week"))
    except selectors.WeekOutOfRange:
        week_error = _("%(week)s is outside the years %(first)d to %(last)d: showing this week.") % {
            "week": request.GET.get("week"), "first": selectors.FIRST_YEAR, "last": selectors.LAST_YEAR}  # fmt: skip
        iso_year, iso_week = selectors.parse_iso_week(None)
    except ValueError:
        week_error = _("%(week)s is not an ISO week (for example 2026-W48): showing this week.") % {"week": request.GET.get("week")}
        iso_year, iso_week = selectors.parse_iso_week(None)
    share = "even" if request.GET.get("share") == "even" else "fte"
    result = selectors.site_week_coverage(site=site, iso_year=iso_year, iso_week=iso_week, policy=policy, share=share)
    result["absent_case_count"] = len(result["absent_cases"])
    result["case_count"] = sum(row["cases"] for row in result["officers"])
    # The figures above cover the whole site; the rows only the officers the user may see (an
    # officer their own row and cases, a union analyst none): nothing else leaves the view.
    codes = [row["code"] for row in result["officers"]]
    shown = scope.shown_officer_codes(user, codes)
    result["officers"] = [row for row in result["officers"] if row["code"] in shown]
    result["absent_cases"] = [case for case in result["absent_cases"] if case["officer"] in shown]
    week = f"{iso_year}-W{iso_week:02d}"
    monday = dt.date.fromisocalendar(iso_year, iso_week, 1)
    previous = (monday - dt.timedelta(7)).isocalendar()
    following = (monday + dt.timedelta(7)).isocalendar()
    keep = {"policy": policy.name}
    context = {
        **_policy_context(policy),
        "policy_error": policy_error,
        "week_error": week_error,
        "site": site,
        "region": site.region,
        "coverage": result,
        "show_rows": bool(shown),
        "own_row_only": bool(shown) and len(shown) < len(codes),
        "week": week,
        "share": share,
        "hidden": [("week", week), ("share", share)],
        "previous_query": urlencode({**keep, "week": f"{previous[0]}-W{previous[1]:02d}", "share": share}),
        "next_query": urlencode({**keep, "week": f"{following[0]}-W{following[1]:02d}", "share": share}),
        "keep_query": urlencode(keep),
    }
    return render(request, "staffing/coverage.html", context)


# --- two policies side by side ------------------------------------------------------------------------


@login_required
@require_GET
@_shows_data_errors
def compare(request):
    user = request.user
    choices = _policy_choices()
    other = next((name for name, _title in choices if name != settings.DEFAULT_POLICY), settings.DEFAULT_POLICY)
    policy_a, error_a = _policy_from(request, "a")
    policy_b, error_b = _policy_from(request, "b", default=other)
    method = request.GET.get("method") if request.GET.get("method") in METHODS else "ratio"

    sites = scope.sites_for(user)
    inputs = selectors.staffing_inputs(sites=sites)  # read once, sized under both policies
    report_a = staffing_report(inputs, policy_a, methods=(method,)).to_dict()
    report_b = staffing_report(inputs, policy_b, methods=(method,)).to_dict()
    language = _language()
    site_names = dict(sites.values_list("code", "name"))
    region_names = {r.code: r.display_name(language) for r in scope.regions_for(user)}
    site_rows = reports.compare_rows(report_a["sites"], report_b["sites"], method=method, name_key="site")
    region_rows = reports.compare_rows(report_a["regions"], report_b["regions"], method=method, name_key="region")
    national = reports.compare_rows([report_a["national"] | {"region": ""}], [report_b["national"] | {"region": ""}],
                                    method=method, name_key="region")[0]  # fmt: skip
    for row in site_rows:
        row["name"] = site_names.get(row["site"], row["site"])
    for row in region_rows:
        row["name"] = region_names.get(row["region"], row["region"])
    weak = {name: reports.status_counts(p).get("illustrative", 0) for name, p in (("a", policy_a), ("b", policy_b))}
    context = {
        "policy_a": policy_a,
        "policy_b": policy_b,
        "title_a": policy_a.title(language),
        "title_b": policy_b.title(language),
        "policy_errors": [e for e in (error_a, error_b) if e],
        "policy_choices": choices,
        "method": method,
        "sites": site_rows,
        "regions": region_rows,
        "national": national,
        "illustrative": weak,
    }
    return render(request, "staffing/compare.html", context)


# --- policies -------------------------------------------------------------------------------------


@login_required
@require_GET
def policy_list(request):
    language = _language()
    can_upload = scope.can_upload_policies(request.user)
    uploads = selectors.policy_uploads() if can_upload else {}  # who uploaded what: for the uploaders
    entries = [
        {
            "entry": entry,
            "title": (entry.title_fr if language == "fr" and entry.title_fr else entry.title_en) or entry.name,
            "upload": None if entry.shipped else uploads.get(entry.name),
        }
        for entry in selectors.policy_list()
    ]
    return render(request, "staffing/policy_list.html", {"entries": entries, "can_upload": can_upload})


@login_required
@require_GET
def policy_detail(request, name):
    entry = next((e for e in selectors.policy_list() if e.name == name), None)
    if entry is None:
        raise Http404
    can_upload = scope.can_upload_policies(request.user)
    upload = selectors.policy_uploads().get(name) if can_upload and not entry.shipped else None
    context = {"entry": entry, "can_upload": can_upload, "upload": upload}
    if entry.error is None:
        try:
            policy = selectors.policy_by_name(name)
        except PolicyError as error:  # changed on disk since it was listed
            entry_error = str(error)
            policy = None
        else:
            entry_error = None
    else:
        policy, entry_error = None, entry.error
    if policy is not None:
        # One table per top-level key (ratios, time, allowances...), in the policy's own order, so a
        # section the engine adds later is shown too: every number of the policy is on the page.
        sections: dict[str, list[dict]] = {}
        for number in policy.sources():
            sections.setdefault(number["key"].split(".")[0], []).append(number)
        context.update(
            {
                **_policy_context(policy),
                "description": policy.description_fr if _language() == "fr" and policy.description_fr else policy.description_en,
                "sections": list(sections.items()),
                "status_counts": sorted(reports.status_counts(policy).items()),
            }
        )
    context["entry_error"] = entry_error
    return render(request, "staffing/policy_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def policy_upload(request):
    require(scope.can_upload_policies(request.user))
    problems = None
    if request.method == "POST":
        form = PolicyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                saved = services.policy_save(
                    content=upload.read(services.max_policy_bytes() + 1),
                    file_name=upload.name,
                    user=request.user,
                    replace=form.cleaned_data["replace"],
                )
            except services.PolicyRejected as rejected:
                problems = rejected.problems
            else:
                messages.success(request, _("Policy %(name)s saved.") % {"name": saved.policy.name})
                return redirect("staffing_policy_detail", name=saved.policy.name)
    else:
        form = PolicyUploadForm()
    return render(
        request,
        "staffing/policy_upload.html",
        {"form": form, "problems": problems, "max_kb": settings.MAX_POLICY_KB},
    )
