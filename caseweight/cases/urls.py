from django.urls import path

from caseweight.cases import views

urlpatterns = [
    path("sites/<str:code>/cases/", views.site_cases, name="site_cases"),
    path("cases/<path:ref>/", views.case_detail, name="case_detail"),
]
