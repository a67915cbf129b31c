"""Rewards for reports (docs/rewards.md): proposed by the case's handler, approved by the
unit's supervisor, chosen by the reporter through the receipt, paid at the counter or
through the identity custodian.

Nothing here stores, audits or returns a receipt, a proof of filing or who the reporter
is: the audit entries name the reward, its amount and its status. The payee details a
reporter gives for the custodian are sealed (whistleblower/sealing.py) and deleted when
the payment is recorded.
"""

import re

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import proofs
from complaints.models import Complaint, Reward, RewardPayee, RewardPayeeKey
from complaints.services import complaint_by_receipt, throttle
from registry.audit import audit_record
from registry.clocks import unit_supervisors
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.models import Role, User
from registry.permissions import require_perm
from registry.services import notification_send
from registry.templatetags.money import vnd
from whistleblower.models import WrappedKey
from whistleblower.sealing import open_sealed, seal_for_custodians, staff_fingerprint

# A guard against a mistyped amount, not a legal ceiling: the basis cites the rule.
MAX_AMOUNT_VND = 1_000_000_000
MIN_BASIS = 10
LIVE = (Reward.Status.APPROVED, Reward.Status.COUNTER, Reward.Status.DISCLOSED)
PAYEE_FIELDS = ("full_name", "id_number", "phone", "bank_name", "bank_account", "address")
_ID_NUMBER = re.compile(r"^[0-9]{9}$|^[0-9]{12}$")
_PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")
_ACCOUNT = re.compile(r"^[0-9 -]{6,30}$")


Choice = Reward.Choice


def payee_aad(reward_id: int) -> bytes:
    return f"reward-payee:{reward_id}".encode()


def _link(reward: Reward) -> str:
    return f"/rewards/{reward.pk}/"


def _tell(people, *, subject, body: str, link: str, key: str) -> None:
    for person in people:
        notification_send(
            recipient=person,
            subject=str(subject),
            body=str(body),
            link=link,
            dedup_key=f"{key}:{person.pk}",
        )


# --- Proposal and approval -----------------------------------------------------------------


def _amount(kind: str, amount_vnd: int | None) -> int | None:
    if kind not in Reward.Kind.values:
        raise InvalidInput.field("kind", "invalid_kind", _("Chọn hình thức khen thưởng."))
    if kind == Reward.Kind.THANKS:
        if amount_vnd:
            raise InvalidInput.field(
                "amount_vnd",
                "amount_not_for_thanks",
                _("Thư cảm ơn không kèm số tiền; chọn “Tiền thưởng” nếu có tiền thưởng."),
            )
        return None
    if not amount_vnd or amount_vnd < 1 or amount_vnd > MAX_AMOUNT_VND:
        raise InvalidInput.field(
            "amount_vnd",
            "amount_invalid",
            _("Nhập số tiền thưởng bằng đồng, từ 1 đến %(max)s đồng."),
            {"max": vnd(MAX_AMOUNT_VND)},
        )
    return amount_vnd


@transaction.atomic
def reward_propose(
    *,
    by,
    complaint: Complaint,
    kind: str,
    amount_vnd: int | None,
    basis: str,
    ground_kind: str,
    ground_ref: int,
    ground_number: str = "",
    origin_link: str = "",
) -> Reward:
    """Propose a reward for a report. Called by violation handling, which has checked
    that `by` handles a case this report led to and that the ground (a penalty decision
    issued, an alert published) belongs to that case. The unit's supervisors are told."""
    require_perm(by, "complaints.add_reward")
    amount_vnd = _amount(kind, amount_vnd)
    basis = (basis or "").strip()
    if len(basis) < MIN_BASIS:
        raise InvalidInput.field(
            "basis",
            "basis_required",
            _("Ghi căn cứ pháp lý và lý do khen thưởng (ít nhất 10 ký tự)."),
        )
    if ground_kind not in Reward.Ground.values:
        raise InvalidInput.field("ground", "invalid_ground", _("Chọn căn cứ khen thưởng."))
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.rewards.exclude(status=Reward.Status.RETURNED).exists():
        raise Conflict(
            _("Phản ánh %(number)s đã có đề xuất khen thưởng."),
            code="reward_exists",
            params={"number": complaint.tracking_number},
        )
    reward = Reward.objects.create(
        complaint=complaint,
        unit=complaint.unit,
        kind=kind,
        amount_vnd=amount_vnd,
        basis=basis,
        ground_kind=ground_kind,
        ground_ref=ground_ref,
        ground_number=(ground_number or "")[:100],
        origin_link=origin_link[:200],
        proposed_by=by,
    )
    audit_record(
        actor=by,
        action="reward.propose",
        target=reward,
        changes={
            "complaint": complaint.pk,
            "kind": kind,
            "amount_vnd": amount_vnd,
            "ground_kind": ground_kind,
            "ground_ref": ground_ref,
        },
    )
    _tell(
        unit_supervisors(reward.unit_id) - {by},
        subject=_("Đề xuất khen thưởng người phản ánh %(number)s chờ duyệt")
        % {"number": complaint.tracking_number},
        body=basis,
        link=_link(reward),
        key=f"reward-proposed:{reward.pk}",
    )
    return reward


@transaction.atomic
def reward_decide(*, by, reward: Reward, approve: bool, reason: str = "") -> Reward:
    """A supervisor of the unit approves the proposal, or returns it with a reason (a
    returned proposal may be made again). The proposer is told."""
    require_perm(by, "complaints.approve_reward")
    reward = Reward.objects.visible_to(by, "approve").select_for_update().filter(pk=reward.pk)
    reward = reward.select_related("complaint").first()
    if reward is None:
        raise NotFound()
    if reward.status != Reward.Status.PROPOSED:
        raise Conflict(_("Đề xuất khen thưởng này đã được quyết định."), code="already_decided")
    if reward.proposed_by_id == by.pk:
        raise PermissionDenied(
            _("Không tự duyệt đề xuất khen thưởng của chính mình."), code="own_proposal"
        )
    reason = (reason or "").strip()
    if not approve and len(reason) < 5:
        raise InvalidInput.field(
            "reason", "reason_required", _("Ghi lý do trả lại để người đề xuất sửa.")
        )
    reward.status = Reward.Status.APPROVED if approve else Reward.Status.RETURNED
    reward.decided_by, reward.decided_at = by, timezone.now()
    reward.return_reason = "" if approve else reason
    reward.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    audit_record(
        actor=by,
        action="reward.approve" if approve else "reward.return",
        target=reward,
        changes={"status": reward.status, "amount_vnd": reward.amount_vnd},
    )
    number = reward.complaint.tracking_number
    _tell(
        {reward.proposed_by} - {by},
        subject=(
            _("Khen thưởng người phản ánh %(number)s đã được duyệt")
            if approve
            else _("Đề xuất khen thưởng người phản ánh %(number)s bị trả lại")
        )
        % {"number": number},
        body=reason or _("Người phản ánh được biết qua mã tra cứu và chọn cách nhận khen thưởng."),
        link=reward.origin_link or _link(reward),
        key=f"reward-decided:{reward.pk}",
    )
    return reward


# --- The reporter's choice -----------------------------------------------------------------


def payee_posted(posted: dict) -> dict:
    """The payee details among the fields posted on the page or in the API, where they
    are named `payee_<field>`, under the names `payee_clean` takes."""
    return {name: posted.get(f"payee_{name}", "") for name in PAYEE_FIELDS}


def payee_clean(data: dict | None) -> dict:
    """The payee details a reporter gives for the custodian, checked (each error on its
    field, named `payee_<field>`)."""
    fields = {key: str((data or {}).get(key) or "").strip() for key in PAYEE_FIELDS}
    errors = {}

    def refuse(name, code, message):
        errors[f"payee_{name}"] = [(code, message, None)]

    if not fields["full_name"] or len(fields["full_name"]) > 150:
        refuse(
            "full_name", "payee_name_required", _("Nhập họ và tên người nhận (tối đa 150 ký tự).")
        )
    if not _ID_NUMBER.match(fields["id_number"]):
        refuse("id_number", "payee_id_invalid", _("Nhập số CCCD (12 chữ số) hoặc CMND (9 chữ số)."))
    if fields["phone"] and not _PHONE.match(fields["phone"]):
        refuse("phone", "payee_phone_invalid", _("Nhập số điện thoại chỉ gồm chữ số."))
    if fields["bank_account"] and not _ACCOUNT.match(fields["bank_account"]):
        refuse("bank_account", "payee_account_invalid", _("Nhập số tài khoản chỉ gồm chữ số."))
    if fields["bank_account"] and not fields["bank_name"]:
        refuse("bank_name", "payee_bank_required", _("Nhập tên ngân hàng của tài khoản."))
    if len(fields["bank_name"]) > 150 or len(fields["address"]) > 300:
        refuse("address", "payee_too_long", _("Rút gọn: tên ngân hàng 150, địa chỉ 300 ký tự."))
    if not fields["bank_account"] and not fields["address"] and "payee_address" not in errors:
        refuse(
            "bank_account",
            "payee_route_required",
            _("Nhập số tài khoản ngân hàng, hoặc địa chỉ để nhận khen thưởng."),
        )
    if errors:
        code, message, _params = next(iter(errors.values()))[0]
        raise InvalidInput(message, code=code, errors=errors)
    return fields


def _seal_payee(reward: Reward, fields: dict) -> list[User]:
    """Seal the payee details to the custodians and the recovery key; the custodians of
    the reward's unit (or, without any, of the national body) are the ones to tell."""
    ciphertext, keys = seal_for_custodians(
        complaint=reward.complaint, fields=fields, aad=payee_aad(reward.pk)
    )
    payee = RewardPayee.objects.create(reward=reward, ciphertext=ciphertext)
    RewardPayeeKey.objects.bulk_create(
        RewardPayeeKey(
            payee=payee,
            recipient_kind=key.kind,
            recipient=key.user,
            recipient_fingerprint=key.fingerprint,
            sealed_key=key.sealed_key,
        )
        for key in keys
    )
    custodians = [key.user for key in keys if key.user is not None]
    own = [user for user in custodians if user.unit_id == reward.unit_id]
    return own or custodians


@transaction.atomic
def reward_choose(
    *, complaint: Complaint, choice: str, payee: dict | None = None, network_key: str = ""
) -> Reward:
    """The reporter (holding the receipt) chooses how to receive an approved reward: at
    the unit's counter with the receipt and the proof of filing, through the custodian
    with payee details given in confidence, or not at all. Once."""
    throttle(
        "reward-choice", network_key, limit=settings.COMPLAINT_REPLY_LIMIT, window_seconds=3600
    )
    if choice not in Choice.values:
        raise InvalidInput.field("choice", "invalid_choice", _("Chọn cách nhận khen thưởng."))
    fields = payee_clean(payee) if choice == Choice.DISCLOSE else None
    reward = (
        Reward.objects.select_for_update(of=("self",))
        .select_related("complaint", "unit")
        .filter(complaint=complaint, status=Reward.Status.APPROVED)
        .first()
    )
    if reward is None:
        raise Conflict(
            _("Không có khen thưởng nào chờ bạn chọn cách nhận (có thể bạn đã chọn)."),
            code="no_reward_to_choose",
        )
    reward.status = {
        Choice.COUNTER: Reward.Status.COUNTER,
        Choice.DISCLOSE: Reward.Status.DISCLOSED,
        Choice.DECLINE: Reward.Status.DECLINED,
    }[choice]
    reward.choice, reward.chosen_at = choice, timezone.now()
    reward.save(update_fields=["status", "choice", "chosen_at"])
    # The entry says what was chosen, never what was given.
    audit_record(actor=None, action="reward.choose", target=reward, changes={"choice": choice})
    if fields is not None:
        custodians = _seal_payee(reward, fields)
        _tell(
            custodians,
            subject=_("Người phản ánh %(number)s cung cấp thông tin nhận khen thưởng")
            % {"number": reward.complaint.tracking_number},
            body=_("Thông tin được mã hóa, chỉ người quản lý thông tin nhân thân mở được."),
            link=_link(reward),
            key=f"reward-disclosed:{reward.pk}",
        )
    return reward


# --- Payment -----------------------------------------------------------------------------


def _proof_matches(proof, complaint: Complaint) -> None:
    if not isinstance(proof, dict) or not proofs.verify_proof(proof):
        raise InvalidInput.field(
            "proof",
            "proof_invalid",
            _("Bằng chứng gửi phản ánh không hợp lệ: chữ ký không đúng hoặc tệp đã bị sửa."),
        )
    if proof["payload"].get("tracking_number") != complaint.tracking_number:
        raise InvalidInput.field(
            "proof",
            "proof_mismatch",
            _("Bằng chứng gửi phản ánh không khớp với mã tra cứu."),
        )


def reward_at_counter(*, by, receipt: str, proof, network_key: str) -> Reward:
    """The reward waiting at the counter for whoever shows this receipt and the signed
    proof of filing of the same report. Wrong receipts count against the network's
    receipt guesses (complaint_by_receipt)."""
    require_perm(by, "complaints.pay_reward")
    complaint = complaint_by_receipt(receipt=receipt, network_key=network_key)
    _proof_matches(proof, complaint)
    reward = (
        Reward.objects.visible_to(by, "pay")
        .filter(complaint=complaint, status=Reward.Status.COUNTER)
        .first()
    )
    if reward is None:
        raise Conflict(
            _("Không có khen thưởng nào chờ chi trả tại quầy của đơn vị cho mã tra cứu này."),
            code="no_reward_at_counter",
        )
    if _works_on_report(by, complaint, reward):
        raise PermissionDenied(
            _(
                "Bạn xử lý, kiểm tra vụ việc của phản ánh này hoặc đã đề xuất khen thưởng: để "
                "giữ bí mật người phản ánh, một cán bộ khác của đơn vị chi trả."
            ),
            code="handles_report",
        )
    return reward


def _works_on_report(user, complaint: Complaint, reward: Reward) -> bool:
    """Whether `user` knows the case behind the reward: the report's handler (or the
    handler of the report it was merged into), a member of an inspection opened on
    either, or the reward's proposer. The counter shows which report the person before
    the officer filed, so none of them pays it."""
    if user.pk == reward.proposed_by_id:
        return True
    reports = [pk for pk in (complaint.pk, complaint.merged_into_id) if pk is not None]
    return (
        Complaint.objects.filter(pk__in=reports)
        .filter(Q(assigned_to=user) | Q(inspections__members=user))
        .exists()
    )


def _voucher(voucher_number: str) -> str:
    voucher_number = (voucher_number or "").strip()
    if not voucher_number or len(voucher_number) > 50:
        raise InvalidInput.field(
            "voucher_number",
            "voucher_required",
            _("Nhập số chứng từ chi (phiếu chi, ủy nhiệm chi), tối đa 50 ký tự."),
        )
    return voucher_number


def _paid(by, reward: Reward, voucher_number: str, route: str) -> Reward:
    reward.status = Reward.Status.PAID
    reward.paid_by, reward.paid_at, reward.paid_unit = by, timezone.now(), by.unit
    reward.voucher_number = voucher_number
    reward.save(update_fields=["status", "paid_by", "paid_at", "paid_unit", "voucher_number"])
    audit_record(
        actor=by,
        action="reward.paid",
        target=reward,
        changes={
            "route": route,
            "amount_vnd": reward.amount_vnd,
            "voucher_number": voucher_number,
            "paid_unit": by.unit_id,
        },
    )
    _tell(
        ({reward.proposed_by} | unit_supervisors(reward.unit_id)) - {by},
        subject=_("Đã chi trả khen thưởng người phản ánh %(number)s")
        % {"number": reward.complaint.tracking_number},
        body=_("Chứng từ chi số %(voucher)s.") % {"voucher": voucher_number},
        link=_link(reward),
        key=f"reward-paid:{reward.pk}",
    )
    return reward


@transaction.atomic
def reward_pay_at_counter(
    *, by, receipt: str, proof, voucher_number: str, network_key: str
) -> Reward:
    """Record an anonymous reward paid at the counter, against the receipt and the
    proof of filing (checked again here). Nothing of either is kept."""
    voucher_number = _voucher(voucher_number)
    found = reward_at_counter(by=by, receipt=receipt, proof=proof, network_key=network_key)
    reward = Reward.objects.select_for_update(of=("self",)).select_related("complaint")
    reward = reward.get(pk=found.pk)
    if reward.status != Reward.Status.COUNTER:
        raise Conflict(_("Khen thưởng này đã được chi trả."), code="already_paid")
    return _paid(by, reward, voucher_number, "counter")


def _require_custodian(by) -> None:
    """Custodians pay what was sealed to them: the permission, and the role itself (the
    keys are sealed to custodians only)."""
    require_perm(by, "complaints.settle_reward")
    if not by.has_role(Role.IDENTITY_CUSTODIAN):
        raise PermissionDenied()


def _custodian_key(by, reward: Reward) -> RewardPayeeKey:
    key = (
        RewardPayeeKey.objects.filter(
            payee__reward=reward,
            recipient=by,
            recipient_kind=WrappedKey.Recipient.CUSTODIAN,
            recipient_fingerprint=staff_fingerprint(by),
        )
        .select_related("payee")
        .first()
    )
    if key is None:
        raise Conflict(
            _("Thông tin người nhận không được mã hóa cho khóa của bạn."),
            code="no_custodian_wrap",
        )
    return key


def reward_payee_reveal(*, by, reward: Reward, private: bytes | None) -> dict:
    """The payee details, for a custodian they were sealed to, while the payment waits.
    Each opening is audited."""
    _require_custodian(by)
    reward = Reward.objects.visible_to(by, "settle").filter(pk=reward.pk).first()
    if reward is None:
        raise NotFound()
    if (
        reward.status != Reward.Status.DISCLOSED
        or not RewardPayee.objects.filter(reward=reward).exists()
    ):
        raise Conflict(
            _(
                "Không còn thông tin người nhận: khen thưởng đã chi trả, hoặc thông tin đã "
                "bị xóa khi hết thời hạn lưu trữ."
            ),
            code="no_payee",
        )
    key = _custodian_key(by, reward)
    fields = open_sealed(
        ciphertext=key.payee.ciphertext,
        sealed_key=key.sealed_key,
        private=private,
        aad=payee_aad(reward.pk),
    )
    with transaction.atomic():
        audit_record(actor=by, action="reward.payee_view", target=reward, changes={})
    return fields


@transaction.atomic
def reward_pay_disclosed(*, by, reward: Reward, voucher_number: str) -> Reward:
    """The custodian records the payment made to the payee the reporter named; the
    sealed payee details go with it (the payment's voucher is the record)."""
    _require_custodian(by)
    voucher_number = _voucher(voucher_number)
    locked = Reward.objects.visible_to(by, "settle").select_for_update(of=("self",))
    reward = locked.select_related("complaint").filter(pk=reward.pk).first()
    if reward is None:
        raise NotFound()
    if reward.status != Reward.Status.DISCLOSED:
        raise Conflict(
            _("Khen thưởng này không chờ chi trả qua người quản lý thông tin nhân thân."),
            code="not_disclosed",
        )
    _custodian_key(by, reward)
    RewardPayee.objects.filter(reward=reward).delete()
    return _paid(by, reward, voucher_number, "custodian")
