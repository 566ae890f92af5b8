"""Tokens and calls for the API tests."""

from django.test import Client

from api import services


def key_for(user, *, name="报表工具", days=None, actor=None):
    """A fresh key carrying ``user``'s rights (made by ``actor``, by default the user)."""
    _token, key = services.token_create(name=name, user=user, actor=actor or user, days=days)
    return key


def call(url, key=None, *, client=None, method="get", **headers):
    client = client or Client()
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    return getattr(client, method)(url, **headers)
