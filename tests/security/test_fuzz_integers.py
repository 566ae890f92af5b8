"""Issue 13 item 7: integers from query strings and forms are range-checked. The fuzzing itself runs
where each page is already opened: tests/test_access_matrix.py (every GET URL, every allowed caller,
the usual integer parameters beyond any database's range) and tests/security/test_fuzz_forms.py
(every form with every field out of range), on SQLite and PostgreSQL alike. Here: the helpers, and
the cases the issue names."""

from django.urls import reverse

from accounts.roles import Role

from ..factories import make_user


def test_the_parser_helper_is_strict():
    from common.params import MAX_ID, int_param

    assert int_param({"p": "12"}, "p") == 12
    for bad in ["", "x", "-1", "0", "1.5", "１２", str(MAX_ID + 1), "9" * 40, " 3"]:
        assert int_param({"p": bad}, "p") is None, bad
    assert int_param({"p": str(MAX_ID)}, "p") == MAX_ID
    assert int_param({"y": "2023"}, "y", minimum=2000, maximum=2100) == 2023
    assert int_param({"y": "99999"}, "y", minimum=2000, maximum=2100) is None


def test_the_cases_of_the_issue(db, world, client):
    client.force_login(world.pm)
    assert client.get("/rosters/logs/", {"person": "9223372036854775808"}).status_code == 200
    response = client.post(
        reverse("rosters:worklog_create"),
        {"date": "2023-03-01", "hours": "8", "content": "x", "tickets": "99999999999999999999999"},
    )
    assert response.status_code == 200 and "tickets" in response.context["form"].errors


def test_a_huge_calendar_notice_is_refused_with_a_message(db, client):
    client.force_login(make_user(Role.BUREAU_ADMIN))
    notice = "2027-01-01,休,元旦\n" + "x" * 200_000
    response = client.post(
        reverse("contracts:calendar_load"), {"year": 2027, "source": "通知", "notice": notice}
    )
    assert response.status_code == 200
    assert "放假安排太长" in response.content.decode()
