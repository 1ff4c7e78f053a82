"""Forms of the joint meeting's composition: a successor in a seat, a new seat, a unit's liaison."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm

from .models import MeetingKind, Member, SeatRole

DATE = forms.DateInput(attrs={"type": "date"})


class SuccessorForm(StyledForm):
    person = forms.CharField(label="继任者姓名", max_length=30)
    post = forms.CharField(label="单位及职务", max_length=200)
    starts_on = forms.DateField(label="起始日期", widget=DATE)
    note = forms.CharField(label="变更说明（如 职务调整）", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class MemberForm(SuccessorForm):
    role = forms.ChoiceField(label="职务", choices=SeatRole.choices, initial=SeatRole.MEMBER)
    department = forms.ModelChoiceField(label="成员单位（召集人可不选）", queryset=Department.objects.all(),
                                        required=False)
    field_order = ["role", "department", "person", "post", "starts_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = "姓名"


class LiaisonForm(StyledForm):
    department = forms.ModelChoiceField(label="成员单位", queryset=Department.objects.members())
    person = forms.CharField(label="联络员姓名", max_length=30)
    post = forms.CharField(label="职务", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=30)
    starts_on = forms.DateField(label="起始日期", widget=DATE)
    note = forms.CharField(label="调整说明（如 工作变动）", max_length=200, required=False)

    def __init__(self, *args, for_office: bool = False, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("starts_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if not for_office:  # a unit files its own liaison
            del self.fields["department"]


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=200)
    held_on = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100, required=False)
    convener = forms.ModelChoiceField(label="召集人", queryset=Member.objects.none())
    invited = forms.ModelMultipleChoiceField(label="邀请参会的非成员单位", required=False,
                                             queryset=Department.objects.filter(is_member=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["convener"].queryset = Member.objects.current().exclude(role=SeatRole.MEMBER)
        self.fields["convener"].label_from_instance = lambda m: f"{m.get_role_display()} {m.person}"


class TopicForm(StyledForm):
    title = forms.CharField(label="议题", max_length=200)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class HeldForm(StyledForm):
    attended = forms.ModelMultipleChoiceField(label="出席单位", queryset=Department.objects.all(),
                                              widget=forms.CheckboxSelectMultiple)


class MinutesForm(StyledForm):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    decisions = forms.CharField(label="议定事项（每行一项：责任单位，完成时限，事项）", required=False,
                                widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class ProgressForm(StyledForm):
    progress = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
    close = forms.BooleanField(label="已办结", required=False)


class ReportForm(StyledForm):
    text = forms.CharField(label="本单位工作情况（开展情况、发现的问题、下一步打算）", max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 6}))
