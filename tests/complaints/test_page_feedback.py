"""After each action on a report's page the officer is told what happened, and whoever
acts next is notified: both sides of a disclosure request."""

import pytest

from complaints.duplicates import duplicates_detect
from registry.models import Notification
from tests.complaints.helpers import file_complaint
from whistleblower.models import DisclosureRequest

pytestmark = pytest.mark.django_db


def test_a_message_and_a_note_are_confirmed(olga, client_for):
    complaint = file_complaint().complaint
    client = client_for(olga)
    url = f"/complaints/{complaint.pk}/"
    sent = client.post(url, {"action": "message", "body": "Xin gửi thêm ảnh nhãn."}, follow=True)
    assert "Đã gửi tin nhắn; người phản ánh đọc được" in sent.content.decode()
    note = client.post(
        url, {"action": "message", "body": "Gọi lại sau.", "internal": "1"}, follow=True
    )
    assert "Đã lưu ghi chú nội bộ" in note.content.decode()


def test_both_sides_of_a_disclosure_request_are_notified(olga, cora, client_for):
    complaint = file_complaint(identity={"full_name": "Người Giấu Tên"}).complaint
    asked = client_for(olga).post(
        f"/complaints/{complaint.pk}/",
        {"action": "disclosure", "reason": "Cần liên hệ để xác minh thêm chứng cứ"},
        follow=True,
    )
    assert "người quản lý thông tin nhân thân đã được thông báo" in asked.content.decode()
    to_custodian = Notification.objects.get(recipient=cora)
    assert complaint.tracking_number in to_custodian.subject
    assert to_custodian.link == "/disclosures/?status=pending"
    assert "Người Giấu Tên" not in to_custodian.subject + to_custodian.body

    request_id = DisclosureRequest.objects.get(complaint=complaint).pk
    decided = client_for(cora).post(
        f"/disclosures/{request_id}/decide/",
        {"decision": "deny", "reason": "Chưa đủ căn cứ"},
        follow=True,
    )
    assert "Đã từ chối đề nghị; cán bộ đề nghị đã được thông báo." in decided.content.decode()
    to_handler = Notification.objects.get(recipient=olga)
    assert "bị từ chối" in to_handler.subject
    assert to_handler.body == "Chưa đủ căn cứ"
    assert to_handler.link == f"/complaints/{complaint.pk}/"


def test_after_a_merge_no_merge_button_is_left(olga, client_for):
    """Two reports of one seller are a group; merging one into the other is confirmed,
    and neither page offers to merge again: the merged one is closed, and the case it
    joined has nothing left to merge."""
    main = file_complaint(network_key="a", seller_name="Minh Tâm").complaint
    other = file_complaint(network_key="b", seller_name="minh tam").complaint
    duplicates_detect(other.pk)
    main.refresh_from_db()
    assert main.duplicate_group is not None
    client = client_for(olga)
    button = "Gộp các phản ánh đã chọn vào phản ánh này"
    assert button in client.get(f"/complaints/{main.pk}/").content.decode()
    done = client.post(
        f"/complaints/{main.pk}/", {"action": "merge", "ids": [other.pk]}, follow=True
    )
    html = done.content.decode()
    assert other.tracking_number in html and button not in html
    assert button not in client.get(f"/complaints/{other.pk}/").content.decode()


def test_an_officer_proposes_an_inspection_and_the_supervisors_are_told(olga, bob, client_for):
    """On an accepted report the officer (who may not open inspections) proposes one:
    an internal note, a confirmation, and the unit's supervisors told with the page that
    opens the inspection on this report; the supervisor's own page has that button."""
    complaint = file_complaint().complaint
    client = client_for(olga)
    url = f"/complaints/{complaint.pk}/"
    assert "Gửi đề xuất kiểm tra" not in client.get(url).content.decode()  # not accepted yet
    for status in ("acknowledged", "triaged"):
        client.post(url, {"action": "transition", "to": status, "public_note": "Đã thụ lý."})
    assert "Gửi đề xuất kiểm tra" in client.get(url).content.decode()
    refused = client.post(url, {"action": "propose", "note": ""})
    assert refused.status_code == 400
    assert "Ghi lý do đề xuất kiểm tra" in refused.content.decode()
    done = client.post(
        url, {"action": "propose", "note": "Nhãn sai tại 3 cửa hàng cùng chuỗi."}, follow=True
    )
    assert "Đã gửi đề xuất kiểm tra" in done.content.decode()
    note = complaint.messages.get(internal=True)
    assert note.body == "Đề xuất kiểm tra: Nhãn sai tại 3 cửa hàng cùng chuỗi."
    told = Notification.objects.get(recipient=bob, subject__contains="Đề xuất kiểm tra")
    assert told.link == url
    # Once: the form gives way to when it was proposed, and a stale form is refused.
    page = client.get(url).content.decode()
    assert "Gửi đề xuất kiểm tra" not in page and "Đã đề xuất kiểm tra lúc" in page
    again = client.post(url, {"action": "propose", "note": "Đề xuất lần nữa cho chắc."})
    assert again.status_code == 409
    assert complaint.messages.filter(internal=True).count() == 1
    assert Notification.objects.filter(recipient=bob, subject__contains="Đề xuất").count() == 1
    supervisor = client_for(bob).get(url).content.decode()
    assert f'/complaints/inspect/?ids={complaint.pk}"' in supervisor
    assert "Gửi đề xuất kiểm tra" not in supervisor
