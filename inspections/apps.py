from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Plans, inspection decisions, teams, checklist findings with photos (also offline),
    samples and lab results, minutes."""

    name = "inspections"
    verbose_name = _("Kiểm tra")

    def ready(self):
        # The sample-retention clock, and what keeps a report from retention.
        from inspections import clocks, retention  # noqa: F401
        from inspections.home import field_queues
        from registry import home
        from registry.models import Role

        # The field roles' home pages count today's inspections.
        home.register(Role.INSPECTOR, field_queues)
        home.register(Role.TEAM_LEAD, field_queues)
