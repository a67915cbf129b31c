from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Citizen reports: filing by receipt, photos, triage, duplicates, messages, the
    reports' legal clocks and retention."""

    name = "complaints"
    verbose_name = _("Phản ánh")

    def ready(self):
        # The system checks, the reports' legal clocks (declared on import) and the home
        # pages' queues this app keeps (registered on import).
        from complaints import checks, clocks, home, reward_home  # noqa: F401
