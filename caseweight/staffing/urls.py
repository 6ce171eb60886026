from django.urls import path

from caseweight.staffing import views

urlpatterns = [
    path("", views.dashboard, name="staffing_dashboard"),
    path("regions/<str:code>/", views.region_staffing, name="staffing_region"),
    path("sites/<str:code>/", views.site_staffing, name="staffing_site"),
    path("sites/<str:code>/explain/", views.explain, name="staffing_explain"),
    path("sites/<str:code>/resilience/", views.resilience, name="staffing_resilience"),
    path("sites/<str:code>/coverage/", views.coverage, name="staffing_coverage"),
    path("exposure/", views.exposure, name="staffing_exposure"),
    path("compare/", views.compare, name="staffing_compare"),
    path("policies/", views.policy_list, name="staffing_policies"),
    # Before policies/<name>/: "upload" is reserved, no policy may take that name (services.py).
    path("policies/upload/", views.policy_upload, name="staffing_policy_upload"),
    path("policies/<str:name>/", views.policy_detail, name="staffing_policy_detail"),
]
