"""What a database dump and the logs hold after citizens filed, followed and replied,
asked to be protected (one giving their identity then), and were rewarded: one paid
anonymously at the counter, one through the custodian, whose payee details are gone once
paid."""

import json
import logging
import shutil
import subprocess

import pytest
from django.conf import settings
from django.test import Client

from complaints.models import Complaint, Reward, RewardPayee
from complaints.rewards import reward_decide, reward_pay_disclosed, reward_propose
from registry.models import Role
from tests.complaints.helpers import photo_file
from tests.factories import DEFAULT_PASSWORD, UserFactory
from whistleblower import crypto
from whistleblower.models import ProtectionRequest, SealedIdentity, StaffKey

IPS = ["203.0.113.77", "2001:db8::77"]
AGENT = "PrivacyProbe/1.0 (Android 14; SM-A556E)"
IDENTITY = {
    "identity_full_name": "Nguyễn Thị Kín Đáo",
    "identity_phone": "0987654321",
    "identity_email": "kindao@example.vn",
    "identity_id_number": "079123456789",
}


# The identity a reporter who filed anonymously gives later, asking to be protected.
PROTECTED = {
    "identity_full_name": "Phạm Văn Được Che Chở",
    "identity_phone": "0911222333",
    "identity_email": "chechobaove@example.vn",
    "identity_id_number": "001088012345",
}
FEAR = "Người bán đã đoán ra tôi phản ánh và nhắn tin đe dọa."

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

    # A third reporter filed without their identity, and gives it now, asking to be
    # protected: it is sealed with the report, the request keeps only the choice.
    client = Client(REMOTE_ADDR=IPS[0], HTTP_USER_AGENT=AGENT, HTTP_X_FORWARDED_FOR=IPS[0])
    filed = client.post(
        "/api/v1/public/reports",
        data={
            "kind": "fake_mark",
            "product_name": "Phích nước",
            "seller_name": "Cửa hàng gia dụng Thuận Phát",
            "seller_address": "3 Hàng Đồng",
            "description": "Phích nước không có nhãn hàng hóa bằng tiếng Việt.",
        },
    )
    assert filed.status_code == 201, filed.content
    protected_receipt = filed.json()["receipt"]
    asked = client.post(
        "/api/v1/public/reports/protection",
        data={
            "receipt": protected_receipt,
            "kinds": ["life", "confidentiality"],
            "fear": FEAR,
            "identity": "now",
            **PROTECTED,
        },
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    request = ProtectionRequest.objects.get()
    assert request.identity == "now"
    assert SealedIdentity.objects.filter(complaint=request.complaint).exists()

    # Rewards: the first reporter is paid anonymously at the counter against the receipt
    # and the proof of filing; the second gives payee details for the custodian, who
    # pays and so deletes them. The staff are of the reports' unit; the custodian's key
    # exists before the details are sealed to it.
    unit = Complaint.objects.get(tracking_number=numbers[0]).unit
    lead, supervisor, officer, custodian = (
        UserFactory(username=f"privacy-{role}", unit=unit, roles=[role])
        for role in (
            Role.TEAM_LEAD,
            Role.SUPERVISOR,
            Role.COMPLAINT_OFFICER,
            Role.IDENTITY_CUSTODIAN,
        )
    )
    pair = crypto.generate_keypair()
    StaffKey.objects.create(
        user=custodian,
        public_key=pair.public,
        locked_private_key=crypto.lock_private_key(pair.private, DEFAULT_PASSWORD),
        fingerprint=crypto.fingerprint(pair.public),
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
    disclosed = Reward.objects.get(status=Reward.Status.DISCLOSED)
    sealed_payee = bytes(RewardPayee.objects.get(reward=disclosed).ciphertext).hex()
    reward_pay_disclosed(by=custodian, reward=disclosed, voucher_number="UNC-2026-002")
    assert Reward.objects.filter(status=Reward.Status.PAID).count() == 2

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
    assert "UNC-2026-002" in dump  # and the one made through the custodian
    # The fear is free text the reporter chose to give the unit's custodians and
    # supervisors (docs/protection.md): stored as written, like a report's description.
    assert FEAR in dump
    # The payee details went with the payment: their tables are empty, their ciphertext
    # is nowhere.
    for table in ("complaints_rewardpayee", "complaints_rewardpayeekey"):
        copied = dump.split(f"COPY public.{table} ")[1].split("\\.\n")[0]
        assert copied.count("\n") == 1, table  # the COPY line alone: no row
    assert sealed_payee not in dump
    forbidden = [*IDENTITY.values(), *PROTECTED.values(), *IPS, "203.0.113", AGENT]
    forbidden += ["PrivacyProbe"]
    receipts.append(protected_receipt)
    forbidden += receipts + [r.replace("-", "") for r in receipts]
    forbidden += [*PAYEE.values(), *(proof["signature"] for proof in proofs)]
    leaked = [value for value in forbidden if value in dump]
    assert not leaked, leaked
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert not [value for value in forbidden if value in logged]
