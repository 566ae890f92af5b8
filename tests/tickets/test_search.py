"""Chinese search across requests (issue 17): tokens, every field, visibility per role and department."""

import pytest

from kb import views as kb_views  # noqa: F401  (the search page lives in kb)
from tickets import search, services
from tickets.models import SearchDocument, Status
from tickets.searchindex import document, query_terms, tokens

from .helpers import advance, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # jieba's search mode: the word, and the dictionary words inside a long one.
        ("连接池", ["连接", "连接池"]),
        ("池", ["池"]),
        ("Oracle连接池耗尽", ["oracle", "连接", "连接池", "耗尽"]),
        ("FW2023-00012 养老调资", ["fw2023", "00012", "养老", "老调", "调资", "养老调资"]),
        # The user dictionary (tickets/search_dict.txt) keeps the contract's terms whole.
        ("城乡居民初始化", ["城乡", "乡居", "居民", "城乡居民", "初始", "初始化"]),
        ("医疗年度帐户调整", ["医疗", "年度", "帐户", "户调", "调整", "医疗年度帐户调整"]),
        ("", []),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_the_user_dictionary_keeps_policy_terms_whole():
    assert query_terms("失业金上下限调整") == ["失业金上下限调整"]
    assert query_terms("养老调资") == ["养老调资"]
    assert query_terms("城乡居民") == ["城乡居民"]


def test_a_document_is_its_words():
    assert document("数据库", "连接池") == "数据 据库 数据库 连接 连接池"


def test_query_terms_split_into_words():
    assert query_terms("连接池 已复现，oracle") == ["连接池", "已", "复现", "oracle"]


def _ids(qs):
    return sorted(t.pk for t in qs)


def test_finds_resolution_comment_and_attachment_words(world):
    t = submit(world, title="医保结算失败", description="门诊结算时报错")
    t = advance(world, t, Status.IN_PROGRESS)
    services.comment_add(ticket=t, actor=world.staff, body="今天上午已复现两次")
    services.comment_add(ticket=t, actor=world.engineer, body="内部：怀疑中间件超时", internal=True)
    services.ticket_resolve(ticket=t, actor=world.engineer, resolution="调整数据库连接池上限后恢复")
    other = submit(world, title="打印格式错位")

    for q in ["连接池", "已复现", "门诊 结算", "医保结算", str(t.number)]:
        assert _ids(search.search_tickets(world.pm, q)) == [t.pk], q
    assert _ids(search.search_tickets(world.pm, "打印")) == [other.pk]
    assert not search.search_tickets(world.pm, "连接池 打印").exists()
    # An internal comment: found by the vendor, never by the bureau.
    assert _ids(search.search_tickets(world.engineer, "中间件")) == [t.pk]
    for role in ("staff", "dept_head", "bureau_admin"):
        assert not search.search_tickets(world.users[role], "中间件").exists(), role


def test_visibility_per_role_and_department(world):
    a = submit(world, title="工伤认定页面卡顿")
    b = submit(world, title="工伤认定导出失败", requester=world.outsiders["staff"])
    assert _ids(search.search_tickets(world.staff, "工伤")) == [a.pk]
    assert _ids(search.search_tickets(world.outsiders["staff"], "工伤")) == [b.pk]
    assert _ids(search.search_tickets(world.outsiders["dept_head"], "工伤")) == [b.pk]
    assert _ids(search.search_tickets(world.pm, "工伤")) == sorted([a.pk, b.pk])
    assert _ids(search.search_tickets(world.bureau_admin, "工伤")) == sorted([a.pk, b.pk])
    # Submitted, not confirmed: the engineer sees neither.
    assert not search.search_tickets(world.engineer, "工伤").exists()
    for role in ("finance", "auditor", "sysadmin", "secadmin"):
        assert not search.search_tickets(world.users[role], "工伤").exists(), role


def test_index_follows_every_write(world):
    t = submit(world, title="社保卡挂失")
    assert SearchDocument.objects.filter(ticket=t).exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.attachment_add(
        ticket=t,
        actor=world.staff,
        upload=SimpleUploadedFile("挂失日志.txt", b"log", content_type="text/plain"),
    )
    assert _ids(search.search_tickets(world.staff, "挂失日志")) == [t.pk]


def test_list_filter_uses_the_search(world, login):
    t = submit(world, title="医保结算失败")
    t = advance(world, t, Status.RESOLVED)
    t.refresh_from_db()
    client = login(world.staff)
    assert "修复" in t.resolution and "校验" in t.resolution
    response = client.get("/tickets/", {"q": "修复 校验"})
    assert t.number in response.content.decode()
    assert t.number not in client.get("/tickets/", {"q": "修复 打印"}).content.decode()


def test_search_page_highlights_and_scopes(world, login, django_assert_max_num_queries):
    for n in range(30):
        submit(world, title=f"养老调资第{n}批核对", description="按政策文件调整")
    submit(world, title="养老调资外科室", requester=world.outsiders["staff"])
    client = login(world.staff)
    with django_assert_max_num_queries(25):
        response = client.get("/kb/search/", {"q": "调资"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>调资</mark>" in body
    assert "外科室" not in body
    assert "共 30 条" in body or "30 条" in body


def test_search_page_escapes_user_text(world, login):
    submit(world, title="<script>alert(1)</script>调资")
    body = login(world.pm).get("/kb/search/", {"q": "调资"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body


def test_similar_solved_while_filing(world, login, django_assert_max_num_queries):
    from kb import services as kb_services

    solved = []
    for n in range(7):
        t = submit(world, title=f"社保卡补办打印失败{n}")
        solved.append(advance(world, t, Status.RESOLVED))
    submit(world, title="社保卡补办打印失败（未解决）")
    submit(world, title="社保卡补办打印失败外科室", requester=world.outsiders["staff"])
    kb_services.article_create(actor=world.pm, title="社保卡补办打印机设置", problem="p", steps="s")
    client = login(world.staff)
    with django_assert_max_num_queries(20):
        response = client.get("/tickets/similar/", {"title": "社保卡补办 打印"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.count("/tickets/") - body.count("/tickets/similar") == 5
    assert "未解决" not in body and "外科室" not in body
    assert "社保卡补办打印机设置" in body
    assert login(world.staff).get("/tickets/similar/", {"title": "完全无关的话"}).content.strip() == b""


def test_reindex_all_rebuilds_in_batches(world):
    from django.core.management import call_command

    t = submit(world, title="工伤待遇重算")
    services.comment_add(ticket=t, actor=world.pm, body="内部说明：核对基数", internal=True)
    SearchDocument.objects.all().delete()
    call_command("search_reindex", stdout=__import__("io").StringIO())
    assert _ids(search.search_tickets(world.staff, "工伤")) == [t.pk]
    assert _ids(search.search_tickets(world.pm, "核对基数")) == [t.pk]
    assert not search.search_tickets(world.staff, "核对基数").exists()
    assert search.reindex_all(batch=1) == 1


def test_results_are_ranked_by_relevance(world):
    # The older request names the word three times in its description: it comes first; a request
    # that mentions it once, in a comment, comes after, although it is newer.
    strong = submit(
        world, title="批量计算失败", description="养老调资后待遇不对，养老调资要重跑，养老调资名单见附件"
    )
    weak = submit(world, title="打印格式错位", description="页面排版问题")
    services.comment_add(ticket=weak, actor=world.staff, body="顺便问一下养老调资的时间")
    assert [t.pk for t in search.search_tickets(world.pm, "养老调资")] == [strong.pk, weak.pk]
    assert [t.pk for t in search.search_tickets(world.pm, "调资")] == [strong.pk, weak.pk]


def test_the_index_is_the_databases_full_text_index(world):
    """PostgreSQL: a stored tsvector column with a GIN index; SQLite: an FTS5 table kept by triggers."""
    from django.db import connection

    t = submit(world, title="城乡居民参保登记报错")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM tickets_searchdocument "
                "WHERE public_tokens_tsv @@ to_tsquery('simple', '居民')"
            )
            assert cursor.fetchone()[0] == 1
            cursor.execute(
                "SELECT indexdef FROM pg_indexes "
                "WHERE tablename = 'tickets_searchdocument' AND indexdef LIKE '%gin%'"
            )
            assert len(cursor.fetchall()) == 2
        else:
            cursor.execute(
                "SELECT rowid FROM tickets_searchdocument_fts WHERE tickets_searchdocument_fts MATCH '居民'"
            )
            assert [r[0] for r in cursor.fetchall()] == [t.pk]
    services.comment_add(ticket=t, actor=world.pm, body="已补录数据字典", internal=True)
    assert _ids(search.search_tickets(world.pm, "数据字典")) == [t.pk]
    assert not search.search_tickets(world.staff, "数据字典").exists()
    SearchDocument.objects.filter(ticket=t).delete()
    assert not search.search_tickets(world.pm, "居民").exists()


def test_many_matches_are_capped_and_ranked_among_the_newest(world, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    made = [submit(world, title=f"初始化第{n}批") for n in range(5)]
    found = search.search_tickets(world.pm, "初始化")
    assert found.capped
    assert _ids(found) == sorted(t.pk for t in made[-3:])


def test_the_page_says_when_the_results_were_capped(world, login, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    for n in range(5):
        submit(world, title=f"初始化第{n}批")
    client = login(world.pm)
    client.get("/kb/search/", {"q": "初始化"})
    with django_assert_max_num_queries(12):
        body = client.get("/kb/search/", {"q": "初始化"}).content.decode()
    assert 'data-testid="search-capped"' in body and "3 条" in body
    assert (
        'data-testid="search-capped"' not in client.get("/kb/search/", {"q": "初始化第1批"}).content.decode()
    )
