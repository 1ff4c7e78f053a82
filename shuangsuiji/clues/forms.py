"""The clue forms: intake (a clue as received) and triage (assign, merge or not accept)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm
from shuangsuiji.directory.models import Industry, Township
from shuangsuiji.plans.forms import ItemChoice, published_items

from .models import CaseType, Outcome, Source, UnlicensedKind


class ClueForm(StyledForm):
    source = forms.ChoiceField(label="来源", choices=Source.choices)
    case_type = forms.ChoiceField(label="线索类别", choices=CaseType.choices, initial=CaseType.GENERAL,
                                  required=False)
    received_on = forms.DateField(label="收到日期", widget=forms.DateInput(attrs={"type": "date"}))
    content = forms.CharField(label="线索内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    uscc = forms.CharField(label="涉及主体的统一社会信用代码（不知道可不填）", required=False, max_length=30)
    entity_name = forms.CharField(label="涉及主体名称（名录中没有时）", required=False, max_length=200)
    township = forms.ModelChoiceField(label="乡镇（街道）", queryset=Township.objects.all(), required=False)
    industry = forms.ModelChoiceField(label="行业（GB/T 4754 大类）", required=False,
                                      queryset=Industry.objects.filter(level="division").order_by("code"))
    items = ItemChoice(label="涉及的抽查事项", queryset=published_items(), required=False)
    complainant = forms.CharField(label="投诉举报人（仅本部门可见）", required=False, max_length=100)
    complainant_phone = forms.CharField(label="联系电话（仅本部门可见）", required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = published_items()


class TriageForm(StyledForm):
    action = forms.ChoiceField(label="分办", choices=[("assign", "分办给承办部门"), ("merge", "并入重复的线索"),
                                                    ("reject", "不予受理")], widget=forms.RadioSelect)
    department = forms.ModelChoiceField(label="承办部门（谁审批、谁监管）", queryset=Department.objects.all(),
                                        required=False)
    into = forms.CharField(label="并入线索编号", required=False, max_length=20)
    note = forms.CharField(label="说明（不予受理须写明理由）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           max_length=2000)


class CheckForm(StyledForm):
    """A targeted check of the business the clue is about."""
    title = forms.CharField(label="任务名称（空 = 定向检查：主体名称）", required=False, max_length=200)
    uscc = forms.CharField(label="被检查主体的统一社会信用代码", required=False, max_length=30)
    items = ItemChoice(label="检查事项（已公布的抽查事项）", queryset=published_items())
    starts_on = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = published_items()


class CaseForm(StyledForm):
    """An 无证无照经营 case referred to the organ the measures name."""
    kind = forms.ChoiceField(label="类别", choices=UnlicensedKind.choices, widget=forms.RadioSelect)
    organ = forms.ModelChoiceField(label="查处机关（无照由市场监管部门查处；无证、无证无照由许可部门查处）",
                                   queryset=Department.objects.all(), required=False)
    note = forms.CharField(label="移送说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label="办理结果", choices=[c for c in Outcome.choices if c[0] != Outcome.REFERRED],
                                widget=forms.RadioSelect)
    closing_note = forms.CharField(label="办结情况（核查了什么、如何处置）", widget=forms.Textarea(attrs={"rows": 3}),
                                   max_length=4000)


class CaseCloseForm(StyledForm):
    result = forms.CharField(label="查处结果（立案查处、责令停止经营、取缔等）", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=4000)


class ImportForm(StyledForm):
    source = forms.ChoiceField(label="线索来源（文件中没有“诉求类型”列时）", choices=Source.choices,
                               initial=Source.COMPLAINT)
    file = forms.FileField(label="线索文件", help_text="CSV 或 Excel（.xlsx、.xls），如 12315 平台导出的投诉举报明细；"
                                                  "须有“登记时间”和“诉求内容”列。")


class RuleForm(StyledForm):
    threshold = forms.IntegerField(label="同类线索达到（条）", min_value=2, max_value=1000)
    window_days = forms.IntegerField(label="统计最近（天）", min_value=7, max_value=730)


class AcceptForm(StyledForm):
    """A proposal turned into a 专项整治联查: the lead department, items and ratio; the scope comes from the clues."""
    department = forms.ModelChoiceField(label="发起部门（牵头）", queryset=Department.objects.none())
    title = forms.CharField(label="任务名称", max_length=200, required=False)
    items = ItemChoice(label="抽查事项（已公布）", queryset=published_items())
    ratio = forms.DecimalField(label="抽取比例（%）", min_value=Decimal("0.01"), max_value=Decimal("100"),
                               decimal_places=2, initial=Decimal("30"))
    minimum = forms.IntegerField(label="至少抽取（户）", min_value=1, initial=1)
    team_size = forms.IntegerField(label="每组执法人员（每个部门，至少 2 人）", min_value=2, max_value=10, initial=2)
    starts_on = forms.DateField(label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(pk__in=[d.pk for d in departments])
        self.fields["items"].queryset = published_items()


class DismissForm(StyledForm):
    note = forms.CharField(label="暂不立项的理由", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
