"""The identity vault end to end: filing with identity, request, decision, view, expiry."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from registry.audit import audit_verify
from registry.models import AuditEntry, Role
from tests.complaints.helpers import file_complaint
from tests.factories import DEFAULT_PASSWORD, UserFactory, unit
from tests.second_factor import sign_in
from whistleblower.models import DisclosureRequest, SealedIdentity, StaffKey, WrappedKey
from whistleblower.services import disclosures_expire

IDENTITY = {
    "full_name": "Trần Thị Bí Mật",
    "phone": "0912 345 678",
    "email": "bimat@example.vn",
    "id_number": "001234567890",
}


def login(user, password: str = DEFAULT_PASSWORD) -> Client:
    """Through the login page, and the second step for a user who needs it (cora)."""
    client = Client()
    response = sign_in(client, user, password)
    assert response.status_code == 302, response.content[:300]
    return client


@pytest.fixture
def clients(cora, olga):
    return {"cora": login(cora), "olga": login(olga)}


def request_disclosure(client, complaint_id) -> dict:
    response = client.post(
        f"/api/v1/complaints/{complaint_id}/disclosure-requests",
        data=json.dumps({"reason": "Cần liên hệ người phản ánh để lấy mẫu"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def decide(client, request_id, decision="approve"):
    return client.post(
        f"/disclosures/{request_id}/decide/",
        {"decision": decision, "reason": "Có căn cứ", "hours": 2},
    )


def test_the_identity_is_sealed_apart_from_the_complaint(clients, cora):
    complaint = file_complaint(identity=IDENTITY).complaint
    sealed = SealedIdentity.objects.get(complaint=complaint)
    raw = bytes(sealed.ciphertext)
    for value in IDENTITY.values():
        assert value.encode() not in raw
    kinds = sorted(
        WrappedKey.objects.filter(identity=sealed).values_list("recipient_kind", flat=True)
    )
    assert kinds == ["custodian", "recovery"]
    assert StaffKey.objects.get(user=cora).fingerprint in WrappedKey.objects.values_list(
        "recipient_fingerprint", flat=True
    )
    # Nothing of it in the complaint, its audit entry or the officer's view.
    assert "Bí Mật" not in json.dumps(
        list(AuditEntry.objects.values("changes", "target_repr")), ensure_ascii=False
    )
    detail = clients["olga"].get(f"/api/v1/complaints/{complaint.pk}").content.decode()
    assert "Bí Mật" not in detail and "001234567890" not in detail


def test_request_approve_view_expire(clients, olga, cora):
    complaint = file_complaint(identity=IDENTITY).complaint
    olga_client = clients["olga"]
    assert olga_client.get(f"/complaints/{complaint.pk}/identity/").status_code == 404

    request = request_disclosure(olga_client, complaint.pk)
    assert (
        olga_client.get(f"/complaints/{complaint.pk}/identity/").status_code == 404
    )  # not yet approved
    assert decide(clients["cora"], request["id"]).status_code == 302

    page = olga_client.get(f"/complaints/{complaint.pk}/identity/")
    assert page.status_code == 200
    assert "Trần Thị Bí Mật" in page.content.decode()
    api = olga_client.get(f"/api/v1/complaints/{complaint.pk}/identity").json()
    assert api == {"given": True, **IDENTITY}

    actions = list(
        AuditEntry.objects.filter(target_id=str(complaint.pk)).values_list("action", flat=True)
    )
    assert {"identity.request", "identity.approve"} <= set(actions)
    assert actions.count("identity.view") == 2
    assert audit_verify().ok

    # Expiry: the grant ends, the permission and the handler's sealed key go.
    DisclosureRequest.objects.filter(pk=request["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    WrappedKey.objects.filter(recipient=olga).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert olga_client.get(f"/complaints/{complaint.pk}/identity/").status_code == 404
    assert disclosures_expire() == 1
    assert not WrappedKey.objects.filter(recipient=olga).exists()
    assert not olga.has_perm("whistleblower.view_sealedidentity", SealedIdentity.objects.get())


def test_only_the_approved_handler_sees_it(clients, olga, roles):
    colleague = UserFactory(username="olga2", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    colleague_client = login(colleague)
    complaint = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(clients["olga"], complaint.pk)
    decide(clients["cora"], request["id"])
    assert colleague_client.get(f"/complaints/{complaint.pk}/identity/").status_code == 404


def test_an_officer_of_another_province_gets_404(clients, oscar):
    complaint = file_complaint(identity=IDENTITY).complaint
    oscar_client = login(oscar)
    assert oscar_client.get(f"/complaints/{complaint.pk}/").status_code == 404
    assert oscar_client.get(f"/complaints/{complaint.pk}/identity/").status_code == 404
    response = oscar_client.post(
        f"/api/v1/complaints/{complaint.pk}/disclosure-requests",
        data=json.dumps({"reason": "Tôi muốn biết người phản ánh"}),
        content_type="application/json",
    )
    assert response.status_code == 404


def test_asking_does_not_reveal_whether_an_identity_exists(clients):
    with_identity = file_complaint(identity=IDENTITY).complaint
    without = file_complaint().complaint
    first = request_disclosure(clients["olga"], with_identity.pk)
    second = request_disclosure(clients["olga"], without.pk)

    def strip(body):
        return {k: v for k, v in body.items() if k not in ("id", "complaint_id", "created_at")}

    assert strip(first) == strip(second)
    # After approval the handler learns it: that is the disclosure.
    decide(clients["cora"], second["id"])
    assert clients["olga"].get(f"/api/v1/complaints/{without.pk}/identity").json() == {
        "given": False,
        "full_name": "",
        "phone": "",
        "email": "",
        "id_number": "",
    }


def test_a_denial_gives_nothing(clients, cora, roles):
    complaint = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(clients["olga"], complaint.pk)
    assert decide(clients["cora"], request["id"], "deny").status_code == 302
    assert DisclosureRequest.objects.get(pk=request["id"]).status == "denied"
    assert clients["olga"].get(f"/complaints/{complaint.pk}/identity/").status_code == 404
    assert AuditEntry.objects.filter(action="identity.deny").count() == 1


def test_a_new_custodian_is_given_access_from_the_recovery_key(clients, olga, roles):
    complaint = file_complaint(identity=IDENTITY).complaint
    dora = UserFactory(username="dora", unit=unit("01"), roles=[Role.IDENTITY_CUSTODIAN])
    dora_client = login(dora)
    request = request_disclosure(clients["olga"], complaint.pk)
    refused = decide(dora_client, request["id"])
    assert refused.status_code == 409
    assert DisclosureRequest.objects.get(pk=request["id"]).status == "pending"

    key_file = Path(settings.VAR_DIR) / "vault-recovery-DEVELOPMENT-ONLY.pem"
    call_command("vault_rewrap", recovery_key=key_file)
    assert decide(dora_client, request["id"]).status_code == 302
    assert (
        clients["olga"].get(f"/api/v1/complaints/{complaint.pk}/identity").json()["full_name"]
        == IDENTITY["full_name"]
    )


def test_a_password_reset_replaces_the_key(cora):
    login(cora)
    first = StaffKey.objects.get(user=cora).fingerprint
    cora.set_password("Mat-khau-moi-2026")
    cora.save()
    login(cora, "Mat-khau-moi-2026")
    assert StaffKey.objects.get(user=cora).fingerprint != first
    assert AuditEntry.objects.filter(action="vault.key_replaced").count() == 1


def test_the_vault_key_needs_the_login_cookie(clients, olga):
    complaint = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(clients["olga"], complaint.pk)
    decide(clients["cora"], request["id"])
    stolen_session = Client()
    stolen_session.cookies["sessionid"] = clients["olga"].cookies["sessionid"].value
    response = stolen_session.get(f"/api/v1/complaints/{complaint.pk}/identity")
    assert response.status_code == 403
    assert response.json()["code"] == "vault_locked"


def test_a_custodian_cannot_decide_their_own_request(roles):
    both = UserFactory(
        username="vy", unit=unit("01"), roles=[Role.IDENTITY_CUSTODIAN, Role.SUPERVISOR]
    )
    client = login(both)
    complaint = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(client, complaint.pk)
    assert decide(client, request["id"]).status_code == 403
    assert DisclosureRequest.objects.get(pk=request["id"]).status == "pending"


def test_one_open_request_at_a_time_and_a_second_grant_replaces_the_first(clients, olga):
    complaint = file_complaint(identity=IDENTITY).complaint
    first = request_disclosure(clients["olga"], complaint.pk)
    again = clients["olga"].post(
        f"/api/v1/complaints/{complaint.pk}/disclosure-requests",
        data=json.dumps({"reason": "Hỏi lại lần nữa cho chắc"}),
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "request_open"
    decide(clients["cora"], first["id"])
    # The grant expires but the sweep has not run yet; a new request is approved.
    DisclosureRequest.objects.filter(pk=first["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    second = request_disclosure(clients["olga"], complaint.pk)
    assert decide(clients["cora"], second["id"]).status_code == 302
    assert WrappedKey.objects.filter(recipient=olga, recipient_kind="handler").count() == 1
    assert (
        clients["olga"].get(f"/api/v1/complaints/{complaint.pk}/identity").json()["given"] is True
    )


def test_after_a_password_reset_old_wraps_go_and_rewrap_restores_access(clients, cora, olga):
    complaint = file_complaint(identity=IDENTITY).complaint
    cora.set_password("Mat-khau-moi-2026")
    cora.save()
    cora_client = login(cora, "Mat-khau-moi-2026")
    assert not WrappedKey.objects.filter(recipient=cora).exists()
    request = request_disclosure(clients["olga"], complaint.pk)
    refused = cora_client.post(
        f"/disclosures/{request['id']}/decide/", {"decision": "approve", "reason": "Có căn cứ"}
    )
    assert refused.status_code == 409
    call_command(
        "vault_rewrap", recovery_key=Path(settings.VAR_DIR) / "vault-recovery-DEVELOPMENT-ONLY.pem"
    )
    approved = cora_client.post(
        f"/disclosures/{request['id']}/decide/", {"decision": "approve", "reason": "Có căn cứ"}
    )
    assert approved.status_code == 302
    assert (
        clients["olga"].get(f"/api/v1/complaints/{complaint.pk}/identity").json()["given"] is True
    )
