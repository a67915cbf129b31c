from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_users_seeded


class WhistleblowerConfig(AppConfig):
    """The reporter identity vault, receipts, disclosure requests and their access log."""

    name = "whistleblower"
    verbose_name = _("Bảo vệ người phản ánh")

    def ready(self):
        from whistleblower.demo import demo_vault_keys  # imports models: only once apps are ready

        demo_users_seeded.connect(demo_vault_keys, dispatch_uid="whistleblower.demo_vault_keys")
