"""The read-only settlement API for the city's systems (see payments/api.py and README.md)."""

from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("contracts/", api.contracts, name="contracts"),
    path("contracts/<int:pk>/settlement/", api.settlement, name="settlement"),
]
