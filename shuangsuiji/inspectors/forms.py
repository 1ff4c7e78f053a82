"""Forms parse what people type; the rules live in validation.py and services.py."""

from __future__ import annotations

from django import forms

from shuangsuiji.accounts.models import Department, Role, User
from shuangsuiji.common.forms import StyledForm
from shuangsuiji.directory.models import Entity, Township

from .models import Category, DutyStatus, Inspector, InspectorKind
from .services import domain_suggestions
from .validation import InspectorData, split_domains

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_FIELDS = ("kind", "name", "category", "cert_no", "organisation", "id_number", "phone")
OPTIONAL_FIELDS = ("township", "qualification_expires", "user")
RELATIONS = ["本人或近亲属为该主体投资人", "近亲属在该主体任职", "曾在该主体任职（离职未满三年）", "与该主体有经济往来",
             "与该主体负责人有其他利害关系"]


class InspectorForm(StyledForm):
    kind = forms.ChoiceField(label="人员类型", choices=InspectorKind.choices, initial=InspectorKind.OFFICER,
                             widget=forms.RadioSelect)
    name = forms.CharField(label="姓名", max_length=50)
    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.all(), required=False)
    category = forms.ChoiceField(label="人员类别", choices=[("", "—（第三方留空）")] + Category.choices, required=False)
    cert_no = forms.CharField(label="执法证号", max_length=40, required=False,
                              help_text="执法检查人员必填，全区唯一；第三方专家/机构留空。")
    organisation = forms.CharField(label="所属机构（第三方）", max_length=100, required=False,
                                   help_text="第三方专家/机构必填：受委托单位名称（政府购买服务）。")
    domains = forms.MultipleChoiceField(label="可检查领域", required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text="选自本部门已公布抽查事项清单的抽查类别/领域。")
    extra_domains = forms.CharField(label="其他领域", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text="清单之外的领域，每行一个或用顿号分隔。")
    township = forms.ModelChoiceField(label="居住乡镇（街道）", queryset=Township.objects.all(), required=False)
    qualification_expires = forms.DateField(label="执法资格有效期至", required=False, widget=DATE)
    id_number = forms.CharField(label="身份证号", max_length=20, required=False, help_text="个人信息，仅本部门可见。")
    phone = forms.CharField(label="联系电话", max_length=20, required=False, help_text="个人信息，仅本部门可见。")
    user = forms.ModelChoiceField(label="关联登录账号", queryset=User.objects.none(), required=False,
                                  help_text="本部门“执法检查人员”角色的账号，关联后本人可查看自己的记录。")
    status = forms.ChoiceField(label="在岗状态", choices=DutyStatus.choices, initial=DutyStatus.ON_DUTY)
    status_from = forms.DateField(label="状态起始日期", required=False, widget=DATE)
    status_until = forms.DateField(label="状态截止日期", required=False, widget=DATE)

    def __init__(self, *args, department: Department | None, instance: Inspector | None = None,
                 choose_department: bool = False, **kwargs):
        self.instance = instance
        self.fixed_department = department
        if instance is not None and "initial" not in kwargs:
            data = InspectorData.of(instance)
            kwargs["initial"] = {**data.__dict__, "department": instance.department}
        super().__init__(*args, **kwargs)
        if not choose_department:
            del self.fields["department"]
        if instance is not None:
            # Status changes have their own form so each one is recorded with its dates and reason.
            for name in ("status", "status_from", "status_until"):
                del self.fields[name]
        suggestions = domain_suggestions(department)
        current = instance.domains if instance is not None else []
        choices = list(dict.fromkeys(suggestions + current))
        self.fields["domains"].choices = [(d, d) for d in choices]
        linked = Inspector.objects.exclude(user=None).exclude(pk=getattr(instance, "pk", None))
        self.fields["user"].queryset = User.objects.filter(role=Role.INSPECTOR, department=department).exclude(
            pk__in=linked.values("user_id"))

    def to_data(self) -> InspectorData:
        c = self.cleaned_data
        department = c.get("department") or self.fixed_department
        base = InspectorData.of(self.instance) if self.instance is not None else InspectorData(
            name="", department=department)
        changes = {name: c.get(name) or "" for name in TEXT_FIELDS}
        changes.update({name: c.get(name) for name in OPTIONAL_FIELDS})
        if "status" in self.fields:
            changes.update({name: c.get(name) for name in ("status_from", "status_until")}, status=c["status"])
        changes["domains"] = list(c.get("domains") or []) + split_domains(c.get("extra_domains"))
        return base.with_changes(department=department, **changes)


class StatusForm(StyledForm):
    status = forms.ChoiceField(label="在岗状态", choices=DutyStatus.choices)
    starts_on = forms.DateField(label="起始日期", required=False, widget=DATE, help_text="请假、调离必填。")
    ends_on = forms.DateField(label="截止日期", required=False, widget=DATE, help_text="请假必填。")
    reason = forms.CharField(label="说明", max_length=200, required=False)


class ConflictForm(StyledForm):
    entity = forms.ModelChoiceField(label="市场主体", queryset=Entity.objects.all(), widget=forms.HiddenInput,
                                    error_messages={"required": "请先查找并选择市场主体",
                                                    "invalid_choice": "所选市场主体不存在，请重新查找"})
    relation = forms.CharField(label="关系", max_length=50,
                               widget=forms.TextInput(attrs={"list": "relation-options"}))
    reason = forms.CharField(label="事由", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    valid_until = forms.DateField(label="截止日期", required=False, widget=DATE, help_text="留空表示长期。")


class EndConflictForm(StyledForm):
    ends_on = forms.DateField(label="截止日期", widget=DATE)


class ImportForm(StyledForm):
    file = forms.FileField(label="人员名单文件", help_text="CSV 或 Excel（.xlsx、.xls），第一行为表头，可先下载模板。")
    department = forms.ModelChoiceField(label="导入到部门", queryset=Department.objects.all(), required=False,
                                        help_text="留空时按每行的“所属部门”列导入。")

    def __init__(self, *args, choose_department: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control",
                                                 "accept": ".csv,.xlsx,.xls,text/csv"})
        if not choose_department:
            del self.fields["department"]
