"""The signals violations adds to the risk score of plan suggestions
(inspections/suggestions.py): violations found and product alerts published about an
operator. Registered from ViolationsConfig.ready, since inspections may not import
violations."""

from django.utils.translation import gettext_lazy as _

from inspections.suggestions import register_signal
from violations.models import ProductAlert, Violation

register_signal(
    "violations",
    label=_("Vi phạm"),
    weight=6,
    window_days=730,
    reason=_("%(count)d vi phạm"),
    rows=lambda since: Violation.objects.filter(record__created_at__date__gte=since),
    operator_field="record__violator",
)
register_signal(
    "alerts",
    label=_("Cảnh báo sản phẩm"),
    weight=8,
    window_days=730,
    reason=_("%(count)d cảnh báo sản phẩm"),
    rows=lambda since: ProductAlert.objects.filter(
        published_on__gte=since, status=ProductAlert.Status.PUBLISHED
    ),
    operator_field="inspection__operator",
)
