"""Reads for staffing: engine inputs from the database, and the policies users may choose.

The engine takes arrays (caseweight.engine.inputs). Rather than one Python object per case, the
database groups the open cases by (site, level, factors) and the officers by (site, role, FTE)
and counts them; the arrays are those groups repeated by their counts. A national data set of
about 22,000 cases comes back as a few hundred rows, in four queries whatever its size.

Callers pass a queryset of sites already narrowed by accounts.scope; these functions only read.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Count, QuerySet
from django.utils import timezone

from caseweight import codes
from caseweight.cases.models import Case
from caseweight.engine import (
    LEVELS,
    Policy,
    PolicyFile,
    StaffingInputs,
    inputs_from_arrays,
    list_policies,
    load_policy,
)
from caseweight.engine.inputs import factor_mask, security_mask
from caseweight.engine.policy import SHIPPED_DIR, find_policy_file
from caseweight.organisation.models import Absence, Officer, Region, Site
from caseweight.staffing.models import UserPolicy

ABSENCE_WINDOW_WEEKS = 52  # the engine's window (caseweight.engine.absence): the 52 weeks before as_of

_LEVEL_INDEX = {level: i for i, level in enumerate(LEVELS)}
_ROLE_INDEX = {role: i for i, role in enumerate(codes.OFFICER_ROLES)}


def staffing_inputs(
    *, sites: QuerySet[Site] | None = None, absences: bool = False, as_of: dt.date | None = None
) -> StaffingInputs:
    """Engine inputs for `sites` (default: every site), counting open cases (closed is null) and
    the officers of those sites. Regions are listed in code order; only those holding one of the
    sites, except with every site, when every region is (an empty region shows as zeros).

    With `absences` (what the resilient method reads; the ratio and time methods do not, so
    they are left out by default): one more query, of the records of those sites' officers that
    overlap the window the engine reads (the 52 weeks before `as_of`, default today, plus the
    current week, which the coverage and history charts may show), passed by site index
    (officers are grouped, not listed one by one); `as_of` goes to the engine with them."""
    all_sites = sites is None
    sites = (Site.objects.all() if all_sites else sites).order_by("code")
    site_rows = list(sites.values_list("pk", "code", "region__code", "kind", "security_levels"))
    index = {pk: i for i, (pk, *_rest) in enumerate(site_rows)}
    region_codes = {row[2] for row in site_rows}
    regions = [
        code for code in Region.objects.order_by("code").values_list("code", flat=True) if all_sites or code in region_codes
    ]

    # The same site filter in the officer and case queries, as a subquery: no list of ids in SQL.
    site_ids = sites.values("pk")
    officer_groups = list(
        Officer.objects.filter(site__in=site_ids).order_by().values_list("site_id", "role", "fte").annotate(n=Count("pk"))
    )
    case_groups = list(
        Case.objects.filter(site__in=site_ids, closed__isnull=True)
        .order_by()
        .values_list("site_id", "security_level", "supervision_level", "factors")
        .annotate(n=Count("pk"))
    )

    # A site's levels may change while cases at a level it no longer holds are still open (the
    # site page lists them too). The site still carries those cases: count them at their level,
    # as if the site held it, rather than refuse the whole report.
    masks = [security_mask(codes.parse_code_list(row[4], codes.SECURITY_LEVELS, what="")) for row in site_rows]
    for site_id, security_level, *_rest in case_groups:
        i = index[site_id]
        if security_level and site_rows[i][3] == "institution":
            masks[i] |= security_mask([security_level])

    officer_counts = np.array([row[3] for row in officer_groups], dtype=np.int64)
    case_counts = np.array([row[4] for row in case_groups], dtype=np.int64)
    mask_of: dict[str, int] = {}  # factor texts repeat: parse each distinct one once
    for row in case_groups:
        if row[3] not in mask_of:
            mask_of[row[3]] = factor_mask(f for f in row[3].split(";") if f)
    absence_args = {}
    if absences:
        as_of = as_of or timezone.localdate()
        window_start = as_of - dt.timedelta(weeks=ABSENCE_WINDOW_WEEKS + 1)
        absence_rows = list(
            Absence.objects.filter(officer__site__in=site_ids, end__gte=window_start, start__lte=as_of + dt.timedelta(6))
            .order_by()
            .values_list("officer__site_id", "kind", "start", "end")
        )
        absence_args = {
            "absence_site": np.array([index[row[0]] for row in absence_rows], dtype=np.int32),
            "absence_kind": [row[1] for row in absence_rows],
            "absence_start": np.array([row[2] for row in absence_rows], dtype="datetime64[D]"),
            "absence_end": np.array([row[3] for row in absence_rows], dtype="datetime64[D]"),
        }
    return inputs_from_arrays(
        site_codes=[row[1] for row in site_rows],
        site_regions=[row[2] for row in site_rows],
        site_kinds=[row[3] for row in site_rows],
        site_security_levels=np.array(masks, dtype=np.uint8),
        officer_site=np.repeat(np.array([index[row[0]] for row in officer_groups], dtype=np.int32), officer_counts),
        officer_fte=np.repeat(np.array([float(row[2]) for row in officer_groups]), officer_counts),
        officer_role=np.repeat(np.array([_ROLE_INDEX[row[1]] for row in officer_groups], dtype=np.int8), officer_counts),
        case_site=np.repeat(np.array([index[row[0]] for row in case_groups], dtype=np.int32), case_counts),
        # A case has a security level (institution) or a supervision level (community), never both.
        case_level=np.repeat(
            np.array([_LEVEL_INDEX[row[1] or row[2]] for row in case_groups], dtype=np.int8), case_counts
        ),
        case_factors=np.repeat(np.array([mask_of[row[3]] for row in case_groups], dtype=np.uint16), case_counts),
        regions=regions,
        as_of=as_of,
        **absence_args,
    )


# --- policies ------------------------------------------------------------------------------------


def policy_search_dirs() -> list[Path]:
    """Where users' policies live, after the shipped folder; empty until the first upload makes it."""
    folder = Path(settings.POLICIES_DIR)
    return [folder] if folder.is_dir() else []


def policy_list() -> list[PolicyFile]:
    """Every policy file, shipped first; invalid ones carry their error."""
    return list_policies(policy_search_dirs())


def policy_get(name: str) -> Policy:
    """A policy by name or file path (the CLI); raises PolicyError (unknown name, invalid file)."""
    return load_policy(name, search_dirs=policy_search_dirs())


def policy_by_name(name: str) -> Policy:
    """A policy by name only, never a path: what the pages accept from a query string, so that
    ?policy=../../some/file.toml cannot make the server read a file outside the policy folders."""
    folders = policy_search_dirs()
    return load_policy(find_policy_file(name, search_dirs=folders), search_dirs=folders)


def policy_uploads() -> dict[str, UserPolicy]:
    """The upload record of each user policy, by name (with its uploader); a file placed in the
    folder by hand has none."""
    return {record.name: record for record in UserPolicy.objects.select_related("uploaded_by")}


def shipped_policy_names() -> set[str]:
    return {path.stem for path in SHIPPED_DIR.glob("*.toml")}


def user_policy_path(name: str) -> Path:
    return Path(settings.POLICIES_DIR) / f"{name}.toml"


# --- one site's week: who is away, whose cases need cover ----------------------------------------

WEEK_PATTERN = re.compile(r"(\d{4})-?W(\d{1,2})")
FIRST_YEAR, LAST_YEAR = codes.FIRST_YEAR_SHOWN, codes.LAST_YEAR_SHOWN


class WeekOutOfRange(ValueError):
    """A real ISO week, but of a year before FIRST_YEAR or after LAST_YEAR."""


def parse_iso_week(text: str | None, *, today: dt.date | None = None) -> tuple[int, int]:
    """'2026-W48' (or '2026W48') → (2026, 48); empty → this week. ValueError if not a real ISO week,
    WeekOutOfRange if its year is outside FIRST_YEAR..LAST_YEAR."""
    if not text:
        iso = (today or timezone.localdate()).isocalendar()
        return iso[0], iso[1]
    match = WEEK_PATTERN.fullmatch(text.strip().upper())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week (YYYY-Www, e.g. 2026-W48)")
    year, week = int(match[1]), int(match[2])
    try:
        dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO week: {year} has no week {week}") from None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WeekOutOfRange(f"{text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    return year, week


def site_week_coverage(*, site: Site, iso_year: int, iso_week: int, policy: Policy, share: str = "fte") -> dict:
    """One site's week (caseweight.engine.coverage.weekly_coverage) from the database, three queries.

    Officers: the site's counted officers (parole officers, engine.COUNTED_ROLES), with their
    names. Cases: the site's open cases (closed is null: today's caseload, as the staffing methods
    count it), each with its hours a month under `policy` (the time standard's activities for its
    level at this kind of site + its complexity factors' extra minutes, engine.time_standard),
    which the engine turns into hours a week (× 12 / 52) carrying the policy's share of other
    related duties (÷ (1 − share)), as the time-standard and resilient methods count workload.
    Absences: the records of those officers that overlap the week. Cases held by nobody (or by an
    officer who is not counted) are reported apart, as `unassigned_cases` and `unassigned_hours`.
    """
    from caseweight.engine import COUNTED_ROLES, weekly_coverage
    from caseweight.engine.coverage import week_days
    from caseweight.engine.time_standard import case_hours_table, factor_hours_table

    kind = codes.SITE_KINDS.index(site.kind)
    by_level = case_hours_table(policy)[kind]
    by_factors = factor_hours_table(policy)
    officers = list(
        Officer.objects.filter(site=site, role__in=COUNTED_ROLES).order_by("code").values_list("pk", "code", "name", "fte")
    )
    cases_of: dict[int, list[dict]] = {pk: [] for pk, *_rest in officers}
    unassigned: list[dict] = []
    mask_of: dict[str, int] = {}
    for ref, officer_id, security, supervision, factors in (
        Case.objects.filter(site=site, closed__isnull=True)
        .order_by("ref")
        .values_list("ref", "officer_id", "security_level", "supervision_level", "factors")
    ):
        if factors not in mask_of:
            mask_of[factors] = factor_mask(f for f in factors.split(";") if f)
        level = security or supervision
        hours = float(by_level[_LEVEL_INDEX[level]]) + float(by_factors[mask_of[factors]])
        (cases_of[officer_id] if officer_id in cases_of else unassigned).append({"ref": ref, "hours": hours})
    days = week_days(iso_year, iso_week)
    absences = list(
        Absence.objects.filter(officer__site=site, officer__role__in=COUNTED_ROLES, start__lte=days[-1], end__gte=days[0])
        .order_by("officer__code", "start")
        .values("officer__code", "kind", "start", "end")
    )
    share_of_duties = policy.other_duties_share.value
    result = weekly_coverage(
        officers=[{"code": code, "fte": float(fte), "cases": cases_of[pk]} for pk, code, _name, fte in officers],
        absences=[{"officer": a["officer__code"], "kind": a["kind"], "start": a["start"], "end": a["end"]} for a in absences],
        iso_year=iso_year,
        iso_week=iso_week,
        share=share,
        week_hours=policy.week_hours.value,
        other_duties_share=share_of_duties,
    )
    names = {code: name for _pk, code, name, _fte in officers}
    for row in result["officers"]:
        row["name"] = names[row["code"]]
    for row in result["absent_cases"]:
        row["name"] = names[row["officer"]]
    result.update(
        {
            "site": site.code,
            "week": f"{iso_year}-W{iso_week:02d}",
            "policy": policy.name,
            "unassigned_cases": len(unassigned),
            "unassigned_hours": sum(c["hours"] for c in unassigned) * 12 / 52 / (1 - share_of_duties),
        }
    )
    return result
