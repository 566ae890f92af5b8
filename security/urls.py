from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path("password/", views.password_change, name="password_change"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("users/<int:pk>/role/", views.user_role, name="user_role"),
    path("users/<int:pk>/2fa-reset/", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("permissions/", views.permission_matrix, name="permissions"),
    path("lockouts/", views.lockout_list, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
