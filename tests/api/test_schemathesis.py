"""The API against its own OpenAPI document (issue 19.3): schemathesis generates requests for every
operation from /api/schema/ — valid ones and, for the parameters, invalid ones — sends them to the live
test server with a token of the bureau's system account (which sees everything), and checks each
answer: no server error, a documented status code and content type, the body valid against the
documented schema, invalid input refused with a 4xx, and no answer without authentication. Kept short
for CI (a few examples per operation); ``SCHEMATHESIS_EXAMPLES=200`` runs a longer one."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from api import services

from ..security import figures
from .helpers import key_for

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


@pytest.fixture
def api_schema(live_server, transactional_db):
    from ..conftest import build_world
    from ..tickets.helpers import advance, submit

    world = build_world()
    advance(world, submit(world), "resolved")
    advance(world, submit(world, title="参数调整"), "in_progress")
    return schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")


@pytest.fixture
def system_key(api_schema):
    from accounts.models import User

    admin = User.objects.get(role="bureau_admin")
    return key_for(services.system_account(), actor=admin, name="schemathesis")


def _fuzz(operation, mode, key, counter):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case):
        counter[operation.label] = counter.get(operation.label, 0) + 1
        case.call_and_validate(headers={"Authorization": f"Token {key}"})

    run()


def test_api_conforms_to_its_schema(api_schema, system_key):
    counter: dict[str, int] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 8  # the seven data operations and the public index
    for operation in operations:
        for mode in GenerationMode:
            if mode == GenerationMode.NEGATIVE and not operation.definition.raw.get("parameters"):
                continue  # the index takes nothing: there is no invalid input to send it
            _fuzz(operation, mode, system_key, counter)
    assert set(counter) == {op.label for op in operations}
    figures.add("API: schemathesis requests checked against the schema", sum(counter.values()))


def test_real_objects_conform_too(api_schema, system_key):
    """Random ids are mostly 404s: the details of the requests and forms that exist, and each period of
    the score, are validated against the schema as well."""
    from contracts.models import Contract
    from tickets.models import SignOff, Ticket

    operations = {result.ok().label: result.ok() for result in api_schema.get_all_operations()}
    calls = [("GET /tickets/{pk}/", {"pk": t.pk}, {}) for t in Ticket.objects.all()]
    calls += [("GET /signoffs/{pk}/", {"pk": s.pk}, {}) for s in SignOff.objects.all()]
    contract = Contract.objects.get()
    calls += [
        ("GET /contracts/{pk}/score/", {"pk": contract.pk}, {"period": period})
        for period in ("contract", "2023-Q1", "2023-03")
    ]
    calls += [("GET /contracts/{pk}/settlement/", {"pk": contract.pk}, {})]
    assert len(calls) >= 7
    for label, path, query in calls:
        case = operations[label].Case(path_parameters=path, query=query)
        response = case.call_and_validate(headers={"Authorization": f"Token {system_key}"})
        assert response.status_code == 200, (label, path, query)
