"""One visibility rule (issue 12 item 2): the list's queryset and the object check agree for every
role and state, and a sign-off form is visible exactly to those who may see all of its requests."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.roles import Role
from common import clock
from tests.factories import make_user
from tickets import policy, selectors, services
from tickets.models import SignOffStatus, Status, Ticket

from .helpers import advance, at, submit


def _tickets(world):
    other = make_user(Role.ENGINEER)
    made = [submit(world)]
    for status in (Status.CONFIRMED, Status.ASSIGNED, Status.IN_PROGRESS, Status.RESOLVED):
        made.append(advance(world, submit(world), status))
    made.append(advance(world, submit(world), Status.ASSIGNED, engineer=other))
    made.append(submit(world, requester=world.outsiders["staff"]))
    return made, other


def test_queryset_and_object_check_agree_for_every_role(world):
    made, other = _tickets(world)
    users = [*world.users.values(), *world.outsiders.values(), other, AnonymousUser()]
    for user in users:
        listed = set(selectors.visible_tickets(user).values_list("pk", flat=True))
        for ticket in Ticket.objects.filter(pk__in=[t.pk for t in made]):
            assert policy.can_view(user, ticket) == (ticket.pk in listed), (user, ticket.status)


def test_the_rule_reads_as_specified(world):
    made, _other = _tickets(world)
    pool = {t.pk for t in made if t.status == Status.CONFIRMED and t.assignee_id is None}
    mine = {t.pk for t in made if t.assignee_id == world.engineer.pk}
    dept_a = {t.pk for t in made if t.department_id == world.dept_a.pk}

    def seen(user):
        return set(selectors.visible_tickets(user).values_list("pk", flat=True))

    assert seen(world.engineer) == pool | mine
    assert seen(world.staff) == seen(world.dept_head) == dept_a
    assert seen(world.pm) == seen(world.bureau_admin) == {t.pk for t in made}
    assert seen(world.finance) == seen(world.auditor) == set()


def test_signoffs_visible_to_those_who_see_all_their_requests(world):
    other = make_user(Role.ENGINEER)
    mine = advance(world, submit(world), Status.RESOLVED)
    theirs = advance(world, submit(world), Status.RESOLVED, engineer=other)
    with_both = [advance(world, submit(world), Status.RESOLVED) for _ in range(2)]
    with_both[1].assignee = other
    Ticket.objects.filter(pk=with_both[1].pk).update(assignee=other)
    batch = services.signoff_issue_batch(tickets=with_both, actor=world.pm)

    def forms(user):
        return set(selectors.signoffs_for(user).values_list("pk", flat=True))

    assert forms(world.engineer) == {mine.signoff_id}
    assert forms(other) == {theirs.signoff_id}
    everything = {mine.signoff_id, theirs.signoff_id, batch.pk}
    assert forms(world.pm) >= everything and forms(world.bureau_admin) >= everything
    assert forms(world.staff) >= everything
    assert not forms(world.outsiders["staff"]) & everything
    assert forms(world.finance) == set()


def test_a_void_form_stays_visible_to_its_department(world):
    ticket = advance(world, submit(world), Status.RESOLVED)
    first = ticket.signoff
    with clock.frozen_at(at(2023, 3, 7, 10)):
        services.ticket_reopen(ticket=ticket, actor=world.staff, reason="仍然报错")
    first.refresh_from_db()
    assert first.status == SignOffStatus.VOID
    assert first.pk in set(selectors.signoffs_for(world.staff).values_list("pk", flat=True))
    assert first.pk in set(selectors.signoffs_for(world.pm).values_list("pk", flat=True))
    assert first.pk not in set(selectors.signoffs_for(world.engineer).values_list("pk", flat=True))


def test_an_engineer_cannot_open_another_engineers_form_pdf_or_scan(world, client):
    """Issue 13 item 6 over HTTP: the detail page, the PDF and the signed scan of a form answer 404 to an
    engineer who may not see all of its requests, and open for the one who may."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    other = make_user(Role.ENGINEER)
    ticket = advance(world, submit(world), Status.RESOLVED)
    with clock.frozen_at(at(2023, 3, 7, 11)):
        services.signoff_sign(
            signoff=ticket.signoff,
            actor=world.staff,
            method="scan",
            scan=SimpleUploadedFile("签字.pdf", b"%PDF-1.4\n%signed\n", content_type="application/pdf"),
        )
    pk = ticket.signoff_id
    urls = [
        reverse(name, args=[pk])
        for name in ("tickets:signoff_detail", "tickets:signoff_pdf", "tickets:signoff_scan")
    ]
    client.force_login(other)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]
    client.force_login(world.engineer)
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_the_signoff_list_filters(world, client):
    """The list's filters (a django-filter FilterSet since issue 12): pending by default, a status, every
    status for a word that is not one, and late pending forms only."""
    from django.urls import reverse

    pending = advance(world, submit(world), Status.RESOLVED).signoff
    signed = advance(world, submit(world), Status.RESOLVED).signoff
    with clock.frozen_at(at(2023, 3, 7, 11)):
        services.signoff_sign(signoff=signed, actor=world.staff)
    client.force_login(world.pm)

    def listed(**params):
        with clock.frozen_at(at(2023, 3, 7, 12)):
            page = client.get(reverse("tickets:signoff_list"), params).context["page"]
        return {s.pk for s in page.object_list}

    assert listed() == listed(status="") == {pending.pk}
    assert listed(status="signed") == {signed.pk}
    assert listed(status="all") == {pending.pk, signed.pk}
    pending.refresh_from_db()
    late_on = pending.due_on + dt.timedelta(days=1)
    with clock.frozen_at(clock.aware(late_on, 12, 0)):
        page = client.get(reverse("tickets:signoff_list"), {"late": "1"}).context["page"]
    assert {s.pk for s in page.object_list} == {pending.pk}
    assert listed(late="1") == set()  # on 7 March nothing is late yet


def test_a_requests_page_reads_its_people_in_one_query_and_keeps_the_deactivated(
    world, django_assert_num_queries
):
    """``ticket_for`` (issue 14) loads the request with its contract, department and system, then its
    people in one second query — a deactivated assignee is still shown as the request's; another
    department's clerk still gets 404."""
    ticket = advance(world, submit(world), Status.ASSIGNED)
    world.engineer.is_active = False
    world.engineer.save(update_fields=["is_active"])
    pm = type(world.pm).objects.get(pk=world.pm.pk)
    pm.get_all_permissions()  # the visibility rule reads the role, not the permissions
    with django_assert_num_queries(2):
        found = selectors.ticket_for(pm, ticket.pk)
        people = (found.requester.pk, found.assignee.pk, found.confirmed_by.pk, found.contract.pk)
        names = (found.department.name, found.scope.name)
    assert people == (world.staff.pk, world.engineer.pk, ticket.confirmed_by_id, world.contract.pk)
    assert found.assignee.is_active is False and all(names)
    with pytest.raises(Http404):
        selectors.ticket_for(world.outsiders["staff"], ticket.pk)
