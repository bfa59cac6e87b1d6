"""API fuzzing: schemathesis generates requests from /api/schema/ and checks every answer against it.

Run by `make robustness` (not by `make test`: the file name does not match test_*.py). Every operation is tried
as each role — anonymous, contributor, junior editor, editor, chief editor — with FUZZ_EXAMPLES examples
(hypothesis max_examples; 200 in the full profile), first one by one (`test_operation`) and then as stateful
sequences that feed one answer's ids into the next request (`test_stateful`, links inferred from the schema).

Each role acts in a world of its own objects and other people's (a draft with an image, an article in review,
a published one, notifications), so that small generated ids hit real objects of both kinds. Checks: no 5xx,
every status documented, bodies, content types and headers match the schema, auth not ignored, no use after
delete. Not gated: `positive_data_acceptance` (schema-valid input may still break a business rule: submitting
an empty draft is a 400) and `negative_data_rejection` (DRF reads the JSON number 0 as the string "0", and an
empty filter is "no filter"; the answer is still a documented one).
Counts go to robustness/results via tests/robustness/conftest.py.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from knox.models import AuthToken
from schemathesis import checks

from newsroom.celery import app as celery_app
from newsroom.wsgi import application
from tests.robustness.conftest import record_call
from tests.robustness.worlds import ROLES, build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
STATEFUL_EXAMPLES = int(os.environ.get("FUZZ_STATEFUL_EXAMPLES", str(max(EXAMPLES // 4, 5))))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

EXCLUDED = [checks.positive_data_acceptance, checks.negative_data_rejection, checks.max_response_time]

HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection() -> Any:
    """Requests go to the WSGI application itself, not through Django's test client, so Django's request
    signals would close the database connection after each one — and with it the test's transaction (on
    PostgreSQL; SQLite's in-memory test database ignores the close). The test client disconnects the same
    handler for the same reason."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def worlds(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """Every role's world, built once for the module and committed; each test's own changes are rolled back
    after it, so every operation starts from the same objects. (Leftovers stay in the test database: run this
    module in a pytest process of its own, as robustness/run.py does.)"""
    settings_ = {
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        "MEDIA_ROOT": tmp_path_factory.mktemp("media"),
    }
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with override_settings(**settings_), django_db_blocker.unblock():
        tokens = {}
        for role in ROLES:
            user = build_world(role)
            tokens[role] = AuthToken.objects.create(user)[1] if user is not None else None
        celery_app.conf.task_always_eager = previous
        yield tokens


@pytest.fixture(params=ROLES)
def token(request: pytest.FixtureRequest, worlds: dict[str, str | None], db: Any) -> str | None:
    return worlds[request.param]


def _headers(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


@schema.parametrize()
@HYPOTHESIS
def test_operation(case: Any, token: str | None, request: pytest.FixtureRequest) -> None:
    savepoint = (
        transaction.savepoint_create()
    )  # every example starts from the same world (and replays the same)
    try:
        response = case.call(headers=_headers(token))
        record_call(request, case, response)
        case.validate_response(response, excluded_checks=EXCLUDED, headers=_headers(token))
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.parametrize("role", ROLES)
def test_stateful(role: str, request: pytest.FixtureRequest, worlds: dict[str, str | None], db: Any) -> None:
    token = worlds[role]
    machine = schema.as_state_machine()

    class Machine(machine):  # type: ignore[misc,valid-type]
        # every sequence starts from the same world, so that hypothesis can replay and shrink one
        def setup(self) -> None:
            self.savepoint = transaction.savepoint_create()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": _headers(token)}

        def after_call(self, response: Any, case: Any) -> None:
            record_call(request, case, response, stateful=True)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, excluded_checks=EXCLUDED, headers=_headers(token))

    Machine.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            stateful_step_count=10,
        )
    )
