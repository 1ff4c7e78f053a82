"""PostgreSQL: a GIN index over the character bigrams of each entity's name and code, so the public
look-up finds any fragment of two or more characters without scanning the directory (directory/search.py).
SQLite gets nothing: it scans, which suits the embedded default's size."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION ssj_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, char_length(t) - 1) AS i
$$"""
INDEX = ("CREATE INDEX IF NOT EXISTS directory_entity_bigrams ON directory_entity "
         "USING gin (ssj_bigrams(upper(name || chr(31) || uscc)))")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)
        schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS directory_entity_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS ssj_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_entity_change_columns")]
    operations = [migrations.RunPython(forwards, backwards)]
