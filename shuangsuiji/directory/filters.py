"""One entity filter for the list page, the API and rule-based sub-libraries (NetBox-style parity).

The same ``EntityFilter`` validates a query string, an API query or a stored sub-library rule, and the
same ``apply`` turns it into a queryset, so a page, an API call and a draw pool never disagree about
which entities a filter selects.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django import forms
from django.db.models import Q, QuerySet

from . import uscc
from .access import sees_credit_class
from .models import CreditClass, EntityStatus, EntityType, Industry, Scale, Township

# Keys of a rule-based sub-library (status is implied: a rule always selects drawable entities).
RULE_FIELDS = ("entity_type", "industry", "township", "scale", "credit_class")
ALL_FIELDS = ("q", "township", "industry", "entity_type", "status", "scale", "credit_class")
MULTI_FIELDS = ALL_FIELDS[1:]
_CODE_QUERY = re.compile(r"(?=.*\d)[0-9A-Z]{2,18}")


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """门类 with their 大类, as select optgroups: "C 制造业（全部）", then "13 农副食品加工业" …"""
    rows = Industry.objects.filter(level__in=("section", "division")).order_by("code").values_list(
        "code", "name", "level", "parent_id")
    groups: dict[str, tuple[str, list[tuple[str, str]]]] = {
        code: (f"{code} {name}", [(code, f"{code} {name}（全部）")]) for code, name, level, _ in rows
        if level == "section"}
    for code, name, level, parent in rows:
        if level == "division" and parent in groups:
            groups[parent][1].append((code, f"　{code} {name}"))
    return list(groups.values())


def town_choices() -> list[tuple[str, str]]:
    return list(Township.objects.values_list("code", "name"))


class EntityFilterForm(forms.Form):
    """The fields of the entity filter; every list field takes one or more values."""

    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    township = forms.MultipleChoiceField(label="乡镇（街道）", required=False)
    industry = forms.MultipleChoiceField(label="行业（门类/大类）", required=False)
    entity_type = forms.MultipleChoiceField(label="主体类型", choices=EntityType.choices, required=False)
    status = forms.MultipleChoiceField(label="登记状态", choices=EntityStatus.choices, required=False)
    scale = forms.MultipleChoiceField(label="规模", choices=Scale.choices, required=False)
    credit_class = forms.MultipleChoiceField(label="信用风险分类", choices=CreditClass.choices, required=False)

    def __init__(self, *args, fields: tuple[str, ...] = ALL_FIELDS, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]
        if "township" in self.fields:
            self.fields["township"].choices = town_choices()
        if "industry" in self.fields:
            self.fields["industry"].choices = industry_choices()


class EntityFilter:
    """Validates filter input from a page, the API or a rule and applies it to an entity queryset."""

    def __init__(self, data: Mapping | None, *, user=None, fields: tuple[str, ...] = ALL_FIELDS):
        # user=None is the system itself (a stored rule being evaluated for a draw): everything allowed.
        self.credit_allowed = user is None or sees_credit_class(user)
        if not self.credit_allowed:
            fields = tuple(f for f in fields if f != "credit_class")
        data = data if data is not None else {}
        self.forbidden = not self.credit_allowed and bool(_values(data, "credit_class"))
        self.form = EntityFilterForm(data, fields=fields)

    @classmethod
    def from_rule(cls, rule: Mapping) -> EntityFilter:
        return cls(rule, fields=RULE_FIELDS)

    def is_valid(self) -> bool:
        return self.form.is_valid() and not self.forbidden

    def error_text(self) -> str:
        """All problems in one Chinese sentence (for the API and services)."""
        if self.forbidden:
            return "您无权按信用风险分类筛选。"
        parts = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else name
            parts.append(f"{label}：{'；'.join(_plain(e) for e in errors)}")
        return "筛选条件有误：" + "；".join(parts)

    @property
    def cleaned(self) -> dict:
        """Valid values only (an invalid field counts as not given)."""
        self.form.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        return {k: v for k, v in data.items() if v}

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The queryset narrowed by every given field."""
        data = self.cleaned
        if data.get("q"):
            queryset = queryset.filter(search_q(data["q"]))
        if data.get("industry"):
            queryset = queryset.filter(industry_id__in=industry_codes(data["industry"]))
        for name, lookup in (("township", "township_id__in"), ("entity_type", "entity_type__in"),
                             ("status", "status__in"), ("scale", "scale__in"), ("credit_class", "credit_class__in")):
            if data.get(name):
                queryset = queryset.filter(**{lookup: data[name]})
        return queryset

    def to_rule(self) -> dict:
        """The rule as stored on a sub-library: rule fields with values, each a sorted list."""
        data = self.cleaned
        return {k: sorted(data[k]) for k in RULE_FIELDS if data.get(k)}

    def describe(self) -> list[tuple[str, str]]:
        """(label, chosen values) for each given field, for people to read."""
        out = []
        for name, value in self.cleaned.items():
            form_field = self.form.fields[name]
            if name == "q":
                out.append((form_field.label, value))
                continue
            labels = dict(_flat(form_field.choices))
            out.append((form_field.label, "、".join(labels.get(v, v).strip().replace("（全部）", "") for v in value)))
        return out

    def query_string(self) -> str:
        """The filter as URL parameters (for links and the HTMX push-url)."""
        from django.http import QueryDict

        params = QueryDict(mutable=True)
        for name, value in self.cleaned.items():
            params.setlist(name, value if isinstance(value, list) else [value])
        return params.urlencode()


def search_q(text: str) -> Q:
    """Name contains the text; a code-like text matches USCCs that start with it.

    Six or more code characters are taken for a code only, so the USCC index answers: the range keeps
    the B-tree usable in any collation (no USCC character sorts after Z), startswith keeps it exact.
    """
    text = text.strip()
    code = uscc.normalise(text)
    if not _CODE_QUERY.fullmatch(code):
        return Q(name__icontains=text)
    if len(code) == 18:
        by_code = Q(uscc=code)
    else:
        by_code = Q(uscc__gte=code, uscc__lte=code + "Z" * (18 - len(code)), uscc__startswith=code)
    return by_code if len(code) >= 6 else by_code | Q(name__icontains=text)


def industry_codes(selected: list[str]) -> list[str]:
    """The selected codes and every code below them (门类 → 大类 → 中类 → 小类)."""
    below = (Q(code__in=selected) | Q(parent_id__in=selected) | Q(parent__parent_id__in=selected)
             | Q(parent__parent__parent_id__in=selected))
    return list(Industry.objects.filter(below).values_list("code", flat=True))


def _values(data: Mapping, name: str) -> list:
    if hasattr(data, "getlist"):
        return [v for v in data.getlist(name) if v]
    value = data.get(name)
    if isinstance(value, list | tuple):
        return [v for v in value if v]
    return [value] if value else []


def _flat(choices) -> list[tuple[str, str]]:
    out = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            out.extend(label)
        else:
            out.append((value, label))
    return out


def _plain(message: str) -> str:
    return str(message).replace("%(value)s", "")
