"""Weekly coverage: who is away in a given week, whose cases need cover, and what that does to the
officers who are at work.

A pure function over plain data (no inputs object, no database), for the ``caseweight coverage``
command and the site's week page:

    weekly_coverage(officers=[{"code": "P1", "fte": 1, "cases": [{"ref": "c1", "hours": 4.2}, ...]}, ...],
                    absences=[{"officer": "P1", "kind": "sick", "start": "2025-03-03", "end": "2025-03-05"}],
                    iso_year=2025, iso_week=10)

Rules, all explicit:

- The week is Monday to Friday of the ISO week; ``closed_days`` (designated holidays) are taken
  out for everyone. An officer's days away are the working days an absence covers.
- An officer's own load in a week is their cases' hours a month × 12 / 52, divided by
  (1 − other_duties_share) so that it carries its share of other related duties, as the
  time-standard method counts it (share 0 by default: case hours only).
- The load of the days an officer is away (own load × days away / working days) is pooled and
  shared among the officers at work: ``share="fte"`` in proportion to FTE × days at work,
  ``share="even"`` in proportion to days at work alone.
- Paid hours of an officer at work: week hours × FTE × days at work / working days. Hours over
  that are work nobody pays for (``over_hours``). With nobody at work, the pooled load is
  ``uncovered_hours``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

SHARES = ("fte", "even")


def week_days(iso_year: int, iso_week: int) -> list[dt.date]:
    """Monday to Friday of an ISO week."""
    monday = dt.date.fromisocalendar(iso_year, iso_week, 1)
    return [monday + dt.timedelta(d) for d in range(5)]


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def _cases(officer: Mapping) -> list[tuple[str | None, float]]:
    """(ref, hours a month) for each case; a total load counts as one unnamed entry."""
    cases = officer.get("cases")
    if cases is None and "case_hours" in officer:
        cases = officer["case_hours"]
    if cases is None:
        hours = officer.get("hours", 0.0)
        return [(None, float(hours))] if hours else []
    if isinstance(cases, Mapping):
        return [(str(ref), float(hours)) for ref, hours in cases.items()]
    out = []
    for case in cases:
        if isinstance(case, Mapping):
            out.append((case.get("ref"), float(case.get("hours", 0.0))))
        else:
            out.append((None, float(case)))
    return out


def weekly_coverage(
    *,
    officers: Sequence[Mapping],
    absences: Iterable[Mapping] = (),
    iso_year: int,
    iso_week: int,
    share: str = "fte",
    week_hours: float = 37.5,
    other_duties_share: float = 0.0,
    closed_days: Iterable[dt.date | str] = (),
) -> dict:
    """One site's week: who is at work and who is away, the cases of the officers away, and the
    load per officer at work once their cases are shared out (see the module docstring).

    officers: mappings with "code", "fte" (default 1) and the load as one of "cases" (a list of
    {"ref", "hours"} or of hours, or a mapping ref -> hours; hours a month), "case_hours" (a list
    of hours a month) or "hours" (total hours a month).
    absences: mappings with "officer" (code), "kind", "start", "end" (inclusive; dates or ISO text);
    absences of other officers are ignored.
    """
    if share not in SHARES:
        raise ValueError(f"unknown share {share!r}; expected one of: {', '.join(SHARES)}")
    if not 0 <= other_duties_share < 1:
        raise ValueError(f"other_duties_share must be at least 0 and less than 1, got {other_duties_share}")
    closed = {_date(d) for d in closed_days}
    days = [d for d in week_days(iso_year, iso_week) if d not in closed]
    n_days = len(days)
    codes = [str(o["code"]) for o in officers]
    by_code: dict[str, list[dict]] = {code: [] for code in codes}
    for absence in absences:
        code = str(absence["officer"])
        if code not in by_code:
            continue
        start, end = _date(absence["start"]), _date(absence["end"])
        if end < start:
            raise ValueError(f"absence of {code}: the last day {end} is before the first {start}")
        if start <= (days[-1] if days else start) and end >= (days[0] if days else end):
            by_code[code].append({"kind": absence.get("kind"), "start": start, "end": end})

    rows = []
    for officer, code in zip(officers, codes):
        fte = float(officer.get("fte", 1.0))
        away_days = [d for d in days if any(a["start"] <= d <= a["end"] for a in by_code[code])]
        at_work = (n_days - len(away_days)) / n_days if n_days else 0.0
        cases = _cases(officer)
        weekly = sum(hours for _, hours in cases) * 12 / 52 / (1 - other_duties_share)
        rows.append(
            {
                "code": code,
                "fte": fte,
                "status": "present" if not away_days else "away" if len(away_days) == n_days else "partly_away",
                "days_away": len(away_days),
                "absences": [{"kind": a["kind"], "start": a["start"].isoformat(), "end": a["end"].isoformat()}
                             for a in by_code[code]],  # fmt: skip
                "cases": len(cases),
                "own_hours": weekly,
                "own_hours_to_cover": weekly * (1 - at_work),
                "_at_work": at_work,
                "_cases": cases,
            }
        )

    to_cover = sum(row["own_hours_to_cover"] for row in rows)
    weights = [row["_at_work"] * (row["fte"] if share == "fte" else 1.0) for row in rows]
    total_weight = sum(weights)
    absent_cases = []
    for row, w in zip(rows, weights):
        at_work = row.pop("_at_work")
        cases = row.pop("_cases")
        row["cover_hours"] = to_cover * w / total_weight if total_weight else 0.0
        row["load_hours"] = row["own_hours"] * at_work + row["cover_hours"]
        row["paid_hours"] = week_hours * row["fte"] * at_work
        row["over_hours"] = max(0.0, row["load_hours"] - row["paid_hours"]) if at_work else 0.0
        if row["days_away"]:
            for ref, hours in cases:
                absent_cases.append({"officer": row["code"], "ref": ref,
                                     "hours": hours * 12 / 52 / (1 - other_duties_share) * (1 - at_work)})  # fmt: skip
    at_work_rows = [row for row in rows if row["status"] != "away"]
    monday = dt.date.fromisocalendar(iso_year, iso_week, 1)
    return {
        "iso_year": iso_year,
        "iso_week": iso_week,
        "week_start": monday.isoformat(),
        "week_end": (monday + dt.timedelta(4)).isoformat(),
        "working_days": n_days,
        "share": share,
        "week_hours": week_hours,
        "other_duties_share": other_duties_share,
        "officers": rows,
        "absent_cases": absent_cases,
        "present": sum(row["status"] == "present" for row in rows),
        "partly_away": sum(row["status"] == "partly_away" for row in rows),
        "away": sum(row["status"] == "away" for row in rows),
        "hours_to_cover": to_cover,
        "load_per_officer_at_work": (sum(row["load_hours"] for row in at_work_rows) / len(at_work_rows)) if at_work_rows else None,
        "over_hours": sum(row["over_hours"] for row in rows),
        "uncovered_hours": to_cover if not total_weight else 0.0,
    }
