"""The Django admin, which the URL matrix leaves out (it answers with its own login redirect rather
than 403): for every registered model and every role, the list page is open exactly to the staff
roles holding the model's view or change permission; the others are sent to log in or refused.
Nobody, not even a superuser, can add, change or delete audit entries there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.roles import ADMIN_SITE_ROLES, Role

from ..conftest import build_world
from . import figures

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


def _allowed(user, model) -> bool:
    opts = model._meta
    return (
        user.is_active
        and user.is_staff
        and (
            user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        )
    )


def test_only_the_admin_site_roles_are_staff(db):
    world = build_world()
    assert {role for role, user in world.users.items() if user.is_staff} == {
        r.value for r in ADMIN_SITE_ROLES
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_admin_list_page(db, client, model):
    world = build_world()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    problems = []
    for role, user in world.users.items():
        client.force_login(user)
        response = client.get(url)
        if _allowed(user, model):
            expected = 200
        elif user.is_staff:
            expected = 403
        else:
            expected = 302  # to the admin's login, which sends a logged-in non-staff user a 403
        if response.status_code != expected:
            problems.append(f"{role}: {response.status_code}, expected {expected}")
        if expected == 302:
            follow = client.get(response["Location"])
            if follow.status_code != 403:
                problems.append(f"{role}: the admin login page answered {follow.status_code}, expected 403")
    client.logout()
    anonymous = client.get(url)
    if anonymous.status_code != 302:
        problems.append(f"anonymous: {anonymous.status_code}")
    figures.add("admin site: model list page x role checks", len(world.users) + 1)
    assert not problems, f"{url}: " + "; ".join(problems)


def test_the_bureau_admin_sees_only_its_models(db, client):
    world = build_world()
    client.force_login(world.users[Role.BUREAU_ADMIN])
    html = client.get(reverse("admin:index")).content.decode()
    assert "common/auditentry" not in html  # the audit log is the auditor's, not in the admin for them
