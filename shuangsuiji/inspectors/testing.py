"""Small builders for tests: ``make_inspector(**overrides)``, ``make_third_party``, ``make_conflict``."""

from __future__ import annotations

import datetime
import itertools
import random

from shuangsuiji.accounts.models import Department
from shuangsuiji.accounts.reference import ensure_departments
from shuangsuiji.directory import uscc
from shuangsuiji.directory.models import Entity

from .models import Category, Conflict, Inspector, InspectorKind, Qualification

_seq = itertools.count(1)
ID_NUMBER = "371727199001011232"  # valid check digit; 371727 = the old 定陶县


def _department(code: str = "scjgj") -> Department:
    ensure_departments()
    return Department.objects.get(code=code)


def make_inspector(**overrides) -> Inspector:
    """An on-duty officer of 市场监管 with a fresh certificate; ``domains=[...]`` adds qualifications."""
    n = next(_seq)
    domains = overrides.pop("domains", [])
    fields = {
        "name": f"检查员{n}",
        "department": overrides.pop("department", None) or _department(),
        "kind": InspectorKind.OFFICER,
        "category": Category.CIVIL_SERVANT,
        "cert_no": f"鲁菏定99{n:05d}",
        "phone": "13800000000",
        "id_number": ID_NUMBER,
    }
    fields.update(overrides)
    inspector = Inspector.objects.create(**fields)
    Qualification.objects.bulk_create([Qualification(inspector=inspector, domain=d) for d in domains])
    return inspector


def make_third_party(**overrides) -> Inspector:
    """A third-party expert: no certificate, no category, an organisation."""
    fields = {"kind": InspectorKind.THIRD_PARTY, "category": "", "cert_no": None, "organisation": "山东测试检测有限公司"}
    fields.update(overrides)
    return make_inspector(**fields)


def make_entity(**overrides) -> Entity:
    """A market entity with a valid USCC (the directory app's own builder may replace this)."""
    n = next(_seq)
    fields = {"uscc": uscc.make(random.Random(n)), "name": f"菏泽市定陶区测试{n}有限公司"}
    fields.update(overrides)
    return Entity.objects.create(**fields)


def make_conflict(**overrides) -> Conflict:
    fields = {"relation": "近亲属在该主体任职", "valid_from": datetime.date(2025, 1, 1)}
    fields.update(overrides)
    fields.setdefault("inspector", make_inspector())
    fields.setdefault("entity", make_entity())
    return Conflict.objects.create(**fields)
