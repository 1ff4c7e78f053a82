"""Forms for the follow-up decision, its steps and the 免罚清单; results themselves are parsed in views."""

from __future__ import annotations

from django import forms

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm
from shuangsuiji.items.models import InspectionItem

from .models import EvidenceKind, FollowUpKind

DATE = forms.DateInput(attrs={"type": "date"})


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label="后续处置方式", choices=FollowUpKind.choices)
    owner = forms.ModelChoiceField(label="抄告部门（抄告相关部门时必选）", queryset=Department.objects.members(),
                                   required=False)
    due_on = forms.DateField(label="办理期限（空 = 按处置方式默认）", required=False, widget=DATE)
    rectify_deadline = forms.DateField(label="责令改正期限", required=False, widget=DATE)
    case_type = forms.CharField(label="案件类型", max_length=40, required=False)
    judicial_organ = forms.CharField(label="移送机关（如 菏泽市公安局定陶分局）", max_length=100, required=False)
    referral_number = forms.CharField(label="移送文书编号", max_length=60, required=False)
    minor_violation = forms.IntegerField(required=False, widget=forms.HiddenInput)
    education = forms.CharField(label="教育情况（适用免罚清单时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="处置意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpStepForm(forms.Form):
    receipt_number = forms.CharField(label="回执编号", max_length=60, required=False)
    received_on = forms.DateField(label="接收日期", required=False, widget=DATE)
    recheck_on = forms.DateField(label="复查日期", required=False, widget=DATE)
    recheck_result = forms.CharField(label="复查情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    case_number = forms.CharField(label="案件编号", max_length=60, required=False)
    closing_note = forms.CharField(label="办结情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据文件（照片或 PDF）")
    kind = forms.ChoiceField(label="类型", choices=EvidenceKind.choices, initial=EvidenceKind.PHOTO)
    source = forms.CharField(label="出具单位或专家（第三方报告、鉴定结论时必填）", max_length=100, required=False)


class MinorViolationForm(StyledForm):
    behaviour = forms.CharField(label="违法行为", max_length=200)
    keywords = forms.CharField(label="匹配关键词（以顿号或逗号分隔）", max_length=200)
    conditions = forms.CharField(label="免罚条件", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 initial="初次违法、危害后果轻微并及时改正")
    basis = forms.CharField(label="依据", max_length=200, required=False,
                            initial="《中华人民共和国行政处罚法》第三十三条")
    item_code = forms.CharField(label="抽查事项编码（空 = 任何事项）", max_length=12, required=False)

    def clean_item_code(self):
        code = self.cleaned_data["item_code"].strip()
        if not code:
            return None
        item = InspectionItem.objects.published().filter(code=code).first()
        if item is None:
            raise forms.ValidationError(f"已公布的清单中没有编码为 {code} 的事项。")
        return item
