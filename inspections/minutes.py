"""Minutes (biên bản kiểm tra): generated from findings and samples, signed, locked.

A signed version never changes. New findings, samples or photos after signing need an
amendment: a new, numbered version opened with a reason, which is signed in turn.
"""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections import measurements
from inspections.checklists import item_text
from inspections.models import Finding, Inspection, InspectionMember, Minutes, Sample
from inspections.selectors import inspection_day
from registry.audit import audit_record
from registry.errors import Conflict, InvalidInput, PermissionDenied
from registry.permissions import require_object_perm

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


def render_pdf(content: dict) -> bytes:
    from weasyprint import HTML

    title = "Biên bản kiểm tra"
    html = render_to_string("inspections/minutes_pdf.html", {"c": content, "title": title})
    return HTML(string=html).write_pdf()


def _store_pdf(minutes: Minutes) -> None:
    data = render_pdf(minutes.content)
    minutes.pdf.save(
        f"bien-ban-{minutes.inspection_id}-{minutes.number}.pdf", ContentFile(data), save=False
    )
    minutes.pdf_sha256 = hashlib.sha256(data).hexdigest()


@transaction.atomic
def minutes_draft(*, by, inspection: Inspection) -> Minutes:
    """Make (or remake) the current draft from the findings and samples."""
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
    if latest is not None and latest.status == Minutes.Status.SIGNED:
        raise Conflict(
            _("Biên bản đã ký: hãy lập biên bản sửa đổi, bổ sung trước khi thay đổi."),
            code="minutes_signed",
        )
    minutes = latest or Minutes(inspection=inspection, number=0, created_by=by)
    minutes.content = snapshot(inspection, number=minutes.number, reason=minutes.amendment_reason)
    _store_pdf(minutes)
    minutes.save()
    audit_record(
        actor=by,
        action="minutes.draft",
        target=inspection,
        changes={"number": minutes.number, "sha256": minutes.pdf_sha256},
    )
    return minutes


@transaction.atomic
def minutes_sign(
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
    """The team and the operator's representative sign (or a witness, when the
    representative refuses). From then on the minutes are locked."""
    inspection = minutes.inspection
    require_object_perm(by, "change", inspection)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status == Minutes.Status.SIGNED:
        raise Conflict(_("Biên bản đã ký, không sửa được."), code="minutes_signed")
    if not inspection.team.filter(user=by, role=InspectionMember.Role.LEAD).exists():
        raise PermissionDenied(_("Trưởng đoàn hoàn thiện và ký biên bản."), code="lead_only")
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
    minutes.representative_name = representative_name.strip()[:150]
    minutes.representative_position = representative_position.strip()[:150]
    minutes.representative_refused = representative_refused
    minutes.witness_name = witness_name.strip()[:150]
    minutes.witness_address = witness_address.strip()[:300]
    minutes.signed_at = now
    minutes.status = Minutes.Status.SIGNED
    minutes.content = {
        **minutes.content,
        "signature": {
            "team": [u.full_name or u.username for u in signers],
            "representative_name": minutes.representative_name,
            "representative_position": minutes.representative_position,
            "representative_refused": representative_refused,
            "witness_name": minutes.witness_name,
            "witness_address": minutes.witness_address,
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
            "sha256": minutes.pdf_sha256,
            "representative_refused": representative_refused,
            "team": [u.username for u in signers],
        },
    )
    return minutes


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
