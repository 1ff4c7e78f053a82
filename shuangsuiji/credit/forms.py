"""The scheme form: each factor's points (and for counts the most units counted), the class bounds, the
industry risk of each GB/T 4754 section, and why it changes. Built from ``scoring.FACTORS``."""

from __future__ import annotations

from django import forms

from shuangsuiji.common.forms import StyledForm

from . import scoring
from .importer import KINDS
from .services import LISTS

SECTIONS = "ABCDEFGHIJKLMNOPQRST"
RATIO_PARTS = {"min": "抽取比例下限", "default": "默认比例", "max": "抽取比例上限"}
RATIO_KEYS = [*"ABCDE", *LISTS]  # the classes, then 失信联合惩戒对象 and 守信激励对象
FLAGS = [(k, label) for k, (label, kind) in scoring.FACTORS.items() if kind == "flag"]


class SchemeForm(StyledForm):
    classes = forms.ChoiceField(label="分类", choices=[("ABCD", "A–D 四类"), ("ABCDE", "A–E 五类（E 类直接认定）")])
    bound_A = forms.IntegerField(label="A 类：分值低于", min_value=-1000, max_value=10000)
    bound_B = forms.IntegerField(label="B 类：分值低于", min_value=-1000, max_value=10000)
    bound_C = forms.IntegerField(label="C 类：分值低于（其余为 D 类）", min_value=-1000, max_value=10000)
    direct = forms.MultipleChoiceField(label="直接认定为 E 类的情形（仅五类方案）", choices=FLAGS, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="修订说明（将记入方案版本）", max_length=300)

    def __init__(self, *args, rules: dict, ratios: dict, **kwargs):
        weights = rules.get("weights") or {}
        initial = {"classes": rules.get("classes", "ABCD"), "direct": rules.get("direct") or [],
                   **{f"bound_{k}": v for k, v in (rules.get("thresholds") or {}).items()}}
        for key in scoring.FACTORS:
            spec = weights.get(key) or {}
            initial[f"points_{key}"] = spec.get("points", 0)
            initial[f"cap_{key}"] = spec.get("cap")
        for section in SECTIONS:
            initial[f"risk_{section}"] = (rules.get("industry_risk") or {}).get(section, 0)
        for klass in RATIO_KEYS:
            for part in RATIO_PARTS:
                initial[f"{part}_{klass}"] = (ratios.get(klass) or {}).get(part)
        super().__init__(*args, initial=initial, **kwargs)
        for key, (label, kind) in scoring.FACTORS.items():
            unit = {"count": "每次/件的分值", "flag": "分值", "industry": "行业风险的倍数（1 = 按下表）"}[kind]
            self.fields[f"points_{key}"] = forms.IntegerField(label=f"{label}：{unit}", min_value=-1000,
                                                              max_value=1000)
            if kind == "count":
                self.fields[f"cap_{key}"] = forms.IntegerField(label=f"{label}：最多计", min_value=1,
                                                               required=False)
        for section in SECTIONS:
            self.fields[f"risk_{section}"] = forms.IntegerField(label=f"门类 {section}", min_value=0, max_value=100)
        for klass in RATIO_KEYS:
            name = LISTS.get(klass) or f"{klass} 类"
            for part, words in RATIO_PARTS.items():
                self.fields[f"{part}_{klass}"] = forms.DecimalField(
                    label=f"风险分类联查 {name}{words}（%）", min_value=0, max_value=100, decimal_places=2,
                    required=klass != "E", help_text="仅五类方案" if klass == "E" and part == "min" else "")
        self.order_fields(["classes", "bound_A", "bound_B", "bound_C",
                           *[n for n in self.fields if n.startswith(("points_", "cap_"))],
                           *[f"risk_{s}" for s in SECTIONS],
                           *[f"{part}_{k}" for k in RATIO_KEYS for part in RATIO_PARTS], "direct", "note"])

    def ratios(self) -> dict:
        d = self.cleaned_data
        return {k: {part: str(d.get(f"{part}_{k}")) for part in RATIO_PARTS}
                for k in [*d.get("classes", "ABCD"), *LISTS]
                if all(d.get(f"{part}_{k}") is not None for part in RATIO_PARTS)}

    def rules(self) -> dict:
        d = self.cleaned_data
        weights = {}
        for key, (_label, kind) in scoring.FACTORS.items():
            points = d.get(f"points_{key}") or 0
            if points:
                weights[key] = {"points": points}
                if kind == "count" and d.get(f"cap_{key}"):
                    weights[key]["cap"] = d[f"cap_{key}"]
        return {"classes": d.get("classes", "ABCD"), "weights": weights,
                "thresholds": {k: d.get(f"bound_{k}") for k in "ABC"},
                "industry_risk": {s: d.get(f"risk_{s}") or 0 for s in SECTIONS},
                "direct": list(d.get("direct") or []) if d.get("classes") == "ABCDE" else []}


class FactsImportForm(StyledForm):
    kind = forms.ChoiceField(label="文件类型", choices=list(KINDS.items()), initial="facts",
                             help_text="完整名单：文件中的主体列入该名单，名单上其余主体一律移出。")
    file = forms.FileField(label="信用信息文件", help_text="CSV 或 Excel（.xlsx、.xls），须有“统一社会信用代码”列。")
