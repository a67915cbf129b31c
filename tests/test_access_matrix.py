"""Every page and endpoint, for anonymous / a user of another unit / the right user.

The table below must name every route the project serves: a new page or endpoint
without a row fails `test_every_endpoint_has_a_declared_expectation`. Expectations:

- anon: 302 (login redirect) for pages, 401 for the API, 200 for public ones;
- other: what charlie (Hồ Chí Minh City inspector) gets for alice's (Hà Nội) object:
  404 for anything scoped; 200 for reference data every staff member shares;
- ok: what the right user gets.
"""

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from api.main import api
from complaints.models import ComplaintPhoto
from registry.audit import audit_record
from registry.models import Notification, Role
from registry.services import api_token_create, notification_send
from tests.complaints.helpers import file_complaint, photo_file
from tests.factories import OperatorFactory, ProductFactory, UserFactory, unit
from whistleblower.models import DisclosureRequest


@dataclass
class World:
    alice: object
    charlie: object
    audrey: object
    admin: object
    operator: object
    product: object
    entry: object
    notification: object
    token_id: int
    olga: object = None
    cora: object = None
    complaint: object = None
    receipt: str = ""
    photo: object = None
    pending_request: object = None
    other_complaint: object = None
    triaged: object = None
    bob: object = None
    draft_plan: object = None
    submitted_plan: object = None
    planned_inspection: object = None
    inspection: object = None
    label_item: object = None
    finding: object = None
    evidence: object = None
    sample: object = None
    tested_sample: object = None
    site_inspection: object = None
    draft_minutes: object = None
    signed_inspection: object = None
    case: object = None  # violation handling, made directly: see _violation_world
    upload: object = None  # an evidence photo arriving in pieces
    tokens: dict = field(default_factory=dict)


@pytest.fixture
def world(alice, bob, charlie, audrey, django_capture_on_commit_callbacks):
    from django.db import transaction

    admin = UserFactory(username="quantri", unit=unit("01"), roles=[Role.ADMIN], is_staff=True)
    with transaction.atomic():
        entry = audit_record(actor=alice, action="test.entry", target=unit("01"))
    notification = notification_send(recipient=alice, subject="Nhắc việc", body="Hạn xử lý sắp đến")
    record, alice_token = api_token_create(user=alice, name="Tablet")
    w = World(
        alice=alice,
        charlie=charlie,
        audrey=audrey,
        admin=admin,
        operator=OperatorFactory(),
        product=ProductFactory(),
        entry=entry,
        notification=notification,
        token_id=record.pk,
    )
    # Complaints: olga handles Hà Nội's; charlie also handles Hồ Chí Minh City's.
    from django.contrib.auth.models import Group

    charlie.groups.add(Group.objects.get(name=Role.COMPLAINT_OFFICER))
    w.olga = UserFactory(username="olga", unit=unit("01"), roles=[Role.COMPLAINT_OFFICER])
    w.cora = UserFactory(username="cora", unit=unit("01"), roles=[Role.IDENTITY_CUSTODIAN])
    with django_capture_on_commit_callbacks(execute=True):  # the photo task runs
        filed = file_complaint(photos=1)
    w.complaint, w.receipt = filed.complaint, filed.receipt
    w.other_complaint = file_complaint().complaint  # one nobody asked about yet
    from complaints.services import complaint_transition

    w.triaged = file_complaint().complaint  # accepted: the ground for an inspection
    for status in ("acknowledged", "triaged"):
        complaint_transition(by=w.olga, complaint=w.triaged, to=status)
    w.photo = ComplaintPhoto.objects.get(complaint=w.complaint)
    DisclosureRequest.objects.create(
        complaint=w.complaint,
        requested_by=w.olga,
        reason="Cần xác minh thêm với người phản ánh",
        status=DisclosureRequest.Status.APPROVED,
        decided_by=w.cora,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    w.pending_request = DisclosureRequest.objects.create(
        complaint=w.complaint, requested_by=w.olga, reason="Đề nghị thứ hai để quyết định"
    )
    # Inspections: bob supervises Hà Nội; alice leads its teams.
    from inspections import findings as inspection_findings
    from inspections import samples as inspection_samples
    from inspections import services as inspection_services
    from tests.inspections.helpers import decided_inspection

    w.bob = bob
    period = {
        "period_start": date(2027, 1, 1),
        "period_end": date(2027, 12, 31),
        "scopes": ["label"],
    }
    w.draft_plan = inspection_services.plan_create(by=alice, title="KH nháp", **period)
    w.submitted_plan = inspection_services.plan_submit(
        by=alice, plan=inspection_services.plan_create(by=alice, title="KH trình", **period)
    )
    w.planned_inspection = inspection_services.inspection_create(
        by=bob, operator=w.operator, legal_ground="warning", scopes=["label"]
    )
    inspection_services.inspection_set_team(by=bob, inspection=w.planned_inspection, lead=alice)
    w.inspection = decided_inspection(supervisor=bob, lead=alice)
    from inspections.models import ChecklistItem
    from tests.complaints.helpers import photo_bytes

    w.label_item = ChecklistItem.objects.get(template__scope="label", code="dates")
    w.finding, _ = inspection_findings.finding_create(
        by=alice,
        inspection=w.inspection,
        client_uuid=uuid.uuid4(),
        item=w.label_item,
        result="conforming",
    )
    sample_fields = {
        "product_name": "Mẫu",
        "sampling_record_number": "1/BB",
        "sampled_at": timezone.now(),
    }
    w.sample, _ = inspection_samples.sample_create(
        by=alice,
        inspection=w.inspection,
        client_uuid=uuid.uuid4(),
        test_unit_seal="A1",
        retained_unit_seal="B1",
        **sample_fields,
    )
    w.tested_sample, _ = inspection_samples.sample_create(
        by=alice,
        inspection=w.inspection,
        client_uuid=uuid.uuid4(),
        test_unit_seal="A2",
        retained_unit_seal="B2",
        **sample_fields,
    )
    # Minutes: made directly (rendering PDFs in every test would be slow); the rows
    # that render do it in their own request.
    from django.core.files.base import ContentFile

    from inspections.models import Inspection as InspectionModel
    from inspections.models import Minutes

    w.site_inspection = inspection_services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice, number="S/QĐ"),
        to=InspectionModel.Status.ON_SITE,
    )
    from inspections.minutes import snapshot

    w.draft_minutes = Minutes.objects.create(
        inspection=w.site_inspection,
        created_by=alice,
        content=snapshot(w.site_inspection, number=0, reason=""),
    )
    w.draft_minutes.pdf.save("draft.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    w.signed_inspection = inspection_services.inspection_transition(
        by=alice,
        inspection=decided_inspection(supervisor=bob, lead=alice, number="K/QĐ"),
        to=InspectionModel.Status.ON_SITE,
    )
    Minutes.objects.create(
        inspection=w.signed_inspection, created_by=alice, status="signed", content={}
    )
    w.evidence, _ = inspection_findings.evidence_upload(
        by=alice, finding=w.finding, data=photo_bytes("xmp_BlueSquare.jpg")
    )
    from inspections import sync as inspection_sync

    w.upload, _, _ = inspection_sync.photo_upload_start(
        by=alice, finding=w.finding, sha256="ab" * 32, size=10
    )
    w.case = _violation_world(alice, bob)
    w.tokens = {
        "alice": alice_token,
        "bob": api_token_create(user=bob, name="Tablet")[1],
        "charlie": api_token_create(user=charlie, name="Tablet")[1],
        "audrey": api_token_create(user=audrey, name="Tablet")[1],
        "olga": api_token_create(user=w.olga, name="Tablet")[1],
        "cora": api_token_create(user=w.cora, name="Tablet")[1],
    }
    return w


def _violation_world(alice, bob):
    """A concluded case of alice's team with a record, a decision and a failed sample in
    each state a row needs. Made directly (no PDF rendering, no audit) to stay fast."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from inspections.models import (
        ChecklistItem,
        FailedTestFollowUp,
        Finding,
        GoodsSeal,
        Inspection,
        PenaltyDecision,
        PenaltyLine,
        ProductAlert,
        RemedialMeasure,
        Sample,
        Violation,
        ViolationRecord,
    )
    from registry.models import LegalProvision
    from tests.inspections.helpers import decided_inspection

    today = timezone.localdate()
    inspection = decided_inspection(supervisor=bob, lead=alice, number="V/QĐ")
    inspection.status = Inspection.Status.CONCLUDED
    inspection.save(update_fields=["status"])
    finding = Finding.objects.create(
        inspection=inspection,
        item=ChecklistItem.objects.get(template__scope="label", code="dates"),
        result=Finding.Result.NON_CONFORMING,
        author=alice,
    )
    provision = LegalProvision.objects.create(
        code="MATRIX-1",
        article=18,
        clause=1,
        field=LegalProvision.Field.LABEL,
        title="Nhãn hàng hóa",
        act="Không ghi hạn sử dụng",
        fine_min_vnd=1_000_000,
        fine_max_vnd=3_000_000,
        verified=True,
    )

    def record(status, **extra):
        made = ViolationRecord.objects.create(
            inspection=inspection,
            violator=inspection.operator,
            place="Hà Nội",
            representative_name="Bà Lan",
            status=status,
            created_by=alice,
            **extra,
        )
        violation = Violation.objects.create(record=made, provision=provision, description="x")
        violation.findings.add(finding)
        return made

    signed = {
        "number": "1/BB-VPHC",
        "signed_at": timezone.now(),
        "decision_due": today + timedelta(days=7),
    }
    c = SimpleNamespace(inspection=inspection, provision=provision, finding=finding)
    c.draft_record = record(ViolationRecord.Status.DRAFT)
    c.signed_record = record(ViolationRecord.Status.SIGNED, **signed)
    c.signed_record.pdf.save("r.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    c.complex_record = record(ViolationRecord.Status.SIGNED, needs_verification=True, **signed)

    def decision(status, **extra):
        made = PenaltyDecision.objects.create(
            record=record(
                ViolationRecord.Status.DECIDED
                if status != PenaltyDecision.Status.SUBMITTED
                else ViolationRecord.Status.SIGNED,
                **signed,
            ),
            status=status,
            total_fine_vnd=4_000_000,
            created_by=alice,
            **extra,
        )
        PenaltyLine.objects.create(
            decision=made, violation=made.record.violations.get(), fine_vnd=4_000_000
        )
        return made

    c.submitted = decision(PenaltyDecision.Status.SUBMITTED)
    approved = {"number": "1/QĐ-XPHC", "decided_on": today, "approved_by": bob}
    c.approved = decision(PenaltyDecision.Status.APPROVED, **approved)
    c.approved.pdf.save("d.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    c.measure = RemedialMeasure.objects.create(
        decision=c.approved, kind=RemedialMeasure.Kind.RECALL, deadline=today + timedelta(days=9)
    )
    from io import BytesIO

    from PIL import Image

    from inspections import findings

    buffer = BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, "JPEG")
    findings.evidence_upload(by=alice, measure=c.measure, data=buffer.getvalue())
    c.closable = decision(
        PenaltyDecision.Status.APPROVED, fine_paid_on=today, fine_receipt_number="BL-1", **approved
    )

    def follow_up(status, n):
        sample = Sample.objects.create(
            inspection=inspection,
            product_name="Nước mắm",
            test_unit_seal=f"T{n}",
            retained_unit_seal=f"R{n}",
            sampling_record_number=f"{n}/BB-LM",
            sampled_at=timezone.now(),
            sampled_by=alice,
            test_report_number=f"KQ-{n}",
            result_on=today,
            conforming=False,
            status=Sample.Status.TESTED,
        )
        sample.results.create(criterion="Histamin", limit_max=200, measured=410, passed=False)
        return FailedTestFollowUp.objects.create(
            sample=sample,
            result_received_at=timezone.now(),
            report_due=timezone.now() + timedelta(hours=24),
            suspension_due=today + timedelta(days=2),
            status=status,
        )

    c.open_follow_up = follow_up(FailedTestFollowUp.Status.OPEN, 1)
    c.reported_follow_up = follow_up(FailedTestFollowUp.Status.REPORTED, 2)
    c.seal = GoodsSeal.objects.create(
        follow_up=c.reported_follow_up,
        seal_number="NP-1",
        goods="120 chai",
        place="Kho",
        record_number="1/BB-NP",
        sealed_at=timezone.now(),
        sealed_by=alice,
    )
    c.suspended_follow_up = follow_up(FailedTestFollowUp.Status.SUSPENDED, 3)
    c.resumable_follow_up = follow_up(FailedTestFollowUp.Status.SUSPENDED, 4)
    Sample.objects.create(
        inspection=inspection,
        product_name="Nước mắm",
        test_unit_seal="T5",
        retained_unit_seal="R5",
        sampling_record_number="5/BB-LM",
        sampled_at=timezone.now(),
        sampled_by=alice,
        conforming=True,
        status=Sample.Status.TESTED,
        retest_of=c.resumable_follow_up.sample,
    )
    c.alert = ProductAlert.objects.create(
        inspection=inspection,
        product_name="Nước mắm cá cơm",
        operator_name="Cơ sở A",
        defect="Histamin vượt giới hạn",
        published_on=today,
        published_by=bob,
    )
    return c


@dataclass
class Row:
    method: str
    route: str  # as discovered: a Django route, or "/api/v1/..." with {params}
    url: Callable[[World], str]
    ok_user: str = "alice"
    ok: int = 200
    other: int | None = 404  # None: no meaningful "other unit" case
    anon: int = 302
    body: Callable[[World], dict | bytes] | None = None
    multipart: bool = False


def _static(path):
    return lambda w: path


ROWS = [
    # Pages
    Row("GET", "", _static("/"), ok=302, other=302),
    Row("GET", "login/", _static("/login/"), ok=302, other=None, anon=200),
    # Health probes: public, without data.
    Row("GET", "healthz", _static("/healthz"), other=200, anon=200),
    Row("GET", "readyz", _static("/readyz"), other=200, anon=200),
    Row("POST", "logout/", _static("/logout/"), ok=302, other=None, anon=302),
    Row("GET", "home/none/", _static("/home/none/"), other=None),
    Row("GET", "home/<slug:role>/", _static("/home/team_lead/")),
    Row("GET", "units/", _static("/units/"), other=200),
    Row("GET", "units/<int:unit_id>/", lambda w: f"/units/{unit('01').pk}/"),
    Row("GET", "operators/", _static("/operators/"), other=200),
    Row("GET", "operators/<int:operator_id>/", lambda w: f"/operators/{w.operator.pk}/", other=200),
    Row("GET", "products/", _static("/products/"), other=200),
    Row("GET", "products/<int:product_id>/", lambda w: f"/products/{w.product.pk}/", other=200),
    Row("GET", "provisions/", _static("/provisions/"), other=200),
    Row("GET", "audit/", _static("/audit/"), ok_user="audrey", other=200),
    Row("GET", "audit/<int:entry_id>/", lambda w: f"/audit/{w.entry.pk}/", ok_user="audrey"),
    Row("GET", "notifications/", _static("/notifications/"), other=200),
    Row(
        "POST",
        "notifications/<int:notification_id>/read/",
        lambda w: f"/notifications/{w.notification.pk}/read/",
        ok=302,
    ),
    Row("GET", "phan-anh/", _static("/phan-anh/"), other=None, anon=200),
    Row("GET", "tra-cuu/", _static("/tra-cuu/"), other=None, anon=200),
    Row(
        "POST",
        "tra-cuu/tra-loi/",
        _static("/tra-cuu/tra-loi/"),
        ok=200,
        other=None,
        anon=200,
        body=lambda w: {"receipt": w.receipt, "body": "Tôi bổ sung thêm thông tin."},
    ),
    Row("GET", "xac-minh/", _static("/xac-minh/"), other=None, anon=200),
    # The inspector's tablet pages: charlie (Hồ Chí Minh) is on none of alice's inspections.
    Row("GET", "field/", _static("/field/"), other=200),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/",
        lambda w: f"/field/inspections/{w.inspection.pk}/",
    ),
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/start/",
        lambda w: f"/field/inspections/{w.inspection.pk}/start/",
        ok=302,
    ),
    Row(
        "GET",
        "field/inspections/<int:inspection_id>/items/<int:item_id>/",
        lambda w: f"/field/inspections/{w.inspection.pk}/items/{w.finding.item_id}/",
    ),
    # The queue sends an item's form; JSON answers, 401 rather than a login redirect.
    Row(
        "POST",
        "field/inspections/<int:inspection_id>/items/<int:item_id>/sync/",
        lambda w: f"/field/inspections/{w.inspection.pk}/items/{w.finding.item_id}/sync/",
        ok=201,
        anon=401,
        body=lambda w: {"client_uuid": str(uuid.uuid4()), "result": "conforming"},
    ),
    # The installable app: public, without data.
    Row("GET", "field/sw.js", _static("/field/sw.js"), other=200, anon=200),
    Row(
        "GET",
        "field/manifest.webmanifest",
        _static("/field/manifest.webmanifest"),
        other=200,
        anon=200,
    ),
    Row("GET", "field/offline/", _static("/field/offline/"), other=200, anon=200),
    # Public product alerts and the case pages.
    Row("GET", "canh-bao/", _static("/canh-bao/?q=nuoc mam"), other=None, anon=200),
    Row(
        "GET",
        "canh-bao/<int:alert_id>/",
        lambda w: f"/canh-bao/{w.case.alert.pk}/",
        other=None,
        anon=200,
    ),
    Row("GET", "cases/", _static("/cases/"), other=200),
    Row("GET", "cases/<int:inspection_id>/", lambda w: f"/cases/{w.case.inspection.pk}/"),
    Row(
        "POST",
        "cases/<int:inspection_id>/alerts/",
        lambda w: f"/cases/{w.case.inspection.pk}/alerts/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"product_name": "Nước mắm", "operator_name": "A", "defect": "Histamin"},
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/report/",
        lambda w: f"/cases/follow-ups/{w.case.open_follow_up.pk}/report/",
        ok=302,
        body=lambda w: {"text": "Mẫu không đạt"},
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/suspend/",
        lambda w: f"/cases/follow-ups/{w.case.reported_follow_up.pk}/suspend/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"goods": "120 chai"},
    ),
    Row(
        "POST",
        "cases/follow-ups/<int:follow_up_id>/resume/",
        lambda w: f"/cases/follow-ups/{w.case.resumable_follow_up.pk}/resume/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Thử nghiệm lại đạt"},
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/review/",
        lambda w: f"/cases/decisions/{w.case.submitted.pk}/review/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"approve": "0", "note": "Bổ sung"},
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/fine/",
        lambda w: f"/cases/decisions/{w.case.approved.pk}/fine/",
        ok=302,
        body=lambda w: {"paid_on": timezone.localdate().isoformat(), "receipt_number": "BL-2"},
    ),
    Row(
        "POST",
        "cases/decisions/<int:decision_id>/close/",
        lambda w: f"/cases/decisions/{w.case.closable.pk}/close/",
        ok=302,
    ),
    Row(
        "GET",
        "cases/decisions/<int:decision_id>/pdf/",
        lambda w: f"/cases/decisions/{w.case.approved.pk}/pdf/",
    ),
    Row(
        "GET",
        "cases/records/<int:record_id>/pdf/",
        lambda w: f"/cases/records/{w.case.signed_record.pk}/pdf/",
    ),
    Row(
        "POST",
        "cases/alerts/<int:alert_id>/withdraw/",
        lambda w: f"/cases/alerts/{w.case.alert.pk}/withdraw/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"reason": "Nhầm"},
    ),
    Row("GET", "complaints/", _static("/complaints/"), ok_user="olga", other=200),
    Row(
        "GET",
        "complaints/<int:complaint_id>/",
        lambda w: f"/complaints/{w.complaint.pk}/",
        ok_user="olga",
    ),
    # Triage: charlie ticks a Hà Nội report he cannot see: 404, nothing assigned.
    Row(
        "POST",
        "complaints/bulk/",
        _static("/complaints/bulk/"),
        ok_user="olga",
        ok=302,
        body=lambda w: {"action": "assign", "ids": [w.complaint.pk], "officer": w.olga.pk},
    ),
    Row(
        "GET",
        "complaints/inspect/",
        lambda w: f"/complaints/inspect/?ids={w.complaint.pk}",
        ok_user="bob",
    ),
    # Retention notices: each supervisor sees their own unit's, so charlie an empty page.
    Row(
        "GET",
        "complaints/retention/",
        _static("/complaints/retention/"),
        ok_user="bob",
        other=200,
    ),
    # Case review: each sees the figures and lists of their own unit only (checked by
    # tests/review/test_dashboard.py), so charlie gets his own, empty, page.
    Row("GET", "review/", _static("/review/"), ok_user="bob", other=200),
    Row("GET", "review/export/", _static("/review/export/?format=xlsx"), ok_user="bob", other=200),
    Row(
        "GET",
        "review/export/cases/",
        _static("/review/export/cases/?format=csv"),
        ok_user="olga",
        other=200,
    ),
    Row("GET", "search/", _static("/search/?q=nuoc mam"), other=200),
    # Holding a report past its retention periods: its unit's supervisor only.
    Row(
        "POST",
        "complaints/<int:complaint_id>/retention-hold/",
        lambda w: f"/complaints/{w.complaint.pk}/retention-hold/",
        ok_user="bob",
        ok=302,
        body=lambda w: {"hold": "1", "hold_reason": "Đang có đơn khiếu nại lần hai."},
    ),
    Row(
        "GET",
        "complaints/<int:complaint_id>/photos/<int:photo_id>/<slug:variant>/",
        lambda w: f"/complaints/{w.complaint.pk}/photos/{w.photo.pk}/thumb/",
        ok_user="olga",
    ),
    Row(
        "GET",
        "complaints/<int:complaint_id>/identity/",
        lambda w: f"/complaints/{w.complaint.pk}/identity/",
        ok_user="olga",
    ),
    Row("GET", "disclosures/", _static("/disclosures/"), ok_user="cora", other=200),
    Row(
        "POST",
        "disclosures/<int:request_id>/decide/",
        lambda w: f"/disclosures/{w.pending_request.pk}/decide/",
        ok_user="cora",
        ok=302,
        body=lambda w: {"decision": "deny", "reason": "Chưa đủ căn cứ"},
    ),
    Row(
        "POST",
        "i18n/setlang/",
        _static("/i18n/setlang/"),
        ok=302,
        other=None,
        anon=302,
        body=lambda w: {"language": "en", "next": "/"},
    ),
    Row("GET", "admin/", _static("/admin/"), ok_user="admin", other=302),
    # API
    Row("GET", "/api/v1/openapi.json", _static("/api/v1/openapi.json"), other=None, anon=200),
    Row("GET", "/api/v1/docs", _static("/api/v1/docs"), other=None, anon=200),
    Row("GET", "/api/v1/me", _static("/api/v1/me"), other=None, anon=401),
    Row(
        "POST",
        "/api/v1/auth/tokens",
        _static("/api/v1/auth/tokens"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"username": "alice", "password": "Mat-khau-thu-2026", "device_name": "T"},
    ),
    Row("GET", "/api/v1/auth/tokens", _static("/api/v1/auth/tokens"), other=200, anon=401),
    Row(
        "DELETE",
        "/api/v1/auth/tokens/{token_id}",
        lambda w: f"/api/v1/auth/tokens/{w.token_id}",
        ok=204,
        anon=401,
    ),
    Row("GET", "/api/v1/provinces", _static("/api/v1/provinces"), other=200, anon=401),
    Row("GET", "/api/v1/units", _static("/api/v1/units"), other=200, anon=401),
    Row("GET", "/api/v1/units/{unit_id}", lambda w: f"/api/v1/units/{unit('01').pk}", anon=401),
    Row(
        "GET",
        "/api/v1/units/{unit_id}/staff",
        lambda w: f"/api/v1/units/{unit('01').pk}/staff",
        anon=401,
    ),
    Row("GET", "/api/v1/categories", _static("/api/v1/categories"), other=200, anon=401),
    Row("GET", "/api/v1/provisions", _static("/api/v1/provisions"), other=200, anon=401),
    Row(
        "GET",
        "/api/v1/provisions/{provision_id}",
        lambda w: "/api/v1/provisions/1",
        other=200,
        anon=401,
    ),
    Row("GET", "/api/v1/operators", _static("/api/v1/operators"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/operators",
        _static("/api/v1/operators"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"name": "Cửa hàng Ma Trận", "role": "retailer"},
    ),
    Row(
        "GET",
        "/api/v1/operators/{operator_id}",
        lambda w: f"/api/v1/operators/{w.operator.pk}",
        other=200,
        anon=401,
    ),
    Row("GET", "/api/v1/products", _static("/api/v1/products"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/products",
        _static("/api/v1/products"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {"name": "Sản phẩm Ma Trận"},
    ),
    Row(
        "GET",
        "/api/v1/products/{product_id}",
        lambda w: f"/api/v1/products/{w.product.pk}",
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/calendar/deadline",
        _static("/api/v1/calendar/deadline?start=2026-02-13&working_days=2"),
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/calendar/days-off",
        _static("/api/v1/calendar/days-off?year=2026"),
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/audit/entries",
        _static("/api/v1/audit/entries"),
        ok_user="audrey",
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/audit/entries/{entry_id}",
        lambda w: f"/api/v1/audit/entries/{w.entry.pk}",
        ok_user="audrey",
        anon=401,
    ),
    Row("GET", "/api/v1/notifications", _static("/api/v1/notifications"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/public/reports",
        _static("/api/v1/public/reports"),
        ok=201,
        other=None,
        anon=201,
        multipart=True,
        body=lambda w: {
            "kind": "quality",
            "product_name": "Mũ bảo hiểm",
            "seller_name": "Cửa hàng Phúc An",
            "seller_address": "1 Hàng Bông, Hà Nội",
            "description": "Mũ không có dấu hợp quy CR.",
            "photos": photo_file(),
        },
    ),
    Row(
        "POST",
        "/api/v1/public/reports/status",
        _static("/api/v1/public/reports/status"),
        other=None,
        anon=200,
        body=lambda w: {"receipt": w.receipt},
    ),
    Row(
        "POST",
        "/api/v1/public/reports/messages",
        _static("/api/v1/public/reports/messages"),
        ok=201,
        other=None,
        anon=201,
        multipart=True,
        body=lambda w: {"receipt": w.receipt, "body": "Bổ sung ảnh", "photos": photo_file()},
    ),
    Row(
        "GET", "/api/v1/public/proof-key", _static("/api/v1/public/proof-key"), other=None, anon=200
    ),
    Row(
        "POST",
        "/api/v1/public/proofs/verify",
        _static("/api/v1/public/proofs/verify"),
        other=None,
        anon=200,
        body=lambda w: {"payload": {"type": "x"}, "key_id": "k", "signature": "AA=="},
    ),
    Row(
        "GET",
        "/api/v1/complaints",
        _static("/api/v1/complaints"),
        ok_user="olga",
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}",
        ok_user="olga",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/complaints/bulk-assign",
        _static("/api/v1/complaints/bulk-assign"),
        ok_user="olga",
        anon=401,
        body=lambda w: {"ids": [w.complaint.pk, w.other_complaint.pk], "officer_id": w.olga.pk},
    ),
    Row(
        "POST",
        "/api/v1/complaints/inspections",
        _static("/api/v1/complaints/inspections"),
        ok_user="bob",
        ok=201,
        anon=401,
        body=lambda w: {"ids": [w.triaged.pk], "operator_id": w.operator.pk, "scopes": ["label"]},
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/nature",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/nature",
        ok_user="olga",
        anon=401,
        body=lambda w: {"nature": "denunciation"},
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/duplicates",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/duplicates",
        ok_user="olga",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/merge",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/merge",
        ok_user="olga",
        anon=401,
        body=lambda w: {"ids": [w.other_complaint.pk]},
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/clocks",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/clocks",
        ok_user="olga",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/extensions",
        lambda w: f"/api/v1/complaints/{w.triaged.pk}/extensions",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Vụ việc phức tạp, cần lấy mẫu."},
    ),
    # Case review: each sees their own unit's clocks and figures.
    Row("GET", "/api/v1/clocks", _static("/api/v1/clocks"), ok_user="olga", other=200, anon=401),
    Row(
        "GET", "/api/v1/dashboard", _static("/api/v1/dashboard"), ok_user="bob", other=200, anon=401
    ),
    Row("GET", "/api/v1/search", _static("/api/v1/search?q=nuoc"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/transition",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/transition",
        ok_user="olga",
        anon=401,
        body=lambda w: {"to": "acknowledged"},
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/assign",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/assign",
        ok_user="olga",
        anon=401,
        body=lambda w: {"officer_id": w.olga.pk},
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/messages",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/messages",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"body": "Cảm ơn, chúng tôi đang xác minh."},
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/photos/{photo_id}/{variant}",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/photos/{w.photo.pk}/display",
        ok_user="olga",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/complaints/{complaint_id}/disclosure-requests",
        lambda w: f"/api/v1/complaints/{w.other_complaint.pk}/disclosure-requests",
        ok_user="olga",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Cần liên hệ để lấy thêm mẫu"},
    ),
    Row(
        "GET",
        "/api/v1/disclosure-requests",
        _static("/api/v1/disclosure-requests"),
        ok_user="cora",
        other=200,
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/disclosure-requests/{request_id}/decision",
        lambda w: f"/api/v1/disclosure-requests/{w.pending_request.pk}/decision",
        ok_user="cora",
        anon=401,
        body=lambda w: {"approve": False, "reason": "Chưa đủ căn cứ"},
    ),
    Row("GET", "/api/v1/plans", _static("/api/v1/plans"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/plans",
        _static("/api/v1/plans"),
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {
            "title": "KH 2028",
            "period_start": "2028-01-01",
            "period_end": "2028-12-31",
            "scopes": ["metrology"],
        },
    ),
    Row("GET", "/api/v1/plans/{plan_id}", lambda w: f"/api/v1/plans/{w.draft_plan.pk}", anon=401),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/submit",
        lambda w: f"/api/v1/plans/{w.draft_plan.pk}/submit",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/plans/{plan_id}/decision",
        lambda w: f"/api/v1/plans/{w.submitted_plan.pk}/decision",
        ok_user="bob",
        anon=401,
        body=lambda w: {"approve": True},
    ),
    Row(
        "GET", "/api/v1/inspections/mine", _static("/api/v1/inspections/mine"), other=200, anon=401
    ),
    Row("GET", "/api/v1/inspections", _static("/api/v1/inspections"), other=200, anon=401),
    Row(
        "POST",
        "/api/v1/inspections",
        _static("/api/v1/inspections"),
        ok_user="bob",
        ok=201,
        other=None,
        anon=401,
        body=lambda w: {
            "operator_id": w.operator.pk,
            "legal_ground": "warning",
            "scopes": ["label"],
        },
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/team",
        lambda w: f"/api/v1/inspections/{w.planned_inspection.pk}/team",
        ok_user="bob",
        anon=401,
        body=lambda w: {"lead_id": w.alice.pk},
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/decision",
        lambda w: f"/api/v1/inspections/{w.planned_inspection.pk}/decision",
        ok_user="bob",
        anon=401,
        body=lambda w: {"decision_number": "99/QĐ-KT", "decision_date": "2026-11-24"},
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/transition",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/transition",
        anon=401,
        body=lambda w: {"to": "on_site"},
    ),
    Row("GET", "/api/v1/checklists", _static("/api/v1/checklists"), other=200, anon=401),
    Row(
        "GET",
        "/api/v1/quantity/sampling-plan",
        _static("/api/v1/quantity/sampling-plan?nominal=500&unit=g&lot_size=300"),
        other=200,
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/findings",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/findings",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/findings",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/findings",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b",
            "item_id": w.label_item.pk,
            "result": "conforming",
        },
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/photos",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photos",
        ok=201,
        anon=401,
        multipart=True,
        body=lambda w: {"photo": photo_file()},
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/sync-status",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/sync-status",
        anon=401,
        body=lambda w: {"finding_uuids": [str(w.finding.client_uuid)], "photo_sha256": []},
    ),
    Row(
        "POST",
        "/api/v1/findings/{finding_id}/photo-uploads",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photo-uploads",
        ok=201,
        anon=401,
        body=lambda w: {"sha256": "cd" * 32, "size": 1000},
    ),
    Row(
        "PUT",
        "/api/v1/photo-uploads/{upload_id}",
        lambda w: f"/api/v1/photo-uploads/{w.upload.pk}?offset=0",
        anon=401,
        body=lambda w: b"12345",
    ),
    Row(
        "GET",
        "/api/v1/findings/{finding_id}/photos/{photo_id}/{variant}",
        lambda w: f"/api/v1/findings/{w.finding.pk}/photos/{w.evidence.pk}/original",
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/samples",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/samples",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/samples",
        lambda w: f"/api/v1/inspections/{w.inspection.pk}/samples",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": "0b5f7c1d-2e3a-4b5c-9d6e-7f8091a2b3c4",
            "product_name": "Mẫu ma trận",
            "test_unit_seal": "M1",
            "retained_unit_seal": "M2",
            "sampling_record_number": "9/BB",
            "sampled_at": "2026-11-20T10:00:00+07:00",
        },
    ),
    Row(
        "POST",
        "/api/v1/samples/{sample_id}/sent",
        lambda w: f"/api/v1/samples/{w.sample.pk}/sent",
        anon=401,
        body=lambda w: {"lab_name": "Quatest 1", "sent_on": "2026-11-21"},
    ),
    Row(
        "POST",
        "/api/v1/samples/{sample_id}/lab-result",
        lambda w: f"/api/v1/samples/{w.tested_sample.pk}/lab-result",
        anon=401,
        body=lambda w: {
            "test_report_number": "KQ-1",
            "result_on": "2026-11-21",
            "criteria": [{"criterion": "Chỉ tiêu", "limit_max": "10", "measured": "5"}],
        },
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/minutes",
        lambda w: f"/api/v1/inspections/{w.site_inspection.pk}/minutes",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/minutes/{minutes_id}/sign",
        lambda w: f"/api/v1/minutes/{w.draft_minutes.pk}/sign",
        anon=401,
        body=lambda w: {"team_signer_ids": [w.alice.pk], "representative_name": "Bà Lan"},
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/minutes/amendments",
        lambda w: f"/api/v1/inspections/{w.signed_inspection.pk}/minutes/amendments",
        ok=201,
        anon=401,
        body=lambda w: {"reason": "Bổ sung kết quả"},
    ),
    Row(
        "GET",
        "/api/v1/minutes/{minutes_id}/pdf",
        lambda w: f"/api/v1/minutes/{w.draft_minutes.pk}/pdf",
        anon=401,
    ),
    # Violation handling: records, decisions, measures, failed tests, alerts (API).
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/violation-records",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/violation-records",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/violation-records",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/violation-records",
        ok=201,
        anon=401,
        body=lambda w: {
            "place": "Hà Nội",
            "violations": [
                {
                    "provision_id": w.case.provision.pk,
                    "description": "Không ghi hạn sử dụng",
                    "finding_ids": [w.case.finding.pk],
                }
            ],
        },
    ),
    Row(
        "GET",
        "/api/v1/violation-records/{record_id}",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/sign",
        lambda w: f"/api/v1/violation-records/{w.case.draft_record.pk}/sign",
        anon=401,
        body=lambda w: {},
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/complex",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/complex",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Cần xác minh nguồn gốc hàng hóa"},
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/extension",
        lambda w: f"/api/v1/violation-records/{w.case.complex_record.pk}/extension",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Chờ kết quả giám định"},
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/dismissal",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/dismissal",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Giải trình được chấp nhận"},
    ),
    Row(
        "GET",
        "/api/v1/violation-records/{record_id}/pdf",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/pdf",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/violation-records/{record_id}/decision",
        lambda w: f"/api/v1/violation-records/{w.case.signed_record.pk}/decision",
        anon=401,
        body=lambda w: {
            "lines": [
                {
                    "violation_id": w.case.signed_record.violations.get().pk,
                    "fine_vnd": 2_000_000,
                }
            ]
        },
    ),
    Row(
        "GET",
        "/api/v1/penalty-decisions/{decision_id}",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/submit",
        lambda w: f"/api/v1/penalty-decisions/{w.case.submitted.pk}/submit",
        ok=409,  # already submitted: alice may try, the flow refuses
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/review",
        lambda w: f"/api/v1/penalty-decisions/{w.case.submitted.pk}/review",
        ok_user="bob",
        anon=401,
        body=lambda w: {"approve": False, "note": "Bổ sung biện pháp khắc phục"},
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/fine-payment",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}/fine-payment",
        anon=401,
        body=lambda w: {"paid_on": timezone.localdate().isoformat(), "receipt_number": "BL-9"},
    ),
    Row(
        "POST",
        "/api/v1/penalty-decisions/{decision_id}/close",
        lambda w: f"/api/v1/penalty-decisions/{w.case.closable.pk}/close",
        anon=401,
    ),
    Row(
        "GET",
        "/api/v1/penalty-decisions/{decision_id}/pdf",
        lambda w: f"/api/v1/penalty-decisions/{w.case.approved.pk}/pdf",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/remedial-measures/{measure_id}/photos",
        lambda w: f"/api/v1/remedial-measures/{w.case.measure.pk}/photos",
        ok=201,
        anon=401,
        multipart=True,
        body=lambda w: {"photo": photo_file()},
    ),
    Row(
        "POST",
        "/api/v1/remedial-measures/{measure_id}/done",
        lambda w: f"/api/v1/remedial-measures/{w.case.measure.pk}/done",
        anon=401,
        body=lambda w: {"done_on": timezone.localdate().isoformat(), "note": "Đã thu hồi"},
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/follow-ups",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/follow-ups",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/report",
        lambda w: f"/api/v1/follow-ups/{w.case.open_follow_up.pk}/report",
        anon=401,
        body=lambda w: {"text": "Mẫu không đạt chỉ tiêu histamin"},
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/suspension",
        lambda w: f"/api/v1/follow-ups/{w.case.reported_follow_up.pk}/suspension",
        ok_user="bob",
        anon=401,
        body=lambda w: {"goods": "120 chai nước mắm"},
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/seals",
        lambda w: f"/api/v1/follow-ups/{w.case.reported_follow_up.pk}/seals",
        ok=201,
        anon=401,
        body=lambda w: {"seal_number": "NP-9", "goods": "120 chai", "place": "Kho số 3"},
    ),
    Row(
        "POST",
        "/api/v1/seals/{seal_id}/unseal",
        lambda w: f"/api/v1/seals/{w.case.seal.pk}/unseal",
        anon=401,
        body=lambda w: {"reason": "Tiêu hủy dưới sự giám sát"},
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/retests",
        lambda w: f"/api/v1/follow-ups/{w.case.suspended_follow_up.pk}/retests",
        ok=201,
        anon=401,
        body=lambda w: {
            "client_uuid": str(uuid.uuid4()),
            "test_unit_seal": "RT-1",
            "retained_unit_seal": "RT-2",
            "sampling_record_number": "9/BB-LM",
        },
    ),
    Row(
        "POST",
        "/api/v1/follow-ups/{follow_up_id}/resumption",
        lambda w: f"/api/v1/follow-ups/{w.case.resumable_follow_up.pk}/resumption",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Thử nghiệm lại đạt"},
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_id}/alert-draft",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/alert-draft",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_id}/alerts",
        lambda w: f"/api/v1/inspections/{w.case.inspection.pk}/alerts",
        ok_user="bob",
        ok=201,
        anon=401,
        body=lambda w: {
            "product_name": "Nước mắm",
            "operator_name": "Cơ sở A",
            "defect": "Histamin 410 mg/kg",
        },
    ),
    Row(
        "POST",
        "/api/v1/alerts/{alert_id}/withdrawal",
        lambda w: f"/api/v1/alerts/{w.case.alert.pk}/withdrawal",
        ok_user="bob",
        anon=401,
        body=lambda w: {"reason": "Công bố nhầm"},
    ),
    Row(
        "GET",
        "/api/v1/public/alerts",
        _static("/api/v1/public/alerts?q=nuoc mam"),
        other=None,
        anon=200,
    ),
    Row(
        "GET",
        "/api/v1/public/alerts/{alert_id}",
        lambda w: f"/api/v1/public/alerts/{w.case.alert.pk}",
        other=None,
        anon=200,
    ),
    Row(
        "GET",
        "/api/v1/complaints/{complaint_id}/identity",
        lambda w: f"/api/v1/complaints/{w.complaint.pk}/identity",
        ok_user="olga",
        anon=401,
    ),
    Row(
        "POST",
        "/api/v1/notifications/{notification_id}/read",
        lambda w: f"/api/v1/notifications/{w.notification.pk}/read",
        anon=401,
    ),
]


def _django_routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route in ("admin/", "api/v1/"):
                yield route  # the admin is Django's; the API is enumerated from its schema
                continue
            yield from _django_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def discovered() -> set[tuple[str, str]]:
    found = set()
    for route in _django_routes(get_resolver().url_patterns):
        if route == "api/v1/":
            continue
        methods = {
            "logout/": "POST",
            "i18n/setlang/": "POST",
            "notifications/<int:notification_id>/read/": "POST",
            "tra-cuu/tra-loi/": "POST",
            "complaints/bulk/": "POST",
            "complaints/<int:complaint_id>/retention-hold/": "POST",
            "disclosures/<int:request_id>/decide/": "POST",
            "field/inspections/<int:inspection_id>/start/": "POST",
            "field/inspections/<int:inspection_id>/items/<int:item_id>/sync/": "POST",
            "cases/<int:inspection_id>/alerts/": "POST",
            "cases/follow-ups/<int:follow_up_id>/report/": "POST",
            "cases/follow-ups/<int:follow_up_id>/suspend/": "POST",
            "cases/follow-ups/<int:follow_up_id>/resume/": "POST",
            "cases/decisions/<int:decision_id>/review/": "POST",
            "cases/decisions/<int:decision_id>/fine/": "POST",
            "cases/decisions/<int:decision_id>/close/": "POST",
            "cases/alerts/<int:alert_id>/withdraw/": "POST",
        }
        found.add((methods.get(route, "GET"), route))
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            found.add((method.upper(), path))
    found |= {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}
    return found


def test_every_endpoint_has_a_declared_expectation():
    declared = {(row.method, row.route) for row in ROWS}
    missing = discovered() - declared
    assert not missing, f"Declare the access expectations of: {sorted(missing)}"
    stale = declared - discovered()
    assert not stale, f"These rows name routes that no longer exist: {sorted(stale)}"


def _call(client: Client, row: Row, w: World, token: str | None = None):
    extra = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    url = row.url(w)
    data = row.body(w) if row.body else None
    method = getattr(client, row.method.lower())
    if row.route.startswith("/api/") and row.multipart:
        return method(url, data=data or {}, **extra)
    if isinstance(data, bytes):
        return method(url, data=data, content_type="application/octet-stream", **extra)
    if row.route.startswith("/api/"):
        payload = json.dumps(data) if data is not None else None
        return method(url, data=payload, content_type="application/json", **extra)
    return method(url, data=data or {}, **extra)


def _user_call(row: Row, w: World, who: str):
    user = getattr(w, who)
    if row.route.startswith("/api/") and who in w.tokens:
        return _call(Client(), row, w, token=w.tokens[who])
    client = Client()
    client.force_login(user)
    return _call(client, row, w)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.route}")
def test_anonymous(world, row):
    if row.route == "/api/v1/auth/tokens" and row.method == "POST":
        row = Row(
            row.method,
            row.route,
            row.url,
            anon=row.anon,
            body=lambda w: {"username": "alice", "password": "wrong", "device_name": "T"},
        )
    response = _call(Client(), row, world)
    assert response.status_code == row.anon, response.content[:300]
    if row.anon == 302:
        assert response["Location"].startswith(("/login/", "/admin/login/")) or row.route in (
            "logout/",
            "i18n/setlang/",
        )


@pytest.mark.parametrize(
    "row", [r for r in ROWS if r.other is not None], ids=lambda r: f"{r.method} {r.route}"
)
def test_user_of_another_unit(world, row):
    assert _user_call(row, world, "charlie").status_code == row.other


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.method} {r.route}")
def test_the_right_user(world, row):
    response = _user_call(row, world, row.ok_user)
    assert response.status_code == row.ok, response.content[:500]


def test_notification_was_marked_read(world):
    row = next(r for r in ROWS if r.route.endswith("/read"))
    _user_call(row, world, "alice")
    assert Notification.objects.get(pk=world.notification.pk).read_at is not None
