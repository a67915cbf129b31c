"""The signals violations adds to the risk score of plan suggestions
(inspections/suggestions.py): violations found and product alerts published about an
operator. Registered from ViolationsConfig.ready, since inspections may not import
violations."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from inspections.suggestions import register_signal
from violations.models import ProductAlert, Violation


def violations(operators, since) -> dict[int, int]:
    return dict(
        Violation.objects.filter(
            record__violator__in=operators, record__created_at__date__gte=since
        )
        .order_by()
        .values_list("record__violator_id")
        .annotate(n=Count("pk"))
    )


def alerts(operators, since) -> dict[int, int]:
    return dict(
        ProductAlert.objects.filter(
            inspection__operator__in=operators,
            published_on__gte=since,
            status=ProductAlert.Status.PUBLISHED,
        )
        .order_by()
        .values_list("inspection__operator_id")
        .annotate(n=Count("pk"))
    )


register_signal(
    "violations",
    label=_("Vi phạm"),
    weight=6,
    window_days=730,
    reason=_("%(count)d vi phạm"),
    provider=violations,
)
register_signal(
    "alerts",
    label=_("Cảnh báo sản phẩm"),
    weight=8,
    window_days=730,
    reason=_("%(count)d cảnh báo sản phẩm"),
    provider=alerts,
)
