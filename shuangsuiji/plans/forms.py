"""Forms for plans and tasks; messages are Chinese and name the field."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm
from shuangsuiji.directory.models import Entity, EntityType, Industry, SubLibrary, Township
from shuangsuiji.draws.forms import STRATA_CHOICES, rule_from, scope_from
from shuangsuiji.draws.scope import LIST_LAYERS
from shuangsuiji.items.models import InspectionItem

from . import services
from .models import Method, PlanEntry, TargetedReason, TaskKind


def published_items():
    return InspectionItem.objects.published().select_related("department").order_by("department__order", "category",
                                                                                    "code")


class ItemChoice(forms.ModelMultipleChoiceField):
    """An item by its department and name (the code is a checksum of the list's wording, of no use to a reader)."""

    def label_from_instance(self, obj):
        dept = obj.department.short_name if obj.department else "联合"
        return f"【{dept}】{obj.name}（{obj.category[:20]} · {obj.get_item_class_display()}）"


class PlanCreateForm(StyledForm):
    year = forms.IntegerField(label="年度", min_value=services.FIRST_YEAR, max_value=services.LAST_YEAR)
    title = forms.CharField(label="标题（可留空）", max_length=200, required=False)


class EntryForm(StyledForm):
    title = forms.CharField(label="批次/任务名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=TaskKind.choices)
    items = ItemChoice(label="抽查事项（仅限已公布清单）", queryset=InspectionItem.objects.none(),
                       widget=forms.SelectMultiple(attrs={"size": 6}))
    scope_text = forms.CharField(label="抽查范围", max_length=500)
    ratio_text = forms.CharField(label="抽查比例或户数", max_length=100)
    timing = forms.CharField(label="实施时间", max_length=100)
    lead_department = forms.ModelChoiceField(label="发起部门", queryset=Department.objects.filter(is_member=True))
    partner_departments = forms.ModelMultipleChoiceField(label="配合部门", required=False,
                                                         queryset=Department.objects.filter(is_member=True),
                                                         widget=forms.SelectMultiple(attrs={"size": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = published_items()

    def service_kwargs(self) -> dict:
        """What cleaned, every field named (one in error as empty, so the service's checks run on the rest)."""
        d = self.cleaned_data
        return {"title": d.get("title", ""), "kind": d.get("kind", ""), "items": list(d.get("items") or []),
                "scope_text": d.get("scope_text", ""), "ratio_text": d.get("ratio_text", ""),
                "timing": d.get("timing", ""), "lead_department": d.get("lead_department"),
                "partner_departments": list(d.get("partner_departments") or [])}


class ReasonForm(StyledForm):
    reason = forms.CharField(label="理由/意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EntryChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.year} 年 {obj.plan.owner_name} · {obj.title}（{obj.get_kind_display()}，{obj.timing}）"


class TaskForm(StyledForm):
    kind = forms.ChoiceField(label="任务类型", choices=TaskKind.choices)
    title = forms.CharField(label="任务名称", max_length=200)
    plan_entry = EntryChoice(label="计划批次（随机抽查按已公布的年度计划实施）", queryset=PlanEntry.objects.none(),
                             required=False, empty_label="（不对应计划批次，如定向检查）")
    items = ItemChoice(label="抽查事项（仅限已公布清单；选其他部门的事项即邀请该部门配合）",
                       queryset=InspectionItem.objects.none(), widget=forms.SelectMultiple(attrs={"size": 8}))
    method = forms.ChoiceField(label="检查方式", choices=Method.choices)
    partners = forms.ModelMultipleChoiceField(label="其他配合部门", required=False,
                                              queryset=Department.objects.filter(is_member=True),
                                              widget=forms.SelectMultiple(attrs={"size": 4}))
    sublibrary = forms.ModelChoiceField(label="名录分库", queryset=SubLibrary.objects.all(), required=False,
                                        empty_label="（不限，全部存续市场主体）")
    entity_type = forms.MultipleChoiceField(label="主体类型", choices=EntityType.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    township = forms.ModelMultipleChoiceField(label="乡镇（街道）", queryset=Township.objects.all(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 5}))
    industry_section = forms.ModelMultipleChoiceField(label="行业门类", required=False,
                                                      queryset=Industry.objects.filter(level="section"),
                                                      widget=forms.SelectMultiple(attrs={"size": 5}))
    strata_by = forms.MultipleChoiceField(label="分层抽取依据（风险分类联查自动按信用风险分类分层）",
                                          choices=STRATA_CHOICES, required=False, widget=forms.CheckboxSelectMultiple)
    ratio = forms.DecimalField(label="抽取比例（%）", min_value=Decimal("0.01"), max_value=Decimal("100"),
                               decimal_places=2, initial=Decimal("5"), required=False)
    rounding = forms.ChoiceField(label="取整方式", choices=[("half_up", "四舍五入"), ("ceil", "向上取整")])
    minimum = forms.IntegerField(label="每层最少抽取户数", min_value=0, initial=1, required=False)
    maximum = forms.IntegerField(label="每层最多抽取户数", min_value=1, required=False)
    yearly_cap = forms.IntegerField(label="同一对象年度被抽查次数上限（空 = 不限）", min_value=1, required=False)
    exclusion_days = forms.IntegerField(label="互认排除期（天，0 = 不排除）", min_value=0, max_value=730, initial=0)
    team_size = forms.IntegerField(label="每组执法人员（每个部门，至少 2 人）", min_value=2, max_value=10, initial=2)
    starts_on = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    documents = forms.CharField(label="请检查对象准备的材料（每行一项）", required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    targeted_reason = forms.ChoiceField(label="定向检查事由", required=False,
                                        choices=[("", "（随机抽查不填）"), *TargetedReason.choices])
    targeted_note = forms.CharField(label="事由说明（投诉编号、交办文号、监测线索）", required=False, max_length=2000)
    targets = forms.CharField(label="定向检查对象（每行一个统一社会信用代码）", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, department: Department | None = None, **kwargs):
        # Per credit class, then 失信联合惩戒对象 ("punished") and 守信激励对象 ("trusted").
        self.ranges = {**services.class_ratio_ranges(), **services.list_ratio_ranges()}
        kwargs.setdefault("initial", {})
        for key, (_low, _high, default) in self.ranges.items():
            kwargs["initial"].setdefault(f"ratio_{key}", default)
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = published_items()
        self.fields["plan_entry"].queryset = services.entries_open_to(department)
        for key, (low, high, _default) in self.ranges.items():
            # Shown for 风险分类联查 only (static/js/app.js: data-kind-only); the service checks the range again.
            self.fields[f"ratio_{key}"] = forms.DecimalField(
                label=f"{LIST_LAYERS[key] if key in LIST_LAYERS else f'{key} 类'}抽取比例（%）",
                min_value=Decimal("0.01"), max_value=Decimal("100"), decimal_places=2, required=False,
                help_text=f"分类方案规定 {low.normalize():f}%–{high.normalize():f}%" + {
                    "punished": "，不低于各类比例", "trusted": "，不高于各类比例"}.get(key, ""),
                widget=forms.NumberInput(attrs={"data-kind-only": TaskKind.JOINT_RISK, "step": "0.01"}))
        self.order_fields([*[n for n in self.fields if not n.startswith("ratio_")],
                           *[f"ratio_{k}" for k in self.ranges]])

    @staticmethod
    def initial_for(task) -> dict:
        """The form's fields for an existing task (to edit a draft): the inverse of ``service_kwargs``."""
        rule = (task.rules or {}).get("default") or {}
        filters = (task.scope or {}).get("filters") or {}
        task_items = list(task.task_items.all())
        initial = {
            "kind": task.kind, "title": task.title, "plan_entry": task.plan_entry_id,
            "items": [ti.item_id for ti in task_items], "method": task_items[0].method if task_items else None,
            "partners": list(task.partners.values_list("pk", flat=True)),
            "sublibrary": (task.scope or {}).get("sublibrary"), "entity_type": filters.get("entity_type", []),
            "township": filters.get("township", []),
            "industry_section": sorted(set(Industry.objects.filter(code__in=filters.get("industry", []))
                                           .values_list("parent_id", flat=True))),
            "strata_by": [s for s in task.strata_by
                          if not (task.kind == TaskKind.JOINT_RISK and s in ("credit_class", "credit_list"))],
            "rounding": rule.get("rounding", "half_up"), "minimum": rule.get("minimum"),
            "maximum": rule.get("maximum"), "yearly_cap": task.yearly_cap, "exclusion_days": task.exclusion_days,
            "team_size": task.team_size, "starts_on": task.starts_on, "ends_on": task.ends_on,
            "documents": task.documents, "targeted_reason": task.targeted_reason, "targeted_note": task.targeted_note,
        }
        if rule.get("ratio") is not None:
            initial["ratio"] = (Decimal(str(rule["ratio"])) * 100).normalize()
        keys = {name: key for key, name in LIST_LAYERS.items()}
        for name, layer in ((task.rules or {}).get("per_stratum") or {}).items():
            if isinstance(layer, dict) and layer.get("ratio") is not None:
                initial[f"ratio_{keys.get(name, name)}"] = (Decimal(str(layer["ratio"])) * 100).normalize()
        if task.kind == TaskKind.TARGETED:
            initial["targets"] = "\n".join(Entity.objects.filter(pk__in=(task.scope or {}).get("targets", []))
                                           .order_by("uscc").values_list("uscc", flat=True))
        return initial

    def clean(self):
        d = super().clean()
        if d.get("kind") != TaskKind.TARGETED and d.get("ratio") is None and "ratio" not in self.errors:
            self.add_error("ratio", "随机抽查须填写抽取比例。")
        if d.get("maximum") is not None and (d.get("minimum") or 0) > d["maximum"]:
            self.add_error("maximum", "每层最多抽取户数不能小于最少户数。")
        return d

    def service_kwargs(self) -> dict:
        """The service's arguments from what cleaned (a field in error is left at its default, so the service's
        checks can run on the rest: ``is_valid_with``)."""
        d = self.cleaned_data
        items = list(d.get("items") or [])
        method = d.get("method") or Method.ONSITE
        kwargs = {
            "kind": d.get("kind", ""), "title": d.get("title", ""), "items": items,
            "methods": {i.pk: method for i in items}, "partners": list(d.get("partners") or []),
            "scope": scope_from(d), "strata_by": list(d.get("strata_by") or []), "yearly_cap": d.get("yearly_cap"),
            "exclusion_days": d.get("exclusion_days") or 0, "team_size": d.get("team_size") or 2,
            "plan_entry": d.get("plan_entry"), "starts_on": d.get("starts_on"), "ends_on": d.get("ends_on"),
            "documents": d.get("documents", ""), "targeted_reason": d.get("targeted_reason", ""),
            "targeted_note": d.get("targeted_note", ""), "targets": d.get("targets", "").split(),
        }
        if kwargs["kind"] != TaskKind.TARGETED:
            kwargs["rules"] = {"default": rule_from(d)} if d.get("ratio") is not None else {}
        if kwargs["kind"] == TaskKind.JOINT_RISK and kwargs["rules"]:
            kwargs["rules"]["per_stratum"] = {
                LIST_LAYERS.get(k, k): {**kwargs["rules"]["default"], "ratio": str(d[f"ratio_{k}"] / 100)}
                for k in self.ranges if d.get(f"ratio_{k}") is not None}
        return kwargs

