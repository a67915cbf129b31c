from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    """The registers every workflow shares: units and staff with their roles, reference
    data, the working-day calendar, notifications and the audit log."""

    name = "registry"
    verbose_name = _("Danh mục dùng chung")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from registry.models import CalendarDay
        from registry.roles import sync_role_groups
        from registry.workdays import forget_calendar

        # The working-day calendar is cached; a changed day off or make-up day clears it.
        post_save.connect(forget_calendar, sender=CalendarDay, dispatch_uid="calendar-saved")
        post_delete.connect(forget_calendar, sender=CalendarDay, dispatch_uid="calendar-deleted")

        # What registry's own home queues count (registry/home.py): the legal officer's
        # catalogue work, the supervisor's legal clocks, the auditor's log, the admin's
        # (with the lost-factor resets waiting for a second administrator).
        from registry import clock_views, factor_reset, home
        from registry.models import Role

        home.register(Role.LEGAL_OFFICER, home.legal_officer_queues)
        home.register(Role.SUPERVISOR, clock_views.supervisor_clock_queues, position=90)
        home.register(Role.AUDITOR, home.auditor_queues)
        home.register(Role.ADMIN, factor_reset.admin_queues, position=40)
        home.register(Role.ADMIN, home.admin_queues)

        # What a request learns about its user's access is cached; these signals forget it
        # when it changes (registry/access_cache.py, docs/access-cache.md).
        from registry import access_cache

        access_cache.connect()

        # The reference lists of the queue's filters are cached (registry/reference_cache.py).
        from registry import reference_cache

        reference_cache.connect()

        # Role groups need the Permission rows, which Django creates after migrating.
        post_migrate.connect(sync_role_groups, dispatch_uid="registry.sync_role_groups")
