"""What a database dump and the logs hold after citizens filed, followed and replied."""

import logging
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from tests.complaints.helpers import photo_file

IPS = ["203.0.113.77", "2001:db8::77"]
AGENT = "PrivacyProbe/1.0 (Android 14; SM-A556E)"
IDENTITY = {
    "identity_full_name": "Nguyễn Thị Kín Đáo",
    "identity_phone": "0987654321",
    "identity_email": "kindao@example.vn",
    "identity_id_number": "079123456789",
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_dump_holds_no_identity_receipt_or_ip(
    caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    receipts = []
    for ip in IPS:
        client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=ip)
        response = client.post(
            "/api/v1/public/reports",
            data={
                "kind": "fake_mark",
                "product_name": "Ổ cắm điện",
                "seller_name": "Cửa hàng điện Quang Minh",
                "seller_address": "9 Lê Lợi",
                "description": "Ổ cắm gắn dấu CR nhưng không có số công bố hợp quy.",
                "photos": photo_file(),
                **IDENTITY,
            },
        )
        assert response.status_code == 201, response.content
        receipt = response.json()["receipt"]
        receipts.append(receipt)
        assert (
            client.post(
                "/api/v1/public/reports/status",
                data={"receipt": receipt},
                content_type="application/json",
            ).status_code
            == 200
        )
        assert client.post("/tra-cuu/", {"receipt": receipt}).status_code == 200
        assert (
            client.post(
                "/api/v1/public/reports/messages", data={"receipt": receipt, "body": "Bổ sung"}
            ).status_code
            == 201
        )

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    db = settings.DATABASES["default"]
    dump = subprocess.run(
        [
            "pg_dump",
            "-h",
            db.get("HOST") or "127.0.0.1",
            "-p",
            str(db.get("PORT") or 5432),
            "-U",
            db.get("USER") or "postgres",
            db["NAME"],
        ],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    assert "Cửa hàng điện Quang Minh" in dump  # the dump is real and holds the reports
    forbidden = [*IDENTITY.values(), *IPS, "203.0.113", AGENT, "PrivacyProbe"]
    forbidden += receipts + [r.replace("-", "") for r in receipts]
    leaked = [value for value in forbidden if value in dump]
    assert not leaked, leaked
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [value for value in forbidden if value in logged]
