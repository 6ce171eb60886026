from django.urls import path

from caseweight.distribution import views

urlpatterns = [
    path("", views.overview, name="distribution_overview"),
    path("sites/<str:code>/", views.site_workload, name="distribution_site"),
    path("sites/<str:code>/recommend/", views.recommend_list, name="distribution_recommend_list"),
    path("sites/<str:code>/recommend/<str:ref>/", views.recommend, name="distribution_recommend"),
    path("sites/<str:code>/assign/", views.batch_assign, name="distribution_batch"),
    path("sites/<str:code>/rebalance/", views.rebalance_site, name="distribution_rebalance"),
    path("sites/<str:code>/flags/", views.site_flags, name="distribution_site_flags"),
    path("sites/<str:code>/reductions/", views.reductions, name="distribution_reductions"),
    path("officers/<str:code>/", views.officer_load, name="distribution_officer"),
    path("absences/<int:pk>/redistribute/", views.redistribute, name="distribution_redistribute"),
    path("cases/<str:ref>/flags/", views.case_flags, name="distribution_flags"),
    path("cases/<str:ref>/complexity/", views.complexity, name="distribution_complexity"),
    path("flags/<int:pk>/decide/", views.flag_decide, name="distribution_flag_decide"),
    path("reductions/<int:pk>/end/", views.reduction_end, name="distribution_reduction_end"),
]
