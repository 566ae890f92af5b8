"""Issue 13 item 4: every upload path refuses the same hostile files, and the rules sit on the model
fields (validators), so that no path — a view, a service, the admin, a future form — can skip them.
The data-maintenance approval file (``/tickets/<id>/authorize/``) stored an SVG with script and a
12 MB ``.exe`` before."""

import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from ..conftest import PortalClient, build_world
from . import figures
from .fingerprint import changed_tables, fingerprint

MB = 1024 * 1024

# url name -> the name of its file field, as the portal's page sends it
UPLOAD_PATHS = {
    "tickets:create": "files",
    "tickets:attach": "attach-file",
    "tickets:authorize": "authorize-approval_file",
    "tickets:batch_step": "batch_step-evidence",
    "tickets:upgrade_step": "upgrade_step-document",
    "tickets:signoff_sign": "scan",
    "contracts:calendar_load": "csv_file",
    # the rest of the contract (issue 18): written changes, undertakings, terminations, contacts
    "contracts:change_propose": "document",
    "contracts:undertaking_add": "document",
    "contracts:termination_give": "document",
    "contracts:contact_add": "document",
    "kb:attach": "file",
}
STORED = set(UPLOAD_PATHS) - {"contracts:calendar_load"}  # the calendar file is read, not kept
EXTRA = {"tickets:signoff_sign": {"method": "scan"}, "tickets:upgrade_step": {}}


def hostile_files() -> dict[str, tuple[str, bytes, str]]:
    return {
        "svg with script": (
            "diagram.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b"<script>alert(document.cookie)</script></svg>",
            "image/svg+xml",
        ),
        "12 MB exe": ("setup.exe", b"MZ\x90\x00" + b"\x00" * (12 * MB), "application/x-msdownload"),
        "html named pdf": ("approval.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"),
        "exe named pdf": ("approval.pdf", b"MZ\x90\x00" + b"\x00" * 2048, "application/pdf"),
        "double extension": ("scan.pdf.exe", b"%PDF-1.4 not really", "application/pdf"),
        "12 MB pdf": ("big.pdf", b"%PDF-1.4\n" + b"0" * (12 * MB), "application/pdf"),
        "html page": ("page.html", b"<script>alert(1)</script>", "text/html"),
        "binary text": ("notes.txt", b"\x00\x01\x02MZ\xff\xfe" * 100, "text/plain"),
        "empty": ("empty.pdf", b"", "application/pdf"),
    }


def _media_files() -> set[str]:
    from django.conf import settings

    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _data_ticket(world):
    from tickets import services

    from ..access.tickets import _ticket

    _ticket(world)  # stretches the contract over today
    t = services.ticket_submit(
        actor=world.staff,
        contract=world.contract,
        kind="data",
        scope=world.contract.scopes.first(),
        priority="normal",
        title="t",
        description="d",
        data_scope="张三",
    )
    services.ticket_confirm(ticket=t, actor=world.dept_head)
    return t


def _setup(name, world):
    """(url, who posts, the rest of a valid submission) for each upload path."""
    from django.urls import reverse

    from ..access.tickets import _ticket

    if name == "tickets:create":
        _ticket(world)
        data = {
            "kind": "software",
            "scope": world.contract.scopes.first().pk,
            "priority": "normal",
            "title": "上传测试",
            "description": "d",
        }
        return reverse(name), world.staff, data
    if name == "tickets:attach":
        return reverse(name, args=[_ticket(world).pk]), world.staff, {}
    if name == "tickets:authorize":
        return (
            reverse(name, args=[_data_ticket(world).pk]),
            world.dept_head,
            {"authorize-scope": "张三 2023 年缴费"},
        )
    if name == "tickets:batch_step":
        t = _ticket(world, "batch")
        return reverse(name, args=[t.pk]), world.engineer, {"batch_step-step": "test", "batch_step-note": ""}
    if name == "tickets:upgrade_step":
        t = _ticket(world, "upgrade")
        return reverse(name, args=[t.pk]), world.bureau_admin, {"upgrade_step-stage": "confirmed"}
    if name == "kb:attach":
        from ..access.kb import article_pk

        return reverse(name, kwargs=article_pk(world)), world.engineer, {}
    if name == "tickets:signoff_sign":
        t = _ticket(world, resolved=True)
        return reverse(name, args=[t.signoff_id]), world.staff, {"method": "scan"}
    if name.startswith("contracts:") and name != "contracts:calendar_load":
        return reverse(name), world.pm, _agreement_data(name, world)
    return reverse(name), world.bureau_admin, {"year": 2027, "source": "通知"}


def _agreement_data(name, world):
    from common import clock

    today = clock.today().isoformat()
    return {
        "contracts:change_propose": {
            "title": "增加驻场",
            "text": "自下月起驻场 3 名。",
            "delivered_on": today,
        },
        "contracts:undertaking_add": {"person": world.engineer.pk, "signed_on": today},
        "contracts:termination_give": {"basis": "impossible", "given_on": today, "reason": "不可抗力。"},
        "contracts:contact_add": {"name": "李四", "notice_on": today, "effective_on": today},
    }[name]


@pytest.mark.parametrize("name", sorted(UPLOAD_PATHS))
def test_every_upload_path_refuses_hostile_files(name, db):
    world = build_world()
    client = PortalClient()
    url, user, base = _setup(name, world)
    client.force_login(user)
    problems = []
    for label, (filename, content, content_type) in hostile_files().items():
        before, files_before = fingerprint(), _media_files()
        data = {**base, UPLOAD_PATHS[name]: SimpleUploadedFile(filename, content, content_type)}
        response = client.post(url, data)
        if response.status_code >= 500:
            problems.append(f"{label}: {response.status_code}")
        stored = _media_files() - files_before
        if stored:
            problems.append(f"{label}: stored {sorted(os.path.basename(p) for p in stored)}")
        changed = changed_tables(before, fingerprint())
        if changed:
            problems.append(f"{label}: changed {changed}")
        figures.add("uploads: hostile files refused", 1)
    assert not problems, f"POST {url}: " + "; ".join(problems)
    # The control: the same submission with a harmless file goes through and is stored, so what was
    # refused above was the file, not the rest of the form.
    if name in STORED:
        files_before = _media_files()
        good = SimpleUploadedFile("审批单.pdf", b"%PDF-1.4\n%harmless\n", "application/pdf")
        response = client.post(url, {**base, UPLOAD_PATHS[name]: good})
        assert response.status_code == 302, _errors(response)
        assert _media_files() - files_before, f"{url}: the harmless file was not stored either"


def _file_fields():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field


def test_every_file_field_carries_the_upload_rules():
    from common.uploads import UploadValidator

    fields = list(_file_fields())
    assert len(fields) >= 5
    missing = [
        f"{model._meta.label}.{field.name}"
        for model, field in fields
        if not any(isinstance(v, UploadValidator) for v in field.validators)
    ]
    assert not missing, f"file fields without the upload rules: {missing}"


@pytest.mark.parametrize(
    ("model", "field"), [(m, f) for m, f in _file_fields()], ids=lambda x: getattr(x, "name", "")
)
def test_the_model_refuses_a_hostile_file_whatever_the_path(db, model, field):
    """Straight on the model, as a service that forgot to check (data_authorize did) would save it."""
    instance = model()
    for label, (filename, content, content_type) in hostile_files().items():
        setattr(instance, field.name, SimpleUploadedFile(filename, content, content_type))
        with pytest.raises(ValidationError) as exc:
            field.clean(getattr(instance, field.name), instance)
        assert exc.value.messages, label


def _errors(response) -> str:
    import re

    html = response.content.decode()
    found = re.findall(
        r'class="[^"]*(?:alert-danger|invalid-feedback|errorlist)[^"]*"[^>]*>(.*?)</', html, re.S
    )
    return f"{response.status_code}: {[f.strip()[:200] for f in found]}"
