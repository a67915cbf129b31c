"""Tokens issued before the second factor, on a password alone, to the roles that now
need one: revoked, so that those tablets sign in again through the second factor
(docs/second-factor.md). The roles are the ones required in every profile; a deployment
that requires more roles in production revokes nothing more (its tokens were issued
under the rule of their time, and expire)."""

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

ROLES_WITH_SECOND_FACTOR = ("identity_custodian", "supervisor", "admin", "auditor")


def revoke(apps, schema_editor):
    ApiToken = apps.get_model("registry", "ApiToken")
    needing = Q(user__is_superuser=True) | Q(user__groups__name__in=ROLES_WITH_SECOND_FACTOR)
    ids = ApiToken.objects.filter(needing, revoked_at__isnull=True).values_list("pk", flat=True)
    ApiToken.objects.filter(pk__in=list(ids)).update(revoked_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_passkeys_and_factor_resets")]

    operations = [migrations.RunPython(revoke, migrations.RunPython.noop)]
