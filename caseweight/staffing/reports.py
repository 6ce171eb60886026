"""The staffing report as the CLI and the pages show it: filtered, sorted, flattened, exported.

Pure functions on engine objects and on the report's dict (``StaffingReport.to_dict()``): no
database here, so the CLI can size a CSV folder without one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import numpy as np

from caseweight.engine import Policy, StaffingInputs, inputs_from_arrays
from caseweight.imports.cells import escaped, xlsx_row

METHODS = ("ratio", "time")

# Flat columns, one per figure: CSV files and XLSX sheets. Method columns are kept only for the
# methods that were run; "<method>_reason" says why a method gave no figure for a site.
SITE_COLUMNS = ("site", "region", "kind", "security_levels", "cases", "officers", "actual_fte")
SITE_METHOD_COLUMNS = {
    "ratio": ("required_fte", "positions", "gap_fte", "caseload_per_fte", "reason"),
    "time": ("required_fte", "positions", "gap_fte", "wisn_ratio", "case_hours", "addon_hours"),
    "resilient": ("model", "alpha", "weekly_workload_hours", "absence_rate", "absence_rate_source", "officers_now",
                  "fte_now", "minimum_fte", "relief_factor_fte", "required_fte", "positions", "gap_fte",
                  "p_overload_now", "uncovered_hours_year_now", "p_overload_required", "cost_uncovered_now",
                  "cost_resilient_extra", "cost_net", "reason"),
}
TOTAL_COLUMNS = ("sites", "cases", "officers", "actual_fte")
TOTAL_METHOD_COLUMNS = {
    "ratio": ("sites", "sites_not_applicable", "cases", "required_fte", "positions", "actual_fte", "gap_fte"),
    "time": ("sites", "cases", "required_fte", "positions", "actual_fte", "gap_fte", "wisn_ratio", "case_hours", "addon_hours"),
    "resilient": ("sites", "sites_records", "sites_policy", "sites_over_alpha_now", "weekly_workload_hours", "minimum_fte",
                  "relief_factor_fte", "required_fte", "positions", "gap_fte", "uncovered_hours_year_now",
                  "cost_uncovered_now", "cost_resilient_extra", "cost_net"),
}
FLAT_METHODS = ("ratio", "time", "resilient")  # the methods with flat columns (METHODS: the pages' two)


# --- filtering ---------------------------------------------------------------------------------


def inputs_subset(inputs: StaffingInputs, site_codes: Iterable[str]) -> StaffingInputs:
    """The same inputs limited to some sites (their officers and cases), so that a report on them
    has region and national totals over those sites only. Regions keep their order; a region left
    without a site is dropped."""
    wanted = set(site_codes)
    sites = inputs.sites
    keep = np.fromiter((code in wanted for code in sites.codes), dtype=bool, count=len(sites))
    new_index = np.full(len(sites), -1, dtype=np.int32)
    new_index[keep] = np.arange(int(keep.sum()), dtype=np.int32)
    kept_regions = {sites.regions[r] for r in sites.region[keep].tolist()}
    officers_kept = keep[inputs.officers.site]
    cases_kept = keep[inputs.cases.site]
    extra = inputs.cases.extra_hours
    # Absence records follow their sites (and officers, renumbered, when the records name them).
    absence_args = {}
    absences = inputs.absences
    if absences is not None:
        officer_index = np.full(len(inputs.officers), -1, dtype=np.int32)
        officer_index[officers_kept] = np.arange(int(officers_kept.sum()), dtype=np.int32)
        kept = keep[absences.site]
        officer = absences.officer[kept]
        if len(officer) and (officer >= 0).all():
            absence_args["absence_officer"] = officer_index[officer]
        else:
            absence_args["absence_site"] = new_index[absences.site[kept]]
        absence_args.update(absence_kind=absences.kind[kept], absence_start=absences.start[kept], absence_end=absences.end[kept])
    codes = inputs.officers.codes
    return inputs_from_arrays(
        site_codes=[code for code, k in zip(sites.codes, keep.tolist()) if k],
        site_regions=[sites.regions[r] for r in sites.region[keep].tolist()],
        site_kinds=sites.kind[keep],
        site_security_levels=sites.security_levels[keep],
        site_addon_hours=sites.addon_hours[keep],
        officer_site=new_index[inputs.officers.site[officers_kept]],
        officer_fte=inputs.officers.fte[officers_kept],
        officer_role=inputs.officers.role[officers_kept],
        case_site=new_index[inputs.cases.site[cases_kept]],
        case_level=inputs.cases.level[cases_kept],
        case_factors=inputs.cases.factors[cases_kept],
        case_extra_hours=None if extra is None else extra[cases_kept],
        regions=[r for r in sites.regions if r in kept_regions],
        counted_roles=inputs.counted_roles,
        officer_codes=None if codes is None else [c for c, k in zip(codes, officers_kept.tolist()) if k],
        as_of=inputs.as_of,
        **absence_args,
    )


def select_sites(inputs: StaffingInputs, *, region: str | None = None, sites: Sequence[str] = ()) -> list[str]:
    """Codes of the sites a --region / --site filter keeps, in the inputs' order. Raises
    ValueError naming the unknown region or site, or a filter that keeps nothing."""
    all_sites = inputs.sites
    region_of = {code: all_sites.regions[r] for code, r in zip(all_sites.codes, all_sites.region.tolist())}
    if region is not None and region not in all_sites.regions:
        raise ValueError(f"unknown region {region!r}; the data has: {', '.join(all_sites.regions) or '(none)'}")
    unknown = [code for code in sites if code not in region_of]
    if unknown:
        raise ValueError(f"unknown site {unknown[0]!r}")
    chosen = [
        code for code in all_sites.codes if (region is None or region_of[code] == region) and (not sites or code in sites)
    ]
    if not chosen:
        raise ValueError(f"no site {', '.join(sites)} in region {region}" if sites else f"region {region} has no site")
    return chosen


# --- the policy's weak numbers -------------------------------------------------------------------


def status_counts(policy: Policy) -> dict[str, int]:
    """How many of the policy's numbers have each status (cited, illustrative, ...)."""
    counts: dict[str, int] = {}
    for cited in policy.cited.values():
        counts[cited.status] = counts.get(cited.status, 0) + 1
    return counts


# --- sorting (the pages' ?sort=) ---------------------------------------------------------------

# Sort key -> path into a site or total dict. Text keys sort A→Z, figures largest first.
SORT_KEYS = {
    "site": ("site",),
    "region": ("region",),
    "kind": ("kind",),
    "cases": ("cases",),
    "actual_fte": ("actual_fte",),
    "ratio_required": ("ratio", "required_fte"),
    "ratio_positions": ("ratio", "positions"),
    "ratio_gap": ("ratio", "gap_fte"),
    "caseload": ("ratio", "caseload_per_fte"),
    "time_required": ("time", "required_fte"),
    "time_positions": ("time", "positions"),
    "time_gap": ("time", "gap_fte"),
    "wisn": ("time", "wisn_ratio"),
}
TEXT_KEYS = {"site", "region", "kind"}


def _at(row: dict, path: tuple[str, ...]):
    value = row
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def sort_rows(rows: list[dict], sort: str, *, name_key: str = "site") -> tuple[list[dict], str]:
    """Rows sorted by `sort` ("gap" or "-gap": the minus reverses the default order), rows with no
    figure last in either direction. Returns the rows and the sort actually used (an unknown key
    falls back to the name)."""
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        return sorted(rows, key=lambda row: row.get(name_key) or ""), name_key
    path = SORT_KEYS[key]
    if key in TEXT_KEYS and rows and key not in rows[0]:
        path = (name_key,)  # a region row has no site or kind: sort regions by their code
    present = [row for row in rows if _at(row, path) is not None]
    missing = [row for row in rows if _at(row, path) is None]
    # Figures: largest first by default (the biggest shortfall on top); names: A to Z.
    reverse = (key not in TEXT_KEYS) != descending
    present.sort(key=lambda row: (_at(row, path), row.get(name_key) or ""), reverse=reverse)
    return present + sorted(missing, key=lambda row: row.get(name_key) or ""), sort


# --- comparison of two policies -----------------------------------------------------------------


def _figure(row: dict, method: str) -> dict | None:
    """A row's figures by a method, None where there are none (a region total over no site)."""
    figures = row.get(method)
    return None if figures is None or figures.get("sites") == 0 else figures


def compare_rows(rows_a: list[dict], rows_b: list[dict], *, method: str, name_key: str) -> list[dict]:
    """Pair the same sites (or regions) of two reports: required FTE, positions and gap under each,
    and the difference B − A (None where either policy gives no figure)."""
    by_name = {row[name_key]: row for row in rows_b}
    out = []
    for a in rows_a:
        b = by_name.get(a[name_key])
        fig_a, fig_b = _figure(a, method), _figure(b or {}, method)
        both = fig_a is not None and fig_b is not None
        out.append(
            {
                name_key: a[name_key],
                "region": a.get("region"),
                "kind": a.get("kind"),
                "cases": a["cases"],
                "actual_fte": a["actual_fte"],
                "a": fig_a,
                "b": fig_b,
                "reason_a": a.get(f"{method}_reason"),
                "reason_b": (b or {}).get(f"{method}_reason"),
                "difference_fte": fig_b["required_fte"] - fig_a["required_fte"] if both else None,
                "difference_positions": fig_b["positions"] - fig_a["positions"] if both else None,
            }
        )
    return out


# --- flat rows: CSV and XLSX ------------------------------------------------------------------


def _methods(data: dict) -> list[str]:
    return [m for m in FLAT_METHODS if m in data.get("methods", METHODS)]


def site_columns(data: dict) -> list[str]:
    columns = list(SITE_COLUMNS)
    for method in _methods(data):
        columns += [f"{method}_{c}" for c in SITE_METHOD_COLUMNS[method]]
    return columns


def total_columns(data: dict, *, first: str) -> list[str]:
    columns = [first, *TOTAL_COLUMNS]
    for method in _methods(data):
        columns += [f"{method}_{c}" for c in TOTAL_METHOD_COLUMNS[method]]
    return columns


def flat_site(row: dict, data: dict) -> dict:
    flat = {c: row.get(c) for c in SITE_COLUMNS}
    flat["security_levels"] = ";".join(row.get("security_levels") or [])
    for method in _methods(data):
        figures = row.get(method) or {}
        for c in SITE_METHOD_COLUMNS[method]:
            flat[f"{method}_{c}"] = row.get(f"{method}_reason") if c == "reason" else figures.get(c)
    return flat


def flat_total(row: dict, data: dict, *, first: str, name: str) -> dict:
    flat = {first: name, **{c: row.get(c) for c in TOTAL_COLUMNS}}
    for method in _methods(data):
        figures = row.get(method) or {}
        for c in TOTAL_METHOD_COLUMNS[method]:
            flat[f"{method}_{c}"] = figures.get(c)
    return flat


def csv_text(data: dict) -> str:
    """One row per site; numbers in full (Python's shortest exact form), empty where none; text
    escaped so that no cell is a formula (cells.py)."""
    out = io.StringIO()
    columns = site_columns(data)
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in data["sites"]:
        writer.writerow({k: "" if v is None else escaped(v) for k, v in flat_site(row, data).items()})
    return out.getvalue()


def xlsx_bytes(data: dict, *, sheet_titles: dict[str, str] | None = None) -> bytes:
    """A workbook with a sheet per level: sites, regions, national, and the policy used. Text is
    escaped and stored as text (cells.py): a policy's title is the user's, never a formula."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheets = [
        ("sites", site_columns(data), [flat_site(row, data) for row in data["sites"]]),
        ("regions", total_columns(data, first="region"),
         [flat_total(row, data, first="region", name=row["region"]) for row in data["regions"]]),
    ]  # fmt: skip
    if data.get("national") is not None:
        sheets.append(("national", total_columns(data, first="level"), [flat_total(data["national"], data, first="level", name="national")]))
    policy = data["policy"]
    sheets.append(("policy", ["key", "value"], [{"key": k, "value": v} for k, v in policy.items()]))
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet((sheet_titles or {}).get(title, title))
        sheet.freeze_panes = "A2"
        sheet.append(xlsx_row(sheet, columns, font=bold))
        for row in rows:
            sheet.append(xlsx_row(sheet, [row.get(c) for c in columns]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the text table (CLI) ------------------------------------------------------------------------


def _fte(value) -> str:
    if value is None:
        return "n/a"
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text  # float noise around zero is no surplus


def _int(value) -> str:
    return "n/a" if value is None else str(value)


def _pct(value) -> str:
    return "" if value is None else f"{value:.1%}"


def text_table(data: dict, *, note: str = "") -> str:
    """Aligned columns: one line per site, then one per region and the national line.

    Totals add the sites where a method applies (the ratio figures of a region leave out its
    parole offices); the note column says so, and why a site has no figure."""
    methods = _methods(data)
    header = ["site", "region", "kind", "cases", "actual_fte"]
    if "ratio" in methods:
        header += ["ratio_fte", "ratio_pos", "ratio_gap", "caseload"]
    if "time" in methods:
        header += ["time_fte", "time_pos", "time_gap", "wisn"]
    if "resilient" in methods:
        # Side by side: the minimum (nobody ever away), the relief factor, and the resilient N.
        header += [] if "time" in methods else ["time_fte"]  # the time standard beside the others
        header += ["min_fte", "relief_fte", "resil_fte", "resil_gap", "absence", "p_over_now", "uncov_h_yr"]
    header.append("note")
    lines: list[list[str]] = []

    def figures(row: dict, *, total: bool) -> list[str]:
        cells = []
        if "ratio" in methods:
            r = row.get("ratio")
            cells += [_fte(r and r["required_fte"]), _int(r and r["positions"]), _fte(r and r["gap_fte"])]
            cells.append("" if total else _fte(r and r["caseload_per_fte"]))
        if "time" in methods:
            t = row.get("time")
            cells += [_fte(t and t["required_fte"]), _int(t and t["positions"]), _fte(t and t["gap_fte"])]
            cells.append(_fte(t and t["wisn_ratio"]))
        if "resilient" in methods:
            x = row.get("resilient")
            if "time" not in methods:
                cells.append(_fte(x and x["time_required_fte"]))
            cells += [_fte(x and x["minimum_fte"]), _fte(x and x["relief_factor_fte"]), _fte(x and x["required_fte"]),
                      _fte(x and x["gap_fte"])]  # fmt: skip
            if total:
                cells += ["", ""]
            else:
                rate = x and x["absence_rate"]
                source = x and x.get("absence_rate_source")
                cells.append("" if rate is None else f"{rate:.1%} {'rec' if source == 'records' else 'pol'}")
                cells.append(_pct(x and x["p_overload_now"]))
            hours = x and x["uncovered_hours_year_now"]
            cells.append("" if hours is None else f"{hours:.0f}")
        return cells

    # Why a method gives no figure: numbered once under the table, not repeated on every line.
    footnotes: dict[str, int] = {}
    for row in data["sites"]:
        marks = []
        for m in methods:
            reason = row.get(f"{m}_reason")
            if reason:
                number = footnotes.setdefault(f"{m}: {reason}", len(footnotes) + 1)
                marks.append(f"{m} n/a [{number}]")
        lines.append([row["site"], row["region"], row["kind"], str(row["cases"]), _fte(row["actual_fte"]),
                      *figures(row, total=False), ", ".join(marks)])  # fmt: skip
    totals = [(f"region {row['region']}", row) for row in data["regions"]]
    if data.get("national") is not None:
        totals.append(("national", data["national"]))
    separator_at = len(lines)
    for name, row in totals:
        r = row.get("ratio")
        note_text = ""
        if r and r["sites_not_applicable"]:
            note_text = f"ratio over {r['sites']} of {row['sites']} sites"
        lines.append(["", name, f"{row['sites']} sites", str(row["cases"]), _fte(row["actual_fte"]),
                      *figures(row, total=True), note_text])  # fmt: skip
    numeric = {i for i, h in enumerate(header) if h not in ("site", "region", "kind", "note")}
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]

    def render(cells: list[str]) -> str:
        parts = [c.rjust(w) if i in numeric else c.ljust(w) for i, (c, w) in enumerate(zip(cells[:-1], widths[:-1]))]
        return ("  ".join(parts) + "  " + cells[-1]).rstrip()

    out = []
    policy = data["policy"]
    out.append(f"Policy: {policy['name']} {policy['version']} ({policy['title_en']})")
    if note:
        out.append(note)
    out.append("")
    out.append(render(header))
    for i, line in enumerate(lines):
        if i == separator_at:
            out.append(render(["-" * w for w in widths[:-1]] + [""]))
        out.append(render(line))
    if footnotes:
        out.append("")
        out += [f"[{number}] {text}" for text, number in footnotes.items()]
    if "resilient" in methods and data.get("resilience"):
        r = data["resilience"]
        out.append("")
        out.append(
            f"Resilient: alpha {r['alpha']:.0%} of weeks over {r['week_hours']:g} h a present officer; model "
            f"{'Monte Carlo, ' + str(r['simulations']) + ' runs' if r.get('simulations') else 'binomial'}; absence "
            f"rates from the 52 weeks before {r['absences']['as_of']} (rec = the site's records, pol = the policy's rates). "
            "min_fte = weekly workload / week hours; relief_fte = min_fte / (1 - absence rate); "
            "resil_fte = smallest N with P(overload) <= alpha; p_over_now and uncov_h_yr at today's headcount."
        )
    return "\n".join(out) + "\n"
