"""The clue forms: intake (a clue as received) and triage (assign, merge or not accept)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm
from shuangsuiji.directory.models import Industry, Township
from shuangsuiji.plans.forms import ItemChoice, published_items

from .models import Source


class ClueForm(StyledForm):
    source = forms.ChoiceField(label="来源", choices=Source.choices)
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
