"""Schemathesis over the whole OpenAPI document, anonymously and as every role.

Each operation is one test. Hypothesis draws `FUZZ_EXAMPLES` requests for it (valid
and invalid ones) and each is sent as every identity in `IDENTITIES`: nobody, a bearer
token of a user of each role, and a browser session. Schemathesis's coverage phase adds
its boundary and malformed cases, each sent as one identity in turn. Every answer must
be no 5xx, carry a status code the operation declares, and match the declared body,
headers and content type.

The requests reach Django in-process through its WSGI handler, inside the test's
transaction, against `world` of tests/test_access_matrix.py: path ids and ids in bodies
are drawn partly from that world's objects so that requests also reach real rows.

    FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz -p no:cacheprovider   # a longer run
"""

import itertools
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from api.main import api
from registry.models import Role
from tests.factories import unit
from tests.test_access_matrix import _built_world, world  # noqa: F401 - fixtures, reused

# The world is built once for the module; each test runs in a savepoint rolled back after it.
pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))

SESSION = "session"
# Who speaks for each identity: the world's persona of each role (holding that role only,
# in Hà Nội, which owns the world's objects) with a bearer token; nobody; and bob's browser
# session, for the session authentication and its CSRF check.
IDENTITIES = {
    "anonymous": None,
    Role.INSPECTOR: "ines",  # a member of every team of the world
    Role.TEAM_LEAD: "tam",
    Role.COMPLAINT_OFFICER: "olga",
    Role.SUPERVISOR: "bob",
    Role.IDENTITY_CUSTODIAN: "cora",
    Role.AUDITOR: "audrey",
    Role.ADMIN: "quantri",
    Role.LEGAL_OFFICER: "lan",  # of the national body (tests/access/world.py)
    "supervisor (session)": SESSION,
}

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]

application = WSGIHandler()
schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(path_prefix="/api/v1/"),
    config=schemathesis.Config.from_dict(
        {
            # The identities below authenticate; a random Authorization header or session
            # cookie would only make every identity anonymous.
            "generation": {"with-security-parameters": False},
        }
    ),
)
schema.app = application


# --- Ids of real objects -------------------------------------------------------------------------

KNOWN: dict[str, list] = {}  # parameter name -> ids of world objects, for the current test


def _known_ids(w) -> dict[str, list]:
    c = w.case
    ids = {
        "token_id": [w.token_id],
        "unit_id": [unit("01").pk, unit("79").pk],
        "provision_id": [c.provision.pk],
        "operator_id": [w.operator.pk],
        "violator_id": [w.operator.pk],
        "manufacturer_id": [w.operator.pk],
        "product_id": [w.product.pk],
        "entry_id": [w.entry.pk],
        "notification_id": [w.notification.pk],
        "complaint_id": [w.complaint.pk, w.other_complaint.pk, w.triaged.pk],
        "photo_id": [w.photo.pk, w.evidence.pk],
        "request_id": [w.pending_request.pk],
        "plan_id": [w.draft_plan.pk, w.submitted_plan.pk],
        "inspection_id": [
            w.inspection.pk,
            w.planned_inspection.pk,
            w.site_inspection.pk,
            w.signed_inspection.pk,
            c.inspection.pk,
        ],
        "finding_id": [w.finding.pk, c.finding.pk],
        "upload_id": [str(w.upload.pk)],
        "sample_id": [w.sample.pk, w.tested_sample.pk],
        "minutes_id": [w.draft_minutes.pk],
        "record_id": [c.draft_record.pk, c.signed_record.pk, c.complex_record.pk],
        "decision_id": [c.submitted.pk, c.approved.pk, c.closable.pk],
        "measure_id": [c.measure.pk],
        "follow_up_id": [
            c.open_follow_up.pk,
            c.reported_follow_up.pk,
            c.suspended_follow_up.pk,
            c.resumable_follow_up.pk,
        ],
        "seal_id": [c.seal.pk],
        "alert_id": [c.alert.pk],
        "item_id": [w.label_item.pk],
        "officer_id": [w.olga.pk, w.alice.pk],
        "lead_id": [w.alice.pk],
        "variant": ["display", "thumb", "original"],
    }
    ids["ids"] = ids["complaint_id"]
    ids["complaint_ids"] = ids["complaint_id"]
    ids["finding_ids"] = ids["finding_id"]
    ids["sample_ids"] = ids["sample_id"]
    ids["photo_ids"] = [w.evidence.pk]
    ids["member_ids"] = ids["team_signer_ids"] = [w.alice.pk, w.bob.pk]
    return ids


def _with_known_ids(values):
    """The drawn values, or the same with some of them replaced by ids of real objects."""
    if not isinstance(values, dict):
        return st.just(values)
    replaceable = {name: KNOWN[name] for name in values if name in KNOWN}
    if not replaceable:
        return st.just(values)

    def pick(name, ids):
        if isinstance(values[name], list):
            return st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique=True)
        return st.sampled_from(ids)

    real = st.fixed_dictionaries({name: pick(name, ids) for name, ids in replaceable.items()})
    return st.one_of(st.just(values), real.map(lambda chosen: {**values, **chosen}))


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return _with_known_ids(path_parameters)


@schema.hook
def flatmap_body(context, body):
    return _with_known_ids(body)


@schema.hook
def flatmap_query(context, query):
    return _with_known_ids(query)


# --- Identities ----------------------------------------------------------------------------------


@contextmanager
def _in_test_transaction():
    """Django's WSGI handler closes the connection after each request (as a server
    should), which would end the test's transaction; Django's test client does the same
    as this and keeps it."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


CSRF = "f" * 32  # any 32 characters do, sent both as the cookie and the header


class Identities:
    """What each identity sends: a bearer token of the world's persona of each role, or
    bob's browser session (its cookie, and the CSRF token that writes need)."""

    def __init__(self, w):
        self.sent = {role: {"headers": {}, "cookies": {}} for role in IDENTITIES}
        for role, who in IDENTITIES.items():
            if who == SESSION:
                self.sent[role]["headers"] = {"X-CSRFToken": CSRF}
                self.sent[role]["cookies"] = {
                    django_settings.SESSION_COOKIE_NAME: w.sessions["bob"],
                    django_settings.CSRF_COOKIE_NAME: CSRF,
                }
            elif who:
                self.sent[role]["headers"] = {"Authorization": f"Bearer {w.tokens[who]}"}
        self._turn = itertools.cycle(list(self.sent.items()))

    def for_case(self, case):
        """Every identity for the drawn examples. The coverage phase's cases (boundary
        values and malformed input, about a hundred per operation) test how input is
        read, the same for everyone: each goes to the next identity in turn, which keeps
        the run bounded and still sends every identity some of them."""
        if case.meta is not None and case.meta.phase.name.value == "coverage":
            return [next(self._turn)]
        return list(self.sent.items())


@pytest.fixture
def identities(world):  # noqa: F811 - `world` is the imported fixture
    KNOWN.clear()
    KNOWN.update(_known_ids(world))
    with _in_test_transaction():
        yield Identities(world)
    KNOWN.clear()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests in CI and on a laptop
    database=None,
    suppress_health_check=[
        # The identities are set once per operation, not per example: on purpose.
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_openapi(case, identities):
    for role, sent in identities.for_case(case):
        try:
            case.call_and_validate(checks=CHECKS, **sent)
        except Exception as exc:
            exc.add_note(f"Sent as: {role}")
            raise


def test_every_role_is_fuzzed():
    assert set(Role) <= set(IDENTITIES)


def test_schema_names_are_unique(monkeypatch):
    """django-ninja keeps one component per name: two schemas or choices of the same name
    would leave operations pointing at the other one's definition (a `status` documented
    with another model's values)."""
    import json

    from ninja.openapi.schema import OpenAPISchema

    seen, clashes = {}, set()
    add = OpenAPISchema.add_schema_definitions

    def checked(self, definitions):
        for name, definition in definitions.items():
            text = json.dumps(definition, sort_keys=True)
            if seen.setdefault(name, text) != text:
                clashes.add(name)
        return add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checked)
    api.get_openapi_schema(path_prefix="/api/v1/")
    assert not clashes, f"Give these schemas distinct names: {sorted(clashes)}"


def test_a_write_with_an_expired_token_is_401_not_a_csrf_failure():
    """Found by the fuzzing (Django's test client skips CSRF, a real request does not):
    with no session cookie the session authentication has nothing to protect."""
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/operators",
        {"name": "Cửa hàng A", "role": "retailer"},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer msq_no-longer-valid",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_malformed_body_is_a_400():
    """Found by the fuzzing: a multipart body without its boundary was a 500."""
    from django.test import Client

    response = Client().post("/api/v1/public/reports", b"x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_request"


def test_a_nul_character_is_a_400(alice):
    """Found by the fuzzing on PostgreSQL, whose text cannot hold NUL: it was a 500."""
    from tests.factories import api_client

    response = api_client(alice).get("/api/v1/checklists", {"scope": "label\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"
