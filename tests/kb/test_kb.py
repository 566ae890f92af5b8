"""Knowledge base (issue 17): from a resolution to an article, history, votes, visibility."""

import pytest

from common.models import AuditEntry
from kb import selectors, services
from kb.models import Article, Visibility
from tickets.models import Status

from ..tickets.helpers import advance, submit

pytestmark = pytest.mark.django_db


def _solved(world):
    t = submit(world, title="养老调资批处理中断", description="调资批处理运行到一半中断")
    return advance(world, t, Status.RESOLVED)


def test_engineer_turns_a_resolution_into_an_article(world, login):
    t = _solved(world)
    t.refresh_from_db()
    client = login(world.engineer)
    page = client.get(f"/tickets/{t.pk}/").content.decode()
    assert 'data-testid="kb-from-ticket"' in page
    form = client.get(f"/kb/new/?ticket={t.pk}").content.decode()
    assert t.resolution in form
    response = client.post(
        "/kb/new/",
        {
            "ticket": t.pk,
            "title": "养老调资批处理中断的处理",
            "system": "养老保险",
            "problem": "批处理中断",
            "steps": "1. 备份\n2. 从断点重跑",
            "visibility": "public",
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert list(article.tickets.all()) == [t]
    assert AuditEntry.objects.filter(action="kb.create", object_id=str(article.pk)).exists()
    # Staff of the department read it; its page says how often it was used.
    staff = login(world.staff)
    detail = staff.get(f"/kb/{article.pk}/").content.decode()
    assert "从断点重跑" in detail
    assert "解决过 1 个请求" in detail


def test_unsolved_request_cannot_become_an_article(world, login):
    t = submit(world)
    response = login(world.engineer).get(f"/kb/new/?ticket={t.pk}")
    assert response.status_code == 404  # the engineer cannot even see a submitted request
    t = advance(world, t, Status.IN_PROGRESS)
    response = login(world.engineer).get(f"/kb/new/?ticket={t.pk}")
    assert response.status_code == 302


def test_internal_articles_are_for_the_vendor(world, login):
    article = services.article_create(
        actor=world.pm, title="中间件重启口令", problem="p", steps="s", visibility=Visibility.INTERNAL
    )
    assert login(world.staff).get(f"/kb/{article.pk}/").status_code == 404
    assert login(world.engineer).get(f"/kb/{article.pk}/").status_code == 200
    assert not selectors.search_articles(world.bureau_admin, "中间件").exists()
    assert selectors.search_articles(world.engineer, "中间件").exists()


def test_edit_keeps_history_and_reindexes(world):
    article = services.article_create(actor=world.pm, title="医疗年度帐户调整", problem="p", steps="旧步骤")
    article = services.article_update(actor=world.engineer, article=article, steps="新步骤：先备份帐户表")
    assert article.version == 2
    assert article.revisions.get().steps == "旧步骤"
    assert selectors.search_articles(world.staff, "帐户表").exists()
    assert AuditEntry.objects.filter(action="kb.edit").exists()


def test_votes_once_per_person(world, login):
    article = services.article_create(actor=world.pm, title="失业金上下限调整", problem="p", steps="s")
    client = login(world.staff)
    client.post(f"/kb/{article.pk}/vote/", {"helpful": "1"})
    client.post(f"/kb/{article.pk}/vote/", {"helpful": "1"})
    login(world.dept_head).post(f"/kb/{article.pk}/vote/", {"helpful": "0"})
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (1, 1)
    client = login(world.staff)
    client.post(f"/kb/{article.pk}/vote/", {"helpful": "0"})
    article.refresh_from_db()
    assert (article.helpful_count, article.unhelpful_count) == (0, 2)


def test_staff_cannot_write(world):
    from common.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.article_create(actor=world.staff, title="x", problem="p", steps="s")


def test_list_is_paginated_with_flat_queries(world, login, django_assert_max_num_queries):
    for n in range(45):
        services.article_create(actor=world.pm, title=f"年度初始化第{n}步", problem="p", steps="s")
    client = login(world.staff)
    with django_assert_max_num_queries(20):
        response = client.get("/kb/", {"q": "初始化"})
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item list-group-item-action"') == 20


def test_article_search_is_ranked_and_follows_edits(world):
    twice = services.article_create(
        actor=world.pm, title="失业金上下限调整", problem="每年失业金上下限调整", steps="按文件调整上下限"
    )
    once = services.article_create(
        actor=world.pm, title="批处理日志查看", problem="失业金上下限调整后核对", steps="s"
    )
    assert [a.pk for a in selectors.search_articles(world.staff, "失业金上下限调整")] == [twice.pk, once.pk]
    assert [a.pk for a in selectors.search_articles(world.staff, "上下限")] == [twice.pk, once.pk]
    services.article_update(actor=world.engineer, article=once, problem="与调整无关")
    assert [a.pk for a in selectors.search_articles(world.staff, "失业金")] == [twice.pk]


def test_writer_links_an_article_to_another_solved_request(world, login):
    from tickets.models import Ticket

    first = _solved(world)
    article = services.article_create(
        actor=world.pm, title="养老调资中断处理", problem="p", steps="s", tickets=[first]
    )
    second = _solved(world)
    open_one = submit(world, title="未解决的请求")
    client = login(world.engineer)
    assert 'data-testid="kb-link"' in client.get(f"/kb/{article.pk}/").content.decode()
    number = Ticket.objects.get(pk=second.pk).number
    response = client.post(f"/kb/{article.pk}/link/", {"number": number}, follow=True)
    assert f"已关联请求 {number}" in response.content.decode()
    assert set(article.tickets.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert AuditEntry.objects.filter(action="kb.link", changes__ticket=second.pk).exists()
    # Not solved: refused with the reason; a number that is not a request: not found.
    pm = login(world.pm)  # the PM sees requests not yet confirmed
    body = pm.post(f"/kb/{article.pk}/link/", {"number": open_one.number}, follow=True).content.decode()
    assert "尚未解决" in body
    assert (
        "没有找到"
        in client.post(f"/kb/{article.pk}/link/", {"number": "FW2023-99999"}, follow=True).content.decode()
    )
    assert article.tickets.count() == 2
    # Staff read the article but cannot link; the page offers no form to them.
    staff = login(world.staff)
    assert 'data-testid="kb-link"' not in staff.get(f"/kb/{article.pk}/").content.decode()
    assert staff.post(f"/kb/{article.pk}/link/", {"number": second.number}).status_code == 403
    assert article.tickets.count() == 2


def test_article_attachments_uploaded_by_writers_read_by_readers(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    public = services.article_create(actor=world.pm, title="失业金上下限调整步骤", problem="p", steps="s")
    internal = services.article_create(
        actor=world.pm, title="中间件口令", problem="p", steps="s", visibility=Visibility.INTERNAL
    )
    engineer = login(world.engineer)
    upload = SimpleUploadedFile("上下限调整脚本.txt", b"update ...", content_type="text/plain")
    response = engineer.post(f"/kb/{public.pk}/attach/", {"file": upload}, follow=True)
    assert "附件已上传" in response.content.decode()
    attachment = public.attachments.get()
    assert attachment.original_name == "上下限调整脚本.txt"
    assert AuditEntry.objects.filter(action="kb.attach").count() == 1
    # The file's name is searchable with the article.
    assert [a.pk for a in selectors.search_articles(world.staff, "脚本")] == [public.pk]
    # Staff read it through the checked download, and cannot upload.
    staff = login(world.staff)
    page = staff.get(f"/kb/{public.pk}/").content.decode()
    assert "上下限调整脚本.txt" in page and 'data-testid="kb-attach"' not in page
    download = staff.get(f"/kb/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"update ..."
    assert "no-store" in download["Cache-Control"]
    assert staff.post(f"/kb/{public.pk}/attach/", {"file": upload}).status_code == 403
    # A file of an internal article is the vendor's only.
    secret = services.article_attach(
        actor=world.pm,
        article=internal,
        upload=SimpleUploadedFile("口令.txt", b"x", content_type="text/plain"),
    )
    assert staff.get(f"/kb/attachments/{secret.pk}/").status_code == 404
    engineer = login(world.engineer)  # the fixture's client, logged in again
    assert engineer.get(f"/kb/attachments/{secret.pk}/").status_code == 200
    # A type the portal refuses is refused here too.
    bad = SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")
    engineer.post(f"/kb/{public.pk}/attach/", {"file": bad})
    assert public.attachments.count() == 1
