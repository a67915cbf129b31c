from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WhistleblowerConfig(AppConfig):
    """The reporter identity vault, receipts, disclosure requests and their access log."""

    name = "whistleblower"
    verbose_name = _("Bảo vệ người phản ánh")

    def ready(self):
        from whistleblower import checks  # noqa: F401 (registers the system checks)
