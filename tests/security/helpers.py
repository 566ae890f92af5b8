from django.test import Client
from django.urls import reverse

PASSWORD = "Test@Pass123"  # tests/factories.make_user's default


def real_login(
    username: str, password: str = PASSWORD, *, client: Client | None = None, ip: str = "127.0.0.1"
):
    """Log in through the login page (django-axes, signals, the gates), as a browser would."""
    client = client or Client()
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )
    return client, response


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session
