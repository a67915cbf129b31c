from datetime import date

from django.db import transaction

from inspections import services
from inspections.models import Scope
from tests.factories import OperatorFactory


def decided_inspection(
    *,
    supervisor,
    lead,
    members=(),
    number="01/QĐ-KT",
    day=date(2026, 11, 24),
    scopes=(Scope.LABEL, Scope.GOODS_QUALITY),
):
    """An ad-hoc inspection of a new operator, with its team and decision."""
    with transaction.atomic():
        inspection = services.inspection_create(
            by=supervisor,
            operator=OperatorFactory(),
            legal_ground="warning",
            scopes=list(scopes),
            place="Chợ Đồng Xuân, Hà Nội",
            scheduled_date=day,
        )
        services.inspection_set_team(
            by=supervisor, inspection=inspection, lead=lead, members=members
        )
        return services.inspection_decide(
            by=supervisor, inspection=inspection, decision_number=number, decision_date=day
        )
