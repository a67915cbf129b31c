"""The violation record and the penalty decision as Vietnamese PDFs.

Each is rendered once, from a snapshot of its content taken when it is made (the record
when signed, the decision when approved), and kept with its SHA-256. The fields follow
what LHAV Art. 58 (record) and Art. 68 (decision) require. Legal text is always in
Vietnamese, whatever the interface language.
"""

import hashlib

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone
from num2words import num2words

from inspections.checklists import item_text
from inspections.selectors import inspection_day
from violations.models import AdditionalPenalty, PenaltyDecision, RemedialMeasure, ViolationRecord

PAYMENT_DAYS = 10  # LHAV Art. 73: the fine is paid within 10 days of receiving the decision


def record_content(record: ViolationRecord) -> dict:
    inspection = record.inspection
    day = inspection_day(inspection)  # the checklist's words as on the inspection's date
    violator = record.violator
    signed = timezone.localtime(record.signed_at)
    return {
        "unit": inspection.unit.name,
        "number": record.number,
        "made_at": signed.strftime("%H giờ %M, ngày %d/%m/%Y"),
        "place": record.place,
        "inspection": {
            "decision_number": inspection.decision_number,
            "decision_date": _date(inspection.decision_date),
        },
        "makers": [
            {"name": m.user.full_name or m.user.username, "role": str(m.get_role_display())}
            for m in inspection.team.select_related("user").order_by("role", "pk")
        ],
        "violator": _violator(record),
        "violator_address": violator.address,
        "representative": {
            "name": record.representative_name,
            "position": record.representative_position,
        },
        "violations": [
            {
                "citation": v.provision.citation,
                "act": v.provision.act,
                "description": v.description,
                "findings": [
                    item_text(f.item, day) + (f" ({f.note})" if f.note else "")
                    for f in v.findings.all()
                ],
                "samples": [
                    f"{s.product_name}: phiếu kết quả thử nghiệm số {s.test_report_number} "
                    f"ngày {_date(s.result_on)}"
                    for s in v.samples.all()
                ],
                "photos": [p.sha256 for p in v.photos.all()],
            }
            for v in record.violations.select_related(
                "provision__document", "provision__amending_document"
            ).prefetch_related("findings__item", "samples", "photos")
        ],
        "statement": record.representative_statement,
        "explanation_due": _date(record.explanation_due),
        "decision_due": _date(record.decision_due),
        "competent": f"Thủ trưởng {inspection.unit.name}",
        "refused": record.representative_refused,
        "witness": {
            "name": record.witness_name,
            "address": record.witness_address,
            "reason": record.refusal_reason,
        },
    }


def decision_content(decision: PenaltyDecision) -> dict:
    record = decision.record
    inspection = record.inspection
    penalties = dict(AdditionalPenalty.choices)
    lines = decision.lines.select_related(
        "violation__provision__document", "violation__provision__amending_document"
    ).order_by("violation__order")
    return {
        "unit": inspection.unit.name,
        "number": decision.number,
        "decided_on": _date(decision.decided_on),
        "record": {"number": record.number, "date": _date(timezone.localdate(record.signed_at))},
        "explained": bool(record.explanation_due),
        "violator": _violator(record),
        "violator_address": record.violator.address,
        "lines": [
            {
                "citation": line.violation.provision.citation,
                "act": line.violation.provision.act,
                "description": line.violation.description,
                "fine": vnd(line.fine_vnd),
                "additional": [str(penalties[p]) for p in line.additional_penalties],
            }
            for line in lines
        ],
        "total": vnd(decision.total_fine_vnd),
        "total_words": amount_in_words(decision.total_fine_vnd),
        "measures": [
            {
                "kind": str(RemedialMeasure.Kind(m.kind).label),
                "description": m.description,
                "deadline": _date(m.deadline),
            }
            for m in decision.measures.order_by("deadline", "pk")
        ],
        "payment_days": PAYMENT_DAYS,
        "signer": (decision.approved_by.full_name or decision.approved_by.username)
        if decision.approved_by
        else "",
    }


def store_record_pdf(record: ViolationRecord) -> None:
    record.content = record_content(record)
    data = _render("violations/violation_record_pdf.html", record.content)
    record.pdf.save(f"bien-ban-vi-pham-{record.pk}.pdf", ContentFile(data), save=False)
    record.pdf_sha256 = hashlib.sha256(data).hexdigest()


def store_decision_pdf(decision: PenaltyDecision) -> None:
    decision.content = decision_content(decision)
    data = _render("violations/penalty_decision_pdf.html", decision.content)
    decision.pdf.save(f"quyet-dinh-xu-phat-{decision.pk}.pdf", ContentFile(data), save=False)
    decision.pdf_sha256 = hashlib.sha256(data).hexdigest()


def vnd(amount: int) -> str:
    """40000000 -> "40.000.000" (the Vietnamese thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def amount_in_words(amount: int) -> str:
    """80000000 -> "Tám mươi triệu đồng"."""
    words = num2words(amount, lang="vi")
    return f"{words[:1].upper()}{words[1:]} đồng"


def _violator(record: ViolationRecord) -> dict:
    violator = record.violator
    return {
        "name": violator.name,
        "kind": "Tổ chức" if record.violator_is_organisation else "Cá nhân",
        "tax_code": violator.tax_code or "",
    }


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _render(template: str, content: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_to_string(template, {"c": content})).write_pdf()
