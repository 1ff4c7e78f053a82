"""Forms of the directory pages (the entity filter form lives in filters.py, shared with the API)."""

from __future__ import annotations

import io

from django import forms
from django.conf import settings

from shuangsuiji.common.uploads import sniff, text_encoding

from .models import SubLibrary, SubLibraryKind
from .services import parse_codes


class SubLibraryForm(forms.Form):
    """Name, owner and kind of a sub-library; members for a list-based one (pasted or uploaded USCCs)."""

    name = forms.CharField(label="分库名称", max_length=100)
    department = forms.ModelChoiceField(label="所属部门", queryset=None, empty_label=None)
    kind = forms.ChoiceField(label="类型", choices=SubLibraryKind.choices,
                             widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                             initial=SubLibraryKind.RULE)
    description = forms.CharField(label="说明", max_length=300, required=False)
    codes = forms.CharField(label="名单（统一社会信用代码）", required=False,
                            widget=forms.Textarea(attrs={"rows": 6, "placeholder": "每行一个，或用逗号、空格分隔"}),
                            help_text="指定名单时填写；也可上传文件。")
    codes_file = forms.FileField(label="上传名单文件（CSV、TXT 或 Excel）", required=False)

    def __init__(self, *args, library: SubLibrary | None = None, departments=None, **kwargs):
        if library is not None and not args[0]:
            kwargs.setdefault("initial", {
                "name": library.name, "department": library.department, "kind": library.kind,
                "description": library.description,
                "codes": "\n".join(library.members.values_list("uscc", flat=True)[:20000]),
            })
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        for name in ("name", "description", "codes"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        self.fields["department"].widget.attrs["class"] = "form-select"
        self._file_codes: list[str] = []

    def clean_codes_file(self):
        upload = self.cleaned_data.get("codes_file")
        if not upload:
            return upload
        if upload.size > settings.SSJ_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件超过上限 {settings.SSJ_MAX_UPLOAD_BYTES // 1048576} MB。")
        head = upload.read(65536)
        kind = sniff(head)
        upload.seek(0)
        if kind == "xlsx":
            self._file_codes = _xlsx_codes(upload)
        elif kind == "csv":
            self._file_codes = parse_codes(upload.read().decode(text_encoding(head) or "utf-8",
                                                                errors="replace"))
        else:
            raise forms.ValidationError("名单文件须为 CSV、TXT 或 .xlsx 文件。")
        return upload

    def member_codes(self) -> list[str]:
        """Pasted and uploaded codes, in order, without repeats."""
        merged = dict.fromkeys(parse_codes(self.cleaned_data.get("codes", "")) + self._file_codes)
        return list(merged)


def _xlsx_codes(upload) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise forms.ValidationError("无法读取该 Excel 文件。") from exc
    try:
        text = "\n".join(str(cell) for row in book.worksheets[0].iter_rows(values_only=True)
                         for cell in row if cell is not None)
    finally:
        book.close()
    return parse_codes(text)
