from django.urls import path

from caseweight.organisation import views

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("sites/<str:code>/", views.site_detail, name="site_detail"),
    path("officers/<str:code>/", views.officer_detail, name="officer_detail"),
]
