"""Each 403 writes one line to the log, not a traceback twice (issue 16 item 15)."""

import logging

from django.urls import reverse

from ..factories import make_user


def test_a_denial_is_one_line_in_the_log(db, client, caplog):
    client.force_login(make_user("staff"))
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("jobs:list"))
    assert response.status_code == 403
    denials = [r for r in caplog.records if getattr(r, "status_code", None) == 403]
    assert len(denials) == 1
    assert denials[0].exc_info is None and "Traceback" not in caplog.text
    # Only the root's handler writes it (Django's "django" console handler would print it again).
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django.request").handlers == []
