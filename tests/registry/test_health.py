"""Liveness and readiness: what the process manager and the load balancer ask."""

from unittest import mock

from django.db import OperationalError, connection
from django.test import Client


def test_liveness_needs_nothing_but_the_process(db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_readiness_checks_the_database_broker_and_storage(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default: no broker to ask
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "broker": "in-process", "storage": "ok"},
    }
    probes = settings.MEDIA_ROOT / "health"
    assert not probes.exists() or not any(probes.iterdir())  # the probe is removed


def test_a_database_outage_is_not_ready_and_says_no_more_than_the_kind(db):
    with mock.patch.object(
        connection, "cursor", side_effect=OperationalError("password for postgres@10.0.0.5")
    ):
        response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "failed: OperationalError"
    assert "10.0.0.5" not in response.content.decode()


def test_an_unreachable_broker_or_unwritable_storage_is_not_ready(db, settings, tmp_path):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker
    response = Client().get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["database"] == "ok"
    assert checks["broker"].startswith("failed: ")
    assert checks["storage"].startswith("failed: ")


def test_probes_by_ip_address_over_plain_http_are_answered(db, settings):
    """A load balancer asks http://10.20.30.40:8000/readyz: not a listed host, not TLS."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ALLOWED_HOSTS = ["giamsat.example.vn"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []
    node = Client(HTTP_HOST="10.20.30.40:8000")
    assert node.get("/healthz").status_code == 200
    ready = node.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ok"
    # Anything else by that address is still refused as an unknown host.
    assert node.get("/login/").status_code == 400
    assert Client(HTTP_HOST="giamsat.example.vn").get("/login/").status_code == 301
