from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Plans, inspections, findings, photos, samples, violations and sanctions."""

    name = "inspections"
    verbose_name = _("Kiểm tra")
