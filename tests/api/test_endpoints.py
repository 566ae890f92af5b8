"""Issue 19.3: requests (filters, pagination, detail), sign-off forms and the score by period, each
within what the token's user may see (the tickets and performance selectors decide)."""

import pytest
from django.urls import reverse

from accounts.roles import Role
from api import services
from tickets import services as ticket_services
from tickets.models import Kind, Status

from ..factories import make_user
from ..payments.helpers import lock_score
from ..tickets.helpers import advance, at, submit
from .helpers import call, key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_(world):
    """Department A: one resolved (with its sign-off form), one in progress, one just filed; department
    B: one in progress."""
    resolved = advance(world, submit(world, title="养老待遇核定报错"), Status.RESOLVED)
    working = advance(world, submit(world, title="参数调整", kind=Kind.POLICY), Status.IN_PROGRESS)
    filed = submit(world, title="刚提交的", when=at(2023, 3, 7, 9))
    other = submit(world, title="就业科的请求", requester=world.outsiders["staff"])
    with_b_head = type(world)(dept_a=world.dept_b, dept_b=world.dept_a, users={**world.users})
    with_b_head.users["dept_head"] = world.outsiders["dept_head"]
    with_b_head.contract = world.contract
    other = advance(with_b_head, other, Status.IN_PROGRESS)
    return {"resolved": resolved, "working": working, "filed": filed, "other": other}


def numbers(response):
    assert response.status_code == 200, response.content[:300]
    return {row["title"] for row in response.json()["results"]}


def test_staff_see_their_departments_requests_only(world, requests_):
    key = key_for(world.staff)
    assert numbers(call(reverse("api:tickets"), key)) == {"养老待遇核定报错", "参数调整", "刚提交的"}
    other = requests_["other"]
    response = call(reverse("api:ticket", args=[other.pk]), key)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_the_engineer_sees_assigned_requests_and_the_pm_all(world, requests_):
    assert numbers(call(reverse("api:tickets"), key_for(world.engineer))) == {
        "养老待遇核定报错",
        "参数调整",
        "就业科的请求",
    }
    assert len(numbers(call(reverse("api:tickets"), key_for(world.pm)))) == 4


def test_the_bureau_system_account_reads_everything(world, requests_):
    key = key_for(services.system_account(), actor=world.bureau_admin)
    assert len(numbers(call(reverse("api:tickets"), key))) == 4
    assert call(reverse("api:settlement", args=[world.contract.pk]), key).status_code == 200
    assert call(reverse("api:score", args=[world.contract.pk]), key).status_code == 200
    assert call(reverse("api:signoffs"), key).json()["count"] == 1


def test_filters_are_those_of_the_request_list(world, requests_):
    key = key_for(world.pm)
    url = reverse("api:tickets")
    assert numbers(call(f"{url}?status=resolved", key)) == {"养老待遇核定报错"}
    assert numbers(call(f"{url}?kind=policy", key)) == {"参数调整"}
    assert numbers(call(f"{url}?state=active&department={world.dept_b.pk}", key)) == {"就业科的请求"}
    assert numbers(call(f"{url}?q=核定", key)) == {"养老待遇核定报错"}
    assert numbers(call(f"{url}?created_from=2023-03-07&created_to=2023-03-07", key)) == {"刚提交的"}
    assert numbers(call(f"{url}?contract={world.contract.pk}&view=assigned", key)) == set()
    ordered = call(f"{url}?ordering=created", key).json()["results"]
    assert [r["created_at"] for r in ordered] == sorted(r["created_at"] for r in ordered)


def test_an_unknown_department_matches_nothing_rather_than_a_bad_request(world, requests_):
    """Found by schemathesis in CI: a schema-valid department id that names no department gave 400."""
    key = key_for(world.pm)
    response = call(f"{reverse('api:tickets')}?department=608200", key)
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "status=nope",
        "kind=x",
        "created_from=yesterday",
        "ordering=password",
        "page=0",
        "page=abc",
        "page_size=101",
        "contract=99999",
        "contract=1e3",
        "scope=1",
        "colour=red",
        "status=resolved&status=closed",
        f"page={2**70}",
    ],
)
def test_bad_parameters_are_a_400(world, requests_, query):
    response = call(reverse("api:tickets") + "?" + query, key_for(world.pm))
    assert response.status_code == 400, (query, response.content[:200])
    assert response.json()["error"]["code"] == "bad_request"


def test_pagination(world, requests_):
    key = key_for(world.pm)
    first = call(reverse("api:tickets") + "?page_size=3", key).json()
    assert (first["count"], first["pages"], first["page"], len(first["results"])) == (4, 2, 1, 3)
    second = call(reverse("api:tickets") + "?page_size=3&page=2", key).json()
    assert len(second["results"]) == 1
    assert call(reverse("api:tickets") + "?page_size=3&page=3", key).json()["error"]["code"] == "no_such_page"


def test_the_list_costs_the_same_queries_for_more_rows(world, requests_, django_assert_max_num_queries):
    key = key_for(world.pm)
    for n in range(15):
        submit(world, title=f"批量{n}")
    with django_assert_max_num_queries(16):
        assert len(call(reverse("api:tickets") + "?page_size=100", key).json()["results"]) == 19


def test_detail_hides_the_vendors_internal_comments_from_the_bureau(world, requests_):
    ticket = requests_["working"]
    ticket_services.comment_add(ticket=ticket, actor=world.engineer, body="内部：换个思路", internal=True)
    ticket_services.comment_add(ticket=ticket, actor=world.engineer, body="已在处理")
    staff_view = call(reverse("api:ticket", args=[ticket.pk]), key_for(world.staff)).json()
    assert [c["body"] for c in staff_view["comments"]] == ["已在处理"]
    vendor_view = call(reverse("api:ticket", args=[ticket.pk]), key_for(world.pm)).json()
    assert {c["body"] for c in vendor_view["comments"]} == {"内部：换个思路", "已在处理"}
    assert staff_view["number"] == ticket.number and staff_view["status"] == "in_progress"


def test_signoff_forms_follow_the_tickets_visibility(world, requests_):
    signoff = requests_["resolved"].signoff
    url = reverse("api:signoff", args=[signoff.pk])
    body = call(url, key_for(world.staff)).json()
    assert body["number"] == signoff.number and body["status"] == "pending"
    assert [t["id"] for t in body["tickets"]] == [requests_["resolved"].pk]
    assert body["form"][0]["title"] == "养老待遇核定报错"
    assert call(url, key_for(world.outsiders["staff"])).status_code == 404
    assert call(url, key_for(world.finance)).status_code == 403
    listed = call(reverse("api:signoffs") + "?status=pending", key_for(world.staff)).json()
    assert [row["id"] for row in listed["results"]] == [signoff.pk]
    assert call(reverse("api:signoffs") + "?status=x", key_for(world.staff)).status_code == 400


def test_another_engineer_does_not_see_a_form_of_requests_they_cannot_see(world, requests_):
    """Issue 13.6 (the visibility rule of r12-tickets): a sign-off form only to those who may see all
    of its requests."""
    stranger = make_user(Role.ENGINEER)
    signoff = requests_["resolved"].signoff
    assert call(reverse("api:signoff", args=[signoff.pk]), key_for(stranger)).status_code == 404


def test_score_by_period(world, requests_):
    key = key_for(world.finance)
    url = reverse("api:score", args=[world.contract.pk])
    whole = call(url, key).json()
    assert whole["period"]["key"] == "contract" and whole["locked"] is False
    assert [p["key"] for p in whole["parts"]] == [
        "data_maintenance",
        "responsiveness",
        "completion",
        "satisfaction",
        "attendance",
    ]
    assert "2023-Q1" in whole["periods"] and "2023-03" in whole["periods"]
    march = call(url + "?period=2023-03", key).json()
    assert (march["period"]["start"], march["period"]["end"], march["period"]["kind"]) == (
        "2023-03-01",
        "2023-03-31",
        "month",
    )
    assert call(url + "?period=2023-Q2", key).json()["period"]["kind"] == "quarter"
    for bad in ("2024-01", "2023-13", "yesterday"):
        assert call(url + f"?period={bad}", key).status_code == 400
    lock_score(world)
    assert call(url, key).json()["locked"] is True
    assert call(url, key_for(world.staff)).status_code == 403
