"""Forms of the item-list pages; they validate input, the services decide and write."""

from __future__ import annotations

from django import forms

from shuangsuiji.accounts.models import Department
from shuangsuiji.common.forms import StyledForm, StyledModelForm

from .models import InspectionItem, ItemClass, ItemList, Level, ListKind, ListStatus


class ImportForm(StyledForm):
    file = forms.FileField(label="清单文件", help_text="支持 .xlsx、.xls 和 CSV（UTF-8 或 GB18030 编码）。"
                           "表头可在前 10 行内，合并单元格按“同上”处理。")
    kind = forms.ChoiceField(label="清单类型", choices=ListKind.choices, initial=ListKind.RANDOM)
    level = forms.ChoiceField(label="实施层级", choices=Level.choices, initial=Level.PROVINCE)
    department = forms.ModelChoiceField(
        label="代哪个部门导入", queryset=Department.objects.members(), required=False,
        empty_label="按“编制单位”分配到各部门",
        help_text="留空时，每个编制单位的事项进入对应部门的新草稿；选择部门时，其他单位的行会被跳过并列出。",
    )
    note = forms.CharField(label="版本说明", max_length=500, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "例如：依据2020年版省级清单更新"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None or not user.is_office:
            # A department admin imports for their own department only; the service checks it again.
            del self.fields["department"]
            self.fields["kind"].choices = [(ListKind.RANDOM.value, ListKind.RANDOM.label)]
        file_input = self.fields["file"].widget
        file_input.attrs["accept"] = ".xlsx,.xls,.csv,text/csv"

    def scope(self) -> Department | None:
        if self.user is not None and not self.user.is_office:
            return self.user.department
        return self.cleaned_data.get("department")


class ItemForm(StyledModelForm):
    class Meta:
        model = InspectionItem
        fields = ["seq", "category", "name", "object_type", "item_class", "methods", "body", "basis", "ratio_cap",
                  "lead_text", "partner_text"]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 3}),
            "basis": forms.Textarea(attrs={"rows": 4}),
            "object_type": forms.TextInput(),
        }
        help_texts = {"ratio_cap": "仅一般检查事项可设，0 < 上限 ≤ 100；重点检查事项不设上限。"}

    def __init__(self, *args, item_list: ItemList, **kwargs):
        super().__init__(*args, **kwargs)
        if not item_list.is_joint:
            del self.fields["lead_text"]
            del self.fields["partner_text"]
        else:
            self.fields["lead_text"].required = True
        self.fields["item_class"].choices = ItemClass.choices

    def _post_clean(self):
        # Model validation (lengths, choices) is the service's job, so the page and the API agree.
        pass


class RatioCapForm(StyledForm):
    cap = forms.DecimalField(label="抽查比例上限（%）", min_value=0, max_value=100, decimal_places=2,
                             required=False, help_text="留空表示清除上限。")
    only_blank = forms.BooleanField(label="只设置尚未设置上限的事项", required=False)


class NewVersionForm(StyledForm):
    note = forms.CharField(label="版本说明", max_length=500, required=False)


class ListFilterForm(forms.Form):
    department = forms.ModelChoiceField(label="部门", queryset=Department.objects.all(), required=False,
                                        empty_label="全部部门", to_field_name="code")
    level = forms.ChoiceField(label="层级", choices=[("", "全部层级"), *Level.choices], required=False)
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *ListKind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *ListStatus.choices], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound in self.visible_fields():
            bound.field.widget.attrs.update({"class": "form-select form-select-sm", "data-autosubmit": ""})
