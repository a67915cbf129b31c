"""Resetting a staff member's lost second factor (docs/second-factor.md): one
administrator asks, with the reason; a second, different administrator approves or
refuses. Approval removes every factor of the account (authenticator app, recovery
codes, passkeys), so that at the next sign-in the holder enrols again.

Nobody decides a request they made, nor one about their own account, and nobody asks
for their own account (a signed-in user changes their own factors themselves). Who may
ask and decide is who may change the account: administrators, for their unit's staff
(every unit's for the national body). Each step is audited; the other administrators
are told of a request, the requester of the decision, the account holder of both.
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import device_classes

from registry import access_cache, second_factor
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, InvalidTransition, NotFound, PermissionDenied
from registry.home import FIRST, Item, Queue
from registry.models import ApiToken, FactorReset, Role, Unit, User
from registry.permissions import require_perm
from registry.services import notification_send

# Resetting someone's factors is changing their account.
ADMINISTER = "registry.change_user"
REASON_MAX_LENGTH = 1000


def administered_staff(*, user):
    """The accounts whose factors `user` may have reset: none unless an administrator."""
    if not (user.is_authenticated and user.has_perm(ADMINISTER)):
        return User.objects.none()
    return User.objects.visible_to(user, "change")


def factor_reset_list(*, user, waiting: bool = False):
    """The requests about accounts the user administers, newest first; `waiting`: those
    the user may decide now (open, neither asked by them nor about them)."""
    resets = FactorReset.objects.filter(target__in=administered_staff(user=user))
    if waiting:
        resets = resets.filter(status=FactorReset.Status.PENDING).exclude(
            Q(requested_by=user) | Q(target=user)
        )
    return resets.select_related("target", "requested_by", "decided_by")


def factor_reset_get(*, user, reset_id: int) -> FactorReset:
    try:
        return factor_reset_list(user=user).get(pk=reset_id)
    except (FactorReset.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def may_decide(user, reset: FactorReset) -> bool:
    return (
        reset.status == FactorReset.Status.PENDING
        and user.has_perm(ADMINISTER)
        and user.pk not in (reset.requested_by_id, reset.target_id)
    )


def factor_count(user) -> int:
    """How many confirmed factors (recovery codes included) the account holds: an
    authenticator app whose enrolment was never confirmed is not one."""
    return sum(
        model.objects.filter(user=user, confirmed=True).count() for model in device_classes()
    )


def _clean_reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field(field, "required", gettext_lazy("Hãy ghi lý do."))
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput.field(
            field,
            "max_length",
            gettext_lazy("Lý do dài tối đa %(limit)s ký tự."),
            {"limit": REASON_MAX_LENGTH},
        )
    return reason


def _link(reset: FactorReset) -> str:
    return reverse("factor-reset-detail", kwargs={"reset_id": reset.pk})


def _name(user) -> str:
    return user.full_name or user.get_username()


def factor_reset_request(*, by, username: str, reason: str) -> FactorReset:
    """Ask for a reset of `username`'s factors; the other administrators who may decide
    are told, and so is the account holder (who can object if they lost nothing)."""
    require_perm(by, ADMINISTER)
    reason = _clean_reason(reason)
    target = administered_staff(user=by).filter(username__iexact=(username or "").strip()).first()
    if target is None:
        raise InvalidInput.field(
            "username",
            "unknown_account",
            gettext_lazy("Không có tài khoản cán bộ nào tên này trong các đơn vị bạn quản trị."),
        )
    if target.pk == by.pk:
        raise InvalidInput.field(
            "username",
            "own_account",
            gettext_lazy(
                "Không thể đề nghị đặt lại cho chính tài khoản của bạn: bạn tự thay yếu tố "
                "xác thực ở trang Bảo mật tài khoản."
            ),
        )
    if not factor_count(target):
        raise Conflict(
            gettext_lazy("Tài khoản này chưa có yếu tố xác thực nào để đặt lại."),
            code="no_factor",
        )
    try:
        with transaction.atomic():
            reset = FactorReset.objects.create(
                target=target, unit=target.unit, reason=reason, requested_by=by
            )
            audit_record(
                actor=by,
                action="factor_reset.requested",
                target=reset,
                changes={"target": target.get_username(), "reason": reason},
            )
            _tell_deciders(reset)
            _tell_holder_of_request(reset)
    except IntegrityError as exc:
        raise Conflict(
            gettext_lazy("Tài khoản này đang có một đề nghị đặt lại chờ phê duyệt."),
            code="reset_pending",
        ) from exc
    return reset


def deciders(reset: FactorReset):
    """The administrators who may decide: active, of the account's unit or the national
    body, neither the requester nor the account holder."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.ADMIN)
        .filter(Q(unit=reset.target.unit_id) | Q(unit__kind=Unit.Kind.NATIONAL))
        .exclude(pk__in=[reset.requested_by_id, reset.target_id])
        .distinct()
    )


def _tell_deciders(reset: FactorReset) -> None:
    for admin in deciders(reset):
        notification_send(
            recipient=admin,
            subject=_("Đề nghị đặt lại yếu tố xác thực của %(name)s chờ phê duyệt")
            % {"name": _name(reset.target)},
            body=_(
                "%(by)s đề nghị đặt lại yếu tố xác thực của %(name)s. Lý do: %(reason)s. "
                "Hãy xác minh với chính người đó qua một kênh khác trước khi phê duyệt."
            )
            % {
                "by": _name(reset.requested_by),
                "name": _name(reset.target),
                "reason": reset.reason,
            },
            link=_link(reset),
        )


def _tell_holder_of_request(reset: FactorReset) -> None:
    notification_send(
        recipient=reset.target,
        subject=_("Có đề nghị đặt lại yếu tố xác thực của tài khoản của bạn"),
        body=_(
            "%(by)s đã đề nghị đặt lại yếu tố xác thực của tài khoản của bạn; một quản trị "
            "viên khác sẽ quyết định. Nếu bạn không làm mất yếu tố nào, hãy báo ngay cho "
            "quản trị viên của đơn vị."
        )
        % {"by": _name(reset.requested_by)},
    )


def _locked_for_decision(*, by, reset: FactorReset, decision: str) -> FactorReset:
    """The request, locked, once it is checked that `by` may give it `decision`."""
    require_perm(by, ADMINISTER)
    reset = FactorReset.objects.select_for_update().select_related("target").get(pk=reset.pk)
    if reset.status != FactorReset.Status.PENDING:
        raise InvalidTransition.between(reset.status, decision, FactorReset.Status)
    if by.pk == reset.requested_by_id:
        raise PermissionDenied(
            gettext_lazy("Người đề nghị không thể tự quyết định: cần một quản trị viên khác."),
            code="own_request",
        )
    if by.pk == reset.target_id:
        raise PermissionDenied(
            gettext_lazy("Không thể quyết định đề nghị đặt lại tài khoản của chính mình."),
            code="own_account",
        )
    if not administered_staff(user=by).filter(pk=reset.target_id).exists():
        # Not the decider's staff: as if the request did not exist.
        raise NotFound()
    return reset


@transaction.atomic
def factor_reset_approve(*, by, reset: FactorReset) -> FactorReset:
    """Remove every factor of the account; it enrols again at its next sign-in."""
    reset = _locked_for_decision(by=by, reset=reset, decision=FactorReset.Status.APPROVED)
    target = reset.target
    removed = {}
    for model in device_classes():
        count, _by_model = model.objects.filter(user=target).delete()
        if count:
            removed[model._meta.label_lower] = count
    # Tokens were issued after a second factor the holder no longer has: the tablet
    # signs in again, with the new factor.
    revoked = ApiToken.objects.filter(user=target, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    # An update sends no signal: the cached tokens are forgotten here.
    access_cache.user_changed(target.pk)
    reset.status = FactorReset.Status.APPROVED
    reset.decided_by = by
    reset.decided_at = timezone.now()
    reset.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=by,
        action="factor_reset.approved",
        target=reset,
        changes={
            "target": target.get_username(),
            "removed": removed,
            "tokens_revoked": revoked,
        },
    )
    # Audits the change on the account and tells its holder.
    second_factor.factor_changed(user=target, by=by, action="reset", kind="all")
    _tell_requester(reset)
    return reset


@transaction.atomic
def factor_reset_refuse(*, by, reset: FactorReset, reason: str) -> FactorReset:
    reason = _clean_reason(reason)
    reset = _locked_for_decision(by=by, reset=reset, decision=FactorReset.Status.REFUSED)
    reset.status = FactorReset.Status.REFUSED
    reset.decided_by = by
    reset.decided_at = timezone.now()
    reset.refusal_reason = reason
    reset.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
    audit_record(
        actor=by,
        action="factor_reset.refused",
        target=reset,
        changes={"target": reset.target.get_username(), "reason": reason},
    )
    _tell_requester(reset)
    notification_send(
        recipient=reset.target,
        subject=_("Đề nghị đặt lại yếu tố xác thực của bạn đã bị từ chối"),
        body=_("Các yếu tố xác thực của bạn không thay đổi. Lý do: %(reason)s")
        % {"reason": reason},
    )
    return reset


def _tell_requester(reset: FactorReset) -> None:
    if reset.status == FactorReset.Status.APPROVED:
        subject = _("Đã đặt lại yếu tố xác thực của %(name)s")
        body = _(
            "%(by)s đã phê duyệt: mọi yếu tố xác thực của %(name)s đã bị gỡ; người đó sẽ "
            "đăng ký lại khi đăng nhập."
        )
    else:
        subject = _("Đề nghị đặt lại yếu tố xác thực của %(name)s bị từ chối")
        body = _("%(by)s đã từ chối đề nghị. Lý do: %(reason)s")
    params = {
        "name": _name(reset.target),
        "by": _name(reset.decided_by),
        "reason": reset.refusal_reason,
    }
    notification_send(
        recipient=reset.requested_by,
        subject=subject % params,
        body=body % params,
        link=_link(reset),
    )


def admin_queues(user) -> list[Queue]:
    """The administrator's home: requests waiting for their decision."""
    if not user.has_perm(ADMINISTER):
        return []
    waiting = factor_reset_list(user=user, waiting=True)
    items = tuple(
        Item(
            _name(reset.target),
            _link(reset),
            timezone.localtime(reset.requested_at).strftime("%d/%m/%Y %H:%M"),
        )
        for reset in waiting[:FIRST]
    )
    return [
        Queue(
            _("Đề nghị đặt lại yếu tố xác thực chờ bạn quyết định"),
            waiting.count(),
            reverse("factor-reset-list") + "?waiting=1",
            alarm=True,
            items=items,
        )
    ]
