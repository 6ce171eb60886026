from django.urls import path

from caseweight.imports import views

urlpatterns = [
    path("import/", views.import_upload, name="import_upload"),
    path("export/", views.export, name="export"),
]
