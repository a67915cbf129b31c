from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ViolationsConfig(AppConfig):
    """Violation handling: violation records, penalty decisions, remedial measures, the
    follow-up of a failed test, seals, public product alerts and the outcome told to
    reporters."""

    name = "violations"
    verbose_name = _("Xử lý vi phạm")

    def ready(self):
        from inspections import signals
        from violations import receivers

        signals.sample_failed.connect(receivers.open_follow_up, dispatch_uid="violations.follow_up")
        signals.inspection_closing.connect(
            receivers.refuse_closing_with_open_records, dispatch_uid="violations.closing"
        )
        signals.inspection_concluded.connect(
            receivers.tell_reporters, dispatch_uid="violations.outcome"
        )
