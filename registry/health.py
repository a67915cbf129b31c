"""Health endpoints for the process manager and the load balancer.

`/healthz` (liveness) answers as long as the process serves requests; it touches
nothing else, so a database outage does not get every web process restarted.
`/readyz` (readiness) checks what a request needs: the database, the broker (unless
tasks run in-process) and the media storage. A failed check gives 503 and names the
check and the kind of error only: no address, key or message that could carry data.

Both are answered by ProbeMiddleware, ahead of everything that reads the Host header:
a load balancer or process manager asks a node by its IP address, which ALLOWED_HOSTS
rightly does not list, and over plain HTTP, which production otherwise redirects."""

import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_S = 2


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=BROKER_TIMEOUT_S) as broker:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_S
        )
    return "ok"


def _storage() -> str:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != b"ok":
                raise OSError("storage returned other bytes")
    finally:
        default_storage.delete(name)
    return "ok"


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


@require_GET
@never_cache
def liveness(request):
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readiness(request):
    checks, ready = {}, True
    for name, check in CHECKS.items():
        try:
            checks[name] = check()
        except Exception as exc:  # any failure means "not ready"; the kind is enough
            checks[name] = f"failed: {type(exc).__name__}"
            ready = False
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


PROBES = {"/healthz": liveness, "/readyz": readiness}


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        return self.get_response(request)
