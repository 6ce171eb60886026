"""Upload page for imports, export page and downloads, blank templates. Thin: the work is in
services.py (import) and export.py; permissions come from accounts.scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from caseweight.accounts import scope
from caseweight.audit.context import acting_as, actor_for_user
from caseweight.imports import export as exports
from caseweight.imports.services import ImportRejected, import_uploads
from caseweight.imports.tables import TABLE_ORDER, TABLES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not scope.can_import(request.user):
        raise PermissionDenied
    context = {"tables": [TABLES[name] for name in TABLE_ORDER], "dry_run": False}
    if request.method == "POST":
        files = request.FILES.getlist("files")
        dry_run = request.POST.get("dry_run") == "on"
        context["dry_run"] = dry_run
        if not files:
            context["form_error"] = _("Choose one XLSX workbook or one or more CSV files.")
        else:
            try:
                # The audit trail records these writes as the user's, made by import.
                with acting_as(actor_for_user(request.user, "import")):
                    context["report"] = import_uploads(
                        files=[(file.name, file.read()) for file in files],
                        dry_run=dry_run,
                        allowed_site_codes=scope.import_site_codes(request.user),
                    )
            except ImportRejected as rejected:
                context["rejected"] = rejected
    return render(request, "imports/import.html", context)


def _export_site_codes(user) -> set[str] | None:
    """None (every row, every region) for national roles; else the codes of the user's sites."""
    if scope.role_of(user) in ("national_analyst", "union_analyst"):
        return None
    return set(scope.sites_for(user).values_list("code", flat=True))


def _export_tables(request) -> list[str]:
    """The tables asked for (default: all the user may export); asking for any other is refused."""
    allowed = scope.exportable_tables(request.user)
    if not allowed:
        raise PermissionDenied
    asked = request.GET.getlist("tables") or list(allowed)
    if any(name not in allowed for name in asked):
        raise PermissionDenied
    return [name for name in TABLE_ORDER if name in asked]


@login_required
@require_GET
def export(request):
    if not scope.can_export(request.user):
        raise PermissionDenied
    tables = [TABLES[name] for name in scope.exportable_tables(request.user)]
    return render(request, "imports/export.html", {"tables": tables})


@login_required
@require_GET
def export_xlsx(request):
    if not scope.can_export(request.user):
        raise PermissionDenied
    content = exports.export_xlsx_bytes(tables=_export_tables(request), site_codes=_export_site_codes(request.user))
    return _download(content, filename=f"caseweight-export-{timezone.localdate().isoformat()}.xlsx", content_type=XLSX_TYPE)


@login_required
@require_GET
def export_zip(request):
    if not scope.can_export(request.user):
        raise PermissionDenied
    content = exports.export_csv_zip_bytes(tables=_export_tables(request), site_codes=_export_site_codes(request.user))
    return _download(content, filename=f"caseweight-export-{timezone.localdate().isoformat()}.zip", content_type="application/zip")


# Blank templates hold no data: any signed-in user may take them.
@login_required
@require_GET
def import_template(request, table):
    if table not in TABLES:
        raise Http404
    return _download(exports.template_csv(table), filename=f"{table}.csv", content_type="text/csv; charset=utf-8")


@login_required
@require_GET
def import_template_xlsx(request):
    return _download(exports.template_xlsx(), filename="caseweight-template.xlsx", content_type=XLSX_TYPE)
