from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("departments/", views.department_list, name="departments"),
    path("departments/new/", views.department_new, name="department_create"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
]
