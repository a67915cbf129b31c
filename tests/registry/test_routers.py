"""The read-replica router (registry/routers.py): only @replica_reads views read from
the replica, streamed bodies included; every write goes to the primary. On PostgreSQL
with a real read-only replica connection: tests/services/test_scale_out.py."""

import pytest
from django.http import HttpResponse, StreamingHttpResponse

from complaints.models import Complaint
from registry.routers import ReplicaRouter, replica_reads

router = ReplicaRouter()


def test_reads_go_to_the_primary_unless_a_view_asks_for_the_replica(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", {"ENGINE": "unused"})
    seen = {}

    @replica_reads
    def dashboard(request):
        seen["read"] = router.db_for_read(Complaint)
        seen["write"] = router.db_for_write(Complaint)
        return HttpResponse("ok")

    assert router.db_for_read(Complaint) == "default"
    dashboard(None)
    assert seen == {"read": "replica", "write": "default"}
    assert router.db_for_read(Complaint) == "default"  # and back after the view


def test_a_streamed_export_reads_from_the_replica_while_it_streams(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", {"ENGINE": "unused"})

    def rows():
        for _ in range(3):
            yield router.db_for_read(Complaint) + "\n"

    @replica_reads
    def export(request):
        return StreamingHttpResponse(rows())

    response = export(None)
    assert router.db_for_read(Complaint) == "default"
    assert b"".join(response.streaming_content) == b"replica\nreplica\nreplica\n"
    assert router.db_for_read(Complaint) == "default"


def test_without_a_replica_configured_everything_stays_on_the_primary():
    @replica_reads
    def dashboard(request):
        return HttpResponse(router.db_for_read(Complaint))

    assert dashboard(None).content == b"default"


def test_a_view_that_fails_leaves_the_primary_in_place(settings, monkeypatch):
    monkeypatch.setitem(settings.DATABASES, "replica", {"ENGINE": "unused"})

    @replica_reads
    def broken(request):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        broken(None)
    assert router.db_for_read(Complaint) == "default"


def test_migrations_run_on_the_primary_only():
    assert router.allow_migrate("default", "complaints")
    assert not router.allow_migrate("replica", "complaints")
