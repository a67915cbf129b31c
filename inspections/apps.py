from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Plans, inspection decisions, teams, checklist findings with photos (also offline),
    samples and lab results, minutes."""

    name = "inspections"
    verbose_name = _("Kiểm tra")

    def ready(self):
        # The sample-retention clock, what keeps a report from retention, and the field
        # roles' home queue (each registered on import).
        from inspections import clocks, home, retention  # noqa: F401
