from django.urls import path

from caseweight.organisation import views

urlpatterns = [
    path("regions/", views.region_list, name="region_list"),
]
