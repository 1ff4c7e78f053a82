"""One filter for the list page and the API, so both answer the same question the same way."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from shuangsuiji.accounts.models import Department
from shuangsuiji.directory.models import Entity

from .models import Category, DutyStatus, InspectorKind, Qualification
from .validation import compact

FIELDS = ("department", "kind", "category", "status", "domain", "q")


class InspectorFilter:
    """Department (for those who see every department), kind, category, status, domain, name/cert search."""

    def __init__(self, params, *, user, queryset: QuerySet):
        self.params = {name: str(params.get(name) or "").strip() for name in FIELDS}
        self.user = user
        self.base = queryset
        self.by_department = user.sees_all_departments

    def queryset(self) -> QuerySet:
        p, qs = self.params, self.base
        if self.by_department and p["department"]:
            qs = qs.filter(department__code=p["department"])
        for name, choices in (("kind", InspectorKind), ("category", Category), ("status", DutyStatus)):
            if p[name] in choices.values:
                qs = qs.filter(**{name: p[name]})
        if p["domain"]:
            qs = qs.filter(pk__in=Qualification.objects.filter(domain=p["domain"]).values("inspector_id"))
        if p["q"]:
            qs = qs.filter(Q(name__icontains=p["q"]) | Q(cert_no__icontains=compact(p["q"]))
                           | Q(organisation__icontains=p["q"]))
        return qs

    def departments(self):
        return Department.objects.all() if self.by_department else Department.objects.none()

    def domains(self) -> list[str]:
        """Domains held by someone in the user's scope, for the filter's select box."""
        return list(Qualification.objects.filter(inspector__in=self.base).order_by("domain")
                    .values_list("domain", flat=True).distinct())

    @property
    def active(self) -> bool:
        return any(self.params.values())


def search_entities(q: str) -> QuerySet:
    """Entities by (the start of) a USCC or by a part of the name."""
    code = compact(q)
    if re.fullmatch(r"[0-9A-Z]{4,18}", code):
        by_code = Entity.objects.filter(uscc__startswith=code)
        return by_code if len(code) == 18 else by_code | Entity.objects.filter(name__icontains=q)
    return Entity.objects.filter(name__icontains=q).order_by("name")
