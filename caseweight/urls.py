from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from caseweight.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("caseweight.organisation.urls")),
    path("", include("caseweight.cases.urls")),
    path("data/", include("caseweight.imports.urls")),
    path("audit/", include("caseweight.audit.urls")),
    path("staffing/", include("caseweight.staffing.urls")),
    path("distribution/", include("caseweight.distribution.urls")),
    path("admin/", admin.site.urls),
]

# A write the database refused outside a view (the session saved after it) gets its own page too.
handler400 = "caseweight.database.bad_request"
handler500 = "caseweight.database.server_error"
