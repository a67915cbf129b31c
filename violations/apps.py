from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolationsConfig(AppConfig):
    """Violation handling: violation records, penalty decisions, remedial measures, the
    follow-up of a failed test, seals, public product alerts and the outcome told to
    reporters."""

    name = "violations"
    verbose_name = _("Xử lý vi phạm")

    def ready(self):
        # Declares violation handling's legal clocks, answers what inspections tell, and
        # registers the home pages' queues this app keeps (violations/home.py), and the
        # violations and alerts counted in the plans' risk suggestions (plan_signals.py).
        from violations import clocks, home, plan_signals, receivers  # noqa: F401
