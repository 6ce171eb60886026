from django.urls import path

from caseweight.imports import views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("export/", views.export, name="export"),
    path("export/caseweight-export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/caseweight-export.zip", views.export_zip, name="export_zip"),
    path("templates/caseweight-template.xlsx", views.import_template_xlsx, name="import_template_xlsx"),
    path("templates/<str:table>.csv", views.import_template, name="import_template"),
]
