"""Demo inspections for `make run`: today's inspections for the Hà Nội demo team, so the
tablet pages (/field/) have work on them, and plans at the desk: this year's plan,
approved, with an inspection still waiting for its decision, and next year's plan
submitted for approval. Runs after `seed_demo`; development only."""

from datetime import date, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, InspectionPlan, Scope
from registry.models import EconomicOperator, User

# (operator name, scopes, place)
DEMO_INSPECTIONS = [
    (
        "Công ty TNHH Thực phẩm Sông Hồng",
        [Scope.LABEL, Scope.PREPACKAGED_QUANTITY],
        "Kho hàng, 12 Phố Huế, Hà Nội",
    ),
    (
        "Cửa hàng Điện máy Ánh Dương",
        [Scope.GOODS_QUALITY, Scope.METROLOGY],
        "88 Cầu Giấy, Hà Nội",
    ),
]


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
        for number, (name, scopes, place) in enumerate(DEMO_INSPECTIONS, start=1):
            operator = EconomicOperator.objects.get(name=name)
            if Inspection.objects.filter(operator=operator, scheduled_date=today).exists():
                continue
            with transaction.atomic():
                inspection = services.inspection_create(
                    by=supervisor,
                    operator=operator,
                    legal_ground=Inspection.LegalGround.WARNING,
                    scopes=scopes,
                    place=place,
                    scheduled_date=today,
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
        year's (submitted: the supervisor's home counts it)."""
        this_year = f"Kế hoạch kiểm tra chất lượng hàng hóa năm {today.year}"
        if not InspectionPlan.objects.filter(title=this_year).exists():
            with transaction.atomic():
                plan = services.plan_create(
                    by=lead,
                    title=this_year,
                    period_start=date(today.year, 1, 1),
                    period_end=date(today.year, 12, 31),
                    scopes=[Scope.GOODS_QUALITY, Scope.LABEL],
                    operators=EconomicOperator.objects.filter(name=DEMO_INSPECTIONS[1][0]),
                    note="Hàng điện, điện tử và thực phẩm bao gói sẵn tại Hà Nội.",
                )
                plan = services.plan_submit(by=lead, plan=plan)
                plan = services.plan_decide(by=supervisor, plan=plan, approve=True)
                services.inspection_create(
                    by=supervisor,
                    plan=plan,
                    operator=EconomicOperator.objects.get(name=DEMO_INSPECTIONS[1][0]),
                    legal_ground=Inspection.LegalGround.ANNUAL_PLAN,
                    scopes=[Scope.GOODS_QUALITY],
                    place=DEMO_INSPECTIONS[1][2],
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
