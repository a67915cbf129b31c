"""Demo reports for `make run`, so that the triage queues, the clocks, the duplicate
groups and the dashboard have something on them. Runs after `seed_demo`; development
only; a second run adds nothing. Receipts are not printed: nobody needs them here."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from complaints import services
from complaints.clocks import ComplaintClock, clock_start
from complaints.duplicates import duplicates_detect
from complaints.models import Complaint
from registry import clocks
from registry.models import Province, User

MARK = "Tạp hóa Minh Tâm"
# (days ago, kind, product, brand, seller, address, status, nature)
DEMO = [
    (
        12,
        "quality",
        "Nước mắm Nam Ngư 500 ml",
        "Nam Ngư",
        MARK,
        "12 Hàng Bạc, Hoàn Kiếm",
        "received",
        "report",
    ),
    (
        9,
        "quality",
        "nuoc mam nam ngu chai 500ml",
        "",
        "cua hang minh tam",
        "số 12 Hàng Bạc",
        "acknowledged",
        "report",
    ),
    (3, "label", "Nước mắm Nam Ngư 500ml", "", "Minh Tâm", "12 Hàng Bạc", "received", "report"),
    (
        8,
        "measurement",
        "Gạo ST25 túi 5 kg",
        "ST25",
        "Đại lý gạo Thành Công",
        "45 Trần Phú, Hà Đông",
        "triaged",
        "report",
    ),
    (
        20,
        "fake_mark",
        "Mũ bảo hiểm 3/4 đầu",
        "",
        "Cửa hàng Phúc Lộc",
        "8 Kim Mã, Ba Đình",
        "triaged",
        "denunciation",
    ),
    (
        1,
        "counterfeit",
        "Sữa bột trẻ em 900 g",
        "",
        "Shop Hương Giang",
        "21 Nguyễn Trãi, Thanh Xuân",
        "received",
        "denunciation",
    ),
    (
        40,
        "expired",
        "Bánh quy bơ hộp 300 g",
        "",
        "Siêu thị mini An Khang",
        "3 Lê Lợi, Hà Đông",
        "resolved",
        "report",
    ),
    (
        30,
        "quality",
        "Dầu ăn Kim Long 1 l",
        "",
        "Tạp hóa Bảo An",
        "77 Cầu Giấy",
        "rejected",
        "report",
    ),
    (
        0,
        "measurement",
        "Thịt lợn cân thiếu",
        "",
        "Sạp 14 chợ Đồng Xuân",
        "Chợ Đồng Xuân",
        "received",
        "report",
    ),
]


@transaction.atomic
def _backdate(complaint: Complaint, at) -> None:
    """As if received `at`: its intake clocks run from then (some are overdue)."""
    Complaint.objects.filter(pk=complaint.pk).update(received_at=at)
    complaint.received_at = at
    for kind in (ComplaintClock.ACKNOWLEDGE, ComplaintClock.ACCEPT_REPORT):
        clocks.clock_cancel(kind=kind, subject_id=complaint.pk)
        clock_start(kind, complaint, started_at=at)


class Command(BaseCommand):
    help = "Create demo reports in Hà Nội (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_reports refuses to run with APP_PROFILE=production.")
        if Complaint.objects.filter(seller_name=MARK).exists():
            self.stdout.write("Demo reports: already there.")
            return
        officer = User.objects.get(username="tiepnhan.hn")
        hanoi = Province.objects.get(code="01")
        now = timezone.now()
        made = []
        with override_settings(COMPLAINT_SUBMIT_LIMIT=1000):
            for n, (days, kind, product, brand, seller, address, status, nature) in enumerate(DEMO):
                complaint = services.complaint_submit(
                    kind=kind,
                    product_name=product,
                    product_brand=brand,
                    seller_name=seller,
                    seller_address=address,
                    seller_province=hanoi,
                    description=f"{product} mua tại {seller} có dấu hiệu vi phạm.",
                    network_key=f"demo-{n}",
                ).complaint
                _backdate(complaint, now - timedelta(days=days, hours=n))
                if nature != complaint.nature:
                    services.complaint_set_nature(by=officer, complaint=complaint, nature=nature)
                path = {
                    "received": [],
                    "acknowledged": ["acknowledged"],
                    "triaged": ["acknowledged", "triaged"],
                    "resolved": ["acknowledged", "triaged", "resolved"],
                    "rejected": ["rejected"],
                }[status]
                for step in path:
                    note = "Đã xử lý theo quy định." if step in ("resolved", "rejected") else ""
                    services.complaint_transition(
                        by=officer, complaint=complaint, to=step, public_note=note
                    )
                made.append(complaint)
        for complaint in made:
            duplicates_detect(complaint.pk)
        self.stdout.write(f"Demo reports: {len(made)} in Hà Nội (officer: tiepnhan.hn).")
