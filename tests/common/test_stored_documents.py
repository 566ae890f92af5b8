"""Frozen documents stored (issue 14): the PDF of a published weekly report, an issued sign-off form
and a payment notice is rendered once, stored with its hash in the audit entry, and served from
storage afterwards: a later download renders nothing, and a template changed since alters nothing."""

import hashlib
from unittest import mock

import pytest
from django.urls import reverse

from accounts.roles import Role
from common.models import AuditEntry, StoredDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("tickets:signoff_pdf", Role.PM),
        ("payments:notice_pdf", Role.FINANCE),
        ("reports:weekly_pdf", Role.PM),
    ],
)
def test_a_frozen_pdf_is_rendered_once_then_served_from_storage(name, role, world, client):
    from tests.access import all_rules

    rule = all_rules()[name]
    client.force_login(world.users[role])
    url = reverse(name, kwargs=rule.kwargs(world))
    first = client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    doc = StoredDocument.objects.get()
    digest = hashlib.sha256(first.content).hexdigest()
    assert doc.sha256 == digest and doc.size == len(first.content)
    entry = AuditEntry.objects.get(action="document.store")
    assert entry.changes["sha256"] == digest and entry.object_id == doc.object_id

    def changed_template(html):
        raise AssertionError("a stored document must not be rendered again")

    with mock.patch("common.pdf.render_html_to_pdf", changed_template):
        again = client.get(url)
    assert again.status_code == 200 and again.content == first.content
    assert "no-store" in again["Cache-Control"]
    assert (
        StoredDocument.objects.count() == 1
        and AuditEntry.objects.filter(action="document.store").count() == 1
    )


def test_a_lost_or_altered_file_is_rendered_and_stored_again(world, client):
    from tests.access import all_rules

    rule = all_rules()["payments:notice_pdf"]
    client.force_login(world.users[Role.FINANCE])
    url = reverse("payments:notice_pdf", kwargs=rule.kwargs(world))
    first = client.get(url).content
    doc = StoredDocument.objects.get()
    with doc.file.open("wb") as handle:
        handle.write(b"tampered")
    assert client.get(url).content == first
    assert AuditEntry.objects.filter(action="document.store").count() == 2
    assert hashlib.sha256(StoredDocument.objects.get().file.read()).hexdigest() == doc.sha256
