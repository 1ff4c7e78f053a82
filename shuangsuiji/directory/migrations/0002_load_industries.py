"""Loads GB/T 4754-2017 (with the 2019 amendment) from data/gb4754_2017.csv; the office may correct names later."""

import csv

from django.conf import settings
from django.db import migrations


def load(apps, schema_editor):
    Industry = apps.get_model("directory", "Industry")
    with open(settings.SSJ_DATA_DIR / "gb4754_2017.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    Industry.objects.bulk_create(
        [Industry(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"] or None) for r in rows],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
