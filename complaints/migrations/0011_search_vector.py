"""On PostgreSQL, reports keep their search text's tsvector in a stored generated column
(`search_vector`), indexed by GIN: the search matches and ranks on it without parsing
every matched row's text again (registry/search.py, docs/case-list.md). It replaces the
expression index of review 0002 for reports. SQLite keeps its substring search and has
no such column."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE complaints_complaint ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED",
    "CREATE INDEX IF NOT EXISTS complaint_search_vector ON complaints_complaint "
    "USING gin (search_vector)",
    "DROP INDEX IF EXISTS complaint_search_fts",
]
BACKWARD = [
    "CREATE INDEX IF NOT EXISTS complaint_search_fts ON complaints_complaint "
    "USING gin (to_tsvector('simple'::regconfig, search_text))",
    "DROP INDEX IF EXISTS complaint_search_vector",
    "ALTER TABLE complaints_complaint DROP COLUMN IF EXISTS search_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0010_queue_indexes"),
        ("review", "0002_search"),
    ]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
