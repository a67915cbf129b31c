import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "units.json"
GENESIS_HASH = "0" * 64

# Defence in depth on PostgreSQL: the audit table refuses UPDATE, DELETE and TRUNCATE.
# A maintenance session (and the test suite's flush between tests) may set
# `registry.audit_unlocked = on` for itself; the hash chain still shows any change.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION registry_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('registry.audit_unlocked', true), '') = 'on' THEN
        IF TG_OP = 'UPDATE' THEN
            RETURN NEW;
        END IF;
        RETURN OLD;  -- DELETE goes ahead; ignored for TRUNCATE (a statement trigger)
    END IF;
    RAISE EXCEPTION 'registry_auditentry is append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER registry_auditentry_no_update_delete
    BEFORE UPDATE OR DELETE ON registry_auditentry
    FOR EACH ROW EXECUTE FUNCTION registry_audit_append_only();
CREATE TRIGGER registry_auditentry_no_truncate
    BEFORE TRUNCATE ON registry_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION registry_audit_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS registry_auditentry_no_truncate ON registry_auditentry;
DROP TRIGGER IF EXISTS registry_auditentry_no_update_delete ON registry_auditentry;
DROP FUNCTION IF EXISTS registry_audit_append_only();
"""


def seed(apps, schema_editor):
    Province = apps.get_model("registry", "Province")
    Unit = apps.get_model("registry", "Unit")
    AuditChainHead = apps.get_model("registry", "AuditChainHead")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    national = data["national_unit"]
    Unit.objects.update_or_create(code=national["code"], defaults={"name": national["name"], "kind": "national"})
    for item in data["provinces"]:
        province, _ = Province.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "kind": item["kind"]}
        )
        Unit.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": data["provincial_unit_name"].format(short_name=item["short_name"]),
                "kind": "provincial",
                "province": province,
            },
        )
    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH, "length": 0})
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL)


def unseed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
