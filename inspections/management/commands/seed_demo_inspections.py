"""Demo inspections for `make run`: today's inspections for the Hà Nội demo team, so the
tablet pages (/field/) have work on them. Runs after `seed_demo`; development only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, Scope
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
