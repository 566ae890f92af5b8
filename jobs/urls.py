from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("<str:name>/run/", views.job_run_now, name="run"),
    path("initializations/", views.initialization_list, name="initializations"),
    path("initializations/<int:pk>/confirm/", views.initialization_confirm, name="initialization_confirm"),
]
