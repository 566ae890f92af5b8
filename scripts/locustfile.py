"""Locust users for ``make loadtest`` (scripts/loadtest.py): the roles of the portal at work on the demo
logins of the bench data set. Every write that gets a success is appended to ``LOADTEST_LEDGER``
(one JSON line: kind, marker, ids) for the reconciliation afterwards.

Not a test and not in CI: it needs the running production shape (gunicorn, PostgreSQL, Redis, a worker
and beat) that scripts/loadtest.py starts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import threading
import uuid
from zoneinfo import ZoneInfo

from locust import HttpUser, between, task

SHANGHAI = ZoneInfo("Asia/Shanghai")
PASSWORD = os.environ.get("DEMO_PASSWORD", "Jinbao@2023")
LEDGER = os.environ.get("LOADTEST_LEDGER", "var/loadtest/ledger.jsonl")
_ledger_lock = threading.Lock()
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TICKET_LINK = re.compile(r'href="/tickets/(\d+)/"')
PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"


def record(kind: str, **data) -> None:
    with _ledger_lock, open(LEDGER, "a", encoding="utf-8") as f:
        f.write(json.dumps({"kind": kind, **data}, ensure_ascii=False) + "\n")


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    usernames: list[str] = []

    def on_start(self):
        self.username = random.choice(self.usernames)
        page = self.client.get("/accounts/login/", name="login page")
        response = self.client.post(
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": self._token(page.text)},
            name="login",
        )
        if "/accounts/login/" in response.url:
            raise RuntimeError(f"login failed for {self.username}")

    def _token(self, html: str) -> str:
        match = TOKEN.search(html)
        return match.group(1) if match else self.client.cookies.get("csrftoken", "")

    def _ticket_ids(self, url: str, name: str) -> list[int]:
        page = self.client.get(url, name=name)
        return [int(pk) for pk in TICKET_LINK.findall(page.text)]

    def _post_on_ticket(self, pk: int, action: str, data: dict, name: str, files=None):
        detail = self.client.get(f"/tickets/{pk}/", name="/tickets/[id]/")
        data = {**data, "csrfmiddlewaretoken": self._token(detail.text)}
        return self.client.post(f"/tickets/{pk}/{action}/", data, files=files, name=name)


class Staff(PortalUser):
    weight = 5
    usernames = ["staff1", "staff1b", "staff2", "staff3", "staff4", "staff5", "staff6"]

    @task(3)
    def my_requests(self):
        self._ticket_ids("/tickets/", "/tickets/")

    @task(2)
    def file_request(self):
        form = self.client.get("/tickets/new/", name="/tickets/new/ (form)")
        scope = re.search(r'<select name="scope"[^>]*>.*?<option value="(\d+)"', form.text, re.S)
        if not scope:
            return
        marker = uuid.uuid4().hex[:12]
        data = {
            "csrfmiddlewaretoken": self._token(form.text),
            "kind": "software",
            "scope": scope.group(1),
            "priority": "normal",
            "title": f"压测请求 {marker}",
            "description": "负载测试提交的服务请求",
        }
        files = {"files": ("现场截图.pdf", PDF, "application/pdf")} if random.random() < 0.2 else None
        with self.client.post(
            "/tickets/new/", data, files=files, name="/tickets/new/", catch_response=True
        ) as r:
            match = re.search(r"/tickets/(\d+)/$", r.url)
            if r.status_code == 200 and match:
                record("request", marker=marker, ticket=int(match.group(1)), attachment=files is not None)
                r.success()
            else:
                r.failure(f"filing did not land on the request: {r.status_code} {r.url}")

    @task(1)
    def signoffs(self):
        self.client.get("/tickets/signoffs/", name="/tickets/signoffs/")


class Head(PortalUser):
    weight = 2
    usernames = ["head1", "head2", "head3", "head4", "head5", "head6"]

    @task(2)
    def confirm_one(self):
        ids = self._ticket_ids("/tickets/?status=submitted", "/tickets/?status=submitted")
        if not ids:
            return
        pk = random.choice(ids)
        response = self._post_on_ticket(pk, "confirm", {}, "/tickets/[id]/confirm/")
        if "已确认，请求已交给乙方" in response.text:
            record("confirm", ticket=pk)

    @task(1)
    def lists(self):
        self.client.get("/tickets/", name="/tickets/")


class Engineer(PortalUser):
    weight = 3
    usernames = ["eng1", "eng2", "eng3"]

    def _open_ticket(self) -> int | None:
        ids = self._ticket_ids("/tickets/?status=in_progress", "/tickets/?status=in_progress")
        return random.choice(ids) if ids else None

    @task(2)
    def comment(self):
        pk = self._open_ticket()
        if pk is None:
            return
        marker = uuid.uuid4().hex[:12]
        response = self._post_on_ticket(
            pk, "comment", {"comment-body": f"处理进展 {marker}"}, "/tickets/[id]/comment/"
        )
        if "留言已发布" in response.text:
            record("comment", marker=marker, ticket=pk)

    @task(2)
    def log_time(self):
        pk = self._open_ticket()
        if pk is None:
            return
        marker = uuid.uuid4().hex[:12]
        response = self._post_on_ticket(
            pk,
            "time",
            {
                "time-work_date": dt.datetime.now(tz=dt.UTC).astimezone(SHANGHAI).date().isoformat(),
                "time-hours": "0.5",
                "time-note": f"排查 {marker}",
            },
            "/tickets/[id]/time/",
        )
        if response.status_code == 200 and "操作未完成" not in response.text:
            record("time", marker=marker, ticket=pk)

    @task(1)
    def lists(self):
        self.client.get("/tickets/", name="/tickets/")


class ProjectManager(PortalUser):
    weight = 1
    usernames = ["pm"]

    @task(3)
    def lists(self):
        self.client.get("/tickets/", name="/tickets/")

    @task(1)
    def weekly(self):
        self.client.get("/reports/weekly/", name="/reports/weekly/")


class Finance(PortalUser):
    weight = 1
    usernames = ["finance"]

    @task
    def payments(self):
        self.client.get("/payments/", name="/payments/")
