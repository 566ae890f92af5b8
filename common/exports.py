"""Excel exports: an .xlsx response from headers and rows, with an ``export`` audit entry.

Every export is logged (who, what, which filters, how many rows) — personal data leaves the portal
through it. Usage::

    return xlsx_response(
        request, filename="服务请求.xlsx", sheet="服务请求", what="tickets",
        columns=[Column("编号", 14), Column("标题", 40)], rows=[[...], ...], filters={"status": "…"},
    )
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import clock
from .audit import log_action

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    number_format: str | None = None  # e.g. "0.00" or "yyyy-mm-dd hh:mm"


def _cell(value):
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = clock.local(value)
        return value.replace(tzinfo=None)  # Excel has no time zones: Shanghai wall-clock time
    if isinstance(value, Decimal | int | float | dt.date) or value is None:
        return value
    text = str(value)
    # A cell that starts with = + - @ would be read as a formula by Excel (CSV/formula injection).
    if text[:1] in {"=", "+", "-", "@"}:
        text = "'" + text
    return text


def _fill_sheet(ws, *, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> int:
    """Fill a write-only sheet: rows go to a temporary file as they come, so a year's export keeps
    memory flat (issue 14); widths and panes are set before the first row, the filter after the last."""
    ws.title = sheet[:31]
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.freeze_panes = "A2"
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)
    formats = [(i, c.number_format) for i, c in enumerate(columns) if c.number_format]
    count = 0
    for row in rows:
        values = [_cell(v) for v in row]
        for i, number_format in formats:
            if i < len(values):
                cell = WriteOnlyCell(ws, value=values[i])
                cell.number_format = number_format
                values[i] = cell
        ws.append(values)
        count += 1
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    return count


def build_workbook(*, sheet: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> tuple[bytes, int]:
    """The .xlsx bytes and the number of data rows."""
    return build_workbook_sheets([Sheet(sheet, columns, rows)])


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]


def build_workbook_sheets(sheets: Sequence[Sheet]) -> tuple[bytes, int]:
    """A workbook of several sheets; the number of data rows of all of them."""
    wb = Workbook(write_only=True)
    count = 0
    for sheet in sheets:
        ws = wb.create_sheet()
        count += _fill_sheet(ws, sheet=sheet.name, columns=sheet.columns, rows=sheet.rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), count


def xlsx_response(
    request,
    *,
    filename: str,
    what: str,
    sheet: str = "",
    columns: Sequence[Column] = (),
    rows: Iterable[Sequence] = (),
    filters: dict | None = None,
    sheets: Sequence[Sheet] | None = None,
) -> HttpResponse:
    """``sheets`` (several ``Sheet``) replaces ``sheet``/``columns``/``rows`` for a workbook of many."""
    if sheets is not None:
        data, count = build_workbook_sheets(sheets)
    else:
        data, count = build_workbook(sheet=sheet, columns=columns, rows=rows)
    log_action(
        "export",
        actor=request.user,
        object_type="export",
        object_repr=f"{what}: {filename}"[:200],
        changes={"what": what, "filename": filename, "filters": filters or {}, "rows": count},
    )
    response = HttpResponse(data, content_type=XLSX)
    ascii_name = "export.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
