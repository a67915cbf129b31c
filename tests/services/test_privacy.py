"""What a database dump and the logs hold after citizens filed, followed and replied, and
were rewarded: one paid anonymously at the counter, one through the custodian."""

import json
import logging
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from complaints.models import Complaint, Reward
from complaints.rewards import reward_decide, reward_propose
from registry.models import Role
from tests.complaints.helpers import photo_file
from tests.factories import UserFactory

IPS = ["203.0.113.77", "2001:db8::77"]
AGENT = "PrivacyProbe/1.0 (Android 14; SM-A556E)"
IDENTITY = {
    "identity_full_name": "Nguyễn Thị Kín Đáo",
    "identity_phone": "0987654321",
    "identity_email": "kindao@example.vn",
    "identity_id_number": "079123456789",
}


# Payee details a reporter gives for a reward (sealed for the custodian, docs/rewards.md).
PAYEE = {
    "payee_full_name": "Lê Văn Nhận Thưởng",
    "payee_id_number": "036201009876",
    "payee_address": "Số 7 ngõ Kín Đáo, phường Ẩn Danh",
}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_database_dump_holds_no_identity_receipt_or_ip(
    caplog, django_capture_on_commit_callbacks, roles
):
    caplog.set_level(logging.DEBUG)
    receipts, proofs, numbers = [], [], []
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
        proofs.append(response.json()["proof"])
        numbers.append(response.json()["tracking_number"])
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

    # Rewards: the first reporter is paid anonymously at the counter against the receipt
    # and the proof of filing; the second gives payee details for the custodian. The
    # staff are of the reports' unit.
    unit = Complaint.objects.get(tracking_number=numbers[0]).unit
    lead, supervisor, officer = (
        UserFactory(username=f"privacy-{role}", unit=unit, roles=[role])
        for role in (Role.TEAM_LEAD, Role.SUPERVISOR, Role.COMPLAINT_OFFICER)
    )
    for receipt, number, choice in zip(receipts, numbers, ("counter", "disclose"), strict=True):
        complaint = Complaint.objects.get(tracking_number=number)
        reward = reward_propose(
            by=lead,
            complaint=complaint,
            kind="money",
            amount_vnd=3_000_000,
            basis="Phản ánh dẫn đến quyết định xử phạt số 9/QĐ-XPHC.",
            ground_kind="penalty_decision",
            ground_ref=9,
            ground_number="9/QĐ-XPHC",
        )
        reward_decide(by=supervisor, reward=reward, approve=True)
        client = Client(REMOTE_ADDR=IPS[0], HTTP_USER_AGENT=AGENT)
        chosen = client.post(
            "/tra-cuu/khen-thuong/chon/", {"receipt": receipt, "choice": choice, **PAYEE}
        )
        assert chosen.status_code == 303
    counter = Client(REMOTE_ADDR=IPS[1], HTTP_USER_AGENT=AGENT)
    counter.force_login(officer)
    paid = counter.post(
        "/rewards/counter/",
        {
            "receipt": receipts[0],
            "proof_text": json.dumps(proofs[0]),
            "step": "pay",
            "voucher_number": "PC-2026-001",
        },
    )
    assert paid.status_code == 302
    assert Reward.objects.filter(status=Reward.Status.PAID).count() == 1

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
    assert "PC-2026-001" in dump  # and the payment made at the counter
    forbidden = [*IDENTITY.values(), *IPS, "203.0.113", AGENT, "PrivacyProbe"]
    forbidden += receipts + [r.replace("-", "") for r in receipts]
    forbidden += [*PAYEE.values(), *(proof["signature"] for proof in proofs)]
    leaked = [value for value in forbidden if value in dump]
    assert not leaked, leaked
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [value for value in forbidden if value in logged]
