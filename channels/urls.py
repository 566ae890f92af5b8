from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("robots/", views.robot_list, name="robots"),
    path("robots/new/", views.robot_create, name="robot_create"),
    path("robots/<int:pk>/edit/", views.robot_edit, name="robot_edit"),
    path("robots/<int:pk>/test/", views.robot_test, name="robot_test"),
    path("deliveries/", views.delivery_list, name="deliveries"),
    path("deliveries/<int:pk>/resend/", views.delivery_resend, name="delivery_resend"),
    path("preferences/", views.preferences, name="preferences"),
]
