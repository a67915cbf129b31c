"""The world every row of the access matrix is checked against, and the personas of each
role: built once per test module (it is expensive), see tests/test_access_matrix.py."""

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from complaints.models import ComplaintPhoto
from registry.audit import audit_record
from registry.models import Role
from registry.roles import sync_role_groups
from registry.services import api_token_create, notification_send
from tests.complaints.helpers import file_complaint
from tests.factories import OperatorFactory, ProductFactory, UserFactory, provision_version, unit
from whistleblower.models import DisclosureRequest


@dataclass(repr=False)  # a failing test prints its arguments: keep it short
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
    photo: object = None  # w.complaint's, with a barcode proposed (as is w.evidence)
    pending_request: object = None
    other_complaint: object = None
    triaged: object = None
    bob: object = None
    draft_plan: object = None
    # An operator of the draft plan's province, never inspected: one the plan suggests
    # (inspections/suggestions.py), accepted without a reason to inspect again.
    area_operator: object = None
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
    lan: object = None  # a legal officer of the national body (the catalogue import)
    pending_provision: object = None  # entered by another legal officer, not yet verified
    staged_import: object = None  # lan's catalogue file, previewed, not applied
    # Protection requests (docs/protection.md): one waiting on w.triaged, one granted on
    # w.other_complaint (w.complaint has none: its receipt asks for one).
    protection: object = None
    granted_protection: object = None
    # pia has a passkey (and the app); quang, a second Hà Nội administrator, asked for
    # a reset of pia's factors, which the admin persona may decide.
    pia: object = None
    passkey: object = None
    factor_reset: object = None
    # Rewards (docs/rewards.md), on reports w.case's inspection was opened on: one without
    # a reward, one proposed, one approved (its receipt), one waiting at the counter (its
    # receipt and proof of filing), one whose payee details are sealed to cora; her vault
    # is unlocked in her session (the cookie half in vault_cookies).
    reward_report: object = None
    proposed_reward: object = None
    approved_receipt: str = ""
    counter_receipt: str = ""
    counter_proof: str = ""
    disclosed_reward: object = None
    vault_cookies: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    # The national body's supervisor persona (tests/access/roles.py): the national
    # overview's and decisions' right user.
    nadia: object = None
    # The role personas of tests/access/roles.py: (unit, case) -> user.
    personas: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)  # username -> session key, logged in once


def build_world() -> World:
    """Every object a row needs, made once for the whole matrix (see tests/test_access_matrix.py,
    which runs each request in a savepoint rolled back afterwards)."""
    from django.db import transaction
    from django.test import TestCase

    sync_role_groups()
    alice = UserFactory(username="alice", unit=unit("01"), roles=[Role.INSPECTOR, Role.TEAM_LEAD])
    bob = UserFactory(username="bob", unit=unit("01"), roles=[Role.SUPERVISOR])
    charlie = UserFactory(username="charlie", unit=unit("79"), roles=[Role.INSPECTOR])
    audrey = UserFactory(username="audrey", unit=unit("01"), roles=[Role.AUDITOR])
    django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks
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
    w.photo = _proposing(ComplaintPhoto.objects.get(complaint=w.complaint), w.product)
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
    _protection_world(w)
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
    w.area_operator = OperatorFactory(province=w.draft_plan.unit.province)
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
    w.evidence = _proposing(w.evidence, w.product)
    from inspections import sync as inspection_sync

    w.upload, _, _ = inspection_sync.photo_upload_start(
        by=alice, finding=w.finding, sha256="ab" * 32, size=10
    )
    w.case = _violation_world(alice, bob)
    cora_private = _reward_world(w)
    _role_personas(w)
    w.tokens = {
        "alice": alice_token,
        "bob": api_token_create(user=bob, name="Tablet")[1],
        "charlie": api_token_create(user=charlie, name="Tablet")[1],
        "audrey": api_token_create(user=audrey, name="Tablet")[1],
        "olga": api_token_create(user=w.olga, name="Tablet")[1],
        "cora": api_token_create(user=w.cora, name="Tablet")[1],
    }
    for user in w.personas.values():
        if user.username not in w.tokens:
            w.tokens[user.username] = api_token_create(user=user, name="Tablet")[1]
    from django.conf import settings
    from django.test import Client

    for user in {alice, bob, charlie, audrey, admin, *w.personas.values()}:
        client = Client()
        client.force_login(user)
        w.sessions[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    _unlock_vault(w, w.cora, cora_private)
    _catalogue_world(w)
    _factor_world(w)
    return w


def _proposing(photo, product):
    """The photo as a worker leaves it after reading a barcode (docs/barcodes.md): the
    world's product's GTIN proposed, waiting for staff to confirm or skip it (the photos'
    test images carry no barcode). The GTIN names a product already recorded, so that
    confirming records none."""
    from registry.barcodes import BarcodeProposal

    type(photo).objects.filter(pk=photo.pk).update(
        proposed_gtin=product.gtin,
        proposed_batch="LOT42",
        proposed_symbology="EAN-13",
        proposal_state=BarcodeProposal.PROPOSED,
    )
    photo.refresh_from_db()
    return photo


def _protection_world(w: World) -> None:
    from whistleblower import protection

    fear = "Tôi lo bị chủ cửa hàng trù dập vì đã phản ánh."
    w.protection = protection.protection_request_file(
        complaint=w.triaged, kinds=["job"], fear=fear, network_key="world"
    )
    granted = protection.protection_request_file(
        complaint=w.other_complaint, kinds=["life"], fear=fear, network_key="world"
    )
    w.granted_protection = protection.protection_decide(
        by=w.cora, request_id=granted.pk, grant=True, measures="Giữ bí mật", authority="Công an"
    )


def _reward_world(w: World) -> bytes:
    """The rewards of the world (see World), and cora's key pair, made first so that the
    payee details are sealed to it; returns her private key for _unlock_vault."""
    import json

    from complaints import proofs
    from complaints.rewards import reward_choose, reward_decide, reward_propose
    from tests.factories import DEFAULT_PASSWORD
    from whistleblower import crypto
    from whistleblower.models import StaffKey

    pair = crypto.generate_keypair()
    StaffKey.objects.filter(user=w.cora).delete()
    StaffKey.objects.create(
        user=w.cora,
        public_key=pair.public,
        locked_private_key=crypto.lock_private_key(pair.private, DEFAULT_PASSWORD),
        fingerprint=crypto.fingerprint(pair.public),
    )
    decision = w.case.approved

    def report():
        filed = file_complaint(network_key="world-rewards")
        w.case.inspection.complaints.add(filed.complaint)
        return filed

    def proposed(filed, approve=False):
        reward = reward_propose(
            by=w.alice,
            complaint=filed.complaint,
            kind="money",
            amount_vnd=1_500_000,
            basis="Phản ánh dẫn đến quyết định xử phạt.",
            ground_kind="penalty_decision",
            ground_ref=decision.pk,
            ground_number=decision.number,
        )
        return reward_decide(by=w.bob, reward=reward, approve=True) if approve else reward

    w.reward_report = report().complaint
    w.proposed_reward = proposed(report())
    approved, counter, disclosed = report(), report(), report()
    for filed in (approved, counter, disclosed):
        proposed(filed, approve=True)
    w.approved_receipt = approved.receipt
    reward_choose(complaint=counter.complaint, choice="counter", network_key="world")
    w.counter_receipt = counter.receipt
    w.counter_proof = json.dumps(proofs.make_proof(counter.complaint))
    payee = {"full_name": "Người Nhận", "id_number": "001190012345", "address": "Hà Nội"}
    w.disclosed_reward = reward_choose(
        complaint=disclosed.complaint, choice="disclose", payee=payee, network_key="world"
    )
    return pair.private


def _unlock_vault(w: World, user, private: bytes) -> None:
    """The user's session holds their vault key unlocked, as a login leaves it
    (whistleblower/vault.py): the server half in the session, the cookie half here."""
    import base64

    from django.contrib.sessions.backends.db import SessionStore

    from whistleblower import crypto, vault

    cookie_key, blob = crypto.session_split(private)
    session = SessionStore(session_key=w.sessions[user.username])
    session[vault.SESSION_KEY] = base64.b64encode(blob).decode()
    session.save()
    w.vault_cookies[user.username] = base64.urlsafe_b64encode(cookie_key).decode()


def _factor_world(w: World) -> None:
    """pia, with a passkey (her session passed the second factor), and a reset of her
    factors that quang asked for: a second administrator (the admin persona) decides."""
    from django.conf import settings
    from django.test import Client

    from registry.factor_reset import factor_reset_request
    from registry.models import PasskeyDevice

    w.pia = UserFactory(username="pia", unit=unit("01"), roles=[Role.INSPECTOR])
    # Not a usable key (no sign-in here checks it): what the pages list and change.
    w.passkey = PasskeyDevice.objects.create(
        user=w.pia, name="Khóa USB", credential_id="a2hvYS11c2I", public_key=b"\xa1"
    )
    client = Client()
    client.force_login(w.pia)  # verified, with an app made for her (tests/second_factor.py)
    w.sessions[w.pia.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    quang = UserFactory(username="quang", unit=unit("01"), roles=[Role.ADMIN], is_staff=True)
    w.factor_reset = factor_reset_request(
        by=quang, username=w.pia.username, reason="Mất điện thoại và mã khôi phục"
    )


def _catalogue_world(w: World) -> None:
    """lan, a legal officer (no persona holds the role), and a catalogue file she staged."""
    from django.conf import settings
    from django.test import Client

    from registry import catalogue_io
    from registry.catalogue_import import provision_import_stage

    w.lan = UserFactory(username="lan", unit=unit("TW"), roles=[Role.LEGAL_OFFICER])
    content = catalogue_io.to_json(catalogue_io.items_of(*catalogue_io.catalogue_of()))
    w.staged_import = provision_import_stage(by=w.lan, file_name="danh-muc.json", data=content)
    client = Client()
    client.force_login(w.lan)
    w.sessions[w.lan.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    w.tokens[w.lan.username] = api_token_create(user=w.lan, name="Tablet")[1]
    # A version someone else entered, waiting for lan's verification.
    w.pending_provision = provision_version(code="MATRIX-PENDING", verified=False)


def _violation_world(alice, bob):
    """A concluded case of alice's team with a record, a decision and a failed sample in
    each state a row needs. Made directly (no PDF rendering, no audit) to stay fast."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from inspections.models import ChecklistItem, Finding, Inspection, Sample
    from tests.inspections.helpers import decided_inspection
    from violations.models import (
        FailedTestFollowUp,
        GoodsSeal,
        PenaltyDecision,
        PenaltyLine,
        ProductAlert,
        RemedialMeasure,
        Violation,
        ViolationRecord,
    )

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
    provision = provision_version(
        code="MATRIX-1",
        point="",
        amending=None,
        article=18,
        clause=1,
        title="Nhãn hàng hóa",
        act="Không ghi hạn sử dụng",
        fine_min_vnd=1_000_000,
        fine_max_vnd=3_000_000,
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
        violation = Violation.objects.create(
            record=made, provision=provision, committed_on=today, description="x"
        )
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

    c.draft_decision = decision(PenaltyDecision.Status.DRAFT)
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
    # The lab's report of the failed sample, as /samples/<id>/test-report.pdf serves it.
    c.open_follow_up.sample.test_report_pdf.save("kq-1.pdf", ContentFile(b"%PDF-1.4 kq"))
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
    _notice_world(c, inspection, bob, today)
    return c


def _notice_world(c, inspection, bob, today) -> None:
    """Notices Hà Nội received (violations/notices.py): one about c.alert, waiting for its
    answer (its clock running), and one about another alert, answered with evidence. A
    notice is its receiving unit's (Notice.unit): the alert it is about does not matter for
    access (the publisher is normally another unit)."""
    from django.core.files.base import ContentFile

    from registry import clocks
    from violations.clocks import ViolationClock
    from violations.models import Notice, ProductAlert

    hanoi = unit("01")
    c.notice = Notice.objects.create(
        alert=c.alert,
        unit=hanoi,
        origin=Notice.Origin.RISK,
        sent_by=bob,
        due_on=today + timedelta(days=14),
    )
    clocks.clock_start(
        kind=ViolationClock.PROVINCE_NOTICE, subject_id=c.notice.pk, unit=hanoi, case=c.notice
    )
    other_alert = ProductAlert.objects.create(
        inspection=inspection,
        product_name="Ổ cắm điện",
        operator_name="Cơ sở B",
        defect="Chân cắm lộ ra khi rút phích",
        published_on=today,
        published_by=bob,
    )
    c.answered_notice = Notice.objects.create(
        alert=other_alert,
        unit=hanoi,
        origin=Notice.Origin.RISK,
        sent_by=bob,
        due_on=today + timedelta(days=14),
        reaction=Notice.Reaction.NOT_FOUND,
        reacted_by=bob,
        reacted_at=timezone.now(),
        evidence_type="application/pdf",
    )
    c.answered_notice.evidence.save("tb.pdf", ContentFile(b"%PDF-1.4 tb"))


def _role_personas(w: World) -> None:
    """One user per case of tests/access/roles.py, holding only that role; the inspector
    `ines` joins every team of the world as a plain member (as inspection_set_team does,
    written directly because the violation case is already concluded)."""
    from guardian.shortcuts import assign_perm

    from inspections.models import InspectionMember
    from inspections.services import TEAM_PERMS
    from tests.access.roles import OTHER_CASES, OWN_CASES

    existing = {u.username: u for u in (w.alice, w.bob, w.audrey, w.admin, w.olga, w.cora)}
    for case in [*OWN_CASES, *(c for c, _ in OTHER_CASES)]:
        user = existing.get(case.username) or UserFactory(
            username=case.username,
            unit=unit(case.unit),
            roles=[case.role],
            is_staff=case.role == Role.ADMIN,
        )
        assert set(user.groups.values_list("name", flat=True)) == {case.role}, case
        w.personas[case.unit, case.key] = user
    w.nadia = w.personas["TW", "national"]
    ines = w.personas["01", "inspector"]
    inspections = [
        w.planned_inspection,
        w.inspection,
        w.site_inspection,
        w.signed_inspection,
        w.case.inspection,
    ]
    for inspection in inspections:
        InspectionMember.objects.create(
            inspection=inspection, user=ines, role=InspectionMember.Role.MEMBER
        )
        for perm in TEAM_PERMS:
            assign_perm(perm, ines, inspection)
