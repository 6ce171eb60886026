from django.urls import path

from caseweight.distribution import views

urlpatterns = []
