"""The demo's first knowledge-base articles and recurring templates (issue 17)."""

import pytest

from demo.loader import load_demo
from kb import selectors
from kb.models import Article
from tickets import search
from tickets.models import RequestTemplate, SearchDocument, Ticket

pytestmark = pytest.mark.django_db


def test_demo_articles_templates_and_index():
    from accounts.models import User

    assert load_demo()
    assert Article.objects.count() == 4
    staff = User.objects.get(username="staff1")
    assert selectors.search_articles(staff, "养老调资").exists()
    assert set(RequestTemplate.objects.values_list("name", flat=True)) == {
        "月度初始化",
        "年度初始化",
        "养老调资",
    }
    assert SearchDocument.objects.count() == Ticket.objects.count()
    pm = User.objects.get(username="pm")
    assert search.search_tickets(pm, "初始化").exists()
