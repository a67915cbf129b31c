"""Rewards for reports (docs/rewards.md): approval or return by the supervisor, the
reporter's choice through the receipt (page and API), payment at the counter against the
receipt and the signed proof of filing, and payee details sealed for the custodian."""

import base64
import io
import json
import re

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.test import Client

from complaints import proofs
from complaints.models import Reward, RewardPayee, RewardPayeeKey
from complaints.rewards import reward_decide, reward_propose
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.models import AuditEntry, Notification, Role
from tests.complaints.helpers import file_complaint
from tests.factories import DEFAULT_PASSWORD, UserFactory
from whistleblower import crypto, vault
from whistleblower.models import StaffKey

pytestmark = pytest.mark.django_db

PAYEE = {
    "payee_full_name": "Trần Thị Thưởng",
    "payee_id_number": "001190012345",
    "payee_phone": "0912 345 678",
    "payee_bank_name": "Vietcombank",
    "payee_bank_account": "0011004455667",
    "payee_address": "",
}


def propose(complaint, by, *, kind="money", amount_vnd=2_000_000, **extra) -> Reward:
    return reward_propose(
        by=by,
        complaint=complaint,
        kind=kind,
        amount_vnd=amount_vnd,
        basis="Khen thưởng người tố cáo: phản ánh dẫn đến quyết định xử phạt 12/QĐ-XPHC.",
        ground_kind=Reward.Ground.PENALTY_DECISION,
        ground_ref=12,
        ground_number="12/QĐ-XPHC",
        **extra,
    )


def approved(alice, bob, **kwargs):
    """A report and its approved reward, with the reporter's receipt and proof."""
    filed = file_complaint(**kwargs)
    reward = reward_decide(by=bob, reward=propose(filed.complaint, alice), approve=True)
    return filed, reward


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def unlocked(user) -> Client:
    """A client whose session holds the user's vault key unlocked, as a login leaves it
    (whistleblower/vault.py); the key pair is made first if the user has none."""
    pair = crypto.generate_keypair()
    StaffKey.objects.filter(user=user).delete()
    StaffKey.objects.create(
        user=user,
        public_key=pair.public,
        locked_private_key=crypto.lock_private_key(pair.private, DEFAULT_PASSWORD),
        fingerprint=crypto.fingerprint(pair.public),
    )
    client = logged_in(user)
    cookie_key, blob = crypto.session_split(pair.private)
    session = client.session
    session[vault.SESSION_KEY] = base64.b64encode(blob).decode()
    session.save()
    client.cookies[vault.COOKIE] = base64.urlsafe_b64encode(cookie_key).decode()
    return client


def message_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- Proposal and approval ------------------------------------------------------------------


def test_a_proposal_reaches_the_supervisor_and_approval_the_proposer(alice, bob):
    complaint = file_complaint().complaint
    reward = propose(complaint, alice)
    assert reward.status == Reward.Status.PROPOSED and reward.unit == complaint.unit
    told = Notification.objects.get(recipient=bob)
    assert complaint.tracking_number in told.subject and told.link == f"/rewards/{reward.pk}/"
    assert not Notification.objects.filter(recipient=alice).exists()

    page = logged_in(bob).get(f"/rewards/{reward.pk}/")
    assert page.status_code == 200 and "Duyệt đề xuất" in page.content.decode()
    response = logged_in(bob).post(f"/rewards/{reward.pk}/decide/", {"approve": "1"})
    assert response.status_code == 302 and "Đã duyệt" in message_of(response)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.APPROVED and reward.decided_by == bob
    assert Notification.objects.filter(recipient=alice, subject__contains="được duyệt").exists()
    entries = AuditEntry.objects.filter(action__startswith="reward.").order_by("pk")
    assert [e.action for e in entries] == ["reward.propose", "reward.approve"]
    assert entries[0].changes["amount_vnd"] == 2_000_000


def test_a_return_needs_a_reason_and_the_report_may_be_proposed_again(alice, bob):
    complaint = file_complaint().complaint
    reward = propose(complaint, alice)
    with pytest.raises(Conflict) as error:
        propose(complaint, alice)
    assert error.value.code == "reward_exists"
    client = logged_in(bob)
    refused = client.post(f"/rewards/{reward.pk}/decide/", {"approve": "0", "reason": ""})
    assert refused.status_code == 400 and "Ghi lý do trả lại" in refused.content.decode()
    client.post(f"/rewards/{reward.pk}/decide/", {"approve": "0", "reason": "Thiếu căn cứ"})
    reward.refresh_from_db()
    assert reward.status == Reward.Status.RETURNED and reward.return_reason == "Thiếu căn cứ"
    assert Notification.objects.filter(recipient=alice, body="Thiếu căn cứ").exists()
    again = client.post(f"/rewards/{reward.pk}/decide/", {"approve": "1"})
    assert again.status_code == 409  # decided already: no second decision
    assert propose(complaint, alice).status == Reward.Status.PROPOSED


def test_nobody_approves_their_own_proposal_and_officers_do_not_approve(alice, bob, olga):
    reward = propose(file_complaint().complaint, bob)
    with pytest.raises(PermissionDenied) as error:
        reward_decide(by=bob, reward=reward, approve=True)
    assert error.value.code == "own_proposal"
    assert (
        logged_in(olga).post(f"/rewards/{reward.pk}/decide/", {"approve": "1"}).status_code == 403
    )
    assert logged_in(alice).get(f"/rewards/{reward.pk}/").status_code == 404


def test_money_needs_an_amount_and_thanks_none(alice):
    complaint = file_complaint().complaint
    with pytest.raises(InvalidInput) as error:
        propose(complaint, alice, amount_vnd=None)
    assert error.value.code == "amount_invalid"
    with pytest.raises(InvalidInput) as error:
        propose(complaint, alice, kind="thanks", amount_vnd=500_000)
    assert error.value.code == "amount_not_for_thanks"
    assert propose(complaint, alice, kind="thanks", amount_vnd=None).amount_vnd is None
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        Reward.objects.filter(complaint=complaint).update(kind="money")


# --- The reporter ---------------------------------------------------------------------------


def test_the_receipt_shows_the_reward_only_once_approved(alice, bob):
    filed = file_complaint()
    reward = propose(filed.complaint, alice)
    page = Client().post("/tra-cuu/", {"receipt": filed.receipt}).content.decode()
    assert "Khen thưởng" not in page
    reward_decide(by=bob, reward=reward, approve=True)
    page = Client().post("/tra-cuu/", {"receipt": filed.receipt}).content.decode()
    assert 'id="reward-h"' in page and "2.000.000" in page and "Ghi nhận lựa chọn" in page
    api = (
        Client()
        .post(
            "/api/v1/public/reports/status",
            {"receipt": filed.receipt},
            content_type="application/json",
        )
        .json()
    )
    assert api["reward"]["amount_vnd"] == 2_000_000 and api["reward"]["may_choose"] is True
    shown = json.dumps(api, ensure_ascii=False)
    assert "voucher" not in shown and bob.full_name not in shown and alice.full_name not in shown


def test_the_reporter_chooses_the_counter_on_the_page(alice, bob):
    filed, reward = approved(alice, bob)
    client = Client()
    response = client.post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": filed.receipt, "choice": "counter"}
    )
    assert response.status_code == 303 and response["Location"] == "/tra-cuu/khen-thuong/da-chon/"
    assert filed.receipt not in response["Location"]
    shown = client.get("/tra-cuu/khen-thuong/da-chon/")
    assert shown["Cache-Control"] == "no-store"
    assert "nhận ẩn danh tại quầy" in shown.content.decode()
    assert reward.unit.name in shown.content.decode()
    again = client.get("/tra-cuu/khen-thuong/da-chon/").content.decode()
    assert "không bị gửi lần thứ hai" in again
    reward.refresh_from_db()
    assert reward.status == Reward.Status.COUNTER and reward.choice == "counter"
    entry = AuditEntry.objects.get(action="reward.choose")
    assert entry.actor is None and entry.changes == {"choice": "counter"}
    assert filed.receipt not in json.dumps(entry.changes)
    # Once: the form is gone, and a second post is refused on the page.
    status = client.post("/tra-cuu/", {"receipt": filed.receipt}).content.decode()
    assert "Ghi nhận lựa chọn" not in status and "Nhận ẩn danh tại quầy" in status
    twice = client.post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": filed.receipt, "choice": "decline"}
    )
    assert twice.status_code == 409 and "có thể bạn đã chọn" in twice.content.decode()


def test_a_choice_with_missing_payee_details_is_shown_again_with_its_errors(alice, bob):
    filed, reward = approved(alice, bob)
    response = Client().post(
        "/tra-cuu/khen-thuong/chon/",
        {"receipt": filed.receipt, "choice": "disclose", "payee_full_name": "Trần Thị Thưởng"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập số CCCD" in page and 'id="id_reward_payee_id_number"' in page
    assert "Trần Thị Thưởng" in page  # what was typed is kept
    assert response["Cache-Control"] == "no-store"
    wrong = Client().post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE", "choice": "counter"}
    )
    assert wrong.status_code == 404
    reward.refresh_from_db()
    assert reward.status == Reward.Status.APPROVED


def test_the_reporter_chooses_through_the_api(alice, bob):
    filed, _reward = approved(alice, bob)
    url = "/api/v1/public/reports/reward"
    bad = Client().post(
        url, {"receipt": filed.receipt, "choice": "disclose"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "payee_full_name" in bad.json()["errors"]
    answer = Client().post(
        url, {"receipt": filed.receipt, "choice": "decline"}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["reward"]["status"] == "declined"
    assert answer.json()["reward"]["may_choose"] is False
    again = Client().post(
        url, {"receipt": filed.receipt, "choice": "counter"}, content_type="application/json"
    )
    assert again.status_code == 409 and again.json()["code"] == "no_reward_to_choose"


# --- The counter ----------------------------------------------------------------------------


def at_counter(alice, bob):
    filed, reward = approved(alice, bob)
    Client().post("/tra-cuu/khen-thuong/chon/", {"receipt": filed.receipt, "choice": "counter"})
    return filed, reward, json.dumps(proofs.make_proof(filed.complaint))


def test_an_anonymous_reward_is_paid_at_the_counter_against_receipt_and_proof(alice, bob, olga):
    filed, reward, proof = at_counter(alice, bob)
    client = logged_in(olga)
    assert client.get("/rewards/counter/").status_code == 200
    checked = client.post(
        "/rewards/counter/", {"receipt": filed.receipt, "proof_text": proof, "step": "check"}
    )
    assert checked.status_code == 200 and checked["Cache-Control"] == "no-store"
    page = checked.content.decode()
    assert "2.000.000" in page and "Ghi nhận đã chi trả" in page
    # Nothing else of the case: not its number, its goods or its seller.
    for other in (filed.complaint.tracking_number, "Nước mắm", "Minh Tâm", "Biển Xanh"):
        assert other not in page.split('name="proof_text"')[0], other
    hidden = re.search(r'name="proof_text" value="([^"]*)"', page).group(1)
    paid = client.post(
        "/rewards/counter/",
        {
            "receipt": filed.receipt,
            "proof_text": hidden.replace("&quot;", '"'),
            "step": "pay",
            "voucher_number": "PC-0042",
        },
    )
    assert paid.status_code == 302 and "PC-0042" in message_of(paid)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.PAID and reward.paid_by == olga
    assert reward.paid_unit == olga.unit and reward.voucher_number == "PC-0042"
    entry = AuditEntry.objects.get(action="reward.paid")
    assert entry.changes["route"] == "counter" and entry.changes["amount_vnd"] == 2_000_000
    assert filed.receipt not in json.dumps(entry.changes)
    assert Notification.objects.filter(recipient=alice, subject__contains="Đã chi trả").exists()
    assert Notification.objects.filter(recipient=bob, subject__contains="Đã chi trả").exists()
    assert "Đã chi trả" in Client().post("/tra-cuu/", {"receipt": filed.receipt}).content.decode()


def test_a_wrong_receipt_or_proof_is_a_form_error(alice, bob, olga):
    filed, reward, proof = at_counter(alice, bob)
    client = logged_in(olga)
    empty = client.post("/rewards/counter/", {})
    assert empty.status_code == 400 and "Nhập mã tra cứu" in empty.content.decode()
    assert "Chọn tệp bằng chứng" in empty.content.decode()
    wrong = client.post(
        "/rewards/counter/",
        {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE", "proof_text": proof, "step": "pay"},
    )
    assert wrong.status_code == 404 and "Mã tra cứu không đúng" in wrong.content.decode()
    altered = json.loads(proof)
    altered["payload"]["tracking_number"] = "PA-OTHER"
    forged = client.post(
        "/rewards/counter/",
        {"receipt": filed.receipt, "proof_text": json.dumps(altered), "step": "pay"},
    )
    assert forged.status_code == 400 and "chữ ký không đúng" in forged.content.decode()
    other_report = json.dumps(proofs.make_proof(file_complaint().complaint))
    mismatch = client.post(
        "/rewards/counter/",
        {"receipt": filed.receipt, "proof_text": other_report, "step": "check"},
    )
    assert mismatch.status_code == 400 and "không khớp" in mismatch.content.decode()
    garbage = client.post(
        "/rewards/counter/", {"receipt": filed.receipt, "proof_text": "{not json"}
    )
    assert garbage.status_code == 400 and "không đọc được" in garbage.content.decode()
    no_voucher = client.post(
        "/rewards/counter/", {"receipt": filed.receipt, "proof_text": proof, "step": "pay"}
    )
    assert no_voucher.status_code == 400 and "Nhập số chứng từ chi" in no_voucher.content.decode()
    assert "2.000.000" in no_voucher.content.decode()  # still on the second step
    reward.refresh_from_db()
    assert reward.status == Reward.Status.COUNTER


def test_only_a_reward_waiting_at_this_units_counter_is_paid(alice, bob, olga, oscar, ivan):
    filed, _reward, proof = at_counter(alice, bob)
    data = {"receipt": filed.receipt, "proof_text": proof, "step": "check"}
    elsewhere = logged_in(oscar).post("/rewards/counter/", data)
    assert elsewhere.status_code == 409 and "Không có khen thưởng" in elsewhere.content.decode()
    assert logged_in(ivan).post("/rewards/counter/", data).status_code == 403
    filed2, _reward2 = approved(alice, bob)  # approved, not chosen: nothing at the counter yet
    proof2 = json.dumps(proofs.make_proof(filed2.complaint))
    early = logged_in(olga).post(
        "/rewards/counter/", {"receipt": filed2.receipt, "proof_text": proof2}
    )
    assert early.status_code == 409


def test_whoever_works_on_the_report_does_not_pay_it_at_the_counter(alice, bob, olga):
    from complaints.rewards import reward_at_counter
    from complaints.services import complaint_assign
    from inspections.models import InspectionMember
    from tests.inspections.helpers import decided_inspection

    filed, reward, proof = at_counter(alice, bob)
    complaint_assign(by=bob, complaint=filed.complaint, officer=olga)
    data = {"receipt": filed.receipt, "proof_text": proof}
    refused = logged_in(olga).post("/rewards/counter/", {**data, "step": "check"})
    assert refused.status_code == 403
    assert "một cán bộ khác của đơn vị chi trả" in refused.content.decode()
    assert "2.000.000" not in refused.content.decode()
    paying = logged_in(olga).post(
        "/rewards/counter/", {**data, "step": "pay", "voucher_number": "PC-1"}
    )
    assert paying.status_code == 403
    # A member of an inspection opened on the report, and the proposer, neither.
    otto = UserFactory(username="otto", unit=olga.unit, roles=[Role.COMPLAINT_OFFICER])
    inspection = decided_inspection(supervisor=bob, lead=alice)
    inspection.complaints.add(filed.complaint)
    InspectionMember.objects.create(
        inspection=inspection, user=otto, role=InspectionMember.Role.MEMBER
    )
    sam = UserFactory(username="sam", unit=olga.unit, roles=[Role.SUPERVISOR])
    Reward.objects.filter(pk=reward.pk).update(proposed_by=sam)
    for person in (otto, sam):
        with pytest.raises(PermissionDenied) as error:
            reward_at_counter(
                by=person, receipt=filed.receipt, proof=json.loads(proof), network_key="n"
            )
        assert error.value.code == "handles_report"
    reward.refresh_from_db()
    assert reward.status == Reward.Status.COUNTER
    # Another officer of the unit pays it.
    olive = UserFactory(username="olive", unit=olga.unit, roles=[Role.COMPLAINT_OFFICER])
    assert (
        reward_at_counter(by=olive, receipt=filed.receipt, proof=json.loads(proof), network_key="n")
        == reward
    )


# --- The custodian --------------------------------------------------------------------------


def test_payee_details_are_sealed_for_the_custodian_and_go_once_paid(alice, bob, olga, cora):
    cora_client = unlocked(cora)
    filed, reward = approved(alice, bob)
    response = Client().post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": filed.receipt, "choice": "disclose", **PAYEE}
    )
    assert response.status_code == 303
    reward.refresh_from_db()
    assert reward.status == Reward.Status.DISCLOSED
    payee = RewardPayee.objects.get(reward=reward)
    assert PAYEE["payee_full_name"].encode() not in bytes(payee.ciphertext)
    kinds = sorted(
        RewardPayeeKey.objects.filter(payee=payee).values_list("recipient_kind", flat=True)
    )
    assert kinds == ["custodian", "recovery"]
    told = Notification.objects.get(recipient=cora)
    assert told.link == f"/rewards/{reward.pk}/" and "Trần Thị Thưởng" not in told.body
    audited = list(AuditEntry.objects.values_list("changes", flat=True))
    assert "Trần Thị Thưởng" not in json.dumps(audited, ensure_ascii=False)

    # Nobody but the custodian opens them: a supervisor or an officer sees the reward, not
    # the payee; a colleague outside the complaints does not see the reward at all.
    assert logged_in(bob).get(f"/rewards/{reward.pk}/payee/").status_code == 403
    assert logged_in(olga).get(f"/rewards/{reward.pk}/payee/").status_code == 403
    assert logged_in(alice).get(f"/rewards/{reward.pk}/payee/").status_code == 404
    locked = logged_in(cora).get(f"/rewards/{reward.pk}/payee/")
    assert locked.status_code == 403 and "Trần Thị Thưởng" not in locked.content.decode()
    opened = cora_client.get(f"/rewards/{reward.pk}/payee/")
    assert opened.status_code == 200 and opened["Cache-Control"] == "no-store"
    assert "Trần Thị Thưởng" in opened.content.decode()
    assert "0011004455667" in opened.content.decode()
    assert AuditEntry.objects.filter(action="reward.payee_view", actor=cora).count() == 1

    paid = cora_client.post(f"/rewards/{reward.pk}/pay/", {"voucher_number": "UNC-77"})
    assert paid.status_code == 302 and "đã được xóa" in message_of(paid)
    reward.refresh_from_db()
    assert reward.status == Reward.Status.PAID and reward.paid_by == cora
    assert not RewardPayee.objects.filter(reward=reward).exists()
    assert not RewardPayeeKey.objects.exists()
    assert cora_client.get(f"/rewards/{reward.pk}/payee/").status_code == 409
    assert Notification.objects.filter(recipient=alice, subject__contains="Đã chi trả").exists()


def test_the_lists_and_the_homes_count_the_same(alice, bob, cora, olga):
    approved(alice, bob)
    propose(file_complaint().complaint, alice)
    propose(file_complaint().complaint, alice)
    file_complaint(province_code="79")
    listed = logged_in(bob).get("/rewards/?status=proposed")
    assert listed.context["page"].paginator.count == 2
    home = logged_in(bob).get("/home/supervisor/").content.decode()
    found = re.search(
        r'href="/rewards/\?status=proposed">[^<]*<span class="queue__count">(\d+)</span>', home
    )
    assert found and int(found.group(1)) == 2
    assert logged_in(olga).get("/rewards/").context["page"].paginator.count == 3


# --- Reports and exports --------------------------------------------------------------------


def test_the_dashboard_and_its_exports_count_rewards_without_naming_anyone(
    alice, bob, olga, cora, nadia, roles
):
    from openpyxl import load_workbook

    from tests.factories import UserFactory, api_client, unit

    filed, reward, proof = at_counter(alice, bob)  # paid below: 2.000.000 đồng
    logged_in(olga).post(
        "/rewards/counter/",
        {"receipt": filed.receipt, "proof_text": proof, "step": "pay", "voucher_number": "PC-1"},
    )
    approved(alice, bob)  # approved, not paid
    propose(file_complaint().complaint, alice)  # only proposed
    disclosed, _ = approved(alice, bob)
    Client().post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": disclosed.receipt, "choice": "disclose", **PAYEE}
    )
    hcm_lead = UserFactory(username="hcm-lead", unit=unit("79"), roles=["team_lead"])
    hcm_boss = UserFactory(username="hcm-boss", unit=unit("79"), roles=["supervisor"])
    other = file_complaint(province_code="79").complaint
    reward_decide(by=hcm_boss, reward=propose(other, hcm_lead, amount_vnd=700_000), approve=True)

    page = logged_in(bob).get("/review/")
    rows = page.context["board"].rewards
    assert [(r.unit, r.proposed, r.approved, r.paid, r.paid_vnd) for r in rows] == [
        (reward.unit, 4, 3, 1, 2_000_000)
    ]
    html = page.content.decode()
    assert 'id="rewards-h"' in html and "2.000.000" in html
    national = logged_in(nadia).get("/review/").context["board"].rewards
    assert sorted((r.unit.code, r.proposed, r.approved) for r in national) == [
        ("01", 4, 3),
        ("79", 1, 1),
    ]

    export = logged_in(bob).get("/review/export/?format=xlsx")
    sheet = list(
        load_workbook(io.BytesIO(export.content), read_only=True)["Khen thưởng"].iter_rows(
            values_only=True
        )
    )
    assert sheet[0][0] == "Năm" and sheet[1][1:] == (reward.unit.name, 4, 3, 1, 2_000_000)
    everything = json.dumps(sheet, default=str, ensure_ascii=False)
    for secret in (PAYEE["payee_full_name"], PAYEE["payee_id_number"], filed.receipt, "PC-1"):
        assert secret not in everything
    assert filed.complaint.tracking_number not in everything
    api = api_client(bob).get("/api/v1/dashboard").json()
    assert api["rewards"] == [
        {
            "year": rows[0].year,
            "unit_id": reward.unit.pk,
            "unit": reward.unit.name,
            "proposed": 4,
            "approved": 3,
            "paid": 1,
            "paid_vnd": 2_000_000,
        }
    ]


def test_the_identitys_retention_takes_the_payee_details_with_it(alice, bob, cora):
    from django.utils import timezone

    from complaints.retention_removals import purge_identity

    cora_client = unlocked(cora)
    filed, reward = approved(alice, bob)
    Client().post(
        "/tra-cuu/khen-thuong/chon/", {"receipt": filed.receipt, "choice": "disclose", **PAYEE}
    )
    with transaction.atomic():
        purge_identity(filed.complaint, timezone.now())
    assert not RewardPayee.objects.exists() and not RewardPayeeKey.objects.exists()
    gone = cora_client.get(f"/rewards/{reward.pk}/payee/")
    assert gone.status_code == 409 and "hết thời hạn lưu trữ" in gone.content.decode()
