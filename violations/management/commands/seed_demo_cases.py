"""A demo case for `make run`: a sample of fish sauce failed its test at Công ty TNHH
Thực phẩm Sông Hồng; the team reported it, the supervisor suspended the goods, the
goods were sealed, the inspection was concluded and a product alert published; the team
lead drafted a violation record citing the demo catalogue's provision on quality against
QCVN (`seed_demo_provisions`, verified by a second legal officer). Runs after `seed_demo`
and `seed_demo_provisions`; development only.

`seed_demo_inspections` (run before this by `make run`) has already put an inspection of
the same operator on today's list: this inspection, a week earlier, records its reason
to inspect within 12 months of it (inspections/overlap.py), the warning it acts on."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inspections import overlap, samples, services
from inspections.models import Inspection, RepeatReason, Scope
from registry import provisions
from registry.models import EconomicOperator, Product, User
from violations import alerts, followup, records
from violations.models import ProductAlert

OPERATOR = "Công ty TNHH Thực phẩm Sông Hồng"
QUALITY = "DEMO-CL-QCVN-1"  # the demo catalogue's act (registry seed_demo_provisions)
WARNING_NOTE = (
    "Cảnh báo của Chi cục Quản lý thị trường Hà Nội: nước mắm cá cơm 40 độ đạm của cơ sở "
    "nghi không đạt hàm lượng đạm công bố; cần lấy mẫu thử nghiệm ngay."
)


class Command(BaseCommand):
    help = "Create a concluded demo case with a failed sample and a product alert."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_cases refuses to run with APP_PROFILE=production.")
        operator = EconomicOperator.objects.get(name=OPERATOR)
        if ProductAlert.objects.filter(inspection__operator=operator).exists():
            self.stdout.write("Demo case: already there (/canh-bao/).")
            return
        supervisor = User.objects.get(username="lanhdao.hn")
        lead = User.objects.get(username="truongdoan.hn")
        product = Product.objects.get(name="Nước mắm cá cơm 40 độ đạm")
        day = timezone.localdate() - timedelta(days=7)
        reason, note = "", ""
        if overlap.earlier_inspections(user=None, operator=operator, on=day):
            reason, note = RepeatReason.WARNING, WARNING_NOTE
        with transaction.atomic():
            inspection = services.inspection_create(
                by=supervisor,
                operator=operator,
                legal_ground=Inspection.LegalGround.WARNING,
                scopes=[Scope.GOODS_QUALITY, Scope.LABEL],
                place="Kho hàng, 12 Phố Huế, Hà Nội",
                scheduled_date=day,
                legal_ground_note=WARNING_NOTE,
                repeat_reason=reason,
                repeat_note=note,
            )
            services.inspection_set_team(by=supervisor, inspection=inspection, lead=lead)
            inspection = services.inspection_decide(
                by=supervisor,
                inspection=inspection,
                decision_number=f"DEMO-{day:%d%m%Y}/QĐ-KT",
                decision_date=day,
            )
            inspection = services.inspection_transition(
                by=lead, inspection=inspection, to=Inspection.Status.ON_SITE
            )
            sample, _ = samples.sample_create(
                by=lead,
                inspection=inspection,
                client_uuid=uuid.uuid4(),
                product=product,
                product_name=product.name,
                batch="L2026-09",
                quantity_per_unit="2 chai 500 ml",
                test_unit_seal="NP-0091",
                retained_unit_seal="NP-0092",
                sampling_record_number=f"01-{day:%d%m%Y}/BB-LM",
                sampled_at=timezone.now() - timedelta(days=7),
            )
            samples.sample_send(
                by=lead, sample=sample, lab_name="Trung tâm Kỹ thuật TĐC 1", sent_on=day
            )
            sample = samples.lab_result_record(
                by=lead,
                sample=sample,
                test_report_number="KQ-DEMO-15",
                result_on=timezone.localdate() - timedelta(days=1),
                criteria=[
                    {
                        "criterion": "Hàm lượng histamin",
                        "unit": "mg/kg",
                        "limit_max": Decimal(200),
                        "reference": "QCVN 02-16:2012/BYT",
                        "measured": Decimal(410),
                    },
                    {
                        "criterion": "Hàm lượng nitơ toàn phần",
                        "unit": "g/l",
                        "limit_min": Decimal(10),
                        "reference": "TCVN 5107:2018",
                        "measured": Decimal(40),
                    },
                ],
            )
            follow_up = followup.follow_up_report(
                by=lead,
                follow_up=sample.follow_up,
                text="Mẫu nước mắm lô L2026-09 không đạt chỉ tiêu histamin (410/200 mg/kg).",
            )
            follow_up = followup.follow_up_suspend(
                by=supervisor,
                follow_up=follow_up,
                goods="Nước mắm cá cơm 40 độ đạm, lô L2026-09: 1.200 chai 500 ml tại kho.",
            )
            followup.seal(
                by=lead,
                follow_up=follow_up,
                seal_number="NP-KHO-0101",
                goods="1.200 chai nước mắm lô L2026-09",
                place="Kho hàng, 12 Phố Huế, Hà Nội",
            )
            inspection = services.inspection_transition(
                by=lead, inspection=inspection, to=Inspection.Status.CONCLUDED
            )
            fields = alerts.alert_defaults(inspection)
            fields["measures"] = (
                "Tạm dừng lưu thông và niêm phong lô L2026-09; cơ sở phải khắc phục và "
                "thử nghiệm lại trước khi được lưu thông trở lại."
            )
            # Assessed as a high risk, the alert tells every other unit (notices between
            # units, docs/risk-and-notices.md): kiemtra.hcm answers for Hồ Chí Minh City.
            fields["risk"] = {
                "hazard": "chemical",
                "severity": 2,
                "probability": "gt_1_1k",
                "reasoning": "Histamin 410 mg/kg, gấp đôi giới hạn 200 mg/kg: có thể gây ngộ "
                "độc (nổi mẩn, đau đầu, buồn nôn) cần điều trị nhưng hồi phục được; nước mắm "
                "được dùng hằng ngày, lô hàng đã phân phối cho nhiều cửa hàng.",
            }
            alerts.alert_publish(by=supervisor, inspection=inspection, **fields)
            quality = provisions.citable_on(timezone.localdate()).filter(code=QUALITY).first()
            if quality is not None:
                records.record_create(
                    by=lead,
                    inspection=inspection,
                    place="Kho hàng, 12 Phố Huế, Hà Nội",
                    violations=[
                        {
                            "provision": quality,
                            "description": "Kinh doanh nước mắm lô L2026-09 có hàm lượng "
                            "histamin 410 mg/kg, vượt giới hạn 200 mg/kg của QCVN "
                            "02-16:2012/BYT (phiếu kết quả KQ-DEMO-15).",
                            "samples": [sample],
                        }
                    ],
                    representative_name="Ông Trần Văn Hùng",
                    representative_position="Giám đốc",
                )
        self.stdout.write(
            "Demo case: a failed sample, a suspension, a high-risk product alert with its "
            "notices to the other units and a draft violation record; see /canh-bao/, as "
            "lanhdao.hn /cases/, as kiemtra.hcm /notices/, as lanhdao.tw /notices/campaigns/."
        )
