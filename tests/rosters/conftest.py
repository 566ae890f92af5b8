"""A team on the world's 2023 contract: two engineers all year and the project manager for four months."""

import contextlib
import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.roles import Role
from common import clock
from rosters import services
from rosters.models import Position

from ..factories import make_user


def at(y: int, m: int, d: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    return clock.aware(dt.date(y, m, d), hour, minute)


@contextlib.contextmanager
def on(y: int, m: int, d: int, hour: int = 9, minute: int = 0):
    with clock.frozen_at(at(y, m, d, hour, minute)):
        yield


@pytest.fixture
def team(world):
    contract = world.contract
    eng, pm = world.users["engineer"], world.users["pm"]
    eng2 = make_user(Role.ENGINEER, username="engineer_b", full_name="孙浩")
    spare = make_user(Role.ENGINEER, username="engineer_spare", full_name="吴涛", phone="138 1500 2304")
    with on(2022, 12, 28):
        entries = {
            "eng": services.roster_add(
                contract=contract,
                person=eng,
                position=Position.ENGINEER,
                phone="138 0000 0001",
                start_on=dt.date(2023, 1, 1),
                end_on=dt.date(2023, 12, 31),
                actor=pm,
            ),
            "eng2": services.roster_add(
                contract=contract,
                person=eng2,
                position=Position.ENGINEER,
                phone="138 0000 0002",
                start_on=dt.date(2023, 1, 1),
                end_on=dt.date(2023, 12, 31),
                actor=pm,
            ),
            "pm": services.roster_add(
                contract=contract,
                person=pm,
                position=Position.PM,
                phone="138 0000 0003",
                start_on=dt.date(2023, 1, 1),
                end_on=dt.date(2023, 4, 30),
                actor=pm,
            ),
        }
    return SimpleNamespace(
        contract=contract,
        eng=eng,
        eng2=eng2,
        spare=spare,
        pm=pm,
        admin=world.users["bureau_admin"],
        entries=entries,
        world=world,
    )
