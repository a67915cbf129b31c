"""The restore drill on PostgreSQL (pg_dump / pg_restore), with media on the disk and
in an S3 bucket (tests/registry/test_backup.py has the drill)."""

import pytest
from django.core.management import CommandError, call_command

from config.celery import app
from tests.registry.test_backup import drill, make_records, snapshot


@pytest.fixture
def inline_tasks():
    """The records are made with tasks in-process; the drill is about the database."""
    app.conf.task_always_eager = True
    yield


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_drill_on_postgresql(
    tmp_path, inline_tasks, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    drill(
        tmp_path,
        capture=django_capture_on_commit_callbacks,
        alice=alice,
        bob=bob,
        cora=cora,
        olga=olga,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_drill_on_postgresql_with_media_in_s3(
    tmp_path, s3_media, inline_tasks, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    backup = drill(
        tmp_path,
        capture=django_capture_on_commit_callbacks,
        alice=alice,
        bob=bob,
        cora=cora,
        olga=olga,
    )
    assert sorted(s3_media.keys()) == sorted(
        line.split("  ", 1)[1] for line in (backup / "media.sha256").read_text().splitlines()
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_truncated_dump_is_refused_and_nothing_is_touched(
    tmp_path, inline_tasks, alice, bob, cora, olga, django_capture_on_commit_callbacks
):
    make_records(
        alice=alice, bob=bob, cora=cora, olga=olga, capture=django_capture_on_commit_callbacks
    )
    backup = tmp_path / "backup"
    call_command("backup", str(backup))
    before = snapshot()
    dump = backup / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    with pytest.raises(CommandError, match=r"database\.dump is missing or damaged"):
        call_command("restore", str(backup), "--wipe")
    assert snapshot() == before
