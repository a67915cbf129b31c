from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Plans, inspection decisions, teams, checklist findings with photos (also offline),
    samples and lab results, minutes."""

    name = "inspections"
    verbose_name = _("Kiểm tra")
