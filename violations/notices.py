"""Notices between units about an alerted product (EU Safety Gate's notifications and
"reactions"; the national plan's coordination "between levels and sectors").

Publishing an alert whose risk is serious or high (or assessing it so later) sends one
notice to every other active unit, provincial and national, except the one that
published it; a national supervisor may also send them for any published alert, with
a reason. Each receiving unit answers within `settings.NOTICE_WORKING_DAYS` working days
(10 by default): the product found on its market or not, the measures taken, with
evidence. The answer's deadline is the legal clock `province_notice`
(violations/clocks.py): answering stops it; the clocks' sweep reminds the unit before
the deadline and, past it, escalates to the unit's and the national supervisors.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from registry import clocks
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.images import MAX_UPLOAD_BYTES
from registry.models import Unit
from registry.permissions import require_perm
from registry.risk_levels import URGENT
from registry.services import notification_send
from violations.clocks import ViolationClock, national_supervisors, notice_handlers
from violations.models import Notice, ProductAlert

VIEW = "violations.view_notice"
REACT = "violations.react_notice"
SEND = "violations.send_notice"
KIND = ViolationClock.PROVINCE_NOTICE
MAX_TEXT = 4000

# Evidence is a document or a photo, recognised by its first bytes, whatever its name.
EVIDENCE_TYPES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def _link(notice: Notice) -> str:
    return f"/notices/{notice.pk}/"


@transaction.atomic
def notices_for_urgent_alert(*, by, alert: ProductAlert) -> list[Notice]:
    """The notices a published alert of serious or high risk sends; none for a lower
    level. Called by the services that publish or assess an alert, in their transaction
    and after their own checks. Units already told are not told twice."""
    if alert.status != ProductAlert.Status.PUBLISHED or alert.risk_level not in URGENT:
        return []
    return _send(by=by, alert=alert, origin=Notice.Origin.RISK, reason="")


@transaction.atomic
def notices_send(*, by, alert: ProductAlert, reason: str) -> list[Notice]:
    """A national supervisor's decision to tell the other units about a published alert,
    whatever its risk level, with a reason."""
    require_perm(by, SEND)
    if not (by.unit_id and by.unit.is_national):
        raise PermissionDenied(
            _("Chỉ lãnh đạo cơ quan trung ương gửi thông báo theo quyết định."),
            code="national_only",
        )
    alert = ProductAlert.objects.select_for_update().get(pk=alert.pk)
    if alert.status != ProductAlert.Status.PUBLISHED:
        raise Conflict(_("Cảnh báo đã được gỡ."), code="alert_withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "required", _("Hãy ghi lý do gửi thông báo."))
    sent = _send(by=by, alert=alert, origin=Notice.Origin.DECISION, reason=reason[:2000])
    if not sent:
        raise Conflict(
            _("Mọi đơn vị khác đã nhận thông báo về cảnh báo này."), code="notices_all_sent"
        )
    return sent


def units_to_tell(alert: ProductAlert):
    """The active units, other than the publisher, not yet told about the alert."""
    return (
        Unit.objects.filter(is_active=True)
        .exclude(pk=alert.inspection.unit_id)
        .exclude(pk__in=alert.notices.values("unit_id"))
        .order_by("pk")
    )


def _send(*, by, alert: ProductAlert, origin: str, reason: str) -> list[Notice]:
    units = list(units_to_tell(alert))
    now = timezone.now()
    sent = []
    for unit in units:
        notice = Notice.objects.create(
            alert=alert,
            unit=unit,
            origin=origin,
            reason=reason,
            sent_by=by,
            sent_at=now,
            due_on=timezone.localdate(now),  # replaced by the clock's last day just below
        )
        clock = clocks.clock_start(
            kind=KIND, subject_id=notice.pk, unit=unit, case=notice, started_at=now
        )
        notice.due_on = clock.due_on
        notice.save(update_fields=["due_on"])
        sent.append(notice)
        _tell_unit(notice)
    if sent:
        audit_record(
            actor=by,
            action="notice.send",
            target=alert.inspection,
            changes={"alert": alert.pk, "origin": origin, "units": [n.unit_id for n in sent]},
        )
    return sent


def _tell_unit(notice: Notice) -> None:
    alert = notice.alert
    subject = gettext("Thông báo sản phẩm rủi ro %(level)s: %(product)s, trả lời trước %(due)s") % {
        "level": alert.risk_level_label.lower() if alert.risk_level else "",
        "product": alert.product_name,
        "due": notice.due_on.strftime("%d/%m/%Y"),
    }
    body = gettext(
        "Đơn vị %(unit)s đã công bố cảnh báo. Hãy kiểm tra sản phẩm trên địa bàn và ghi "
        "kết quả (có hay không phát hiện, biện pháp đã áp dụng, tài liệu chứng minh)."
    ) % {"unit": alert.inspection.unit.name}
    _tell_handlers(notice, subject, body, event="sent")


def _tell_handlers(notice: Notice, subject: str, body: str, *, event: str) -> None:
    """The receiving unit's handlers learn of the notice's `event`, once each."""
    for person in notice_handlers(notice.unit_id):
        notification_send(
            recipient=person,
            subject=subject,
            body=body,
            link=_link(notice),
            dedup_key=f"notice:{notice.pk}:{event}:{person.pk}",
        )


def notices_close_for_withdrawn_alert(*, by, alert: ProductAlert) -> list[Notice]:
    """Close the notices of an alert just withdrawn that no unit answered yet: their
    clocks are cancelled (the sweep neither reminds nor escalates them), they leave the
    units' waiting lists, and each receiving unit is told. Called by `alert_withdraw`, in
    its transaction and after its own checks; answered notices stay as they are."""
    now = timezone.now()
    waiting = list(
        Notice.objects.select_for_update()
        .filter(alert=alert, reacted_at__isnull=True, withdrawn_at__isnull=True)
        .order_by("pk")
    )
    for notice in waiting:
        clocks.clock_cancel(kind=KIND, subject_id=notice.pk, at=now)
    Notice.objects.filter(pk__in=[n.pk for n in waiting]).update(withdrawn_at=now)
    for notice in waiting:
        notice.withdrawn_at = now
        notice.alert = alert
        _tell_withdrawn(notice)
    if waiting:
        audit_record(
            actor=by,
            action="notice.close",
            target=alert.inspection,
            changes={"alert": alert.pk, "units": [n.unit_id for n in waiting]},
        )
    return waiting


def _tell_withdrawn(notice: Notice) -> None:
    alert = notice.alert
    subject = gettext("Cảnh báo đã được gỡ: %(product)s, không cần trả lời thông báo") % {
        "product": alert.product_name,
    }
    body = gettext(
        "Đơn vị %(unit)s đã gỡ cảnh báo về sản phẩm này. Thông báo đã đóng, đơn vị không "
        "cần trả lời."
    ) % {"unit": alert.inspection.unit.name}
    _tell_handlers(notice, subject, body, event="withdrawn")


def _too_large() -> InvalidInput:
    return InvalidInput.field(
        "evidence",
        "evidence_too_large",
        _("Tệp tài liệu quá lớn: tối đa %(max)s MB."),
        {"max": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def read_evidence(upload) -> bytes | None:
    """An uploaded evidence file's bytes, refused by its size before it is read into
    memory (the upload handler keeps a large one on disk)."""
    if upload is None:
        return None
    if upload.size > MAX_UPLOAD_BYTES:
        raise _too_large()
    return upload.read()


def check_evidence(data: bytes) -> str:
    """The evidence's type (a PDF, a JPEG or PNG photo) by its content, within the upload
    limit; InvalidInput otherwise."""
    if not data:
        raise InvalidInput.field("evidence", "evidence_empty", _("Tệp tài liệu trống."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    for magic, content_type, _extension in EVIDENCE_TYPES:
        if data.startswith(magic):
            return content_type
    raise InvalidInput.field(
        "evidence",
        "evidence_type",
        _("Chỉ nhận tài liệu PDF hoặc ảnh JPEG, PNG."),
    )


@transaction.atomic
def notice_react(
    *, by, notice: Notice, reaction: str, text: str = "", evidence: bytes | None = None
) -> Notice:
    """The receiving unit's answer: found on its market, not found, or measures taken
    (described, with evidence). Stops the notice's clock (met, or late past its day),
    and tells the national unit's supervisors. Only the receiving unit answers, once."""
    require_perm(by, REACT)
    if notice.unit_id != by.unit_id:
        raise PermissionDenied(
            _("Chỉ đơn vị nhận thông báo được trả lời."), code="not_receiving_unit"
        )
    notice = Notice.objects.select_for_update().select_related("alert", "unit").get(pk=notice.pk)
    if notice.reacted_at is not None:
        raise Conflict(_("Thông báo này đã được trả lời."), code="notice_answered")
    if notice.withdrawn_at is not None or notice.alert.status != ProductAlert.Status.PUBLISHED:
        raise Conflict(
            _("Cảnh báo đã được gỡ: thông báo đã đóng, không cần trả lời."),
            code="alert_withdrawn",
        )
    if reaction not in Notice.Reaction.values:
        raise InvalidInput.field("reaction", "reaction_unknown", _("Hãy chọn kết quả."))
    text = (text or "").strip()
    if reaction != Notice.Reaction.NOT_FOUND and not text:
        raise InvalidInput.field(
            "text",
            "required",
            _("Hãy ghi nơi phát hiện sản phẩm và biện pháp đã áp dụng."),
        )
    if reaction == Notice.Reaction.MEASURES and not evidence:
        raise InvalidInput.field(
            "evidence",
            "evidence_required",
            _("Hãy gửi kèm tài liệu chứng minh biện pháp đã áp dụng."),
        )
    content_type = check_evidence(evidence) if evidence else ""
    now = timezone.now()
    notice.reaction, notice.reaction_text = reaction, text[:MAX_TEXT]
    notice.reacted_by, notice.reacted_at = by, now
    if evidence:
        notice.evidence_sha256 = hashlib.sha256(evidence).hexdigest()
        notice.evidence_type = content_type
        extension = next(ext for _m, kind, ext in EVIDENCE_TYPES if kind == content_type)
        notice.evidence.save(
            f"thong-bao-{notice.pk}-{notice.evidence_sha256[:12]}.{extension}",
            ContentFile(evidence),
            save=False,
        )
    try:
        notice.save()
        clock = clocks.clock_stop(kind=KIND, subject_id=notice.pk, at=now)
        audit_record(
            actor=by,
            action="notice.react",
            target=notice,
            unit=notice.unit,
            changes={
                "alert": notice.alert_id,
                "reaction": reaction,
                "late": bool(clock and clock.state == clock.State.LATE),
                "evidence_sha256": notice.evidence_sha256,
            },
        )
        _tell_national(notice, by=by)
    except Exception:
        if notice.evidence:
            notice.evidence.delete(save=False)
        raise
    return notice


def _tell_national(notice: Notice, *, by) -> None:
    subject = gettext("%(unit)s đã trả lời thông báo về %(product)s: %(reaction)s") % {
        "unit": notice.unit.name,
        "product": notice.alert.product_name,
        "reaction": notice.get_reaction_display().lower(),
    }
    for person in national_supervisors():
        if person.pk == by.pk:
            continue
        notification_send(
            recipient=person,
            subject=subject,
            body=subject,
            link=f"/notices/campaigns/{notice.alert_id}/",
            dedup_key=f"notice:{notice.pk}:reacted:{person.pk}",
        )
