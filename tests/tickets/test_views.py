"""Pages: lists (scoping, filters, flat query counts, export), forms that keep what was typed,
files only through permission-checked views, and the sign-off PDF with its CJK font embedded."""

import io
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from openpyxl import load_workbook

from accounts.roles import Role
from common import clock
from common.models import AuditEntry
from contracts.models import Priority
from tickets import services
from tickets.models import Attachment, Kind, Status, Ticket

from ..factories import make_user
from ..pdf_helpers import assert_cjk_font_embedded, no_missing_glyphs, pdf_text
from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_2023():
    with clock.frozen_at(at(2023, 3, 8, 10)):
        yield


def _many(world, n, **kw):
    return [submit(world, title=f"请求{i}", **kw) for i in range(n)]


@pytest.mark.parametrize("role", ["staff", "dept_head", "bureau_admin", "engineer", "pm"])
def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries, in_2023, role):
    client = login(world.users[role])
    for t in _many(world, 3):
        advance(world, t, Status.ASSIGNED)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/tickets/?ordering=-due").status_code == 200
    for t in _many(world, 20):
        advance(world, t, Status.RESOLVED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/tickets/?ordering=-due")
    assert response.status_code == 200


def test_home_panels_query_count_is_flat(world, login, django_assert_max_num_queries, in_2023):
    client = login(world.pm)
    _many(world, 2)
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    for t in _many(world, 15):
        advance(world, t, Status.ASSIGNED)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/")
    assert response.status_code == 200
    assert b'data-testid="tickets-panel"' in response.content


def test_lists_are_scoped_and_filtered(world, login, in_2023):
    mine = submit(world, title="养老金计算错误", kind=Kind.SOFTWARE, priority=Priority.URGENT)
    init = submit(
        world, title="年度初始化", kind=Kind.INIT, init_type="annual", description="2023 年度初始化"
    )
    other = submit(world, title="就业补贴查询", requester=world.outsiders["staff"])
    client = login(world.staff)
    body = client.get("/tickets/").content.decode()
    assert mine.number in body and other.number not in body
    body = client.get("/tickets/?kind=init").content.decode()
    assert init.number in body and mine.number not in body
    body = client.get("/tickets/", {"q": "计算错误"}).content.decode()
    assert mine.number in body and init.number not in body
    body = client.get("/tickets/", {"q": "2023 年度"}).content.decode()  # description
    assert init.number in body and mine.number not in body
    body = client.get("/tickets/", {"q": mine.number}).content.decode()
    assert mine.number in body
    body = client.get("/tickets/?priority=urgent&status=submitted").content.decode()
    assert mine.number in body and init.number not in body
    admin_body = login(world.bureau_admin).get(f"/tickets/?department={world.dept_b.pk}").content.decode()
    assert other.number in admin_body and mine.number not in admin_body


def test_overdue_filter_and_markers(world, login):
    late = submit(world, priority=Priority.URGENT, title="紧急故障")
    advance(world, late, Status.IN_PROGRESS, when=at(2023, 3, 6, 9))
    fresh = submit(world, title="普通问题")
    advance(world, fresh, Status.IN_PROGRESS, when=at(2023, 3, 6, 9))
    client = login(world.staff)
    with clock.frozen_at(at(2023, 3, 6, 15)):  # urgent: 4 working hours from 09:00 → 14:30
        body = client.get("/tickets/?overdue=late").content.decode()
        assert late.number in body and fresh.number not in body
        assert 'data-testid="overdue"' in body
        detail = client.get(f"/tickets/{late.pk}/").content.decode()
        assert 'data-testid="overdue"' in detail


def test_due_pending_shows_daiding(world, login):
    import datetime as dt

    from ..factories import make_contract

    world.contract = make_contract(
        number="C-2026",
        signed_on=dt.date(2026, 1, 5),
        start_on=dt.date(2026, 1, 1),
        end_on=dt.date(2026, 12, 31),
    )
    t = submit(world, priority=Priority.LOW, when=at(2026, 12, 28, 9))
    with clock.frozen_at(at(2026, 12, 28, 10)):
        services.ticket_confirm(ticket=t, actor=world.dept_head)
        client = login(world.staff)
        client.post("/contracts/switch/", {"contract": world.contract.pk})
        body = client.get(f"/tickets/{t.pk}/").content.decode()
        assert "待定" in body and 'data-testid="calendar-pending"' in body
        assert "待定" in client.get("/tickets/?overdue=pending").content.decode()


def test_other_departments_request_is_404(world, login, in_2023):
    t = submit(world)
    assert login(world.outsiders["staff"]).get(f"/tickets/{t.pk}/").status_code == 404
    assert login(world.outsiders["dept_head"]).post(f"/tickets/{t.pk}/confirm/").status_code == 404
    t.refresh_from_db()
    assert t.status == Status.SUBMITTED


def test_engineer_cannot_open_a_colleagues_request(world, login, in_2023):
    other = make_user(Role.ENGINEER, username="eng_x")
    t = advance(world, submit(world), Status.ASSIGNED, engineer=other)
    assert login(world.engineer).get(f"/tickets/{t.pk}/").status_code == 404


def test_create_form_keeps_what_was_typed_and_says_why(world, login, in_2023):
    client = login(world.staff)
    scope = world.contract.scopes.first()
    response = client.post(
        "/tickets/new/",
        {
            "kind": Kind.DATA,
            "scope": scope.pk,
            "priority": "normal",
            "title": "修改缴费基数",
            "description": "张三基数录错",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "数据维护请说明数据范围" in body
    assert "修改缴费基数" in body and "张三基数录错" in body
    assert not Ticket.objects.exists()


def test_create_with_attachments(world, login, in_2023):
    client = login(world.staff)
    scope = world.contract.scopes.first()
    png = SimpleUploadedFile("截图.png", b"\x89PNG\r\n\x1a\n" + b"x" * 100, content_type="image/png")
    response = client.post(
        "/tickets/new/",
        {
            "kind": Kind.SOFTWARE,
            "scope": scope.pk,
            "priority": "high",
            "title": "报错",
            "description": "见截图",
            "files": [png],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    attachment = ticket.attachments.get()
    assert attachment.original_name == "截图.png" and attachment.content_type == "image/png"
    assert "截图" not in attachment.file.name  # stored under a random name


def test_attachment_type_and_size_limits(world, login, in_2023):
    t = submit(world)
    client = login(world.staff)
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    body = client.post(f"/tickets/{t.pk}/attach/", {"attach-file": exe}).content.decode()
    assert "不支持的文件类型" in body
    fake_pdf = SimpleUploadedFile("report.pdf", b"not a pdf at all", content_type="application/pdf")
    body = client.post(f"/tickets/{t.pk}/attach/", {"attach-file": fake_pdf}).content.decode()
    assert "内容与扩展名" in body
    with override_settings(TICKETS_ATTACHMENT_MAX_MB=1):
        big = SimpleUploadedFile(
            "big.pdf", b"%PDF" + b"0" * (1024 * 1024 + 10), content_type="application/pdf"
        )
        body = client.post(f"/tickets/{t.pk}/attach/", {"attach-file": big}).content.decode()
        assert "超过 1 MB" in body
    assert not Attachment.objects.exists()


def test_attachments_download_only_through_the_checked_view(world, login, in_2023):
    t = submit(world)
    upload = SimpleUploadedFile("说明.txt", "内容".encode(), content_type="text/plain")
    a = services.attachment_add(ticket=t, actor=world.staff, upload=upload)
    response = login(world.staff).get(f"/tickets/attachments/{a.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == "内容".encode()
    assert "attachment" in response["Content-Disposition"]
    assert login(world.outsiders["staff"]).get(f"/tickets/attachments/{a.pk}/").status_code == 404
    assert login(world.finance).get(f"/tickets/attachments/{a.pk}/").status_code == 403
    internal = services.attachment_add(
        ticket=t, actor=world.pm, upload=SimpleUploadedFile("日志.txt", b"log"), internal=True
    )
    assert login(world.staff).get(f"/tickets/attachments/{internal.pk}/").status_code == 404


def test_refused_transition_comes_back_with_the_reason(world, login, in_2023):
    t = submit(world)
    response = login(world.dept_head).post(f"/tickets/{t.pk}/reject/", {"reject-reason": ""})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    t.refresh_from_db()
    assert t.status == Status.SUBMITTED


def test_second_engineer_claiming_is_told(world, login, in_2023):
    other = make_user(Role.ENGINEER, username="eng_y")
    t = advance(world, submit(world), Status.CONFIRMED)
    assert login(world.engineer).post(f"/tickets/{t.pk}/claim/").status_code == 302
    response = login(other).post(f"/tickets/{t.pk}/claim/", follow=True)
    # The request is no longer in the pool: the second engineer cannot even see it any more.
    assert response.status_code == 404
    t.refresh_from_db()
    assert t.assignee == world.engineer


def test_pm_reassigning_after_a_claim_is_told(world, login, in_2023):
    t = advance(world, submit(world), Status.CONFIRMED)
    page = login(world.pm).get(f"/tickets/{t.pk}/")
    assert page.status_code == 200
    services.ticket_claim(ticket=t, actor=world.engineer)
    response = login(world.pm).post(f"/tickets/{t.pk}/claim/", follow=True)
    assert "刚刚已被" in response.content.decode()


def test_export_is_the_filtered_list_and_is_audited(world, login, in_2023):
    a = submit(world, title="导出一", priority=Priority.URGENT)
    submit(world, title="导出二")
    submit(world, title="别的科室", requester=world.outsiders["staff"])
    response = login(world.staff).get("/tickets/export/?priority=urgent")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "标题", "类型")
    assert [r[0] for r in rows[1:]] == [a.number]
    entry = AuditEntry.objects.filter(action="export").get()
    assert entry.actor == world.staff
    assert entry.changes["rows"] == 1 and entry.changes["filters"]["priority"] == "urgent"


def test_export_neutralises_formulas(world, login, in_2023):
    submit(world, title='=HYPERLINK("http://x")')
    sheet = load_workbook(io.BytesIO(login(world.staff).get("/tickets/export/").content)).active
    assert sheet.cell(row=2, column=2).value.startswith("'=")


def test_signoff_pdf_embeds_the_cjk_font(world, login, in_2023):
    t = advance(world, submit(world, title="养老保险待遇调整"), Status.RESOLVED)
    client = login(world.staff)
    with no_missing_glyphs():
        response = client.get(f"/tickets/signoffs/{t.signoff_id}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert_cjk_font_embedded(response.content)
    text = pdf_text(response.content)
    assert "服务内容确认表" in text and "养老保险待遇调整" in text
    assert "第1页/共1页" in text.replace(" ", "")  # page numbers in the footer


def test_signed_form_renders_from_its_snapshot(world, login, in_2023):
    t = advance(world, submit(world, title="原来的标题"), Status.SIGNED_OFF)
    Ticket.objects.filter(pk=t.pk).update(title="后来改过的标题", resolution="后来改过")
    with no_missing_glyphs():
        data = login(world.staff).get(f"/tickets/signoffs/{t.signoff_id}/pdf/").content
    text = pdf_text(data)
    assert "原来的标题" in text and "后来改过" not in text
    assert world.staff.display_name in text


def test_missing_glyph_is_caught():
    from common.pdf import render_html_to_pdf

    with pytest.raises(AssertionError, match="glyph"), no_missing_glyphs():
        render_html_to_pdf('<html><body style="font-family: nothing">\U0010fffd</body></html>')


def test_pdf_fetcher_refuses_other_urls():
    from common.pdf import FetchRefused, StaticURLFetcher

    fetcher = StaticURLFetcher()
    for url in (
        "https://example.com/x.css",
        "file:///etc/passwd",
        "https://pdf.jinbao.invalid/static/../settings.py",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
    assert fetcher.fetch("https://pdf.jinbao.invalid/static/pdf/pdf.css").read().startswith(b"/*")


def test_sign_in_the_portal(world, login):
    t = advance(world, submit(world), Status.RESOLVED)
    with clock.frozen_at(at(2023, 3, 6, 16)):
        client = login(world.staff)
        page = client.get(f"/tickets/signoffs/{t.signoff_id}/").content.decode()
        assert 'data-testid="sign"' in page
        response = client.post(
            f"/tickets/signoffs/{t.signoff_id}/sign/", {"method": "portal", "note": "满意"}
        )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.status == Status.SIGNED_OFF and not t.signoff.late


def test_contract_settings_form_has_the_warning_share(world, login):
    body = login(world.bureau_admin).get(f"/contracts/{world.contract.pk}/edit/").content.decode()
    assert 'name="sla_warning_percent"' in body


def test_the_font_is_read_once_per_process_not_for_every_document(world, login, in_2023):
    """Issue 14: the 4.6 MB CJK font is fetched and registered once per process (at the worker's
    start, by ``warm_up``), not again for every document; the documents still embed it."""
    from common import pdf

    pdf.warm_up()
    t = advance(world, submit(world, title="养老保险待遇调整"), Status.RESOLVED)
    fetched = []
    real_fetch = pdf.StaticURLFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    with mock.patch.object(pdf.StaticURLFetcher, "fetch", spy), no_missing_glyphs():
        response = login(world.staff).get(f"/tickets/signoffs/{t.signoff_id}/pdf/")
    assert response.status_code == 200
    assert_cjk_font_embedded(response.content)
    assert any(url.endswith("pdf.css") for url in fetched)  # the stylesheet is still read
    assert not [url for url in fetched if url.endswith(".ttf")]


def test_a_failed_warm_up_never_stops_the_worker(caplog):
    from common import pdf

    with mock.patch("common.pdf.render_html_to_pdf", side_effect=OSError("font missing")):
        pdf.warm_up()
    assert "PDF warm-up failed" in caplog.text


def test_model_selects_read_their_choices_in_one_query_not_a_server_side_cursor(world, login, in_2023):
    """Issue 14: ``QuerySet.iterator()`` is a server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE)
    for a dozen options; the list's filter selects, the request page's forms and the filing form read them
    plainly."""
    from django.db.models import QuerySet

    t = advance(world, submit(world, title="待办"), Status.IN_PROGRESS)
    scope_names = list(world.contract.scopes.values_list("name", flat=True))
    with mock.patch.object(QuerySet, "iterator", side_effect=AssertionError("a server-side cursor")):
        listing = login(world.pm).get("/tickets/")
        page = login(world.pm).get(f"/tickets/{t.pk}/")  # the PM records support for the engineers
        filing = login(world.staff).get("/tickets/new/")
    assert listing.status_code == 200 and page.status_code == 200 and filing.status_code == 200
    assert all(name in filing.content.decode() for name in scope_names)
    html = listing.content.decode()
    assert all(name in html for name in scope_names)
    assert 'name="support-person"' in page.content.decode()


def test_a_request_page_reads_only_the_gates_of_its_kind_and_the_comments_once(world, login, in_2023):
    """Issue 14: the batch steps, upgrade stages and data authorization are read for the kind whose
    page shows them; the comments once for the history and the list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = advance(world, submit(world, title="软件问题"), Status.IN_PROGRESS)
    services.comment_add(ticket=t, actor=world.engineer, body="已定位原因")
    client = login(world.engineer)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(f"/tickets/{t.pk}/")
    assert page.status_code == 200 and "已定位原因" in page.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    for table in ("tickets_batchstep", "tickets_upgradestep", "tickets_dataauthorization"):
        assert not [s for s in sql if f'FROM "{table}"' in s], table
    assert len([s for s in sql if 'FROM "tickets_comment"' in s]) == 1
