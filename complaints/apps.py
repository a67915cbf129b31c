from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Citizen reports: filing by receipt, photos, triage, duplicates, messages, the
    reports' legal clocks and retention."""

    name = "complaints"
    verbose_name = _("Phản ánh")

    def ready(self):
        # The system checks, and the reports' legal clocks (declared on import).
        from complaints import checks, clocks  # noqa: F401
        from complaints.home import custodian_queues, officer_queues
        from registry import home
        from registry.models import Role

        # The complaint officer's home page counts the triage queues.
        home.register(Role.COMPLAINT_OFFICER, officer_queues)
        # The identity custodian's counts the disclosure requests waiting for a decision.
        home.register(Role.IDENTITY_CUSTODIAN, custodian_queues)
