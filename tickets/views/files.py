"""Stored files of requests (never a public media URL): each download is audited as an export."""

from __future__ import annotations

import mimetypes
from typing import cast

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from common.audit import log_action
from common.permissions import require_perm

from .. import selectors
from ..models import BatchStep, DataAuthorization, UpgradeStep


def file_response(request, obj, field_file, filename: str, *, inline: bool = False) -> FileResponse:
    """Serve a stored file to someone allowed to see it; the download is an export and is audited."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=not inline, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    log_action("export.file", actor=request.user, obj=obj, changes={"file": filename, "inline": inline})
    return response


@require_GET
@require_perm("tickets.view_ticket")
def attachment_download(request, pk: int):
    attachment = selectors.attachment_for(request.user, pk)
    return file_response(request, attachment, attachment.file, attachment.original_name)


EVIDENCE: dict[str, tuple[type[DataAuthorization] | type[BatchStep] | type[UpgradeStep], str]] = {
    "authorization": (DataAuthorization, "approval_file"),
    "batch": (BatchStep, "evidence"),
    "upgrade": (UpgradeStep, "document"),
}


@require_GET
@require_perm("tickets.view_ticket")
def evidence_download(request, kind: str, pk: int):
    if kind not in EVIDENCE:
        raise Http404
    model, field = EVIDENCE[kind]
    # mypy joins the three querysets to Model; the row is one of EVIDENCE's models.
    row = cast(
        DataAuthorization | BatchStep | UpgradeStep,
        get_object_or_404(model.objects.select_related("ticket"), pk=pk),
    )
    selectors.ticket_for(request.user, row.ticket_id)  # 404 outside the user's scope
    field_file = getattr(row, field)
    name = field_file.name.rsplit("/", 1)[-1] if field_file else ""
    return file_response(request, row, field_file, name)
