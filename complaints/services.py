"""Writes on complaints: citizens' filing and replies, officers' handling.

Nothing here logs, audits or returns a reporter's identity, a receipt code or a network
address: the audit log records what changed, never who the reporter is.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints import clocks as complaint_clocks
from complaints import quarantine, receipts
from complaints.clocks import ACCEPT_CLOCK, ComplaintClock, clock_start
from complaints.models import Complaint, ComplaintEvent, ComplaintMessage, ComplaintPhoto
from complaints.tasks import duplicates_detect, photo_process
from registry import clocks
from registry.audit import audit_record
from registry.background import enqueue_on_commit
from registry.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    InvalidTransition,
    PermissionDenied,
)
from registry.images import PhotoRejected, inspect_upload
from registry.models import EconomicOperator, LegalClock, Product, Role, Unit, User
from registry.permissions import require_object_perm
from registry.services import notification_send
from registry.throttle import is_over, too_many
from registry.validators import normalize_gtin, normalize_tax_code
from whistleblower.services import identity_clean, identity_seal

MAX_PHOTOS_PER_SUBMISSION = 6
MAX_DESCRIPTION = 5000
TRACKING_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    message = _("Bạn đã gửi quá nhiều yêu cầu. Hãy thử lại sau ít phút.")

    def __init__(self, retry_after: int, **kwargs):
        super().__init__(**kwargs)
        self.retry_after = retry_after


class Unavailable(DomainError):
    status = 503
    code = "intake_full"
    message = _("Hệ thống đang quá tải, chưa nhận thêm ảnh. Hãy thử lại sau.")
    retry_after = 600


class ReceiptNotFound(DomainError):
    """One answer for a wrong and an unknown receipt: guessing learns nothing."""

    status = 404
    code = "receipt_not_found"
    message = _("Mã tra cứu không đúng. Hãy kiểm tra lại từng ký tự.")


@dataclass(frozen=True)
class PhotoUpload:
    data: bytes
    filename: str = ""
    content_type: str | None = None


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    receipt: str


def throttle(scope: str, network_key: str, *, limit: int, window_seconds: int) -> None:
    if too_many(scope, network_key, limit=limit, window_seconds=window_seconds):
        raise TooManyRequests(retry_after=window_seconds)


# --- Input checks -----------------------------------------------------------------------------


_WEB_ADDRESS = URLValidator(schemes=["http", "https"])


def _web_address(value: str) -> str:
    """A shop's address on the web: http(s) only, never javascript: or data: (staff click it)."""
    value = value.strip()
    try:
        _WEB_ADDRESS(value)
    except ValidationError as exc:
        raise ValidationError(
            _("Đường dẫn gian hàng phải bắt đầu bằng http:// hoặc https://."),
            code="seller_url_invalid",
        ) from exc
    return value


class _Errors:
    """Every problem of a filing at once, so that a citizen fixes them in one go."""

    def __init__(self):
        self.items: dict[str, list] = {}

    def add(self, field: str, code: str, message, params=None) -> None:
        self.items.setdefault(field, []).append((code, message, params))

    def check(self, field: str, normalizer, value: str) -> str:
        """The normalized value of an optional field, or "" (its error recorded)."""
        if not (value or "").strip():
            return ""
        try:
            return normalizer(value)
        except ValidationError as exc:
            error = exc.error_list[0]
            self.add(field, error.code, error.message, error.params)
            return ""

    def collect(self, check, *args):
        try:
            return check(*args)
        except InvalidInput as exc:
            for field, items in exc.errors.items():
                self.items.setdefault(field, []).extend(items)
            return None

    def raise_if_any(self) -> None:
        if self.items:
            code, message, params = next(iter(self.items.values()))[0]
            raise InvalidInput(message, code=code, params=params, errors=self.items)


def _check_photos(photos: list[PhotoUpload]) -> None:
    if len(photos) > MAX_PHOTOS_PER_SUBMISSION:
        raise InvalidInput.field(
            "photos",
            "too_many_photos",
            _("Tối đa %(max)d ảnh mỗi lần gửi."),
            {"max": MAX_PHOTOS_PER_SUBMISSION},
        )
    for photo in photos:
        try:
            # The structure only: the photo worker decodes the pixels, and rejects there
            # what does not decode (the reporter reads it on the status page).
            inspect_upload(photo.data, decode=False)
        except PhotoRejected as exc:
            raise InvalidInput.field("photos", exc.code, exc.message, exc.params) from exc
    pending = (
        ComplaintPhoto.objects.filter(
            state__in=[ComplaintPhoto.State.PENDING, ComplaintPhoto.State.PROCESSING]
        ).aggregate(total=Sum("quarantine_bytes"))["total"]
        or 0
    )
    if pending + sum(len(p.data) for p in photos) > settings.PHOTO_QUARANTINE_MAX_BYTES:
        # A flood of uploads waits in quarantine; refuse rather than fill the disk.
        raise Unavailable()


class _Quarantined:
    """Photos written to quarantine before the transaction, removed again if it fails
    (Django has no on-rollback hook)."""

    def __init__(self, photos: list[PhotoUpload]):
        self.items = []
        self.committed = False
        try:
            for photo in photos:
                self.items.append((quarantine.put(photo.data), len(photo.data)))
        except BaseException:
            self._delete()
            raise

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        # Only a rolled-back transaction leaves files without rows; after a commit the
        # rows own them (and the photo task or the sweep processes them).
        if exc_type is not None and not self.committed:
            self._delete()
        return False

    def _delete(self) -> None:
        for name, _size in self.items:
            quarantine.delete(name)

    def attach(self, complaint: Complaint, message=None) -> None:
        transaction.on_commit(lambda: setattr(self, "committed", True))
        for name, size in self.items:
            photo = ComplaintPhoto.objects.create(
                complaint=complaint, message=message, quarantine_name=name, quarantine_bytes=size
            )
            enqueue_on_commit(photo_process, photo.pk)


def _tracking_number() -> str:
    year = timezone.localdate().year
    while True:
        candidate = f"PA-{year}-{''.join(secrets.choice(TRACKING_ALPHABET) for _ in range(6))}"
        if not Complaint.objects.filter(tracking_number=candidate).exists():
            return candidate


def _unit_for(province) -> Unit:
    if province is not None:
        unit = Unit.objects.filter(province=province, is_active=True).first()
        if unit:
            return unit
    return Unit.objects.get(kind=Unit.Kind.NATIONAL)


# --- Citizens -----------------------------------------------------------------------------


def complaint_submit(
    *,
    kind: str,
    product_name: str,
    seller_name: str,
    description: str,
    product_brand: str = "",
    product_gtin: str = "",
    product_batch: str = "",
    product_category=None,
    seller_address: str = "",
    seller_url: str = "",
    seller_tax_code: str = "",
    seller_province=None,
    purchase_date: date | None = None,
    photos: list[PhotoUpload] = (),
    identity: dict | None = None,
    channel: str = Complaint.Channel.WEB,
    network_key: str = "",
    by: User | None = None,
) -> Filed:
    """File a citizen's report. Returns the complaint and its receipt code, which is
    shown once to the reporter and never stored.

    `by`: the complaint officer who files it on a caller's behalf (hotline, counter):
    the audit names them, and the citizens' network throttle does not apply (the
    officer is signed in and audited; their network is not the caller's).

    Every check runs before anything is written; a photo that its header and structure
    show is not an accepted image (another format, markup, a polyglot, too large, a
    pixel bomb, cut short) stops the filing with a clear error and nothing is stored.
    Pixels are decoded by the photo worker, which rejects a photo that does not decode
    (deleted, never shown to staff; the reporter reads it on the status page).
    """
    if by is None:
        throttle(
            "complaint-submit",
            network_key,
            limit=settings.COMPLAINT_SUBMIT_LIMIT,
            window_seconds=3600,
        )
    elif not by.has_role(Role.COMPLAINT_OFFICER):
        raise PermissionDenied(
            _("Chỉ cán bộ tiếp nhận phản ánh mới nhập được phản ánh thay người dân."),
            code="intake_not_allowed",
        )
    errors = _Errors()
    if kind not in Complaint.Kind.values:
        errors.add("kind", "invalid_kind", _("Hãy chọn loại phản ánh."))
    description = (description or "").strip()
    if len(description) < 10:
        errors.add(
            "description", "description_too_short", _("Hãy mô tả sự việc (ít nhất 10 ký tự).")
        )
    elif len(description) > MAX_DESCRIPTION:
        errors.add(
            "description",
            "description_too_long",
            _("Nội dung tối đa %(max)d ký tự."),
            {"max": MAX_DESCRIPTION},
        )
    if not (product_name or "").strip():
        errors.add("product_name", "required", _("Hãy ghi tên sản phẩm."))
    if not (seller_name or "").strip():
        errors.add("seller_name", "required", _("Hãy ghi tên cửa hàng hoặc người bán."))
    if not (seller_address or "").strip() and not (seller_url or "").strip():
        errors.add(
            "seller_address",
            "seller_location_required",
            _("Hãy ghi địa chỉ cửa hàng hoặc đường dẫn gian hàng."),
        )
    if purchase_date and (purchase_date > timezone.localdate() or purchase_date.year < 2000):
        errors.add("purchase_date", "purchase_date_invalid", _("Ngày mua không hợp lệ."))
    seller_url = errors.check("seller_url", _web_address, seller_url)
    gtin = errors.check("product_gtin", normalize_gtin, product_gtin)
    tax_code = errors.check("seller_tax_code", normalize_tax_code, seller_tax_code)
    identity_fields = None
    if identity:
        identity_fields = errors.collect(identity_clean, identity)
    photos = list(photos)
    errors.collect(_check_photos, photos)
    errors.raise_if_any()

    receipt = receipts.new_receipt()
    with _Quarantined(photos) as held, transaction.atomic():
        complaint = Complaint.objects.create(
            tracking_number=_tracking_number(),
            receipt_digest=receipts.digest(receipts.normalize(receipt)),
            receipt_key_version=settings.RECEIPT_KEY_VERSION,
            unit=_unit_for(seller_province),
            kind=kind,
            channel=channel,
            product_category=product_category,
            product_name=product_name.strip()[:300],
            product_brand=(product_brand or "").strip()[:200],
            product_gtin=gtin,
            product_batch=(product_batch or "").strip()[:100],
            product=Product.objects.filter(gtin=gtin).first() if gtin else None,
            seller_name=seller_name.strip()[:300],
            seller_address=(seller_address or "").strip()[:400],
            seller_url=(seller_url or "").strip()[:500],
            seller_tax_code=tax_code,
            seller_province=seller_province,
            operator=EconomicOperator.objects.filter(tax_code=tax_code).first()
            if tax_code
            else None,
            purchase_date=purchase_date,
            description=description,
        )
        ComplaintEvent.objects.create(complaint=complaint, status_to=Complaint.Status.RECEIVED)
        complaint_clocks.intake_clocks_start(complaint)
        held.attach(complaint)
        enqueue_on_commit(duplicates_detect, complaint.pk)
        if identity_fields:
            identity_seal(complaint=complaint, fields=identity_fields)
        audit_record(
            actor=by,
            action="complaint.submit",
            target=complaint,
            unit=complaint.unit,
            changes={"channel": channel, "kind": kind, "photos": len(photos)},
        )
    return Filed(complaint=complaint, receipt=receipt)


def complaint_by_receipt(*, receipt: str, network_key: str) -> Complaint:
    """The complaint a receipt opens. Failed guesses are counted per network, and a
    network over the limit gets 429 for right and wrong codes alike, so that guessing
    stops rather than learning which guesses hit."""
    scope, limit, window = "receipt-guess", settings.RECEIPT_GUESS_LIMIT, 900
    if is_over(scope, network_key, limit=limit):
        raise TooManyRequests(retry_after=window)
    code = receipts.normalize(receipt)
    complaint = None
    if code is not None:
        # Every digest the code may be stored under, after key rotations (receipts.py):
        # one indexed IN query. A hit under an older key is re-digested under the current.
        chains = receipts.candidates(code)
        complaint = (
            Complaint.objects.filter(receipt_digest__in=list(chains)).select_related("unit").first()
        )
        if complaint is not None:
            receipts.flatten(complaint, code, chain=chains[complaint.receipt_digest])
    if complaint is None:
        throttle(scope, network_key, limit=limit, window_seconds=window)
        raise ReceiptNotFound()
    return complaint


def reporter_reply(
    *,
    complaint: Complaint,
    body: str,
    photos: list[PhotoUpload] = (),
    identity: dict | None = None,
    network_key: str = "",
) -> ComplaintMessage | None:
    """The reporter writes back, adds photos, or gives their identity in confidence."""
    throttle(
        "complaint-reply", network_key, limit=settings.COMPLAINT_REPLY_LIMIT, window_seconds=3600
    )
    body = (body or "").strip()
    photos = list(photos)
    identity_fields = identity_clean(identity) if identity else None
    if not body and not photos and not identity_fields:
        raise InvalidInput.field("body", "required", _("Hãy viết nội dung hoặc gửi kèm ảnh."))
    if len(body) > MAX_DESCRIPTION:
        raise InvalidInput.field(
            "body", "body_too_long", _("Nội dung tối đa %(max)d ký tự."), {"max": MAX_DESCRIPTION}
        )
    # A merged report takes messages as long as the case it joined is open.
    open_case = complaint
    if complaint.status == Complaint.Status.MERGED:
        open_case = Complaint.objects.filter(pk=complaint.merged_into_id).first()
    if open_case is None or open_case.is_closed:
        raise Conflict(
            _("Phản ánh đã kết thúc, không nhận thêm tin nhắn."), code="complaint_closed"
        )
    _check_photos(photos)
    message = None
    with _Quarantined(photos) as held, transaction.atomic():
        if identity_fields:
            identity_seal(complaint=complaint, fields=identity_fields)
        if body or photos:
            message = ComplaintMessage.objects.create(
                complaint=complaint, author_kind=ComplaintMessage.Author.REPORTER, body=body
            )
            held.attach(complaint, message=message)
        # The entry says that the reporter wrote, not what, nor whether they gave an identity.
        audit_record(
            actor=None,
            action="complaint.reporter_reply",
            target=complaint,
            unit=complaint.unit,
            changes={"photos": len(photos)},
        )
    return message


# --- Legal clocks ----------------------------------------------------------------------------


def _move_clocks(complaint: Complaint, to: str, *, at, public_note: str) -> None:
    """What a status change does to the clocks. Triage is acceptance (thụ lý): the
    acceptance is to be notified within 5 working days (a public note with it is the
    notice) and the settlement clock starts."""
    if to == Complaint.Status.ACKNOWLEDGED:
        clocks.clock_stop(kind=ComplaintClock.ACKNOWLEDGE, subject_id=complaint.pk, at=at)
    elif to == Complaint.Status.TRIAGED:
        clocks.clock_stop(kind=ComplaintClock.ACKNOWLEDGE, subject_id=complaint.pk, at=at)
        clocks.clock_stop(kind=ACCEPT_CLOCK[complaint.nature], subject_id=complaint.pk, at=at)
        clock_start(ComplaintClock.ACCEPTANCE_NOTICE, complaint, started_at=at)
        if public_note:
            clocks.clock_stop(kind=ComplaintClock.ACCEPTANCE_NOTICE, subject_id=complaint.pk, at=at)
        clock_start(ComplaintClock.SETTLE, complaint, started_at=at)
    elif to in (Complaint.Status.RESOLVED, Complaint.Status.REJECTED):
        complaint_clocks.clocks_stop(complaint=complaint, at=at)


@transaction.atomic
def complaint_set_nature(*, by, complaint: Complaint, nature: str) -> Complaint:
    """Take a report for a denunciation (or back) before it is accepted: the acceptance
    clock of the other law applies, counted from the day it was received."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if nature not in Complaint.Nature.values:
        raise InvalidInput.field("nature", "invalid_nature", _("Hãy chọn tính chất phản ánh."))
    if complaint.status not in (Complaint.Status.RECEIVED, Complaint.Status.ACKNOWLEDGED):
        raise Conflict(_("Chỉ đổi tính chất trước khi thụ lý."), code="nature_locked")
    if nature == complaint.nature:
        return complaint
    previous = complaint.nature
    clocks.clock_cancel(kind=ACCEPT_CLOCK[previous], subject_id=complaint.pk)
    complaint.nature = nature
    complaint.save(update_fields=["nature"])
    clock_start(ACCEPT_CLOCK[nature], complaint, started_at=complaint.received_at)
    audit_record(
        actor=by,
        action="complaint.nature",
        target=complaint,
        changes={"from": previous, "to": nature},
    )
    return complaint


@transaction.atomic
def complaint_extend_settlement(*, by, complaint: Complaint, reason: str) -> LegalClock:
    """Extend the settlement (complex: +30 days; very complex: +30 more). The reporter is
    told of each extension on their thread, with the new deadline and the reason."""
    require_object_perm(by, "change", complaint)
    clock = clocks.clock_for(kind=ComplaintClock.SETTLE, subject_id=complaint.pk)
    if clock is None:
        raise Conflict(
            _("Phản ánh chưa được thụ lý nên chưa có thời hạn giải quyết."),
            code="not_accepted",
        )
    clock = clocks.clock_extend(by=by, clock=clock, reason=reason)
    body = _("Thời hạn giải quyết được gia hạn đến ngày %(due)s. Lý do: %(reason)s") % {
        "due": clock.due_on.strftime("%d/%m/%Y"),
        "reason": reason.strip(),
    }
    complaint_message_send(by=by, complaint=complaint, body=str(body), internal=False)
    audit_record(
        actor=by,
        action="complaint.extend",
        target=complaint,
        changes={"due_on": clock.due_on.isoformat(), "extensions": clock.extensions},
    )
    return clock


# --- Officers ---------------------------------------------------------------------------------

# The status flow (docs/design.md, Complaint statuses): received → acknowledged →
# triaged → under inspection → resolved / rejected (with reason) / merged into another.
TRANSITIONS = {
    Complaint.Status.RECEIVED: {
        Complaint.Status.ACKNOWLEDGED,
        Complaint.Status.REJECTED,
        Complaint.Status.MERGED,
    },
    Complaint.Status.ACKNOWLEDGED: {
        Complaint.Status.TRIAGED,
        Complaint.Status.REJECTED,
        Complaint.Status.MERGED,
    },
    Complaint.Status.TRIAGED: {
        Complaint.Status.UNDER_INSPECTION,
        Complaint.Status.RESOLVED,
        Complaint.Status.REJECTED,
        Complaint.Status.MERGED,
    },
    Complaint.Status.UNDER_INSPECTION: {Complaint.Status.RESOLVED, Complaint.Status.REJECTED},
}
NEEDS_NOTE = {Complaint.Status.REJECTED, Complaint.Status.RESOLVED}


@transaction.atomic
def complaint_transition(*, by, complaint: Complaint, to: str, public_note: str = "") -> Complaint:
    """Move a complaint along its status flow; an illegal move is refused with 409."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    source = complaint.status
    if to not in TRANSITIONS.get(source, set()):
        raise InvalidTransition.between(source, to, Complaint.Status)
    public_note = (public_note or "").strip()
    if to in NEEDS_NOTE and not public_note:
        raise InvalidInput.field(
            "public_note",
            "note_required",
            _("Hãy ghi lý do hoặc kết quả để thông báo cho người phản ánh."),
        )
    if to == Complaint.Status.MERGED:
        raise Conflict(_("Dùng chức năng gộp phản ánh."), code="use_merge")
    now = timezone.now()
    complaint.status = to
    if to == Complaint.Status.ACKNOWLEDGED:
        complaint.acknowledged_at = now
    if to in (Complaint.Status.RESOLVED, Complaint.Status.REJECTED):
        complaint.closed_at = now
        complaint.outcome = public_note
    complaint.save()
    ComplaintEvent.objects.create(
        complaint=complaint, status_from=source, status_to=to, public_note=public_note, actor=by
    )
    _move_clocks(complaint, to, at=now, public_note=public_note)
    audit_record(
        actor=by,
        action="complaint.transition",
        target=complaint,
        changes={"from": source, "to": to, "note": public_note},
    )
    return complaint


def release_recipients(complaint: Complaint, by) -> list:
    """Who is told that a report came back after its inspection was cancelled: its
    handler, unless that is `by` (who knows); the unit's active supervisors other than
    `by` when it has no active handler."""
    handler = complaint.assigned_to
    if handler is not None and handler.is_active:
        return [] if handler.pk == by.pk else [handler]
    return list(
        User.objects.filter(unit_id=complaint.unit_id, is_active=True, groups__name=Role.SUPERVISOR)
        .exclude(pk=by.pk)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def complaints_inspection_cancelled(*, by, complaints, inspection_label: str) -> list[Complaint]:
    """An inspection opened on these reports was cancelled and no other inspection is
    on them: each one still "under inspection" goes back to "triaged" (thụ lý), where
    its handler decides what next: inspect again, or settle it. Its settlement clock
    runs on. The reporter reads that the inspection will not take place (never why:
    the reason is an internal note); `release_recipients` are told. Returns the reports
    moved back.

    Called by inspections.services when a supervisor cancels the inspection: that
    cancellation, checked there, is the authority for the move. The caller holds the
    reports' locks, taken in order of id."""
    moved = []
    note = str(
        _(
            "Cuộc kiểm tra dự kiến theo phản ánh của bạn không tiến hành. Phản ánh tiếp tục "
            "được xử lý; bạn sẽ được thông báo bước tiếp theo."
        )
    )
    for complaint in complaints:
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("assigned_to")
            .get(pk=complaint.pk)
        )
        if complaint.status != Complaint.Status.UNDER_INSPECTION:
            continue
        complaint.status = Complaint.Status.TRIAGED
        complaint.save(update_fields=["status"])
        ComplaintEvent.objects.create(
            complaint=complaint,
            status_from=Complaint.Status.UNDER_INSPECTION,
            status_to=Complaint.Status.TRIAGED,
            public_note=note,
            actor=by,
        )
        audit_record(
            actor=by,
            action="complaint.inspection_cancelled",
            target=complaint,
            changes={
                "from": Complaint.Status.UNDER_INSPECTION,
                "to": Complaint.Status.TRIAGED,
                "inspection": inspection_label,
            },
        )
        for recipient in release_recipients(complaint, by):
            notification_send(
                recipient=recipient,
                subject=str(_("Phản ánh %(number)s: cuộc kiểm tra %(inspection)s đã bị hủy"))
                % {"number": complaint.tracking_number, "inspection": inspection_label},
                body=str(
                    _(
                        "Phản ánh trở lại trạng thái “Đã phân loại”: hãy quyết định kiểm tra lại "
                        "hoặc giải quyết phản ánh trong thời hạn."
                    )
                ),
                link=reverse("complaint-detail", kwargs={"complaint_id": complaint.pk}),
            )
        moved.append(complaint)
    return moved


@transaction.atomic
def complaint_merge(*, by, complaints: list[Complaint], into: Complaint) -> Complaint:
    """Settle reports together with another one about the same product or seller. Each
    merged report keeps its receipt: its reporter reads where it went and, once the
    case is settled, its outcome (complaints.selectors.public_view)."""
    require_object_perm(by, "change", into)
    into = Complaint.objects.select_for_update().get(pk=into.pk)
    if into.is_closed:
        raise Conflict(
            _("Phản ánh %(number)s đã kết thúc, không gộp thêm được."),
            code="merge_target_closed",
            params={"number": into.tracking_number},
        )
    now = timezone.now()
    for complaint in complaints:
        require_object_perm(by, "change", complaint)
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.pk == into.pk:
            raise Conflict(_("Không gộp phản ánh vào chính nó."), code="merge_into_self")
        if Complaint.Status.MERGED not in TRANSITIONS.get(complaint.status, set()):
            raise InvalidTransition.between(
                complaint.status, Complaint.Status.MERGED, Complaint.Status
            )
        source = complaint.status
        complaint.status, complaint.merged_into, complaint.closed_at = (
            Complaint.Status.MERGED,
            into,
            now,
        )
        complaint.save(update_fields=["status", "merged_into", "closed_at"])
        # Reports merged into this one earlier follow it, so that their reporters read
        # the case that settles them, one hop away.
        Complaint.objects.filter(merged_into=complaint).update(merged_into=into)
        note = _(
            "Phản ánh của bạn được giải quyết chung với phản ánh số %(number)s về cùng sản "
            "phẩm hoặc người bán. Bạn vẫn theo dõi kết quả bằng mã tra cứu của mình."
        ) % {"number": into.tracking_number}
        ComplaintEvent.objects.create(
            complaint=complaint,
            status_from=source,
            status_to=Complaint.Status.MERGED,
            public_note=str(note),
            actor=by,
        )
        complaint_clocks.clocks_stop(complaint=complaint, at=now, cancel=True)
        audit_record(
            actor=by,
            action="complaint.merge",
            target=complaint,
            changes={"from": source, "into": into.pk},
        )
    return into


HANDLER_ROLES = (Role.COMPLAINT_OFFICER, Role.SUPERVISOR)


def handlers_of(*, user, unit=None):
    """The staff who may be given complaints (of one unit, or every unit `user` sees)."""
    qs = User.objects.visible_to(user).filter(is_active=True, groups__name__in=HANDLER_ROLES)
    if unit is not None:
        qs = qs.filter(unit=unit)
    return qs.select_related("unit").distinct().order_by("full_name", "username")


@transaction.atomic
def complaint_assign(*, by, complaint: Complaint, officer) -> Complaint:
    """Give the complaint to an officer, who gets its object permissions."""
    from guardian.shortcuts import assign_perm, remove_perm

    require_object_perm(by, "change", complaint)
    if not officer.is_active:
        raise InvalidInput.field(
            "officer", "officer_inactive", _("Cán bộ này không còn hoạt động.")
        )
    if not any(officer.has_role(role) for role in HANDLER_ROLES):
        raise InvalidInput.field(
            "officer",
            "officer_not_handler",
            _("Chỉ giao phản ánh cho cán bộ tiếp nhận hoặc lãnh đạo."),
        )
    previous = complaint.assigned_to
    if previous is not None and previous != officer:
        for perm in ("view_complaint", "change_complaint"):
            remove_perm(perm, previous, complaint)
    complaint.assigned_to = officer
    complaint.save(update_fields=["assigned_to"])
    for perm in ("view_complaint", "change_complaint"):
        assign_perm(perm, officer, complaint)
    audit_record(
        actor=by, action="complaint.assign", target=complaint, changes={"officer": officer.username}
    )
    return complaint


MAX_BULK = 200


@transaction.atomic
def complaints_assign_bulk(*, by, complaints: list[Complaint], officer) -> int:
    """Give several reports to one officer at once: all of them, or none."""
    if not complaints:
        raise InvalidInput.field("ids", "nothing_selected", _("Hãy chọn ít nhất một phản ánh."))
    if len(complaints) > MAX_BULK:
        raise InvalidInput.field(
            "ids", "too_many_selected", _("Tối đa %(max)d phản ánh mỗi lần."), {"max": MAX_BULK}
        )
    for complaint in complaints:
        complaint_assign(by=by, complaint=complaint, officer=officer)
    return len(complaints)


@transaction.atomic
def complaint_message_send(
    *, by, complaint: Complaint, body: str, internal: bool
) -> ComplaintMessage:
    """A message to the reporter, or an internal note they never see."""
    require_object_perm(by, "change", complaint)
    body = (body or "").strip()
    if not body:
        raise InvalidInput.field("body", "required", _("Hãy viết nội dung."))
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        author_kind=ComplaintMessage.Author.OFFICER,
        author=by,
        body=body,
        internal=internal,
    )
    if not internal:
        # Any answer to the reporter after acceptance tells them it was accepted.
        clocks.clock_stop(kind=ComplaintClock.ACCEPTANCE_NOTICE, subject_id=complaint.pk)
    audit_record(
        actor=by,
        action="complaint.note" if internal else "complaint.message",
        target=complaint,
        changes={"message": message.pk, "sha256": hashlib.sha256(body.encode()).hexdigest()},
    )
    return message


@transaction.atomic
def complaint_propose_inspection(*, by, complaint: Complaint, note: str) -> ComplaintMessage:
    """An officer proposes that the goods of an accepted report be inspected: an internal
    note says why, and the unit's supervisors (who issue inspection decisions) are told,
    with the page that opens an inspection on this report."""
    require_object_perm(by, "change", complaint)
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if complaint.status != Complaint.Status.TRIAGED:
        raise Conflict(
            _("Chỉ đề xuất kiểm tra phản ánh đã thụ lý, chưa có cuộc kiểm tra."),
            code="not_triaged",
        )
    if complaint.inspection_proposed_at is not None:
        raise Conflict(
            _("Đã đề xuất kiểm tra phản ánh này lúc %(at)s; lãnh đạo đơn vị đã được thông báo."),
            code="already_proposed",
            params={
                "at": timezone.localtime(complaint.inspection_proposed_at).strftime(
                    "%d/%m/%Y %H:%M"
                )
            },
        )
    note = (note or "").strip()
    if len(note) < 5:
        raise InvalidInput.field(
            "note", "reason_required", _("Ghi lý do đề xuất kiểm tra, ví dụ hàng hóa, địa điểm")
        )
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        author_kind=ComplaintMessage.Author.OFFICER,
        author=by,
        body=str(_("Đề xuất kiểm tra: %(note)s") % {"note": note}),
        internal=True,
    )
    complaint.inspection_proposed_at = timezone.now()
    complaint.save(update_fields=["inspection_proposed_at"])
    audit_record(
        actor=by,
        action="complaint.propose_inspection",
        target=complaint,
        changes={"message": message.pk},
    )
    subject = str(
        _("Đề xuất kiểm tra theo phản ánh %(number)s") % {"number": complaint.tracking_number}
    )
    for person in clocks.unit_supervisors(complaint.unit_id):
        notification_send(
            recipient=person,
            subject=subject,
            body=note,
            link=reverse("complaint-detail", kwargs={"complaint_id": complaint.pk}),
            dedup_key=f"propose-inspection:{message.pk}:{person.pk}",
        )
    return message


@transaction.atomic
def complaints_tell_outcome(*, by, complaint_ids, text: str) -> int:
    """Give a case's outcome to the reports it was opened on (`complaint_ids`) and to
    those merged into them, except the rejected ones: an open report is resolved with
    it; a closed one gets it as a public message. Called by violation handling inside
    its transaction, which has checked `by`'s rights on the case. Returns how many."""
    complaints = (
        Complaint.objects.select_for_update()
        .filter(Q(pk__in=complaint_ids) | Q(merged_into__in=complaint_ids))
        .exclude(status=Complaint.Status.REJECTED)
        .order_by("pk")
    )
    told = 0
    for complaint in complaints:
        if complaint.is_closed:
            ComplaintMessage.objects.create(
                complaint=complaint,
                author_kind=ComplaintMessage.Author.OFFICER,
                author=by,
                body=text,
            )
            complaint.outcome = text
            complaint.save(update_fields=["outcome"])
        else:
            source = complaint.status
            complaint.status = Complaint.Status.RESOLVED
            complaint.outcome = text
            complaint.closed_at = complaint.closed_at or timezone.now()
            complaint.save(update_fields=["status", "outcome", "closed_at"])
            ComplaintEvent.objects.create(
                complaint=complaint,
                status_from=source,
                status_to=Complaint.Status.RESOLVED,
                public_note=text,
                actor=by,
            )
            # Resolved, as by an officer: the report waits for nothing more.
            complaint_clocks.clocks_stop(complaint=complaint, at=complaint.closed_at)
        told += 1
    return told
