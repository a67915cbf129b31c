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
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from complaints.models import Complaint
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


def fingerprint_of(path) -> str:
    return crypto.fingerprint(crypto.public_key_of(private(path)))


def outcomes(changed=0, done=0, missing=0, gone=0) -> dict:
    return {"changed": changed, "done": done, "missing": missing, "gone": gone}


def last_audit(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-pk").first()
    assert entry is not None, action
    return entry


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

    # One entry for the run, about keys, not about any report.
    entry = AuditEntry.objects.get(action="vault.recovery_rotated")
    assert (entry.target_type, entry.target_id, entry.unit) == (None, "", None)
    assert entry.changes == {
        "from": old_fingerprint,
        "to": new_fingerprint,
        "verified": True,
        "identities": outcomes(changed=2),
        "complete": True,
    }
    assert "Bí Mật" not in json.dumps(entry.changes, ensure_ascii=False)
    assert audit_verify().ok

    # Filings now seal to the new key; a second run changes nothing.
    new_filing = file_complaint(identity=IDENTITY).complaint
    assert opened_with(SealedIdentity.objects.get(complaint=new_filing), private(new_path))
    before = vault_state()
    again = run("vault_rotate_recovery", old_key=recovery, new_key=new_path)
    assert "Moved 0 identities" in again and "3 were already on it" in again
    assert "not the new key yet" not in again
    assert vault_state() == before
    assert last_audit("vault.recovery_rotated").changes["identities"] == outcomes(done=3)
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
    assert "Sealed 1 identities" in out and "1 were already sealed to it" in out
    assert f"--old-fingerprint {fingerprint_of(recovery)}" in out
    for identity in SealedIdentity.objects.all():
        assert opened_with(identity, private(new_path)) == IDENTITY
        assert identity.wrapped_keys.filter(recipient_kind="recovery").count() == 2


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
    entry = AuditEntry.objects.get(action="vault.data_key_rotated")
    assert (entry.target_type, entry.target_id) == (None, "")
    assert entry.changes["identities"] == outcomes(changed=2)
    # dora was a custodian of both reports; olga2's grant had expired on one.
    assert entry.changes["dropped"] == {"dora": 2, "olga2": 1}
    assert entry.changes["recovery_key"] == fingerprint_of(recovery)
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
    cora_client = login(cora, NEW_PASSWORD)
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


# --- a recovery key given as its public half only ------------------------------------


def test_with_only_the_new_public_key_the_old_wraps_stay_until_the_new_key_is_proven(
    clients, recovery, tmp_path, settings
):
    file_complaint(identity=IDENTITY)
    file_complaint(identity=IDENTITY)
    new_public, new_path = keypair(tmp_path, "recovery-new")
    wrong_public, wrong_path = keypair(tmp_path, "mistyped")
    old_fingerprint = fingerprint_of(recovery)

    # A mistyped public key: every identity is sealed to it too, and the old wraps stay.
    out = run("vault_rotate_recovery", old_key=recovery, new_public=wrong_public)
    assert "Sealed 2 identities" in out and "wraps to the old key are kept" in out
    for identity in SealedIdentity.objects.all():
        assert identity.wrapped_keys.filter(recipient_kind="recovery").count() == 2
        assert opened_with(identity, private(recovery)) == IDENTITY
    entry = last_audit("vault.recovery_rotated")
    assert entry.changes["verified"] is False
    assert entry.changes["identities"] == outcomes(changed=2)

    # The real new key cannot retire the old one: nothing is sealed to it.
    settings.VAULT_RECOVERY_PUBLIC_KEY = new_public
    before = vault_state()
    with pytest.raises(CommandError, match="No identity is sealed to the recovery key"):
        call_command("vault_retire_recovery", new_key=new_path, old_fingerprint=old_fingerprint)
    # Nor the mistyped key's private half while it is not the configured key.
    with pytest.raises(CommandError, match="Deploy the new key first"):
        call_command("vault_retire_recovery", new_key=wrong_path, old_fingerprint=old_fingerprint)
    assert vault_state() == before
    assert not AuditEntry.objects.filter(action="vault.recovery_retired").exists()

    # The right public key this time, then the second step with its private half.
    out = run("vault_rotate_recovery", old_key=recovery, new_public=new_public)
    assert "Sealed 2 identities" in out
    late = file_complaint(identity=IDENTITY).complaint  # filed with the new key configured
    out = run("vault_retire_recovery", new_key=new_path, old_fingerprint=old_fingerprint)
    assert f"Retired the recovery key {old_fingerprint} from 2 identities" in out
    assert "Destroy every copy" in out
    new_fingerprint = fingerprint_of(new_path)
    for identity in SealedIdentity.objects.all():
        fingerprints = set(
            identity.wrapped_keys.filter(recipient_kind="recovery").values_list(
                "recipient_fingerprint", flat=True
            )
        )
        assert old_fingerprint not in fingerprints and new_fingerprint in fingerprints
        assert opened_with(identity, private(new_path)) == IDENTITY
        assert opened_with(identity, private(recovery)) is None
    assert opened_with(SealedIdentity.objects.get(complaint=late), private(new_path))
    wrong_fingerprint = fingerprint_of(wrong_path)
    assert f"also sealed to the recovery key(s) {wrong_fingerprint}" in out
    entry = last_audit("vault.recovery_retired")
    assert (entry.target_type, entry.target_id) == (None, "")
    assert entry.changes == {
        "from": old_fingerprint,
        "to": new_fingerprint,
        "identities": outcomes(changed=2, done=1),
        "complete": True,
    }
    # Done: a second run has nothing to delete. The mistyped key's wraps go the same way.
    assert "No identity is sealed" in run(
        "vault_retire_recovery", new_key=new_path, old_fingerprint=old_fingerprint
    )
    out = run("vault_retire_recovery", new_key=new_path, old_fingerprint=wrong_fingerprint)
    assert "from 2 identities" in out and "also sealed" not in out
    assert rotation.recovery_fingerprints() == {new_fingerprint}


def test_retiring_the_old_recovery_key_keeps_identities_not_yet_sealed_to_the_new(
    clients, recovery, tmp_path, settings
):
    file_complaint(identity=IDENTITY)
    new_public, new_path = keypair(tmp_path, "recovery-new")
    run("vault_rotate_recovery", old_key=recovery, new_public=new_public)
    straggler = file_complaint(identity=IDENTITY).complaint  # still sealed to the old key
    settings.VAULT_RECOVERY_PUBLIC_KEY = new_public

    out = run("vault_retire_recovery", new_key=new_path, old_fingerprint=fingerprint_of(recovery))
    assert "from 1 identities" in out and "1 identities are still sealed to the old key" in out
    assert "Destroy" not in out
    sealed = SealedIdentity.objects.get(complaint=straggler)
    assert opened_with(sealed, private(recovery)) == IDENTITY
    # As it says: the rotation again, then the retirement finishes.
    run("vault_rotate_recovery", old_key=recovery, new_public=new_public)
    out = run("vault_retire_recovery", new_key=new_path, old_fingerprint=fingerprint_of(recovery))
    assert "from 1 identities; 1 were not sealed to it" in out
    assert opened_with(sealed, private(recovery)) is None
    assert opened_with(sealed, private(new_path)) == IDENTITY


# --- a run stopped inside one identity -------------------------------------------------


def test_a_failure_inside_one_identity_rolls_it_back_whole(
    clients, recovery, tmp_path, cora, monkeypatch
):
    first = file_complaint(identity=IDENTITY).complaint
    second = file_complaint(identity=IDENTITY).complaint
    _, new_path = keypair(tmp_path, "recovery-new")
    old_fingerprint, new_fingerprint = fingerprint_of(recovery), fingerprint_of(new_path)
    cora_private = crypto.unlock_private_key(
        bytes(StaffKey.objects.get(user=cora).locked_private_key), DEFAULT_PASSWORD
    )
    real_delete = WrappedKey.delete
    calls = []

    def failing_delete(self, *args, **kwargs):
        # The second identity: its new wrap is made, then deleting the old one fails.
        calls.append(self.pk)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real_delete(self, *args, **kwargs)

    monkeypatch.setattr(WrappedKey, "delete", failing_delete)
    with pytest.raises(RuntimeError, match="disk full"):
        call_command("vault_rotate_recovery", old_key=recovery, new_key=new_path, stdout=StringIO())
    monkeypatch.setattr(WrappedKey, "delete", real_delete)

    done = SealedIdentity.objects.get(complaint=first)
    assert opened_with(done, private(new_path)) == IDENTITY
    stopped = SealedIdentity.objects.get(complaint=second)
    # Nothing of the failed identity's transaction is left: no new wrap, the old one works,
    # and so do its custodian's.
    assert list(
        stopped.wrapped_keys.filter(recipient_kind="recovery").values_list(
            "recipient_fingerprint", flat=True
        )
    ) == [old_fingerprint]
    assert not stopped.wrapped_keys.filter(recipient_fingerprint=new_fingerprint).exists()
    assert opened_with(stopped, private(recovery)) == IDENTITY
    assert opened_with(stopped, cora_private) == IDENTITY
    olga2 = login(UserFactory(username="olga2", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER]))
    assert custodian_discloses(clients["cora"], olga2, second)["given"] is True
    # The stopped run is in the audit log, with what it had done.
    entry = last_audit("vault.recovery_rotated")
    assert entry.changes["complete"] is False
    assert entry.changes["identities"] == outcomes(changed=1)
    assert audit_verify().ok

    out = run("vault_rotate_recovery", old_key=recovery, new_key=new_path)
    assert "Moved 1 identities" in out and "1 were already on it" in out
    assert opened_with(stopped, private(new_path)) == IDENTITY
    assert opened_with(stopped, private(recovery)) is None
    assert last_audit("vault.recovery_rotated").changes["complete"] is True


# --- what the audit log says -----------------------------------------------------------


def test_rotations_audit_runs_not_reports(clients, recovery, tmp_path, settings, cora, roles):
    with_identity = [file_complaint(identity=IDENTITY).complaint for _ in range(2)]
    file_complaint()  # without an identity: nothing may tell the two apart
    national = UserFactory(username="nina", unit=unit("TW"), roles=[Role.IDENTITY_CUSTODIAN])
    login(national)  # a new custodian, of every unit's reports
    start = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    nina_key = StaffKey.objects.get(user=national).fingerprint

    out = run("vault_rewrap", recovery_key=recovery)
    assert "Sealed 2 " in out
    entry = last_audit("vault.rewrap")
    assert entry.changes == {
        "recovery_key": fingerprint_of(recovery),
        "identities": outcomes(changed=2),
        "sealed_to": {f"custodian nina {nina_key}": 2},
        "complete": True,
    }
    new_public, new_path = keypair(tmp_path, "recovery-new")
    run("vault_rotate_recovery", old_key=recovery, new_public=new_public)
    settings.VAULT_RECOVERY_PUBLIC_KEY = new_public
    run("vault_retire_recovery", new_key=new_path, old_fingerprint=fingerprint_of(recovery))
    run("vault_rotate_data_keys", recovery_key=new_path)
    run("vault_retire_staff_key", "nina", reason="Rời vị trí công tác", keep_password=True)
    assert last_audit("vault.data_key_rotated").changes["identities"] == outcomes(changed=2)

    entries = AuditEntry.objects.filter(pk__gt=start)
    assert sorted(entries.values_list("action", flat=True)) == [
        "vault.data_key_rotated",
        "vault.key_retired",
        "vault.recovery_retired",
        "vault.recovery_rotated",
        "vault.rewrap",
    ]
    complaint_type = ContentType.objects.get_for_model(Complaint)
    assert not entries.filter(target_type=complaint_type).exists()
    text = json.dumps(list(entries.values("changes", "target_repr")), ensure_ascii=False)
    for complaint in with_identity:
        assert complaint.tracking_number not in text
    # The one about a person is about the person.
    assert entries.get(action="vault.key_retired").target_id == str(national.pk)
    assert audit_verify().ok
