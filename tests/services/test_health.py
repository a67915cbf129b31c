"""Readiness against the real PostgreSQL and Redis."""

from django.test import Client


def test_readiness_with_postgresql_and_redis(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
