from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from registry.signals import demo_users_seeded, second_factor_passed


class WhistleblowerConfig(AppConfig):
    """The reporter identity vault, receipts, disclosure requests and their access log."""

    name = "whistleblower"
    verbose_name = _("Bảo vệ người phản ánh")

    def ready(self):
        # These import models: only once apps are ready. The protection requests' legal
        # clock is declared, and their home queues registered, on import.
        from whistleblower import clocks, home  # noqa: F401
        from whistleblower.demo import demo_vault_keys
        from whistleblower.vault import unlock_after_second_factor

        demo_users_seeded.connect(demo_vault_keys, dispatch_uid="whistleblower.demo_vault_keys")
        # The vault key a password unlocked is usable once the second factor is passed.
        second_factor_passed.connect(
            unlock_after_second_factor, dispatch_uid="whistleblower.vault_unlock"
        )
