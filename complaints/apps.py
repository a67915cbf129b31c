from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Citizen reports, triage, messages, outcomes and public product alerts."""

    name = "complaints"
    verbose_name = _("Phản ánh")

    def ready(self):
        from complaints import checks  # noqa: F401 (registers the system checks)
