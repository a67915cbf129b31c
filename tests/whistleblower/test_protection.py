"""Protection requests (docs/protection.md): a reporter asks through the receipt (page
and API); the unit's custodians and supervisors are told and decide on the clock; the
reporter reads the outcome with the receipt; the report's handler sees only the flag a
supervisor sets, and never decides, even holding a custodian's role."""

import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from registry import clocks, workdays
from registry.clock_views import clock_list
from registry.models import AuditEntry, LegalClock, Notification, Role
from tests.complaints.helpers import file_complaint
from tests.factories import UserFactory, api_client, unit
from whistleblower import protection
from whistleblower.models import ProtectionRequest, SealedIdentity

pytestmark = pytest.mark.django_db

FEAR = "Chủ cửa hàng đã biết tôi phản ánh và dọa đuổi việc em tôi đang làm ở đó."
MEASURES = "Giữ bí mật tuyệt đối; đề nghị Công an phường theo dõi, can thiệp khi cần."


@pytest.fixture
def handler(olga):
    """olga handles the report (assigned to her)."""
    return olga


@pytest.fixture
def filed(handler, bob):
    from complaints.services import complaint_assign

    filed = file_complaint()
    complaint_assign(by=bob, complaint=filed.complaint, officer=handler)
    return filed


def ask(filed, client=None, **fields):
    data = {"receipt": filed.receipt, "kinds": ["job", "honour"], "fear": FEAR}
    return (client or Client()).post("/tra-cuu/bao-ve/", {**data, **fields})


def ask_api(filed, **fields):
    body = {"receipt": filed.receipt, "kinds": ["life"], "fear": FEAR, **fields}
    return Client().post(
        "/api/v1/public/reports/protection", json.dumps(body), content_type="application/json"
    )


def with_role(user, role):
    """`user`, holding `role` too (fetched again: a user keeps the roles it read)."""
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=role))
    return type(user).objects.get(pk=user.pk)


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def status_page(filed) -> str:
    response = Client().post("/tra-cuu/", {"receipt": filed.receipt})
    assert response.status_code == 200
    return response.content.decode()


def test_asked_on_the_page_reaches_custodian_and_supervisor_not_the_handler(
    filed, handler, bob, cora
):
    sam = UserFactory(username="sam", roles=[Role.SUPERVISOR])
    citizen = Client()
    sent = ask(filed, citizen)
    assert sent.status_code == 303 and sent["Location"] == "/tra-cuu/bao-ve/da-gui/"
    assert filed.receipt not in sent["Location"]
    page = citizen.get("/tra-cuu/bao-ve/da-gui/")
    html = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Đã gửi đề nghị bảo vệ" in html and "Vị trí công tác, việc làm" in html
    assert "Đã gửi đề nghị bảo vệ" in citizen.get("/tra-cuu/bao-ve/da-gui/").content.decode()
    assert "Vị trí công tác" not in citizen.get("/tra-cuu/bao-ve/da-gui/").content.decode()

    request = ProtectionRequest.objects.get()
    assert request.kinds == ["job", "honour"] and request.status == "pending"
    for person in (bob, cora, sam):
        (notice,) = told(person)
        assert notice.link == f"/protection/{request.pk}/"
        assert FEAR not in notice.subject + notice.body
        assert filed.complaint.tracking_number not in notice.subject + notice.body
    assert told(handler) == []
    # The custodian reads it; the handler's pages know nothing of it.
    custodian = Client()
    custodian.force_login(cora)
    assert FEAR in custodian.get(f"/protection/{request.pk}/").content.decode()
    officer = Client()
    officer.force_login(handler)
    detail = officer.get(f"/complaints/{filed.complaint.pk}/").content.decode()
    assert "bảo vệ người phản ánh" not in detail and FEAR not in detail
    assert officer.get(f"/protection/{request.pk}/").status_code == 404


def test_the_clock_starts_at_the_request_and_stops_at_the_decision(filed, cora):
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["life"], fear=FEAR, network_key="n"
    )
    clock = LegalClock.objects.get(kind="protection_decision", subject_id=request.pk)
    assert clock.state == "running" and clock.case == request
    received = timezone.localdate(request.created_at)
    assert clock.due_on == workdays.add_working_days(received, 7)
    assert "Chương VI" in clock.basis
    entry = AuditEntry.objects.get(action="protection.request")
    assert entry.changes["status"] == "pending" and entry.target_id == str(request.pk)
    assert entry.changes["due_on"] == clock.due_on.isoformat()

    protection.protection_decide(
        by=cora,
        request_id=request.pk,
        grant=True,
        measures=MEASURES,
        authority="Công an phường Hàng Bạc",
    )
    clock.refresh_from_db()
    assert clock.state == "met" and clock.stopped_at is not None
    decided = AuditEntry.objects.get(action="protection.grant")
    assert decided.actor == cora and decided.changes["clock"] == "met"
    assert decided.changes["status"] == "granted"
    # The audit trail holds the request, its states and dates: never what was feared nor
    # decided, nor the report or the kinds (a unit's administrators read the unit's log).
    trail = json.dumps(
        list(AuditEntry.objects.values("changes", "target_repr")), ensure_ascii=False
    )
    assert FEAR not in trail and MEASURES not in trail
    for entry in AuditEntry.objects.filter(action__startswith="protection."):
        assert "complaint" not in entry.changes and "kinds" not in entry.changes, entry.action


def test_the_reminder_goes_to_the_unit_never_to_the_handler(filed, handler, bob, cora):
    handler = with_role(handler, Role.IDENTITY_CUSTODIAN)
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["life"], fear=FEAR, network_key="n"
    )
    clock = LegalClock.objects.get(kind="protection_decision", subject_id=request.pk)
    Notification.objects.all().delete()
    clocks.clocks_sweep(now=clock.remind_at + timedelta(minutes=1))
    reminded = Notification.objects.filter(link=f"/protection/{request.pk}/")
    assert {n.recipient for n in reminded} == {bob, cora}
    (notice,) = reminded.filter(recipient=cora)
    assert notice.subject.startswith("Sắp đến hạn quyết định về đề nghị bảo vệ")
    assert filed.complaint.tracking_number not in notice.subject


def test_a_handler_who_is_also_a_custodian_never_sees_nor_decides_it(filed, handler, cora):
    handler = with_role(handler, Role.IDENTITY_CUSTODIAN)
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["job"], fear=FEAR, network_key="n"
    )
    assert told(handler) == [] and told(cora)
    client = Client()
    client.force_login(handler)
    assert client.get(f"/protection/{request.pk}/").status_code == 404
    listed = client.get("/protection/?status=pending")
    assert listed.status_code == 200 and listed.context["page"].paginator.count == 0
    refused = client.post(
        f"/protection/{request.pk}/decide/", {"decision": "refuse", "reason": "Không có căn cứ"}
    )
    assert refused.status_code == 404
    with pytest.raises(protection.NotFound):
        protection.protection_decide(
            by=handler, request_id=request.pk, grant=False, reason="Tự quyết"
        )
    assert not clock_list(user=handler).filter(kind="protection_decision").exists()
    assert clock_list(user=cora).filter(kind="protection_decision").exists()
    request.refresh_from_db()
    assert request.status == "pending"


def api_clock_kinds(user) -> list[tuple[str, str]]:
    response = api_client(user).get("/api/v1/clocks?page_size=100")
    assert response.status_code == 200
    return [(item["kind"], item["state"]) for item in response.json()["items"]]


def test_the_clocks_api_and_the_dashboard_do_not_tell_the_handler(filed, handler, bob, cora):
    handler = with_role(handler, Role.SUPERVISOR)  # may read the unit's clocks and figures
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["job"], fear=FEAR, network_key="n"
    )
    mine = api_clock_kinds(handler)
    assert mine and all(kind != "protection_decision" for kind, _state in mine)
    for person in (cora, bob):
        assert ("protection_decision", "running") in api_clock_kinds(person)
    # Stopped, it is still listed to them, and still not to the handler.
    protection.protection_decide(
        by=cora, request_id=request.pk, grant=False, reason="Chưa có căn cứ"
    )
    assert ("protection_decision", "met") in api_clock_kinds(bob)
    assert all(kind != "protection_decision" for kind, _state in api_clock_kinds(handler))

    # The figures count no protection clock, for anyone.
    board = api_client(handler).get("/api/v1/dashboard").json()
    assert board["clocks"] and "protection_decision" not in {row["kind"] for row in board["clocks"]}
    client = Client()
    client.force_login(handler)
    page = client.get("/review/")
    assert page.status_code == 200
    assert "protection_decision" not in {row.kind for row in page.context["board"].clocks}
    assert "Quyết định về đề nghị bảo vệ" not in page.content.decode()


def test_the_custodian_decides_and_the_reporter_reads_it_with_the_receipt(filed, cora, bob):
    ask(filed)
    request = ProtectionRequest.objects.get()
    client = Client()
    client.force_login(cora)
    url = f"/protection/{request.pk}/"
    empty = client.post(f"{url}decide/", {"decision": "grant"})
    html = empty.content.decode()
    assert empty.status_code == 400 and "<title>Lỗi:" in html
    assert "Ghi biện pháp bảo vệ." in html and "Ghi cơ quan, đơn vị thực hiện" in html
    decided = client.post(
        f"{url}decide/",
        {"decision": "grant", "measures": MEASURES, "authority": "Công an phường Hàng Bạc"},
    )
    assert decided.status_code == 302 and decided["Location"] == url
    page = client.get(url).content.decode()
    assert "Đã ghi quyết định áp dụng biện pháp bảo vệ" in page and MEASURES in page
    decided_subject = f"Đề nghị bảo vệ số {request.pk}: đã quyết định áp dụng biện pháp bảo vệ"
    assert Notification.objects.filter(recipient=bob, subject=decided_subject).exists()
    assert not Notification.objects.filter(recipient=cora, subject__contains="đã quyết định")
    again = client.post(f"{url}decide/", {"decision": "refuse", "reason": "Đổi ý"})
    assert again.status_code == 409 and "Đề nghị này đã được quyết định." in again.content.decode()

    today = timezone.localdate().isoformat()
    notes = (("Công an phường đã làm việc với chủ cửa hàng.", "on"), ("Ghi chú nội bộ", ""))
    for text, tell in notes:
        followed = client.post(
            f"{url}follow-up/", {"on": today, "text": text, "tell_reporter": tell}
        )
        assert followed.status_code == 302
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    late = client.post(f"{url}follow-up/", {"on": future, "text": "Sau này"})
    assert late.status_code == 400 and "không được sau hôm nay" in late.content.decode()

    html = status_page(filed)
    assert "Đã quyết định áp dụng biện pháp bảo vệ" in html and MEASURES in html
    assert "Công an phường đã làm việc với chủ cửa hàng." in html
    assert "Ghi chú nội bộ" not in html and FEAR not in html

    closed = client.post(f"{url}close/", {"note": "Nguy cơ đã hết sau khi xử lý vi phạm."})
    assert closed.status_code == 302
    api = (
        Client()
        .post(
            "/api/v1/public/reports/status",
            json.dumps({"receipt": filed.receipt}),
            content_type="application/json",
        )
        .json()
    )
    (shown,) = api["protection"]
    assert shown["status"] == "closed" and shown["measures"] == MEASURES
    assert shown["closing_note"] == "Nguy cơ đã hết sau khi xử lý vi phạm."
    assert [f["text"] for f in shown["follow_ups"]] == [
        "Công an phường đã làm việc với chủ cửa hàng."
    ]
    assert "fear" not in shown
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"protection.grant", "protection.follow_up", "protection.close"} <= actions


def test_a_refusal_and_its_reason_reach_the_reporter(filed, bob):
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["property"], fear=FEAR, network_key="n"
    )
    protection.protection_decide(
        by=bob, request_id=request.pk, grant=False, reason="Không có dấu hiệu bị đe dọa."
    )
    html = status_page(filed)
    assert "Đã từ chối" in html and "Không có dấu hiệu bị đe dọa." in html
    assert "Gửi đề nghị bảo vệ" in html  # the reporter may ask again
    assert AuditEntry.objects.filter(action="protection.refuse", actor=bob).exists()


def test_the_handler_sees_only_the_flag_and_only_when_a_supervisor_sets_it(
    filed, handler, bob, cora
):
    request = protection.protection_request_file(
        complaint=filed.complaint, kinds=["health"], fear=FEAR, network_key="n"
    )
    officer = Client()
    officer.force_login(handler)
    detail = f"/complaints/{filed.complaint.pk}/"
    assert "Có vấn đề bảo vệ người phản ánh" not in officer.get(detail).content.decode()

    custodian = Client()
    custodian.force_login(cora)
    page = custodian.get(f"/protection/{request.pk}/").content.decode()
    assert f'action="/protection/{request.pk}/inform/"' not in page
    refused = custodian.post(f"/protection/{request.pk}/inform/", {"handler_informed": "on"})
    assert refused.status_code == 403

    supervisor = Client()
    supervisor.force_login(bob)
    set_flag = supervisor.post(f"/protection/{request.pk}/inform/", {"handler_informed": "on"})
    assert set_flag.status_code == 302
    html = officer.get(detail).content.decode()
    assert "Có vấn đề bảo vệ người phản ánh" in html
    assert FEAR not in html and "Sức khỏe" not in html
    (notice,) = told(handler)
    assert notice.link == detail and FEAR not in notice.body
    entry = AuditEntry.objects.get(action="protection.inform_handler")
    assert entry.changes == {"handler_informed": True}

    supervisor.post(f"/protection/{request.pk}/inform/", {})
    assert "Có vấn đề bảo vệ người phản ánh" not in officer.get(detail).content.decode()


def test_the_identity_given_for_the_protection_is_sealed_with_the_report(filed, cora):
    sent = ask(
        filed,
        identity="now",
        identity_full_name="Lê Thị Cần Bảo Vệ",
        identity_phone="0987 654 321",
    )
    assert sent.status_code == 303
    request = ProtectionRequest.objects.get()
    assert request.identity == "now"
    sealed = SealedIdentity.objects.get(complaint=filed.complaint)
    assert "Lê Thị".encode() not in bytes(sealed.ciphertext)
    stored = json.dumps(
        list(ProtectionRequest.objects.values()), ensure_ascii=False, default=str
    ) + json.dumps(list(AuditEntry.objects.values("changes")), ensure_ascii=False)
    assert "Cần Bảo Vệ" not in stored and "0987" not in stored
    client = Client()
    client.force_login(cora)
    page = client.get(f"/protection/{request.pk}/").content.decode()
    assert "Cần Bảo Vệ" not in page and "niêm phong" in page


def test_bad_input_on_the_page_shows_each_error_on_its_field(filed):
    response = ask(filed, kinds=[], fear="ngắn")
    html = response.content.decode()
    assert response.status_code == 400 and "<title>Lỗi: Phản ánh" in html
    assert '<a href="#protect_kinds">Chọn ít nhất một điều bạn cần được bảo vệ</a>' in html
    assert "Kể điều bạn lo ngại, ít nhất 10 ký tự" in html
    given = ask(filed, identity="given")
    assert given.status_code == 400
    assert "Chưa có danh tính nào được gửi kèm phản ánh này" in given.content.decode()
    typed = ask(filed, identity="anonymous", identity_full_name="Nguyễn Văn A")
    assert typed.status_code == 400 and "Nguyễn Văn A" in typed.content.decode()  # kept
    wrong = Client().post(
        "/tra-cuu/bao-ve/", {"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE", "kinds": ["job"], "fear": FEAR}
    )
    assert wrong.status_code == 404
    assert not ProtectionRequest.objects.exists()


def test_the_database_keeps_one_waiting_request_per_report(filed, monkeypatch):
    first = protection.protection_request_file(
        complaint=filed.complaint, kinds=["job"], fear=FEAR, network_key="n"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectionRequest.objects.create(complaint=filed.complaint, kinds=["life"], fear=FEAR)
    # Two requests at once: the second passes the check, and the constraint answers 409.
    monkeypatch.setattr(protection, "_pending_exists", lambda complaint: False)
    with pytest.raises(protection.Conflict) as error:
        protection.protection_request_file(
            complaint=filed.complaint, kinds=["life"], fear=FEAR, network_key="n"
        )
    assert error.value.code == "protection_pending"
    assert list(ProtectionRequest.objects.all()) == [first]
    assert LegalClock.objects.filter(kind="protection_decision").count() == 1
    # Once decided, another may wait.
    ProtectionRequest.objects.filter(pk=first.pk).update(status="refused")
    protection.protection_request_file(
        complaint=filed.complaint, kinds=["life"], fear=FEAR, network_key="n"
    )
    assert ProtectionRequest.objects.count() == 2


def test_the_api_files_it_and_refuses_bad_input_with_stable_codes(filed, cora, handler):
    response = ask_api(filed)
    assert response.status_code == 201, response.content
    (shown,) = response.json()["protection"]
    assert shown["status"] == "pending" and shown["kind_labels"] == ["Tính mạng"]
    assert told(cora) and told(handler) == []

    assert ask_api(filed).json()["code"] == "protection_pending"
    assert ask_api(filed).status_code == 409
    cases = [
        ({"kinds": []}, 400, "kinds_required"),
        ({"fear": "ngắn"}, 400, "required"),
        ({"identity": "given"}, 400, "identity_not_given"),
        ({"identity": "now"}, 400, "identity_required"),
        ({"identity": "now", "identity_phone": "abc"}, 400, "identity_phone_invalid"),
        ({"receipt": "AAAA-BBBB-CCCC-DDDD-EEEE"}, 404, "receipt_not_found"),
    ]
    other = file_complaint()
    for fields, status, code in cases:
        answer = ask_api(other, **fields)
        assert answer.status_code == status, (fields, answer.content)
        assert answer.json()["code"] == code, fields
    assert ProtectionRequest.objects.count() == 1


def test_asking_is_throttled_per_network(filed):
    statuses = [ask_api(filed).status_code for _ in range(protection.THROTTLE_LIMIT + 1)]
    assert statuses[0] == 201 and set(statuses[1:-1]) == {409}
    assert statuses[-1] == 429
    refused = ask(filed)
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"


def test_the_queue_filters_by_status_and_another_unit_sees_nothing(filed, cora, nadia):
    first = protection.protection_request_file(
        complaint=filed.complaint, kinds=["job"], fear=FEAR, network_key="n"
    )
    protection.protection_decide(by=cora, request_id=first.pk, grant=False, reason="Chưa đủ căn cứ")
    protection.protection_request_file(
        complaint=filed.complaint, kinds=["life"], fear=FEAR, network_key="n"
    )
    client = Client()
    client.force_login(cora)
    assert client.get("/protection/").context["page"].paginator.count == 2
    pending = client.get("/protection/?status=pending")
    assert pending.context["page"].paginator.count == 1
    assert "Tính mạng" in pending.content.decode()
    national = Client()
    national.force_login(nadia)
    assert national.get("/protection/").context["page"].paginator.count == 2
    hcm = UserFactory(username="hcm_cora", unit=unit("79"), roles=[Role.IDENTITY_CUSTODIAN])
    other = Client()
    other.force_login(hcm)
    assert other.get("/protection/").context["page"].paginator.count == 0
    assert other.get(f"/protection/{first.pk}/").status_code == 404
