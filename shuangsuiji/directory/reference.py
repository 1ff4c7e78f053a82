"""Reference data shipped with the project: GB/T 4754-2017 industries and the district's towns."""

import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import Industry, Township


def load_industries(path: Path | None = None) -> int:
    """Load GB/T 4754-2017 codes (parents before children); returns rows added."""
    path = path or settings.SSJ_DATA_DIR / "gb4754_2017.csv"
    existing = set(Industry.objects.values_list("code", flat=True))
    with open(path, encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["code"] not in existing]
    with transaction.atomic():
        Industry.objects.bulk_create(
            [Industry(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"] or None) for r in rows],
            batch_size=1000,
        )
    return len(rows)


def load_towns(path: Path | None = None) -> int:
    path = path or settings.SSJ_DATA_DIR / "dingtao_towns_2023.csv"
    added = 0
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            _, created = Township.objects.get_or_create(
                code=r["code"], defaults={"name": r["name"], "county_code": r["county_code"]}
            )
            added += created
    return added
