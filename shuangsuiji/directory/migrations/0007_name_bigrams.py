"""PostgreSQL: a side table of character bigrams of each entity's name and code with a GIN index, so the
public look-up finds any fragment of two or more characters without scanning the directory
(directory/search.py). It is kept apart from directory_entity and refreshed after an import
(search.refresh), because maintaining a GIN index row by row inside a million-row import made the import
four times slower. SQLite gets nothing: it scans, which suits the embedded default's size."""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION ssj_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  -- Pairs from the first character, then from the second; an unpaired last character leaves an empty
  -- element, which array_remove drops. Built-in functions only: about 14 µs a name.
  SELECT array_remove(string_to_array(regexp_replace(t, '(..)|.', '\1' || chr(30), 'g')
                                      || regexp_replace(substr(t, 2), '(..)|.', '\1' || chr(30), 'g'), chr(30)), '')
$$"""
TABLE = ("CREATE TABLE IF NOT EXISTS directory_entity_grams ("
         "entity_id integer PRIMARY KEY, source text NOT NULL, grams text[] NOT NULL)")
INDEX = "CREATE INDEX IF NOT EXISTS directory_entity_grams_gin ON directory_entity_grams USING gin (grams)"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in (FUNCTION, TABLE, INDEX):
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TABLE IF EXISTS directory_entity_grams")
        schema_editor.execute("DROP FUNCTION IF EXISTS ssj_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_entity_change_columns")]
    operations = [migrations.RunPython(forwards, backwards)]
