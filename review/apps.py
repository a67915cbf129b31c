from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """Case review: legal clocks, triage queues, duplicates, dashboards, exports and
    search, over the complaints and inspections apps."""

    name = "review"
    verbose_name = _("Theo dõi, đánh giá vụ việc")
