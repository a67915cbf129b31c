"""Demo inspections for `make run`: today's inspections for the Hà Nội demo team, so the
tablet pages (/field/) have work on them, and plans at the desk: this year's plan,
approved, with an inspection (of another operator) still waiting for its decision, and
next year's plan submitted for approval. Runs after `seed_demo`; development only.

An operator is not inspected twice in 12 months without a recorded reason
(inspections/overlap.py): today's inspection of Sông Hồng, whose fish sauce failed its
test in `seed_demo_cases`, gives its reason (checking the violation was put right) when
that case is already there; `seed_demo_cases` gives its own when it runs after this."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inspections import overlap, services
from inspections.models import Inspection, InspectionPlan, RepeatReason, Scope
from registry.models import EconomicOperator, User

# (operator name, scopes, place, (reason, note) if inspected within 12 months)
DEMO_INSPECTIONS = [
    (
        "Công ty TNHH Thực phẩm Sông Hồng",
        [Scope.LABEL, Scope.PREPACKAGED_QUANTITY],
        "Kho hàng, 12 Phố Huế, Hà Nội",
        (
            RepeatReason.VIOLATION_FOLLOW_UP,
            "Kiểm tra việc khắc phục sau khi mẫu nước mắm cá cơm 40 độ đạm không đạt "
            "chỉ tiêu đạm tổng số: nhãn hàng hóa và định lượng hàng đóng gói sẵn.",
        ),
    ),
    (
        "Cửa hàng Điện máy Ánh Dương",
        [Scope.GOODS_QUALITY, Scope.METROLOGY],
        "88 Cầu Giấy, Hà Nội",
        None,
    ),
]
# The annual plan's target: inspected by no one in the demo before.
PLAN_OPERATOR = ("Siêu thị Điện máy Hồng Hà", "230 Nguyễn Trãi, Thanh Xuân, Hà Nội")


class Command(BaseCommand):
    help = "Create today's demo inspections for the Hà Nội team (development only)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo_inspections refuses to run with APP_PROFILE=production.")
        supervisor = User.objects.get(username="lanhdao.hn")
        lead = User.objects.get(username="truongdoan.hn")
        member = User.objects.get(username="kiemtra.hn")
        today = timezone.localdate()
        made = 0
        for number, (name, scopes, place, repeat) in enumerate(DEMO_INSPECTIONS, start=1):
            operator = EconomicOperator.objects.get(name=name)
            if Inspection.objects.filter(operator=operator, scheduled_date=today).exists():
                continue
            reason, note = "", ""
            if repeat and overlap.earlier_inspections(user=None, operator=operator, on=today):
                reason, note = repeat
            with transaction.atomic():
                inspection = services.inspection_create(
                    by=supervisor,
                    operator=operator,
                    legal_ground=Inspection.LegalGround.WARNING,
                    scopes=scopes,
                    place=place,
                    scheduled_date=today,
                    repeat_reason=reason,
                    repeat_note=note,
                )
                services.inspection_set_team(
                    by=supervisor, inspection=inspection, lead=lead, members=[member]
                )
                services.inspection_decide(
                    by=supervisor,
                    inspection=inspection,
                    decision_number=f"{number:02d}-{today:%d%m%Y}/QĐ-KT",
                    decision_date=today,
                )
            made += 1
        self.stdout.write(
            f"Demo inspections for {today:%d/%m/%Y}: {made} new; "
            "log in as kiemtra.hn or truongdoan.hn and open /field/."
        )
        self._plans(supervisor=supervisor, lead=lead, today=today)

    def _plans(self, *, supervisor, lead, today):
        """This year's plan (approved, one inspection waiting for its decision) and next
        year's (submitted: the supervisor's home counts it). The plan targets an operator
        that today's inspections leave alone, so that it needs no reason to repeat."""
        target_name, target_place = PLAN_OPERATOR
        this_year = f"Kế hoạch kiểm tra chất lượng hàng hóa năm {today.year}"
        if not InspectionPlan.objects.filter(title=this_year).exists():
            with transaction.atomic():
                plan = services.plan_create(
                    by=lead,
                    title=this_year,
                    period_start=date(today.year, 1, 1),
                    period_end=date(today.year, 12, 31),
                    scopes=[Scope.GOODS_QUALITY, Scope.LABEL],
                    operators=EconomicOperator.objects.filter(name=target_name),
                    note="Hàng điện, điện tử và thực phẩm bao gói sẵn tại Hà Nội.",
                )
                plan = services.plan_submit(by=lead, plan=plan)
                plan = services.plan_decide(by=supervisor, plan=plan, approve=True)
                services.inspection_create(
                    by=supervisor,
                    plan=plan,
                    operator=EconomicOperator.objects.get(name=target_name),
                    legal_ground=Inspection.LegalGround.ANNUAL_PLAN,
                    scopes=[Scope.GOODS_QUALITY],
                    place=target_place,
                    scheduled_date=today + timedelta(days=7),
                )
        next_year = f"Kế hoạch kiểm tra chất lượng hàng hóa năm {today.year + 1}"
        if not InspectionPlan.objects.filter(title=next_year).exists():
            with transaction.atomic():
                plan = services.plan_create(
                    by=lead,
                    title=next_year,
                    period_start=date(today.year + 1, 1, 1),
                    period_end=date(today.year + 1, 12, 31),
                    scopes=[Scope.GOODS_QUALITY, Scope.METROLOGY],
                    note="Cân, đồng hồ điện và hàng đóng gói sẵn tại các chợ.",
                )
                services.plan_submit(by=lead, plan=plan)
        self.stdout.write("Demo plans: log in as lanhdao.hn and open /plans/.")
