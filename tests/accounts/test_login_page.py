from django.test import Client
from django.urls import reverse


def test_monitors_may_ask_for_the_login_page_with_head(db):
    """HEAD /accounts/login/ answered 405 (issue 16 item 7)."""
    response = Client().head(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.content == b""
