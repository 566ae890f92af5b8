"""Fault 2 (issue 15): the database restarts. A request during the outage gets the 503 page in the
portal's layout (no traceback), nothing is half written, and the portal recovers by itself."""

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from common.models import AuditEntry
from tickets.models import Ticket

from .conftest import closed_port, ticket_form

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills and refuses PostgreSQL connections"
)


def test_a_database_error_in_a_view_is_a_503_page(world, client):
    def down(execute, sql, params, many, context):
        if "tickets_ticket" in sql:  # the list's query: the session and the user were loaded before
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    client.force_login(world.staff)
    with connection.execute_wrapper(down):
        response = client.get(reverse("tickets:list"))
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "数据库暂时无法访问" in body and "Traceback" not in body and "OperationalError" not in body
    assert 'data-testid="service-unavailable"' in body and "vendor/bootstrap" in body  # the layout


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_restart_mid_write_leaves_nothing_and_the_portal_recovers_by_itself():
    """1. PostgreSQL terminates the backend after the request row is inserted and before its audit
    entry: the user gets the 503 page, neither row exists, and the next request opens a new connection.
    2. While it refuses connections every page is the 503 page; when it is back, pages work again.
    (One test: a transactional test empties the database afterwards, seconds each.)"""
    from django.db.models.signals import post_save

    from tests.conftest import PortalClient, build_world

    world = build_world()
    form = ticket_form(world)

    def die_after_the_row(sender, instance, created, **kwargs):
        if created and instance.title == form["title"]:  # the request row is written, its audit entry not
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    client = PortalClient(raise_request_exception=False)
    client.force_login(world.staff)
    tickets_before, audit_before = Ticket.objects.count(), AuditEntry.objects.count()
    post_save.connect(die_after_the_row, sender=Ticket, dispatch_uid="fault-restart")
    try:
        response = client.post(reverse("tickets:create"), form)
    finally:
        post_save.disconnect(sender=Ticket, dispatch_uid="fault-restart")
    assert response.status_code == 503, response.status_code
    assert "数据库暂时无法访问" in response.content.decode()
    assert Ticket.objects.count() == tickets_before and AuditEntry.objects.count() == audit_before
    response = client.post(reverse("tickets:create"), form)  # recovered by itself
    assert response.status_code == 302
    assert Ticket.objects.count() == tickets_before + 1

    # 2. refused connections, then back
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(closed_port())
    try:
        for url in (reverse("home"), reverse("tickets:list"), reverse("accounts:login")):
            response = client.get(url)
            assert response.status_code == 503, (url, response.status_code)
            assert "数据库暂时无法访问" in response.content.decode()
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert client.get(reverse("tickets:list")).status_code == 200
