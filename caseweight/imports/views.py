"""Upload page for imports, export page and downloads, blank templates. Thin: the work is in
services.py (import) and export.py; permissions come from accounts.scope."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from caseweight.accounts import scope
from caseweight.audit.context import acting_as, actor_for_user
from caseweight.imports import export as exports, limits
from caseweight.imports.limits import MB, megabytes
from caseweight.imports.services import ImportRejected, import_uploads
from caseweight.imports.tables import TABLE_ORDER, TABLES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class _UploadSizeLimit(FileUploadHandler):
    """Counts the uploaded files' bytes as they arrive and stops the upload past the import page's
    limit: the rest of the request is read and dropped, so a file too big is never stored whole."""

    def __init__(self, request, *, limit_mb: int | None):
        super().__init__(request)
        self.limit = None if limit_mb is None else limit_mb * MB
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers store the file


def _refused_request(error: Exception) -> str:
    """Django's own limits on a request, said on the page instead of a bare "Bad Request"."""
    if isinstance(error, TooManyFilesSent):
        reason = ngettext(
            "The import page takes at most %(count)d file at once: put the tables in one XLSX workbook.",
            "The import page takes at most %(count)d files at once: put the tables in one XLSX workbook.",
            settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        ) % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    elif isinstance(error, RequestDataTooBig):
        reason = _("The form's fields other than files may hold at most %(size)s MB (the server's limit).") % {
            "size": megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    elif isinstance(error, TooManyFieldsSent):
        reason = _("The form may have at most %(count)d fields (the server's limit).") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    else:
        reason = _("The upload could not be read: it was cut short or is not a form's upload.")
    return _("%(reason)s Nothing was imported. To import more or bigger files, use the command line: "
             "caseweight import PATH.") % {"reason": reason}


# CSRF is checked inside, by csrf_protect, once the size limit is in place: the CSRF check reads
# the form, and upload handlers must be set before it is read (Django's documented way).
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    if not scope.can_import(request.user):
        raise PermissionDenied
    size_limit = _UploadSizeLimit(request, limit_mb=limits.page_limits().upload_megabytes)
    request.upload_handlers.insert(0, size_limit)
    try:
        return _import_upload(request, size_limit)
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, MultiPartParserError) as error:
        # As Django's own handler does: the form cannot be read again.
        request._mark_post_parse_error()
        return render(request, "imports/import.html", _import_context(form_error=_refused_request(error)), status=400)


def _import_context(**context) -> dict:
    return {"tables": [TABLES[name] for name in TABLE_ORDER], "dry_run": False, "limits": limits.page_limits(), **context}


@csrf_protect
def _import_upload(request, size_limit: _UploadSizeLimit):
    context = _import_context()
    if request.method == "POST":
        files = request.FILES.getlist("files")
        dry_run = request.POST.get("dry_run") == "on"
        context["dry_run"] = dry_run
        if size_limit.exceeded:
            context["form_error"] = limits.page_limits().upload_refusal()
            return render(request, "imports/import.html", context, status=413)
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
