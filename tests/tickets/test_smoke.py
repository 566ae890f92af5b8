import pytest

from common import clock
from tickets.models import Kind, Status

from .helpers import advance, at, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", [Kind.SOFTWARE, Kind.DATA, Kind.BATCH, Kind.POLICY, Kind.QUERY, Kind.INIT])
def test_journey_pages_render(world, login, kind):
    ticket = submit(world, kind=kind)
    ticket = advance(world, ticket, Status.RESOLVED)
    client = login(world.staff)
    with clock.frozen_at(at(2023, 3, 7, 9)):
        assert client.get(f"/tickets/{ticket.pk}/").status_code == 200
        assert client.get("/tickets/").status_code == 200
        r = client.get(f"/tickets/signoffs/{ticket.signoff.pk}/pdf/")
        assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
        assert client.get("/").status_code == 200
        r = client.get("/tickets/export/")
        assert r.status_code == 200
