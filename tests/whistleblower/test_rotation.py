"""Rotating the vault's keys: the recovery key, the data keys and a staff key pair.

After each, every identity filed before still opens for its custodian (who approves a
disclosure), for a handler whose grant was open, and with the recovery key; new filings
work; a second run changes nothing; and the retired key opens nothing at all.
"""

import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from registry.audit import audit_verify
from registry.models import AuditEntry, Role
from tests.complaints.helpers import file_complaint
from tests.factories import DEFAULT_PASSWORD, UserFactory, unit
from tests.whistleblower.test_vault import IDENTITY, decide, login, request_disclosure
from whistleblower import crypto, rotation
from whistleblower.models import DisclosureRequest, SealedIdentity, StaffKey, WrappedKey
from whistleblower.services import identity_aad

NEW_PASSWORD = "Mat-khau-moi-2026"


def keypair(tmp_path, name: str):
    public, pem = crypto.recovery_keypair_pem()
    path = tmp_path / f"{name}.pem"
    path.write_text(pem)
    return public, path


@pytest.fixture
def recovery(tmp_path, settings):
    """The recovery key in force: its PEM file; VAULT_RECOVERY_PUBLIC_KEY is its public."""
    public, path = keypair(tmp_path, "recovery-old")
    settings.VAULT_RECOVERY_PUBLIC_KEY = public
    return path


@pytest.fixture
def clients(recovery, cora, olga):
    return {"cora": login(cora), "olga": login(olga)}


def private(path) -> bytes:
    return crypto.load_recovery_private(path.read_text())


def opened_with(identity: SealedIdentity, key: bytes) -> dict | None:
    """What `key` opens of the identity through any of its wraps (None: nothing)."""
    for wrap in identity.wrapped_keys.all():
        try:
            data_key = crypto.unseal(bytes(wrap.sealed_key), key)
        except crypto.VaultCryptoError:
            continue
        plaintext = crypto.decrypt_record(
            bytes(identity.ciphertext), data_key, aad=identity_aad(identity.complaint_id)
        )
        return json.loads(plaintext)
    return None


def vault_state() -> list:
    return sorted(
        (identity.pk, bytes(identity.ciphertext), wrap.recipient_kind, wrap.recipient_fingerprint)
        for identity in SealedIdentity.objects.all()
        for wrap in identity.wrapped_keys.all()
    )


def identity_via_api(client, complaint) -> dict:
    response = client.get(f"/api/v1/complaints/{complaint.pk}/identity")
    assert response.status_code == 200, response.content
    return response.json()


def custodian_discloses(custodian_client, handler_client, complaint) -> dict:
    """The custodian approves a new request: only possible if their key opens it."""
    request = request_disclosure(handler_client, complaint.pk)
    assert decide(custodian_client, request["id"]).status_code == 302
    return identity_via_api(handler_client, complaint)


def run(command: str, *args, **options) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


# --- the recovery key ----------------------------------------------------------------


def test_the_recovery_key_is_replaced_and_every_identity_still_opens(
    clients, recovery, tmp_path, settings, roles
):
    granted = file_complaint(identity=IDENTITY).complaint
    other = file_complaint(identity=IDENTITY).complaint
    request = request_disclosure(clients["olga"], granted.pk)
    decide(clients["cora"], request["id"])
    new_public, new_path = keypair(tmp_path, "recovery-new")

    out = run("vault_rotate_recovery", old_key=recovery, new_key=new_path)
    assert "Moved 2 identities" in out
    assert "VAULT_RECOVERY_PUBLIC_KEY is not the new key yet" in out
    settings.VAULT_RECOVERY_PUBLIC_KEY = new_public

    old_fingerprint = crypto.fingerprint(crypto.public_key_of(private(recovery)))
    new_fingerprint = crypto.fingerprint(crypto.decode_public(new_public))
    for identity in SealedIdentity.objects.all():
        recovery_wraps = identity.wrapped_keys.filter(recipient_kind="recovery")
        assert list(recovery_wraps.values_list("recipient_fingerprint", flat=True)) == [
            new_fingerprint
        ]
        assert opened_with(identity, private(new_path)) == IDENTITY
        assert opened_with(identity, private(recovery)) is None
    # The handler's open grant and the custodian's access are untouched.
    assert identity_via_api(clients["olga"], granted)["full_name"] == IDENTITY["full_name"]
    olga2 = login(UserFactory(username="olga2", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER]))
    assert custodian_discloses(clients["cora"], olga2, other)["given"] is True

    audit = AuditEntry.objects.filter(action="vault.recovery_rotated")
    assert audit.count() == 2
    assert {entry.changes["to"] for entry in audit} == {new_fingerprint}
    assert old_fingerprint in audit.first().changes["from"]
    assert "Bí Mật" not in json.dumps(list(audit.values("changes")), ensure_ascii=False)
    assert audit_verify().ok

    # Filings now seal to the new key; a second run changes nothing.
    new_filing = file_complaint(identity=IDENTITY).complaint
    assert opened_with(SealedIdentity.objects.get(complaint=new_filing), private(new_path))
    before = vault_state()
    again = run("vault_rotate_recovery", old_key=recovery, new_key=new_path)
    assert "Moved 0 identities" in again and "3 were already on it" in again
    assert "not the new key yet" not in again
    assert vault_state() == before
    # The retired key opens nothing, and the tools say so.
    with pytest.raises(CommandError, match="No identity is sealed to the recovery key"):
        call_command("vault_rewrap", recovery_key=recovery)
    assert run("vault_rewrap", recovery_key=new_path).startswith("Sealed 0 ")


def test_a_recovery_rotation_stopped_halfway_is_finished_by_running_it_again(
    clients, recovery, tmp_path
):
    first = file_complaint(identity=IDENTITY).complaint
    file_complaint(identity=IDENTITY)
    new_public, new_path = keypair(tmp_path, "recovery-new")
    # As if the command had stopped after the first identity.
    done = SealedIdentity.objects.get(complaint=first)
    outcome = rotation.recovery_rotate(
        identity_id=done.pk,
        old_private=private(recovery),
        new_public=crypto.decode_public(new_public),
    )
    assert outcome == rotation.CHANGED

    # --new-public: the new private key need not come near the server.
    out = run("vault_rotate_recovery", old_key=recovery, new_public=new_public)
    assert "Moved 1 identities" in out and "1 were already on it" in out
    for identity in SealedIdentity.objects.all():
        assert opened_with(identity, private(new_path)) == IDENTITY
        assert identity.wrapped_keys.filter(recipient_kind="recovery").count() == 1


def test_recovery_rotation_refuses_wrong_or_missing_keys(clients, recovery, tmp_path):
    file_complaint(identity=IDENTITY)
    _, new_path = keypair(tmp_path, "recovery-new")
    _, stranger = keypair(tmp_path, "someone-else")
    not_a_key = tmp_path / "notes.txt"
    not_a_key.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    binary = tmp_path / "key.der"
    binary.write_bytes(b"\x30\x82\xff\xfe")
    before = vault_state()

    with pytest.raises(CommandError, match="does not exist"):
        call_command("vault_rotate_recovery", old_key=tmp_path / "gone.pem", new_key=new_path)
    with pytest.raises(CommandError, match="holds no usable key"):
        call_command("vault_rotate_recovery", old_key=not_a_key, new_key=new_path)
    with pytest.raises(CommandError, match="not a PEM text file"):
        call_command("vault_rotate_recovery", old_key=binary, new_key=new_path)
    with pytest.raises(CommandError, match="No identity is sealed to the recovery key"):
        call_command("vault_rotate_recovery", old_key=stranger, new_key=new_path)
    with pytest.raises(CommandError, match="same key"):
        call_command("vault_rotate_recovery", old_key=recovery, new_key=recovery)
    with pytest.raises(CommandError, match="neither a public key"):
        call_command("vault_rotate_recovery", old_key=recovery, new_public="x25519-oops")
    with pytest.raises(CommandError, match="Not a usable public key"):
        call_command("vault_rotate_recovery", old_key=recovery, new_public="x25519:AAAA")
    assert vault_state() == before


# --- data keys -----------------------------------------------------------------------


def test_data_keys_are_replaced_for_every_current_recipient(clients, recovery, olga, roles):
    dora = UserFactory(username="dora", unit=unit("01"), roles=[Role.IDENTITY_CUSTODIAN])
    login(dora)  # a custodian when the reports are filed, who then leaves the role
    olga2 = UserFactory(username="olga2", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    olga2_client = login(olga2)
    granted = file_complaint(identity=IDENTITY).complaint
    other = file_complaint(identity=IDENTITY).complaint
    open_grant = request_disclosure(clients["olga"], granted.pk)
    decide(clients["cora"], open_grant["id"])
    expired_grant = request_disclosure(olga2_client, granted.pk)
    decide(clients["cora"], expired_grant["id"])
    past = timezone.now() - timedelta(seconds=1)
    DisclosureRequest.objects.filter(pk=expired_grant["id"]).update(expires_at=past)
    WrappedKey.objects.filter(recipient=olga2).update(expires_at=past)
    dora.groups.remove(dora.groups.get(name=Role.IDENTITY_CUSTODIAN))
    sealed = SealedIdentity.objects.get(complaint=granted)
    old_ciphertext = bytes(sealed.ciphertext)
    old_data_key = crypto.unseal(
        bytes(sealed.wrapped_keys.get(recipient_kind="recovery").sealed_key), private(recovery)
    )
    grant_expiry = WrappedKey.objects.get(recipient=olga).expires_at

    out = run("vault_rotate_data_keys", recovery_key=recovery)
    assert "Rotated 2 data keys" in out

    sealed.refresh_from_db()
    assert bytes(sealed.ciphertext) != old_ciphertext
    with pytest.raises(crypto.VaultCryptoError):
        crypto.decrypt_record(bytes(sealed.ciphertext), old_data_key, aad=identity_aad(granted.pk))
    assert opened_with(sealed, private(recovery)) == IDENTITY
    assert sorted(sealed.wrapped_keys.values_list("recipient_kind", "recipient__username")) == [
        ("custodian", "cora"),
        ("handler", "olga"),
        ("recovery", None),
    ]
    # The open grant keeps its expiry and works; the expired one and dora are gone.
    assert WrappedKey.objects.get(recipient=olga).expires_at == grant_expiry
    assert identity_via_api(clients["olga"], granted) == {"given": True, **IDENTITY}
    assert not olga2.has_perm("whistleblower.view_sealedidentity", sealed)
    assert not WrappedKey.objects.filter(recipient__username__in=["dora", "olga2"]).exists()
    assert custodian_discloses(clients["cora"], olga2_client, other)["given"] is True
    audit = AuditEntry.objects.filter(action="vault.data_key_rotated", target_id=str(granted.pk))
    assert audit.get().changes == {"recipients": 3, "dropped": ["dora", "olga2"]}
    assert audit_verify().ok

    # Finishing the same run again changes nothing; new filings work.
    before = vault_state()
    cutoff = re.search(r"--before (\S+)\.\s*$", out.splitlines()[0]).group(1)
    again = run("vault_rotate_data_keys", recovery_key=recovery, before=cutoff)
    assert "Rotated 0 data keys; 2 were newer" in again
    assert vault_state() == before
    new_filing = file_complaint(identity=IDENTITY).complaint
    assert opened_with(SealedIdentity.objects.get(complaint=new_filing), private(recovery))


def test_data_key_rotation_needs_the_configured_recovery_key(clients, recovery, tmp_path):
    file_complaint(identity=IDENTITY)
    _, stranger = keypair(tmp_path, "someone-else")
    before = vault_state()
    with pytest.raises(CommandError, match="VAULT_RECOVERY_PUBLIC_KEY is"):
        call_command("vault_rotate_data_keys", recovery_key=stranger)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("vault_rotate_data_keys", recovery_key=tmp_path / "gone.pem")
    with pytest.raises(CommandError, match="not an ISO 8601"):
        call_command("vault_rotate_data_keys", recovery_key=recovery, before="hôm qua")
    assert vault_state() == before


# --- a staff key pair ----------------------------------------------------------------


def test_a_custodian_key_is_retired_and_replaced(clients, recovery, cora, roles):
    complaint = file_complaint(identity=IDENTITY).complaint
    sealed = SealedIdentity.objects.get(complaint=complaint)
    retired = crypto.unlock_private_key(
        bytes(StaffKey.objects.get(user=cora).locked_private_key), DEFAULT_PASSWORD
    )
    assert opened_with(sealed, retired) == IDENTITY

    out = run("vault_retire_staff_key", "cora", reason="Máy tính xách tay bị mất")
    assert "manage.py changepassword cora" in out
    cora.refresh_from_db()
    assert not cora.has_usable_password()
    assert not StaffKey.objects.filter(user=cora).exists()
    assert not WrappedKey.objects.filter(recipient=cora).exists()
    assert opened_with(sealed, retired) is None
    assert opened_with(sealed, private(recovery)) == IDENTITY  # nothing was lost
    entry = AuditEntry.objects.get(action="vault.key_retired")
    assert entry.changes["reason"] == "Máy tính xách tay bị mất"
    assert entry.changes["password_reset"] is True

    # A new password, a login (a new key pair), a re-wrap: cora decides again.
    cora.set_password(NEW_PASSWORD)
    cora.save()
    cora_client = Client()
    cora_client.post("/login/", {"username": "cora", "password": NEW_PASSWORD})
    assert "Sealed 1 " in run("vault_rewrap", recovery_key=recovery)
    assert opened_with(sealed, retired) is None
    assert custodian_discloses(cora_client, clients["olga"], complaint)["given"] is True
    assert run("vault_rewrap", recovery_key=recovery).startswith("Sealed 0 ")
    # New filings are sealed to the new key.
    later = file_complaint(identity=IDENTITY).complaint
    new_fingerprint = StaffKey.objects.get(user=cora).fingerprint
    assert WrappedKey.objects.filter(
        identity__complaint=later, recipient=cora, recipient_fingerprint=new_fingerprint
    ).exists()


def test_a_handler_key_is_retired_and_the_open_grant_comes_back(clients, recovery, olga):
    complaint = file_complaint(identity=IDENTITY).complaint
    grant = request_disclosure(clients["olga"], complaint.pk)
    decide(clients["cora"], grant["id"])
    sealed = SealedIdentity.objects.get(complaint=complaint)

    run("vault_retire_staff_key", "olga", reason="Nghi lộ khóa", keep_password=True)
    assert not olga.has_perm("whistleblower.view_sealedidentity", sealed)
    assert clients["olga"].get(f"/api/v1/complaints/{complaint.pk}/identity").status_code == 404

    olga_client = login(olga)  # the password was kept: a new key pair at this login
    assert "Sealed 1 " in run("vault_rewrap", recovery_key=recovery)
    assert identity_via_api(olga_client, complaint) == {"given": True, **IDENTITY}
    # Once the grant has expired, a re-wrap does not bring it back.
    run("vault_retire_staff_key", "olga", reason="Nghi lộ khóa", keep_password=True)
    olga_client = login(olga)
    DisclosureRequest.objects.filter(pk=grant["id"]).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert run("vault_rewrap", recovery_key=recovery).startswith("Sealed 0 ")


def test_retiring_refuses_what_it_cannot_do(clients, recovery, roles):
    nobody = UserFactory(username="nokey", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    with pytest.raises(CommandError, match="No user"):
        call_command("vault_retire_staff_key", "ghost", reason="Nghi lộ khóa")
    with pytest.raises(CommandError, match="has no vault key"):
        call_command("vault_retire_staff_key", nobody.username, reason="Nghi lộ khóa")
    with pytest.raises(CommandError, match="reason"):
        call_command("vault_retire_staff_key", "cora", reason=" ")
    # An identity sealed to cora and to no recovery key would be lost: refused.
    complaint = file_complaint(identity=IDENTITY).complaint
    WrappedKey.objects.filter(identity__complaint=complaint, recipient_kind="recovery").delete()
    with pytest.raises(CommandError, match="sealed to no recovery key"):
        call_command("vault_retire_staff_key", "cora", reason="Nghi lộ khóa")
    assert StaffKey.objects.filter(user__username="cora").exists()


def test_a_grant_made_before_the_identity_was_given_is_not_extended(clients, recovery, olga):
    from complaints.services import reporter_reply

    complaint = file_complaint().complaint
    grant = request_disclosure(clients["olga"], complaint.pk)
    decide(clients["cora"], grant["id"])  # approved while there was no identity
    reporter_reply(complaint=complaint, body="", identity=IDENTITY, network_key="n")
    url = f"/api/v1/complaints/{complaint.pk}/identity"
    assert clients["olga"].get(url).status_code == 404

    assert run("vault_rewrap", recovery_key=recovery).startswith("Sealed 0 ")
    assert "Rotated 1 data keys" in run("vault_rotate_data_keys", recovery_key=recovery)
    assert not WrappedKey.objects.filter(recipient=olga).exists()
    assert clients["olga"].get(url).status_code == 404
