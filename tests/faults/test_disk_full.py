"""Fault 5 (issue 15): the disk fills while an attachment is written. The user gets a clear message,
and nothing is half saved: no row, no audit entry, no partial or orphaned file."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.models import AuditEntry
from tickets.models import Attachment, Ticket

from .conftest import disk_full_after, media_files, ticket_form

PDF = b"%PDF-1.4\n" + b"0" * 200_000 + b"\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_filing_a_request_when_the_disk_fills_on_the_second_attachment(world, client):
    client.force_login(world.staff)
    form = ticket_form(world, title="磁盘写满时提交")
    files_before, audit_before = media_files(), AuditEntry.objects.count()
    with disk_full_after(100_000, on_file=2):
        response = client.post(reverse("tickets:create"), {**form, "files": [_pdf("a.pdf"), _pdf("b.pdf")]})
    body = response.content.decode()
    assert response.status_code == 200 and "服务器存储空间已满" in body
    assert 'value="磁盘写满时提交"' in body  # what the user typed is kept
    assert not Ticket.objects.filter(title="磁盘写满时提交").exists()
    assert AuditEntry.objects.count() == audit_before
    assert media_files() == files_before  # neither the first file nor the partial second one

    response = client.post(reverse("tickets:create"), {**form, "files": [_pdf("a.pdf"), _pdf("b.pdf")]})
    assert response.status_code == 302  # space again: the same submission goes through
    assert Ticket.objects.get(title="磁盘写满时提交").attachments.count() == 2


def test_attaching_to_a_request_when_the_disk_is_full(world, client):
    from tests.access.tickets import _ticket

    ticket = _ticket(world)
    client.force_login(world.staff)
    files_before, audit_before = media_files(), AuditEntry.objects.count()
    with disk_full_after(0):
        response = client.post(reverse("tickets:attach", args=[ticket.pk]), {"attach-file": _pdf("c.pdf")})
    body = response.content.decode()
    assert response.status_code == 200 and "服务器存储空间已满" in body
    assert not Attachment.objects.filter(ticket=ticket).exists()
    assert AuditEntry.objects.count() == audit_before and media_files() == files_before
