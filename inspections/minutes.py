"""Minutes (biên bản kiểm tra): generated from findings and samples, signed, locked.

A signed version never changes. New findings, samples or photos after signing need an
amendment: a new, numbered version opened with a reason, which is signed in turn.
"""

import base64
import hashlib
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from inspections import measurements
from inspections.checklists import item_text
from inspections.models import (
    Finding,
    Inspection,
    InspectionMember,
    Minutes,
    MinutesScan,
    MinutesSignature,
    Sample,
)
from inspections.selectors import inspection_day
from registry import images
from registry.audit import audit_record
from registry.clocks import unit_supervisors
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.permissions import require_object_perm
from registry.services import notification_send

# A drawn signature: a small PNG from the tablet's canvas.
SIGNATURE_MAX_BYTES = 1024 * 1024
SCAN_MAX_BYTES = images.MAX_UPLOAD_BYTES

MINUTES_STAGES = (
    Inspection.Status.ON_SITE,
    Inspection.Status.SAMPLED,
    Inspection.Status.AWAITING_LAB,
    Inspection.Status.CONCLUDED,
)


def require_open_minutes(inspection: Inspection) -> None:
    """Refuse a change to what signed minutes recorded, until an amendment is opened."""
    latest = inspection.minutes.order_by("-number").first()
    if latest is not None and latest.status == Minutes.Status.SIGNED:
        raise Conflict(
            _("Biên bản đã ký: hãy lập biên bản sửa đổi, bổ sung trước khi thay đổi."),
            code="minutes_signed",
        )


def require_signed_minutes(inspection: Inspection) -> None:
    """An inspection on site (or sampled) moves on, to the lab or to its conclusion, only
    once its latest minutes are signed: the tablet's and the desk's rule."""
    if inspection.status not in (Inspection.Status.ON_SITE, Inspection.Status.SAMPLED):
        return
    latest = inspection.minutes.order_by("-number").first()
    if latest is None or latest.status != Minutes.Status.SIGNED:
        raise Conflict(
            _("Hãy ký biên bản trước khi chuyển sang bước tiếp theo."),
            code="minutes_not_signed",
        )


def snapshot(inspection: Inspection, *, number: int, reason: str) -> dict:
    labels = dict(Finding.Result.choices)
    findings = (
        Finding.objects.filter(inspection=inspection)
        .select_related("item")
        .prefetch_related("photos")
        .order_by("item__template__scope", "item__order", "created_at")
    )
    samples = Sample.objects.filter(inspection=inspection).order_by("sampled_at", "pk")
    team = inspection.team.select_related("user").order_by("role", "pk")
    operator = inspection.operator
    return {
        "number": number,
        "amendment_reason": reason,
        "unit": inspection.unit.name,
        "decision_number": inspection.decision_number,
        "decision_date": inspection.decision_date.strftime("%d/%m/%Y")
        if inspection.decision_date
        else "",
        "legal_ground": str(inspection.get_legal_ground_display()),
        "place": inspection.place,
        "generated_on": timezone.localdate().strftime("%d/%m/%Y"),
        "scopes": [str(_scope_label(s)) for s in inspection.scopes],
        "categories": [c.name for c in inspection.categories.order_by("name")],
        "goods": inspection.goods,
        "operator": {
            "name": operator.name,
            "tax_code": operator.tax_code or "",
            "address": operator.address,
        },
        "team": [
            {
                "name": m.user.full_name or m.user.username,
                "role": str(InspectionMember.Role(m.role).label),
            }
            for m in team
        ],
        "findings": [
            {
                "item": item_text(f.item, inspection_day(inspection)),
                "result": str(labels[f.result]),
                "note": f.note,
                "measured": measurements.summary(f.item.kind, f.data, f.photos.all()),
                "photos": len(f.photos.all()),
            }
            for f in findings
        ],
        "samples": [
            {
                "product_name": s.product_name,
                "batch": s.batch,
                "test_unit_seal": s.test_unit_seal,
                "retained_unit_seal": s.retained_unit_seal,
                "record": s.sampling_record_number,
                "result": ("Đạt" if s.conforming else "Không đạt")
                if s.conforming is not None
                else "Chờ kết quả",
            }
            for s in samples
        ],
        "signature": {},
    }


def _scope_label(value: str) -> str:
    from inspections.models import Scope

    return Scope(value).label if value in Scope.values else value


def render_pdf(content: dict, signers: list[dict] | None = None) -> bytes:
    """The minutes as a PDF. `signers`: the drawn signatures to show, each with its
    image as a data: URI (WeasyPrint fetches nothing)."""
    from weasyprint import HTML

    title = "Biên bản kiểm tra"
    html = render_to_string(
        "inspections/minutes_pdf.html", {"c": content, "title": title, "signers": signers or []}
    )
    return HTML(string=html).write_pdf()


def _data_uri(field) -> str:
    with field.open("rb") as handle:
        data = handle.read()
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def _drawn_signers(minutes: Minutes) -> list[dict]:
    """The signers the signed content names, each with its drawn image."""
    listed = (minutes.content.get("signature") or {}).get("signers") or []
    if not listed or minutes.pk is None:
        return []
    rows = {row.pk: row for row in MinutesSignature.objects.filter(minutes=minutes)}
    return [
        {**entry, "image": _data_uri(rows[entry["id"]].image) if entry.get("id") in rows else ""}
        for entry in listed
    ]


def _store_pdf(minutes: Minutes) -> None:
    data = render_pdf(minutes.content, _drawn_signers(minutes))
    minutes.pdf.save(
        f"bien-ban-{minutes.inspection_id}-{minutes.number}.pdf", ContentFile(data), save=False
    )
    minutes.pdf_sha256 = hashlib.sha256(data).hexdigest()


def _refuse_signed(minutes: Minutes | None) -> None:
    if minutes is not None and minutes.status == Minutes.Status.SIGNED:
        raise Conflict(
            _("Biên bản đã ký: hãy lập biên bản sửa đổi, bổ sung trước khi thay đổi."),
            code="minutes_signed",
        )


def _delete_files_on_commit(names: list[str], storage) -> None:
    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def minutes_draft(*, by, inspection: Inspection) -> Minutes:
    """Make (or remake) the current draft from the findings and samples. Signatures
    drawn on an earlier draft whose text has changed since were given to another text:
    the new draft voids them."""
    require_object_perm(by, "change", inspection)
    if inspection.status not in MINUTES_STAGES:
        raise Conflict(
            _("Chỉ lập biên bản khi đoàn đã kiểm tra tại chỗ."), code="minutes_too_early"
        )
    latest = (
        Minutes.objects.select_for_update()
        .filter(inspection=inspection)
        .order_by("-number")
        .first()
    )
    _refuse_signed(latest)
    minutes = latest or Minutes(inspection=inspection, number=0, created_by=by)
    minutes.content = snapshot(inspection, number=minutes.number, reason=minutes.amendment_reason)
    _store_pdf(minutes)
    minutes.save()
    # The same text gives the same bytes: only a changed draft voids the signatures.
    voided = list(minutes.signatures.exclude(pdf_sha256=minutes.pdf_sha256))
    if voided:
        _delete_files_on_commit([s.image.name for s in voided], voided[0].image.storage)
        MinutesSignature.objects.filter(pk__in=[s.pk for s in voided]).delete()
    audit_record(
        actor=by,
        action="minutes.draft",
        target=inspection,
        changes={
            "number": minutes.number,
            "sha256": minutes.pdf_sha256,
            "signatures_voided": len(voided),
        },
    )
    return minutes


# --- Signatures drawn on the tablet ------------------------------------------------------------


def _invalid_signature():
    return InvalidInput.field(
        "image",
        "signature_invalid",
        _("Không đọc được chữ ký vẽ trên màn hình: hãy ký lại."),
    )


def _check_signature_png(data: bytes) -> None:
    """A PNG that shows something: a blank frame is no signature."""
    if not data or len(data) > SIGNATURE_MAX_BYTES:
        raise _invalid_signature()
    try:
        info = images.inspect_upload(data)
    except images.PhotoRejected:
        raise _invalid_signature() from None
    if info.format != "PNG":
        raise _invalid_signature()
    with Image.open(BytesIO(data)) as im:
        drawn = im.convert("RGBA")
        paper = Image.new("RGBA", drawn.size, "white")
        paper.alpha_composite(drawn)
        darkest, _lightest = paper.convert("L").getextrema()
    if darkest > 200:
        raise InvalidInput.field(
            "image",
            "signature_empty",
            _("Chưa có chữ ký: hãy ký vào khung bằng ngón tay hoặc bút."),
        )


def signature_png(data_url: str) -> bytes:
    """The bytes of a `data:image/png;base64,...` URL from the page's canvas."""
    prefix = "data:image/png;base64,"
    if not (data_url or "").startswith(prefix):
        raise InvalidInput.field(
            "image",
            "signature_missing",
            _("Chưa có chữ ký: hãy ký vào khung bằng ngón tay hoặc bút."),
        )
    try:
        return base64.b64decode(data_url[len(prefix) :], validate=True)
    except ValueError:
        raise _invalid_signature() from None


def signature_add(
    *,
    by,
    minutes: Minutes,
    client_uuid,
    kind: str,
    image: bytes,
    pdf_sha256: str,
    user=None,
    name: str = "",
    position: str = "",
    reason: str = "",
    address: str = "",
    signed_at=None,
) -> tuple[MinutesSignature, bool]:
    """One signer signs the draft on the tablet: a team member (`user`), the operator's
    representative, or a witness when the representative refuses (with the reason).

    `pdf_sha256` is the draft the signer was shown: a draft remade since is refused
    (`minutes_changed`). Idempotent by the tablet's UUID: the same signature sent again
    returns the first one (and False), never a second."""
    existing = MinutesSignature.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        if existing.minutes_id != minutes.pk:
            raise Conflict(_("Mã định danh này đã dùng cho một chữ ký khác."), code="uuid_taken")
        return existing, False
    inspection = minutes.inspection
    require_object_perm(by, "change", inspection)
    _refuse_signed(minutes)
    kinds = MinutesSignature.Kind
    if kind not in kinds.values:
        raise InvalidInput.field("kind", "invalid_kind", _("Hãy chọn tư cách người ký."))
    name, position = (name or "").strip()[:150], (position or "").strip()[:150]
    reason, address = (reason or "").strip()[:2000], (address or "").strip()[:300]
    if kind == kinds.TEAM:
        member = (
            inspection.team.select_related("user").filter(user=user).first()
            if user is not None
            else None
        )
        if member is None:
            raise InvalidInput.field(
                "user", "not_a_member", _("Hãy chọn thành viên đoàn kiểm tra ký biên bản.")
            )
        name = member.user.full_name or member.user.username
        position = position or str(member.get_role_display())
        reason = address = ""
    else:
        user = None
        if not name:
            raise InvalidInput.field("name", "name_required", _("Hãy ghi họ và tên người ký."))
        if kind == kinds.WITNESS and len(reason) < 5:
            raise InvalidInput.field(
                "reason",
                "reason_required",
                _("Hãy ghi lý do người đại diện cơ sở không ký biên bản."),
            )
        if kind == kinds.REPRESENTATIVE:
            reason = ""
    _check_signature_png(image)
    now = timezone.now()
    if signed_at is not None and signed_at > now + timezone.timedelta(hours=1):
        raise InvalidInput.field(
            "signed_at", "signed_in_future", _("Thời điểm ký trên thiết bị ở tương lai.")
        )
    signature = MinutesSignature(
        client_uuid=client_uuid,
        minutes=minutes,
        kind=kind,
        user=user,
        name=name,
        position=position,
        reason=reason,
        address=address,
        image_sha256=hashlib.sha256(image).hexdigest(),
        pdf_sha256=(pdf_sha256 or "").lower(),
        signed_at=signed_at or now,
        recorded_by=by,
    )
    signature.image.save(f"{client_uuid}.png", ContentFile(image), save=False)
    try:
        with transaction.atomic():
            locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
            _refuse_signed(locked)
            if signature.pdf_sha256 != locked.pdf_sha256:
                raise Conflict(
                    _(
                        "Bản dự thảo đã được lập lại sau khi người ký xem: hãy xem bản mới "
                        "rồi ký lại."
                    ),
                    code="minutes_changed",
                )
            _refuse_second_signer(locked, kind, user)
            signature.save()
            audit_record(
                actor=by,
                action="minutes.signature",
                target=inspection,
                changes={
                    "number": locked.number,
                    "kind": kind,
                    "user": user.username if user else None,
                    "pdf_sha256": signature.pdf_sha256,
                    "image_sha256": signature.image_sha256,
                },
            )
    except IntegrityError:
        signature.image.delete(save=False)
        again = MinutesSignature.objects.filter(client_uuid=client_uuid).first()
        if again is not None and again.minutes_id == minutes.pk:
            return again, False  # the same signature arrived twice at once
        raise Conflict(_("Người này đã ký bản dự thảo này."), code="already_signed") from None
    except Exception:
        signature.image.delete(save=False)
        raise
    _notify_ready(by, minutes)
    return signature, True


def _notify_ready(by, minutes: Minutes) -> None:
    """Once the last signature the draft needs is in, the lead is told to complete the
    signing (unless the lead recorded it: the page says so)."""
    minutes.refresh_from_db(fields=["pdf_sha256"])
    if signatures_missing(minutes):
        return
    inspection = minutes.inspection
    subject = str(
        _("Biên bản kiểm tra %(operator)s đã đủ chữ ký: hãy hoàn tất việc ký")
        % {"operator": inspection.operator.name}
    )
    for member in inspection.team.filter(role=InspectionMember.Role.LEAD).select_related("user"):
        if member.user_id == by.pk:
            continue
        notification_send(
            recipient=member.user,
            subject=subject,
            body=subject,
            link=reverse("field-minutes", kwargs={"inspection_id": inspection.pk}),
            dedup_key=f"minutes-ready:{minutes.pk}:{minutes.pdf_sha256[:16]}",
        )


def _refuse_second_signer(minutes: Minutes, kind: str, user) -> None:
    kinds = MinutesSignature.Kind
    signed = MinutesSignature.objects.filter(minutes=minutes)
    if kind == kinds.TEAM and signed.filter(user=user).exists():
        raise Conflict(
            _("%(name)s đã ký bản dự thảo này."),
            code="already_signed",
            params={"name": user.full_name or user.username},
        )
    if kind != kinds.TEAM and signed.exclude(kind=kinds.TEAM).exists():
        raise Conflict(
            _("Bên được kiểm tra đã có chữ ký (của người đại diện hoặc người làm chứng)."),
            code="operator_signed",
        )


def signatures_missing(minutes: Minutes) -> list[str]:
    """What the draft still lacks before the lead can complete the signing: the lead's
    signature, and the representative's (or a witness's, when the representative refuses)."""
    rows = list(minutes.signatures.filter(pdf_sha256=minutes.pdf_sha256))
    missing = []
    lead = minutes.inspection.team.filter(role=InspectionMember.Role.LEAD).select_related("user")
    for member in lead:
        if not any(
            r.kind == MinutesSignature.Kind.TEAM and r.user_id == member.user_id for r in rows
        ):
            missing.append(
                str(_("chữ ký của trưởng đoàn %(name)s"))
                % {"name": member.user.full_name or member.user.username}
            )
    if not any(r.kind != MinutesSignature.Kind.TEAM for r in rows):
        missing.append(
            str(
                _(
                    "chữ ký của người đại diện cơ sở (hoặc của người làm chứng, khi người "
                    "đại diện từ chối ký)"
                )
            )
        )
    return missing


# --- Signing: completing the minutes -----------------------------------------------------------


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _lock_for_signing(by, minutes: Minutes) -> Minutes:
    inspection = minutes.inspection
    require_object_perm(by, "change", inspection)
    minutes = Minutes.objects.select_for_update().select_related("inspection").get(pk=minutes.pk)
    if minutes.status == Minutes.Status.SIGNED:
        raise Conflict(_("Biên bản đã ký, không sửa được."), code="minutes_signed")
    if not inspection.team.filter(user=by, role=InspectionMember.Role.LEAD).exists():
        raise PermissionDenied(_("Trưởng đoàn hoàn thiện và ký biên bản."), code="lead_only")
    return minutes


@transaction.atomic
def minutes_sign(
    *,
    by,
    minutes: Minutes,
    team_signers=None,
    representative_name: str = "",
    representative_position: str = "",
    representative_refused: bool = False,
    witness_name: str = "",
    witness_address: str = "",
) -> Minutes:
    """The lead completes the signing; from then on the minutes are locked.

    Without `team_signers`, the signers are the signatures drawn on the tablet for this
    draft (`signature_add`): the lead's and the representative's, or a witness's with the
    reason the representative refused; the PDF shows each drawn signature with the
    signer's name, role and time, and the SHA-256 of the draft they signed. With
    `team_signers` (and the representative or witness by name), the minutes were signed
    by hand: see `minutes_sign_on_paper`, which also needs the scanned pages."""
    minutes = _lock_for_signing(by, minutes)
    if team_signers is None:
        return _sign_drawn(by, minutes)
    return _sign_named(
        by,
        minutes,
        team_signers=team_signers,
        representative_name=representative_name,
        representative_position=representative_position,
        representative_refused=representative_refused,
        witness_name=witness_name,
        witness_address=witness_address,
        method="named",
    )


def _sign_drawn(by, minutes: Minutes) -> Minutes:
    missing = signatures_missing(minutes)
    if missing:
        raise InvalidInput.field(
            "signatures",
            "signatures_missing",
            _("Chưa đủ chữ ký: còn thiếu %(missing)s."),
            {"missing": "; ".join(missing)},
        )
    rows = list(minutes.signatures.filter(pdf_sha256=minutes.pdf_sha256).select_related("user"))
    team = [r for r in rows if r.kind == MinutesSignature.Kind.TEAM]
    operator = next(r for r in rows if r.kind != MinutesSignature.Kind.TEAM)
    refused = operator.kind == MinutesSignature.Kind.WITNESS
    now = timezone.now()
    draft_sha256 = minutes.pdf_sha256
    minutes.representative_refused = refused
    if refused:
        minutes.witness_name, minutes.witness_address = operator.name, operator.address
    else:
        minutes.representative_name = operator.name
        minutes.representative_position = operator.position
    minutes.signed_at = now
    minutes.status = Minutes.Status.SIGNED
    minutes.content = {
        **minutes.content,
        "signature": {
            "method": "drawn",
            "team": [r.name for r in team],
            "representative_name": minutes.representative_name,
            "representative_position": minutes.representative_position,
            "representative_refused": refused,
            "witness_name": minutes.witness_name,
            "witness_address": minutes.witness_address,
            "witness_reason": operator.reason if refused else "",
            "signers": [
                {
                    "id": r.pk,
                    "kind": r.kind,
                    "role": str(MinutesSignature.Kind(r.kind).label),
                    "name": r.name,
                    "position": r.position,
                    "reason": r.reason,
                    "address": r.address,
                    "signed_at": _when(r.signed_at),
                    "image_sha256": r.image_sha256,
                }
                for r in rows
            ],
            "draft_sha256": draft_sha256,
            "signed_at": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
        },
    }
    _store_pdf(minutes)
    minutes.save()
    minutes.team_signers.set([r.user for r in team])
    audit_record(
        actor=by,
        action="minutes.sign",
        target=minutes.inspection,
        changes={
            "number": minutes.number,
            "method": "drawn",
            "draft_sha256": draft_sha256,
            "sha256": minutes.pdf_sha256,
            "representative_refused": refused,
            "team": [r.user.username for r in team],
        },
    )
    _notify_signed(minutes)
    return minutes


def _sign_named(
    by,
    minutes: Minutes,
    *,
    team_signers,
    representative_name,
    representative_position,
    representative_refused,
    witness_name,
    witness_address,
    method: str,
    scans=(),
) -> Minutes:
    inspection = minutes.inspection
    members = {m.user_id: m.user for m in inspection.team.select_related("user")}
    signers = [members[u.pk] for u in team_signers if u.pk in members]
    if by.pk not in {u.pk for u in signers}:
        raise InvalidInput.field(
            "team_signer_ids", "lead_must_sign", _("Trưởng đoàn phải ký biên bản.")
        )
    if representative_refused:
        if not (witness_name or "").strip():
            raise InvalidInput.field(
                "witness_name",
                "witness_required",
                _("Người đại diện từ chối ký: cần người làm chứng."),
            )
    elif not (representative_name or "").strip():
        raise InvalidInput.field(
            "representative_name",
            "representative_required",
            _("Hãy ghi người đại diện ký biên bản."),
        )
    now = timezone.now()
    draft_sha256 = minutes.pdf_sha256
    minutes.representative_name = (representative_name or "").strip()[:150]
    minutes.representative_position = (representative_position or "").strip()[:150]
    minutes.representative_refused = representative_refused
    minutes.witness_name = (witness_name or "").strip()[:150]
    minutes.witness_address = (witness_address or "").strip()[:300]
    minutes.signed_at = now
    minutes.status = Minutes.Status.SIGNED
    minutes.content = {
        **minutes.content,
        "signature": {
            "method": method,
            "team": [u.full_name or u.username for u in signers],
            "representative_name": minutes.representative_name,
            "representative_position": minutes.representative_position,
            "representative_refused": representative_refused,
            "witness_name": minutes.witness_name,
            "witness_address": minutes.witness_address,
            "draft_sha256": draft_sha256,
            "scans": [{"page": s.page, "sha256": s.sha256} for s in scans],
            "signed_at": timezone.localtime(now).strftime("%d/%m/%Y %H:%M"),
        },
    }
    _store_pdf(minutes)
    minutes.save()
    minutes.team_signers.set(signers)
    audit_record(
        actor=by,
        action="minutes.sign",
        target=inspection,
        changes={
            "number": minutes.number,
            "method": method,
            "draft_sha256": draft_sha256,
            "sha256": minutes.pdf_sha256,
            "representative_refused": representative_refused,
            "team": [u.username for u in signers],
            "scans": [s.sha256 for s in scans],
        },
    )
    _notify_signed(minutes)
    return minutes


def _notify_signed(minutes: Minutes) -> None:
    """The unit's supervisors learn that the minutes are signed (what follows is theirs
    and the lead's: the lab, the conclusion, a violation record)."""
    inspection = minutes.inspection
    supervisors = unit_supervisors(inspection.unit_id)
    subject = str(
        _("Biên bản kiểm tra %(operator)s đã ký (bản số %(number)s)")
        % {"operator": inspection.operator.name, "number": minutes.number}
    )
    for person in supervisors:
        notification_send(
            recipient=person,
            subject=subject,
            body=subject,
            link=reverse("desk-inspection", kwargs={"inspection_id": inspection.pk}),
            dedup_key=f"minutes-signed:{minutes.pk}:{person.pk}",
        )


# --- The paper route ---------------------------------------------------------------------------


def scan_add(
    *, by, minutes: Minutes, data: bytes, page: int | None = None
) -> tuple[MinutesScan, bool]:
    """A photo or scan (JPEG, PNG, WebP, HEIC or PDF) of pages of the printed draft,
    signed on paper; kept byte for byte with its SHA-256 beside the generated PDF. The
    same bytes again are the same scan."""
    require_object_perm(by, "change", minutes.inspection)
    _refuse_signed(minutes)
    if not data:
        raise InvalidInput.field("scans", "scan_empty", _("Tệp trống."))
    if len(data) > SCAN_MAX_BYTES:
        raise InvalidInput.field(
            "scans",
            "scan_too_large",
            _("Tệp lớn hơn %(max)s MB."),
            {"max": SCAN_MAX_BYTES // (1024 * 1024)},
        )
    if data.startswith(b"%PDF-"):
        content_type, extension = "application/pdf", ".pdf"
    else:
        try:
            info = images.inspect_upload(data)
        except images.PhotoRejected as exc:
            raise InvalidInput.field("scans", exc.code, exc.message, exc.params) from exc
        content_type = {
            "JPEG": "image/jpeg",
            "PNG": "image/png",
            "WEBP": "image/webp",
            "HEIF": "image/heic",
        }[info.format]
        extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}.get(
            content_type, ".heic"
        )
    digest = hashlib.sha256(data).hexdigest()
    existing = MinutesScan.objects.filter(minutes=minutes, sha256=digest).first()
    if existing is not None:
        return existing, False
    scan = MinutesScan(
        minutes=minutes,
        page=page or (minutes.scans.count() + 1),
        content_type=content_type,
        sha256=digest,
        byte_size=len(data),
        pdf_sha256=minutes.pdf_sha256,
        uploaded_by=by,
    )
    scan.file.save(f"{digest}{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            locked = Minutes.objects.select_for_update().get(pk=minutes.pk)
            _refuse_signed(locked)
            scan.save()
            audit_record(
                actor=by,
                action="minutes.scan",
                target=minutes.inspection,
                changes={"number": minutes.number, "sha256": digest, "bytes": len(data)},
            )
    except IntegrityError:
        scan.file.delete(save=False)
        return MinutesScan.objects.get(minutes=minutes, sha256=digest), False
    except Exception:
        scan.file.delete(save=False)
        raise
    return scan, True


@transaction.atomic
def minutes_sign_on_paper(
    *,
    by,
    minutes: Minutes,
    team_signers,
    representative_name: str = "",
    representative_position: str = "",
    representative_refused: bool = False,
    witness_name: str = "",
    witness_address: str = "",
) -> Minutes:
    """The printed draft was signed by hand and its pages photographed or scanned
    (`scan_add`): the lead records who signed, by name, and the minutes lock. The scans
    stay beside the generated PDF."""
    minutes = _lock_for_signing(by, minutes)
    scans = list(minutes.scans.filter(pdf_sha256=minutes.pdf_sha256))
    if not scans:
        raise InvalidInput.field(
            "scans",
            "scans_required",
            _("Hãy tải lên ảnh chụp hoặc bản quét các trang biên bản đã ký trên giấy."),
        )
    return _sign_named(
        by,
        minutes,
        team_signers=team_signers,
        representative_name=representative_name,
        representative_position=representative_position,
        representative_refused=representative_refused,
        witness_name=witness_name,
        witness_address=witness_address,
        method="paper",
        scans=scans,
    )


@transaction.atomic
def minutes_amend(*, by, inspection: Inspection, reason: str) -> Minutes:
    """Open the next numbered amendment of signed minutes."""
    require_object_perm(by, "change", inspection)
    latest = (
        Minutes.objects.select_for_update()
        .filter(inspection=inspection)
        .order_by("-number")
        .first()
    )
    if latest is None or latest.status != Minutes.Status.SIGNED:
        raise Conflict(
            _("Chỉ sửa đổi biên bản đã ký; bản dự thảo thì lập lại."), code="minutes_not_signed"
        )
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise InvalidInput.field("reason", "reason_required", _("Hãy ghi lý do sửa đổi, bổ sung."))
    amendment = Minutes(
        inspection=inspection, number=latest.number + 1, amendment_reason=reason, created_by=by
    )
    amendment.content = snapshot(inspection, number=amendment.number, reason=reason)
    _store_pdf(amendment)
    amendment.save()
    audit_record(
        actor=by,
        action="minutes.amend",
        target=inspection,
        changes={"number": amendment.number, "reason": reason},
    )
    return amendment
