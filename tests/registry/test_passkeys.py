"""Passkeys as a second factor (registry/passkeys.py, registry/passkey_views.py): added
from the security page and used at the second step of signing in, checked for real by
py_webauthn against a software authenticator (tests/registry/soft_authenticator.py)."""

import json
import time

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from registry import factors, passkeys
from registry.errors import Conflict, InvalidInput
from registry.login_throttle import LoginLocked
from registry.models import AuditEntry, Notification, PasskeyDevice, Role
from registry.second_factor import RECENT_STEP_SESSION_KEY
from tests.factories import DEFAULT_PASSWORD, UserFactory, unit
from tests.registry.soft_authenticator import RP, SoftAuthenticator, passkey_for
from tests.second_factor import UnverifiedClient, current_code, totp_device

NETWORK = "test-network"

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json")


def enrol(client, authenticator, name="Máy tính cơ quan"):
    """Add a key through the two JSON steps, as the page's script does."""
    options = _post(client, "/account/security/passkeys/new/options/").json()
    credential = authenticator.register(options)
    return _post(
        client, "/account/security/passkeys/new/verify/", {"name": name, "credential": credential}
    )


def sign_in_with_passkey(client, authenticator, next_path="", **sign):
    asked = _post(client, "/login/passkey/options/")
    if asked.status_code != 200:  # a locked account is not even given a challenge
        return asked
    credential = authenticator.sign(asked.json(), **sign)
    return _post(client, "/login/passkey/verify/", {"credential": credential, "next": next_path})


def password_only(user) -> Client:
    client = UnverifiedClient()
    assert client.login(username=user.username, password=DEFAULT_PASSWORD)
    return client


# Services


def test_a_registered_key_signs_in_and_its_count_moves_on(alice):
    authenticator = passkey_for(alice)
    device = PasskeyDevice.objects.get(user=alice)
    assert device.credential_id == authenticator.id
    assert device.transports == ["internal"]
    assert device.verify_token("123456") is False

    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    assert [c["id"] for c in options["allowCredentials"]] == [authenticator.id]
    signed = passkeys.passkey_authenticate(
        user=alice,
        rp=RP,
        challenge=challenge,
        credential=authenticator.sign(options),
        network_key=NETWORK,
    )
    assert signed == device
    device.refresh_from_db()
    assert device.sign_count == 1
    assert device.last_used_at is not None


def test_an_answer_replayed_with_the_same_sign_count_is_refused(alice):
    authenticator = passkey_for(alice)
    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    passkeys.passkey_authenticate(
        user=alice,
        rp=RP,
        challenge=challenge,
        credential=authenticator.sign(options),
        network_key=NETWORK,
    )
    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    with pytest.raises(InvalidInput) as refused:
        passkeys.passkey_authenticate(
            user=alice,
            rp=RP,
            challenge=challenge,
            credential=authenticator.sign(options, count=False),
            network_key=NETWORK,
        )
    assert refused.value.code == "passkey_refused"
    assert PasskeyDevice.objects.get(user=alice).sign_count == 1


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda a, o: a.sign({**o, "challenge": "b3RoZXI"}), id="another challenge"),
        pytest.param(lambda a, o: a.sign(o, origin="https://evil.example"), id="another origin"),
        pytest.param(
            lambda a, o: SoftAuthenticator().sign(o), id="a key the account does not have"
        ),
    ],
)
def test_a_wrong_answer_is_refused_and_counted_as_a_failed_sign_in(alice, tamper):
    authenticator = passkey_for(alice)
    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    for _ in range(5):  # settings.LOGIN_ACCOUNT_STEPS: the 5th failure locks
        with pytest.raises(InvalidInput):
            passkeys.passkey_authenticate(
                user=alice,
                rp=RP,
                challenge=challenge,
                credential=tamper(authenticator, options),
                network_key=NETWORK,
            )
    # Locked now, even for the right key.
    with pytest.raises(LoginLocked):
        passkeys.passkey_authenticate(
            user=alice,
            rp=RP,
            challenge=challenge,
            credential=authenticator.sign(options),
            network_key=NETWORK,
        )


def test_a_forged_signature_is_refused(alice):
    authenticator = passkey_for(alice)
    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    answer = authenticator.sign(options)
    answer["response"]["signature"] = SoftAuthenticator().sign(options)["response"]["signature"]
    with pytest.raises(InvalidInput):
        passkeys.passkey_authenticate(
            user=alice, rp=RP, challenge=challenge, credential=answer, network_key=NETWORK
        )


def test_another_users_key_does_not_sign_this_user_in(alice, bob):
    bobs = passkey_for(bob)
    passkey_for(alice)
    options, challenge = passkeys.passkey_login_options(user=alice, rp=RP)
    with pytest.raises(InvalidInput):
        passkeys.passkey_authenticate(
            user=alice,
            rp=RP,
            challenge=challenge,
            credential=bobs.sign(options),
            network_key=NETWORK,
        )


def test_registration_checks_challenge_and_origin(alice):
    authenticator = SoftAuthenticator()
    options, challenge = passkeys.passkey_registration_options(user=alice, rp=RP)
    for credential in (
        authenticator.register({**options, "challenge": "b3RoZXI"}),
        authenticator.register(options, origin="https://evil.example"),
        {"id": "x"},
        "not json",
    ):
        with pytest.raises(InvalidInput) as refused:
            passkeys.passkey_register(
                user=alice, rp=RP, challenge=challenge, credential=credential, name="Khóa"
            )
        assert refused.value.code == "passkey_invalid"
    assert not PasskeyDevice.objects.filter(user=alice).exists()


def test_the_same_key_is_not_registered_twice(alice, bob):
    authenticator = passkey_for(alice)
    with pytest.raises(Conflict):
        passkey_for(bob, authenticator)
    assert PasskeyDevice.objects.filter(user=bob).count() == 0


def test_registration_excludes_the_users_keys_and_prefers_user_verification(alice):
    authenticator = passkey_for(alice)
    options, _challenge = passkeys.passkey_registration_options(user=alice, rp=RP)
    assert [c["id"] for c in options["excludeCredentials"]] == [authenticator.id]
    assert options["authenticatorSelection"]["userVerification"] == "preferred"
    assert options["rp"]["id"] == "testserver"
    # Neither the username nor the database id is the WebAuthn user handle.
    assert options["user"]["id"] not in (alice.username, str(alice.pk))


def test_the_relying_party_comes_from_settings_or_the_request(rf, settings):
    request = rf.get("/", HTTP_HOST="localhost:8000")
    assert passkeys.relying_party(request).id == "localhost"
    assert passkeys.relying_party(request).origins == ("http://localhost:8000",)
    settings.WEBAUTHN_RP_ID = "giamsat.gov.vn"
    settings.WEBAUTHN_ORIGINS = ["https://giamsat.gov.vn"]
    assert passkeys.relying_party(request).id == "giamsat.gov.vn"
    assert passkeys.relying_party(request).origins == ("https://giamsat.gov.vn",)


def test_adding_and_removing_a_key_is_audited_and_told(alice):
    passkey_for(alice, name="Điện thoại")
    device = PasskeyDevice.objects.get(user=alice)
    passkeys.passkey_remove(user=alice, device=device)
    actions = list(
        AuditEntry.objects.filter(target_id=str(alice.pk), action__startswith="second_factor.")
        .order_by("pk")
        .values_list("action", "changes")
    )
    assert actions == [
        ("second_factor.enrolled", {"kind": "passkey"}),
        ("second_factor.removed", {"kind": "passkey"}),
    ]
    subjects = list(Notification.objects.filter(recipient=alice).values_list("subject", flat=True))
    assert len(subjects) == 2


def test_a_required_user_keeps_a_last_factor(bob):
    passkey_for(bob)
    device = PasskeyDevice.objects.get(user=bob)
    with pytest.raises(Conflict) as refused:
        passkeys.passkey_remove(user=bob, device=device)
    assert refused.value.code == "last_factor"
    totp_device(bob)
    passkeys.passkey_remove(user=bob, device=device)
    assert not PasskeyDevice.objects.filter(user=bob).exists()


# Pages


def test_a_user_adds_a_key_from_the_security_page(client_for, alice):
    client = client_for(alice)
    page = client.get("/account/security/passkeys/new/")
    assert page.status_code == 200
    assert b"data-passkey-register" in page.content
    assert b"/account/security/totp/" in page.content  # the code route, without a key

    response = enrol(client, SoftAuthenticator(), name="  Máy tính   cơ quan ")
    assert response.status_code == 200, response.content
    device = PasskeyDevice.objects.get(user=alice)
    assert device.name == "Máy tính cơ quan"
    # A first factor: this session has passed it, and the recovery codes come next.
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert response.json()["redirect"] == "/account/security/recovery-codes/"
    assert StaticDevice.objects.get(user=alice).token_set.count() == 10

    security = client.get("/account/security/")
    assert "Máy tính cơ quan" in security.content.decode()
    assert "Đã thêm khóa" in security.content.decode()


def test_a_verified_user_adds_a_second_factor_and_stays_verified(client_for, bob):
    client = client_for(bob)  # verified with a TOTP device (tests/second_factor.py)
    factors.recovery_codes_generate(user=bob)
    response = enrol(client, SoftAuthenticator())
    assert response.status_code == 200
    assert response.json()["redirect"] == "/account/security/"
    device = PasskeyDevice.objects.get(user=bob)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/units/").status_code == 200


def test_an_old_second_step_must_be_confirmed_before_adding_a_key(client_for, bob):
    client = client_for(bob)
    device = totp_device(bob)
    session = client.session
    session[RECENT_STEP_SESSION_KEY] = time.time() - 11 * 60
    session.save()

    page = client.get("/account/security/passkeys/new/").content.decode()
    assert "đã quá 10 phút" in page and "data-passkey-register" not in page
    for step in ("options", "verify"):
        refused = _post(client, f"/account/security/passkeys/new/{step}/")
        assert refused.status_code == 403
        assert refused.json()["code"] == "recent_second_factor_required"
        assert "mật khẩu" in refused.json()["message"]
    assert not PasskeyDevice.objects.filter(user=bob).exists()

    confirmed = client.post("/account/security/passkeys/new/", {"secret": current_code(device)})
    assert confirmed["Location"] == "/account/security/passkeys/new/"
    assert b"data-passkey-register" in client.get("/account/security/passkeys/new/").content
    assert enrol(client, SoftAuthenticator()).status_code == 200
    assert PasskeyDevice.objects.filter(user=bob).count() == 1


def test_a_wrong_registration_answer_gets_a_json_error_and_keeps_nothing(client_for, alice):
    client = client_for(alice)
    options = _post(client, "/account/security/passkeys/new/options/").json()
    credential = SoftAuthenticator().register(options, origin="https://evil.example")
    response = _post(
        client, "/account/security/passkeys/new/verify/", {"name": "K", "credential": credential}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "passkey_invalid"
    assert response.json()["errors"]["credential"]
    assert not PasskeyDevice.objects.exists()
    # The challenge was used up: the same answer cannot be sent again.
    again = _post(
        client, "/account/security/passkeys/new/verify/", {"name": "K", "credential": credential}
    )
    assert again.json()["code"] == "passkey_expired"


def test_without_a_name_the_key_is_refused_on_its_field(client_for, alice):
    client = client_for(alice)
    response = enrol(client, SoftAuthenticator(), name=" ")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]


def test_the_json_steps_need_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert _post(client, "/account/security/passkeys/new/options/").status_code == 403
    assert _post(client, "/login/passkey/options/").status_code == 403


def test_a_page_post_without_the_script_is_told_to_use_the_app(client_for, alice):
    response = client_for(alice).post("/account/security/passkeys/new/", {"name": "Khóa"})
    assert response.status_code == 400
    assert "ứng dụng xác thực" in response.content.decode()
    assert not PasskeyDevice.objects.exists()


def test_the_password_and_a_key_sign_in(bob):
    authenticator = passkey_for(bob)
    client = password_only(bob)
    step = client.get("/units/")
    assert step.status_code == 302
    assert step["Location"].startswith("/login/second-factor/")
    page = client.get(step["Location"])
    assert b"data-passkey-login" in page.content

    response = sign_in_with_passkey(client, authenticator, next_path="/units/")
    assert response.status_code == 200, response.content
    assert response.json() == {"redirect": "/units/"}
    assert client.get("/units/").status_code == 200
    entry = AuditEntry.objects.filter(action="login.second_factor").latest("pk")
    assert entry.actor == bob and entry.changes == {"kind": "passkey"}


def test_next_must_be_a_path_of_this_site(bob):
    authenticator = passkey_for(bob)
    client = password_only(bob)
    response = sign_in_with_passkey(client, authenticator, next_path="https://evil.example/")
    assert response.json() == {"redirect": "/"}


def test_a_wrong_key_at_the_second_step_is_refused_then_locked(bob):
    passkey_for(bob)
    client = password_only(bob)
    stranger = SoftAuthenticator()
    statuses = [sign_in_with_passkey(client, stranger).status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    locked = sign_in_with_passkey(client, stranger)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    assert "thử lại sau" in locked.json()["message"]
    assert client.get("/units/").status_code == 302  # still on the second step


def test_the_second_step_without_a_key_says_so(bob):
    totp_device(bob)
    client = password_only(bob)
    page = client.get("/login/second-factor/")
    assert b"data-passkey-login" not in page.content
    response = _post(client, "/login/passkey/options/")
    assert response.status_code == 409
    assert response.json()["code"] == "no_passkey"


def test_a_password_alone_cannot_add_a_key_to_an_account_with_a_factor(bob):
    totp_device(bob)
    client = password_only(bob)
    page = client.get("/account/security/passkeys/new/")
    assert page.status_code == 302 and page["Location"].startswith("/login/second-factor/")
    assert _post(client, "/account/security/passkeys/new/options/").status_code == 302
    assert not PasskeyDevice.objects.exists()


def test_a_key_is_renamed(client_for, alice):
    passkey_for(alice, name="Cũ")
    device = PasskeyDevice.objects.get(user=alice)
    client = client_for(alice)
    url = f"/account/security/passkeys/{device.pk}/rename/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "Khóa xanh"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.name == "Khóa xanh"
    assert AuditEntry.objects.filter(action="second_factor.renamed").exists()


def test_a_key_is_removed_with_the_password(client_for, alice):
    passkey_for(alice)
    device = PasskeyDevice.objects.get(user=alice)
    client = client_for(alice)
    url = f"/account/security/passkeys/{device.pk}/remove/"
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"confirm": "on", "secret": "sai-mat-khau"})
    assert wrong.status_code == 400
    unconfirmed = client.post(url, {"secret": DEFAULT_PASSWORD})
    assert unconfirmed.status_code == 400
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()
    response = client.post(url, {"confirm": "on", "secret": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert not PasskeyDevice.objects.filter(pk=device.pk).exists()
    # The last factor went: so did the recovery codes that came with it.
    assert not StaticDevice.objects.filter(user=alice).exists()


def test_a_required_users_last_key_is_not_removed_by_the_page(bob):
    authenticator = passkey_for(bob)
    device = PasskeyDevice.objects.get(user=bob)
    client = password_only(bob)
    sign_in_with_passkey(client, authenticator)
    url = f"/account/security/passkeys/{device.pk}/remove/"
    assert "duy nhất" in client.get(url).content.decode()
    response = client.post(url, {"confirm": "on", "secret": DEFAULT_PASSWORD})
    assert response.status_code == 409
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()


def test_someone_elses_key_is_not_found(client_for, alice, roles):
    other = UserFactory(username="khac", unit=unit("01"), roles=[Role.INSPECTOR])
    passkey_for(other)
    device = PasskeyDevice.objects.get(user=other)
    client = client_for(alice)
    for action in ("rename", "remove"):
        url = f"/account/security/passkeys/{device.pk}/{action}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "x", "confirm": "on", "secret": "x"}).status_code == 404
    assert PasskeyDevice.objects.get(pk=device.pk).name == "Khóa USB"
