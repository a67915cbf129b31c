"""The identity vault: sealing, disclosure requests and decisions, and viewing.

Every request, decision and view goes into the hash-chained audit log with the
complaint as its target; the identity's content never does.
"""

import json
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm

from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from registry.models import Role, Unit, User
from registry.permissions import require_object_perm, require_perm
from registry.services import notification_send
from whistleblower import crypto
from whistleblower.models import DisclosureRequest, SealedIdentity, StaffKey, WrappedKey
from whistleblower.vault import recovery_public_key

IDENTITY_FIELDS = ("full_name", "phone", "email", "id_number")
_PHONE = re.compile(r"^\+?[0-9 .-]{8,20}$")
_ID_NUMBER = re.compile(r"^[0-9]{9}$|^[0-9]{12}$")


class KeyMismatch(Conflict):
    code = "vault_key_mismatch"
    message = _("Khóa của bạn không mở được thông tin này (khóa đã được thay): cần cấp lại quyền.")


class VaultLocked(PermissionDenied):
    code = "vault_locked"
    message = _("Khóa mã hóa của bạn chưa được mở: hãy đăng xuất rồi đăng nhập lại.")


def identity_aad(complaint_id: int) -> bytes:
    return f"identity:{complaint_id}".encode()


def identity_clean(data: dict) -> dict | None:
    """The identity fields a reporter gave, checked; None if they gave nothing."""
    fields = {key: (data.get(key) or "").strip() for key in IDENTITY_FIELDS}
    if not any(fields.values()):
        return None
    if len(fields["full_name"]) > 150:
        raise InvalidInput.field(
            "identity_full_name", "identity_name_too_long", _("Họ và tên tối đa 150 ký tự.")
        )
    if fields["phone"] and not _PHONE.match(fields["phone"]):
        raise InvalidInput.field(
            "identity_phone", "identity_phone_invalid", _("Số điện thoại không hợp lệ.")
        )
    if fields["email"]:
        try:
            validate_email(fields["email"])
        except ValidationError as exc:
            raise InvalidInput.field(
                "identity_email", "identity_email_invalid", _("Địa chỉ thư điện tử không hợp lệ.")
            ) from exc
    if fields["id_number"] and not _ID_NUMBER.match(fields["id_number"]):
        raise InvalidInput.field(
            "identity_id_number",
            "identity_id_invalid",
            _("Số CMND có 9 chữ số, số CCCD có 12 chữ số."),
        )
    return fields


def identity_recipients(complaint) -> list[tuple[str, User | None, bytes]]:
    """Who an identity's data key is sealed to: the active custodians of the complaint's
    unit and of the national body, and the offline recovery key (at filing, and again
    when whistleblower/rotation.py re-seals it)."""
    keys = (
        StaffKey.objects.filter(user__is_active=True, user__groups__name=Role.IDENTITY_CUSTODIAN)
        .filter(models.Q(user__unit=complaint.unit) | models.Q(user__unit__kind=Unit.Kind.NATIONAL))
        .select_related("user")
    )
    recipients = [(WrappedKey.Recipient.CUSTODIAN, key.user, bytes(key.public_key)) for key in keys]
    recipients.append((WrappedKey.Recipient.RECOVERY, None, recovery_public_key()))
    return recipients


def _wrap(
    identity: SealedIdentity, data_key: bytes, kind, user, public: bytes, expires_at=None
) -> None:
    WrappedKey.objects.create(
        identity=identity,
        recipient_kind=kind,
        recipient=user,
        recipient_fingerprint=crypto.fingerprint(public),
        sealed_key=crypto.seal(data_key, public),
        expires_at=expires_at,
    )


@transaction.atomic
def identity_seal(*, complaint, fields: dict) -> None:
    """Seal a reporter's identity. The data key exists only in this call's memory."""
    if SealedIdentity.objects.filter(complaint=complaint).exists():
        raise Conflict(_("Thông tin nhân thân đã được gửi trước đây."), code="identity_exists")
    data_key = crypto.new_data_key()
    plaintext = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    identity = SealedIdentity.objects.create(
        complaint=complaint,
        ciphertext=crypto.encrypt_record(plaintext, data_key, aad=identity_aad(complaint.pk)),
    )
    for kind, user, public in identity_recipients(complaint):
        _wrap(identity, data_key, kind, user, public)


@transaction.atomic
def disclosure_request(*, by, complaint, reason: str) -> DisclosureRequest:
    """Ask to see the reporter's identity. The same answer whether or not one exists."""
    require_perm(by, "whistleblower.add_disclosurerequest")
    require_object_perm(by, "change", complaint)
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise InvalidInput.field(
            "reason",
            "reason_required",
            _("Hãy nêu rõ lý do cần biết danh tính (ít nhất 10 ký tự)."),
        )
    now = timezone.now()
    if (
        DisclosureRequest.objects.filter(complaint=complaint, requested_by=by)
        .filter(
            models.Q(status=DisclosureRequest.Status.PENDING)
            | models.Q(status=DisclosureRequest.Status.APPROVED, expires_at__gt=now)
        )
        .exists()
    ):
        raise Conflict(
            _("Bạn đã có một đề nghị đang chờ hoặc còn hiệu lực cho phản ánh này."),
            code="request_open",
        )
    request = DisclosureRequest.objects.create(complaint=complaint, requested_by=by, reason=reason)
    audit_record(
        actor=by,
        action="identity.request",
        target=complaint,
        changes={"request": request.pk, "reason": reason},
    )
    # The custodians of the report's unit decide: tell them (no identity, no receipt).
    custodians = User.objects.filter(
        is_active=True, unit_id=complaint.unit_id, groups__name=Role.IDENTITY_CUSTODIAN
    ).exclude(pk=by.pk)
    for custodian in custodians.distinct():
        notification_send(
            recipient=custodian,
            subject=str(
                _("Đề nghị xem thông tin nhân thân: phản ánh %(number)s")
                % {"number": complaint.tracking_number}
            ),
            body=str(_("Một cán bộ xử lý đề nghị xem; hãy quyết định, có nêu lý do.")),
            link="/disclosures/?status=pending",
        )
    return request


def _tell_requester(request: DisclosureRequest) -> None:
    approved = request.status == DisclosureRequest.Status.APPROVED
    notification_send(
        recipient=request.requested_by,
        subject=str(
            (
                _("Đề nghị xem thông tin nhân thân được chấp thuận: phản ánh %(number)s")
                if approved
                else _("Đề nghị xem thông tin nhân thân bị từ chối: phản ánh %(number)s")
            )
            % {"number": request.complaint.tracking_number}
        ),
        body=request.decision_reason,
        link=f"/complaints/{request.complaint_id}/",
    )


@transaction.atomic
def disclosure_decide(
    *,
    by,
    request_id: int,
    approve: bool,
    reason: str,
    custodian_private: bytes | None,
    hours: int | None = None,
) -> DisclosureRequest:
    """A custodian approves or denies. Approval re-seals the identity's data key to the
    handler's public key and gives the handler an object permission until it expires."""
    request = (
        DisclosureRequest.objects.visible_to(by, "change")
        # The request row only: the retention sweep locks the report before its requests.
        .select_for_update(of=("self",))
        .select_related("complaint", "requested_by")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    if request.status != DisclosureRequest.Status.PENDING:
        raise Conflict(_("Đề nghị này đã được quyết định."), code="already_decided")
    if request.requested_by_id == by.pk:
        raise PermissionDenied(
            _("Không thể tự quyết định đề nghị của chính mình."), code="own_request"
        )
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidInput.field("reason", "reason_required", _("Hãy ghi lý do quyết định."))
    now = timezone.now()
    request.decided_by, request.decided_at, request.decision_reason = by, now, reason
    if not approve:
        request.status = DisclosureRequest.Status.DENIED
        request.save()
        audit_record(
            actor=by,
            action="identity.deny",
            target=request.complaint,
            changes={"request": request.pk, "reason": reason},
        )
        _tell_requester(request)
        return request

    if hours is None:
        hours = settings.DISCLOSURE_HOURS
    if not 1 <= hours <= settings.DISCLOSURE_MAX_HOURS:
        raise InvalidInput.field(
            "hours",
            "hours_invalid",
            _("Thời hạn xem từ 1 đến %(max)d giờ.") % {"max": settings.DISCLOSURE_MAX_HOURS},
        )
    handler = request.requested_by
    handler_key = StaffKey.objects.filter(user=handler).first()
    if handler_key is None:
        raise Conflict(
            _("Cán bộ đề nghị chưa có khóa mã hóa: họ cần đăng nhập một lần trước."),
            code="handler_has_no_key",
        )
    request.status = DisclosureRequest.Status.APPROVED
    request.expires_at = now + timedelta(hours=hours)
    request.save()
    # Locked: a key rotation (whistleblower/rotation.py) replacing this identity's data
    # key waits, or has finished, so the handler is never given a key it replaces.
    identity = (
        SealedIdentity.objects.select_for_update().filter(complaint=request.complaint).first()
    )
    if identity is not None:
        if custodian_private is None:
            raise VaultLocked()
        own_key = StaffKey.objects.filter(user=by).first()
        own = WrappedKey.objects.filter(
            identity=identity,
            recipient=by,
            recipient_kind=WrappedKey.Recipient.CUSTODIAN,
            recipient_fingerprint=own_key.fingerprint if own_key else "",
        ).first()
        if own is None:
            raise Conflict(
                _("Khóa của bạn chưa mở được thông tin này (cần cấp lại từ khóa khôi phục)."),
                code="no_custodian_wrap",
            )
        try:
            data_key = crypto.unseal(bytes(own.sealed_key), custodian_private)
        except crypto.VaultCryptoError as exc:
            raise KeyMismatch() from exc
        # A former grant's key (expired, not yet swept) gives way to this one.
        WrappedKey.objects.filter(
            identity=identity, recipient=handler, recipient_kind=WrappedKey.Recipient.HANDLER
        ).delete()
        _wrap(
            identity,
            data_key,
            WrappedKey.Recipient.HANDLER,
            handler,
            bytes(handler_key.public_key),
            request.expires_at,
        )
        assign_perm("view_sealedidentity", handler, identity)
    audit_record(
        actor=by,
        action="identity.approve",
        target=request.complaint,
        changes={
            "request": request.pk,
            "handler": handler.username,
            "reason": reason,
            "expires_at": request.expires_at,
        },
    )
    _tell_requester(request)
    return request


def identity_reveal(*, by, complaint, handler_private: bytes | None) -> dict | None:
    """The identity for an approved handler until expiry; every view is audited.

    Returns None when the reporter gave no identity (only an approved handler learns
    that). Anyone else gets NotFound, the same as for a complaint they cannot see."""
    now = timezone.now()
    grant = DisclosureRequest.objects.filter(
        complaint=complaint,
        requested_by=by,
        status=DisclosureRequest.Status.APPROVED,
        expires_at__gt=now,
    ).first()
    if grant is None:
        raise NotFound()
    identity = SealedIdentity.objects.filter(complaint=complaint).first()
    fields = None
    if identity is not None:
        if not by.has_perm("whistleblower.view_sealedidentity", identity):
            raise NotFound()
        if handler_private is None:
            raise VaultLocked()
        own_key = StaffKey.objects.filter(user=by).first()
        # The ciphertext is read with the wrap, in one query: a data-key rotation
        # committing in between cannot pair an old key with a new ciphertext.
        wrap = (
            WrappedKey.objects.filter(
                identity=identity,
                recipient=by,
                recipient_kind=WrappedKey.Recipient.HANDLER,
                recipient_fingerprint=own_key.fingerprint if own_key else "",
                expires_at__gt=now,
            )
            .select_related("identity")
            .first()
        )
        if wrap is None:
            raise NotFound()
        try:
            data_key = crypto.unseal(bytes(wrap.sealed_key), handler_private)
        except crypto.VaultCryptoError as exc:
            raise KeyMismatch() from exc
        fields = json.loads(
            crypto.decrypt_record(
                bytes(wrap.identity.ciphertext), data_key, aad=identity_aad(complaint.pk)
            )
        )
    with transaction.atomic():
        audit_record(
            actor=by, action="identity.view", target=complaint, changes={"request": grant.pk}
        )
    return fields


def disclosures_expire() -> int:
    """Take back the permission and the handler's sealed key of every expired grant."""
    now = timezone.now()
    expired = WrappedKey.objects.filter(
        recipient_kind=WrappedKey.Recipient.HANDLER, expires_at__lte=now
    ).select_related("identity", "recipient")
    count = 0
    for wrap in expired:
        with transaction.atomic():
            remove_perm("view_sealedidentity", wrap.recipient, wrap.identity)
            wrap.delete()
            count += 1
    return count
