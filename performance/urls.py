from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.score, name="score"),
    path("adjust/", views.adjust, name="adjust"),
    path("lock/", views.lock, name="lock"),
    path("unlock/", views.unlock, name="unlock"),
    path("home-panel/", views.home_panel, name="home_panel"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/send/", views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/remind/", views.survey_remind, name="survey_remind"),
    path("surveys/<int:pk>/close/", views.survey_close, name="survey_close"),
    path("<str:period>/<str:part>/", views.part_detail, name="part"),
]
