"""Protection requests (docs/protection.md): a reporter asks through their receipt; the
custodians and supervisors of the report's unit decide within 7 working days (measures,
or a refusal with its reason), follow the measures up and close; a supervisor decides
whether the report's handler learns that a protection matter exists.

Who the reporter is never enters a request: a reporter who chooses to disclose it for
their protection gives it sealed, as the report's identity (`services.identity_seal`).
Audit entries carry the request (their target), its status and dates; notifications its
number and deadline: never the report (a unit's administrators read the unit's audit
log), what the reporter fears, nor who they are.
"""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry import errors
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, NotFound
from registry.permissions import require_perm
from registry.services import notification_send
from registry.throttle import too_many
from whistleblower.clocks import RULE, decision_clock_start, decision_clock_stop, protection_staff
from whistleblower.models import ProtectionFollowUp, ProtectionRequest, SealedIdentity
from whistleblower.services import identity_clean, identity_seal

Status = ProtectionRequest.Status
Identity = ProtectionRequest.Identity
MAX_TEXT = 5000
THROTTLE_SCOPE, THROTTLE_LIMIT, THROTTLE_WINDOW = "protection-request", 10, 3600
CHANGE = "whistleblower.change_protectionrequest"
INFORM = "whistleblower.inform_handler_protectionrequest"


class TooManyRequests(errors.TooManyRequests):
    message = _("Bạn đã gửi quá nhiều đề nghị. Hãy thử lại sau ít phút.")
    retry_after = THROTTLE_WINDOW


class _Errors:
    """Field errors collected, then raised together (the form shows them all at once)."""

    def __init__(self):
        self.found: dict[str, list] = {}

    def add(self, field: str, code: str, message, params=None) -> None:
        self.found.setdefault(field, []).append((code, message, params))

    def raise_if_any(self) -> None:
        if self.found:
            code, message, params = next(iter(self.found.values()))[0]
            raise InvalidInput(message, code=code, params=params, errors=self.found)


def _text(found: _Errors, field: str, value: str, *, shortest: int, message) -> str:
    value = (value or "").strip()
    if len(value) < shortest:
        found.add(field, "required", message)
    elif len(value) > MAX_TEXT:
        found.add(field, "too_long", _("Tối đa %(max)d ký tự."), {"max": MAX_TEXT})
    return value


# --- The reporter asks ------------------------------------------------------------------------


def _identity_to_seal(found: _Errors, complaint, choice: str, identity: dict | None):
    """The identity fields to seal now (the "now" choice), checked; None otherwise."""
    given = bool(identity) and any((value or "").strip() for value in identity.values())
    exists = SealedIdentity.objects.filter(complaint=complaint).exists()
    if choice not in Identity.values:
        found.add("identity", "identity_choice", _("Chọn có cung cấp danh tính hay không."))
    elif choice == Identity.ANONYMOUS and given:
        found.add(
            "identity",
            "identity_choice_mismatch",
            _(
                "Bạn đã ghi thông tin cá nhân: hãy chọn “cung cấp danh tính bây giờ”, hoặc xóa "
                "các ô đó."
            ),
        )
    elif choice == Identity.GIVEN and not exists:
        found.add(
            "identity",
            "identity_not_given",
            _("Chưa có danh tính nào được gửi kèm phản ánh này: hãy chọn cung cấp bây giờ."),
        )
    elif choice == Identity.NOW and exists:
        found.add(
            "identity",
            "identity_exists",
            _("Bạn đã cung cấp danh tính trước đây: hãy chọn “đã cung cấp danh tính”."),
        )
    elif choice == Identity.NOW:
        try:
            fields = identity_clean(identity or {})
        except InvalidInput as exc:
            for field, items in exc.errors.items():
                for code, message, params in items:
                    found.add(field, code, message, params)
            return None
        if fields is None:
            found.add(
                "identity_full_name",
                "identity_required",
                _("Ghi họ và tên và một cách liên lạc để cung cấp danh tính."),
            )
        return fields
    return None


def protection_request_file(
    *,
    complaint,
    kinds: list[str],
    fear: str,
    identity_choice: str = Identity.ANONYMOUS,
    identity: dict | None = None,
    network_key: str = "",
) -> ProtectionRequest:
    """The reporter (holder of the receipt) asks to be protected. Counted per network
    like their replies; one request waits for a decision at a time."""
    if too_many(THROTTLE_SCOPE, network_key, limit=THROTTLE_LIMIT, window_seconds=THROTTLE_WINDOW):
        raise TooManyRequests()
    found = _Errors()
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds:
        found.add("kinds", "kinds_required", _("Chọn ít nhất một điều bạn cần được bảo vệ."))
    elif any(kind not in ProtectionRequest.Kind.values for kind in kinds):
        found.add("kinds", "kind_invalid", _("Chọn trong các điều được liệt kê."))
    fear = _text(
        found,
        "fear",
        fear,
        shortest=10,
        message=_("Kể điều bạn lo ngại, ít nhất 10 ký tự."),
    )
    to_seal = _identity_to_seal(found, complaint, identity_choice, identity)
    found.raise_if_any()
    with transaction.atomic():
        if _pending_exists(complaint):
            raise _pending()
        if to_seal is not None:
            identity_seal(complaint=complaint, fields=to_seal)
        try:
            with transaction.atomic():
                request = ProtectionRequest.objects.create(
                    complaint=complaint, kinds=kinds, fear=fear, identity=identity_choice
                )
        except IntegrityError as exc:  # another request was filed meanwhile
            raise _pending() from exc
        clock = decision_clock_start(request)
        audit_record(
            actor=None,
            action="protection.request",
            target=request,
            unit=complaint.unit,
            changes={
                "status": request.status,
                "due_on": clock.due_on,
            },
        )
        _tell_staff(
            request,
            subject=_("Đề nghị bảo vệ người phản ánh số %(number)s: quyết định trước %(due)s"),
            body=_(
                "Người phản ánh đề nghị được bảo vệ. Hãy quyết định (biện pháp bảo vệ, hoặc "
                "từ chối có nêu lý do) trong 7 ngày làm việc. Cán bộ xử lý phản ánh không "
                "được thông báo."
            ),
            params={"due": clock.due_on.strftime("%d/%m/%Y")},
        )
    return request


def _pending_exists(complaint) -> bool:
    return ProtectionRequest.objects.filter(complaint=complaint, status=Status.PENDING).exists()


def _pending() -> Conflict:
    """One request of a report waits for a decision at a time (a constraint too)."""
    return Conflict(
        _("Đề nghị bảo vệ trước của bạn đang chờ quyết định."), code="protection_pending"
    )


def _tell_staff(request: ProtectionRequest, *, subject, body, params=None, but=None) -> None:
    """Tell the unit's custodians and supervisors (never the report's handler, nor `but`)."""
    staff = protection_staff(
        unit_id=request.complaint.unit_id, handler_id=request.complaint.assigned_to_id
    )
    text = str(subject) % {"number": request.pk, **(params or {})}
    for person in staff - {but}:
        notification_send(
            recipient=person,
            subject=text,
            body=f"{body}\n{_('Căn cứ')}: {RULE.basis}",
            link=f"/protection/{request.pk}/",
        )


# --- The unit decides and follows up ----------------------------------------------------------


def _fetch(by, request_id: int, perm: str = CHANGE) -> ProtectionRequest:
    """The request, locked, if `by` may see it (never its report's handler: 404), and
    holds `perm` (403 otherwise)."""
    request = (
        ProtectionRequest.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("complaint", "complaint__unit", "complaint__assigned_to")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    require_perm(by, perm)
    return request


@transaction.atomic
def protection_decide(
    *,
    by,
    request_id: int,
    grant: bool,
    measures: str = "",
    authority: str = "",
    reason: str = "",
) -> ProtectionRequest:
    """Measures and who carries them out, or a refusal with its reason; the clock stops.
    The reporter reads it with the receipt."""
    request = _fetch(by, request_id)
    if request.status != Status.PENDING:
        raise Conflict(_("Đề nghị này đã được quyết định."), code="already_decided")
    found = _Errors()
    if grant:
        request.measures = _text(
            found, "measures", measures, shortest=5, message=_("Ghi biện pháp bảo vệ.")
        )
        request.authority = (authority or "").strip()[:300]
        if len(request.authority) < 2:
            found.add("authority", "required", _("Ghi cơ quan, đơn vị thực hiện biện pháp bảo vệ."))
    else:
        request.refusal_reason = _text(
            found, "reason", reason, shortest=5, message=_("Ghi lý do từ chối.")
        )
    found.raise_if_any()
    request.status = Status.GRANTED if grant else Status.REFUSED
    request.decided_by, request.decided_at = by, timezone.now()
    request.save()
    clock = decision_clock_stop(request)
    audit_record(
        actor=by,
        action="protection.grant" if grant else "protection.refuse",
        target=request,
        unit=request.complaint.unit,
        changes={"status": request.status, "clock": clock.state if clock else None},
    )
    _tell_staff(
        request,
        subject=_("Đề nghị bảo vệ số %(number)s: %(status)s"),
        body=_("Người phản ánh đọc quyết định bằng mã tra cứu."),
        params={"status": str(request.get_status_display()).lower()},
        but=by,
    )
    return request


@transaction.atomic
def protection_follow_up(
    *, by, request_id: int, on: date, text: str, tell_reporter: bool
) -> ProtectionFollowUp:
    """What was checked of the measures granted, on a day (today or before)."""
    request = _fetch(by, request_id)
    if request.status != Status.GRANTED:
        raise Conflict(
            _("Chỉ theo dõi đề nghị đã quyết định áp dụng biện pháp bảo vệ."), code="not_granted"
        )
    found = _Errors()
    if on > timezone.localdate():
        found.add("on", "date_in_future", _("Ngày theo dõi không được sau hôm nay."))
    elif on < timezone.localdate(request.created_at):
        found.add("on", "date_before_request", _("Ngày theo dõi không được trước ngày đề nghị."))
    text = _text(found, "text", text, shortest=5, message=_("Ghi nội dung theo dõi."))
    found.raise_if_any()
    entry = ProtectionFollowUp.objects.create(
        request=request, on=on, text=text, tell_reporter=tell_reporter, by=by
    )
    audit_record(
        actor=by,
        action="protection.follow_up",
        target=request,
        unit=request.complaint.unit,
        changes={"follow_up": entry.pk, "on": on, "tell_reporter": tell_reporter},
    )
    return entry


@transaction.atomic
def protection_inform_handler(*, by, request_id: int, informed: bool) -> ProtectionRequest:
    """A supervisor decides whether the report's handler sees that a protection matter
    exists (only that); the handler is told when it becomes so."""
    request = _fetch(by, request_id, INFORM)
    if request.handler_informed == informed:
        return request
    request.handler_informed = informed
    request.save(update_fields=["handler_informed"])
    audit_record(
        actor=by,
        action="protection.inform_handler",
        target=request,
        unit=request.complaint.unit,
        changes={"handler_informed": informed},
    )
    handler = request.complaint.assigned_to
    if informed and handler is not None and handler.is_active:
        notification_send(
            recipient=handler,
            subject=str(
                _("Phản ánh %(number)s: có vấn đề bảo vệ người phản ánh")
                % {"number": request.complaint.tracking_number}
            ),
            body=str(
                _(
                    "Lãnh đạo đơn vị cho bạn biết phản ánh này có vấn đề bảo vệ người phản "
                    "ánh. Hãy đặc biệt giữ bí mật mọi thông tin có thể làm lộ người phản ánh."
                )
            ),
            link=f"/complaints/{request.complaint_id}/",
        )
    return request


@transaction.atomic
def protection_close(*, by, request_id: int, note: str) -> ProtectionRequest:
    """The protection ends (the danger has passed, the measures are done): told to the
    reporter with the reason."""
    request = _fetch(by, request_id)
    if request.status != Status.GRANTED:
        raise Conflict(
            _("Chỉ kết thúc đề nghị đang được áp dụng biện pháp bảo vệ."), code="not_granted"
        )
    found = _Errors()
    request.closing_note = _text(
        found, "note", note, shortest=5, message=_("Ghi lý do kết thúc bảo vệ.")
    )
    found.raise_if_any()
    request.status = Status.CLOSED
    request.closed_by, request.closed_at = by, timezone.now()
    request.save()
    audit_record(
        actor=by,
        action="protection.close",
        target=request,
        unit=request.complaint.unit,
        changes={"status": request.status},
    )
    return request
