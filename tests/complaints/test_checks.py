"""The start-up check that every receipt still has its keys (complaints/checks.py):
an operator who drops an old receipt key too early is told by `manage.py check`."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from complaints.checks import receipt_keys_check
from complaints.models import Complaint
from tests.complaints.helpers import file_complaint
from tests.test_settings import manage

K1 = "receipt-key-one-" + "1" * 32
K2 = "receipt-key-two-" + "2" * 32
K3 = "receipt-key-three-" + "3" * 32


@pytest.fixture
def keys(settings):
    def use(**by_version):
        settings.RECEIPT_KEYS = {int(name[1:]): key for name, key in by_version.items()}
        settings.RECEIPT_KEY_VERSION = max(settings.RECEIPT_KEYS)

    use(v1=K1)
    return use


def ids() -> list[str]:
    return [message.id for message in receipt_keys_check()]


def check() -> None:
    call_command("check", stdout=StringIO(), stderr=StringIO())


def test_receipts_under_a_key_no_longer_configured_are_an_error(db, keys):
    assert ids() == []  # nothing stored
    file_complaint()
    assert ids() == []
    keys(v1=K1, v2=K2)  # a new key, the old one kept
    file_complaint()
    assert ids() == []
    check()

    keys(v2=K2)  # the old key dropped before any receipts_rotate
    [error] = receipt_keys_check()
    assert error.id == "whistleblower.E001" and "[1]" in error.msg
    assert "RECEIPT_OLD_KEYS" in error.hint
    with pytest.raises(SystemCheckError, match=r"whistleblower\.E001"):
        check()
    # Settings older than the data (a rollback) are told the same way.
    keys(v1=K1)
    assert ids() == ["whistleblower.E001"]


def test_receipts_chained_through_a_dropped_key_are_an_error(db, keys):
    filed = file_complaint()
    keys(v1=K1, v2=K2)
    call_command("receipts_rotate", stdout=StringIO())
    # Every receipt is now under version 2, but its chain starts under version 1.
    assert set(Complaint.objects.values_list("receipt_key_version", flat=True)) == {2}
    assert ids() == []
    keys(v2=K2)
    [error] = receipt_keys_check()
    assert error.id == "whistleblower.E002" and "[1]" in error.msg
    with pytest.raises(SystemCheckError, match=r"whistleblower\.E002"):
        check()
    # Put back, it passes again, through a further rotation too.
    keys(v1=K1, v2=K2, v3=K3)
    call_command("receipts_rotate", stdout=StringIO())
    assert ids() == []
    keys(v1=K1, v3=K3)
    assert ids() == ["whistleblower.E002"]
    keys(v1=K1, v2=K2, v3=K3)
    check()
    assert Complaint.objects.get(pk=filed.complaint.pk).receipt_key_version == 3


def test_purged_receipts_need_no_key(db, keys):
    purged = file_complaint()
    Complaint.objects.filter(pk=purged.complaint.pk).update(receipt_digest="purged:" + "ab" * 28)
    keys(v2=K2)
    assert ids() == []


def test_the_check_is_cheap(db, keys):
    for _ in range(3):
        file_complaint()
    keys(v1=K1, v2=K2)
    call_command("receipts_rotate", stdout=StringIO())
    with CaptureQueriesContext(connection) as queries:
        receipt_keys_check()
    reads = [query["sql"] for query in queries if "complaints_complaint" in query["sql"]]
    assert len(reads) == 1 and "DISTINCT" in reads[0]
    # The table list, the distinct versions, the few rotation entries of the audit log.
    assert len(queries) <= 3


def test_no_table_or_no_database_is_not_an_error(db, keys, monkeypatch):
    file_complaint()
    keys(v2=K2)
    monkeypatch.setattr(connection.introspection, "table_names", lambda *a, **k: [])
    assert ids() == []  # before the first migrate

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection.introspection, "table_names", unreachable)
    assert ids() == []


def test_manage_py_check_passes_on_a_database_never_migrated(tmp_path):
    result = manage("check", env_vars={}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
