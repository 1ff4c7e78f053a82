"""Forms for preparing, committing and revealing draws; every message is Chinese and names the field."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

from django import forms
from django.utils import timezone

from shuangsuiji.common.forms import StyledForm
from shuangsuiji.directory.models import EntityType, Industry, SubLibrary, Township
from shuangsuiji.items.models import InspectionItem
from shuangsuiji.lottery import beacon

from .models import LotteryKind, RecusalCategory

STRATA_CHOICES = [("credit_class", "信用风险分类"), ("entity_type", "主体类型"), ("township", "乡镇（街道）"),
                  ("industry_section", "行业门类")]


class DrawForm(StyledForm):
    title = forms.CharField(label="抽取名称", max_length=200)
    purpose = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    items = forms.ModelMultipleChoiceField(label="抽查事项（仅限已公布清单）", queryset=InspectionItem.objects.none(),
                                           required=False, widget=forms.SelectMultiple(attrs={"size": 8}))
    sublibrary = forms.ModelChoiceField(label="名录分库", queryset=SubLibrary.objects.none(), required=False,
                                        empty_label="（不限，全部存续市场主体）")
    entity_type = forms.MultipleChoiceField(label="主体类型", choices=EntityType.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    township = forms.ModelMultipleChoiceField(label="乡镇（街道）", queryset=Township.objects.all(), required=False,
                                              widget=forms.SelectMultiple(attrs={"size": 6}))
    industry_section = forms.ModelMultipleChoiceField(label="行业门类", required=False,
                                                      queryset=Industry.objects.filter(level="section"),
                                                      widget=forms.SelectMultiple(attrs={"size": 6}))
    strata_by = forms.MultipleChoiceField(label="分层抽取依据", choices=STRATA_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    ratio = forms.DecimalField(label="抽取比例（%）", min_value=Decimal("0.01"), max_value=Decimal("100"),
                               decimal_places=2, initial=Decimal("5"))
    rounding = forms.ChoiceField(label="取整方式", choices=[("half_up", "四舍五入"), ("ceil", "向上取整")])
    minimum = forms.IntegerField(label="每层最少抽取户数", min_value=0, initial=1)
    maximum = forms.IntegerField(label="每层最多抽取户数", min_value=1, required=False)
    team_size = forms.IntegerField(label="每组执法人员（每个部门，至少 2 人）", min_value=2, max_value=10, initial=2)
    q = forms.DecimalField(label="单人与单户配对概率上限", min_value=Decimal("0.05"), max_value=Decimal("1"),
                           decimal_places=2, initial=Decimal("0.5"))
    max_targets = forms.IntegerField(label="每名执法人员最多检查户数（空 = 自动）", min_value=1, required=False)
    township_recusal = forms.BooleanField(label="不派居住在检查对象所在乡镇的执法人员", required=False)
    exclusions = forms.CharField(
        label="排除名单（每行：统一社会信用代码 空格 排除理由）", required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "91371703MA3XXXXXXX 本年度已列入专项整治全覆盖检查"}),
    )

    def __init__(self, *args, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = InspectionItem.objects.published().select_related("department").order_by("category", "name")
        libs = SubLibrary.objects.all()
        if department is not None:
            items = items.filter(department=department)
            libs = libs.filter(department=department)
        self.fields["items"].queryset = items
        self.fields["sublibrary"].queryset = libs

    def clean(self):
        data = super().clean()
        if data.get("maximum") is not None and data.get("minimum") is not None and data["maximum"] < data["minimum"]:
            self.add_error("maximum", "每层最多抽取户数不能小于最少户数。")
        return data

    def clean_exclusions(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["exclusions"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            parts = line.split(None, 1)
            if len(parts) < 2:
                raise forms.ValidationError(f"排除名单第 {n} 行缺少排除理由：{line}")
            rows.append({"uscc": parts[0].upper(), "reason": parts[1].strip()})
        return rows

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "title": d["title"], "purpose": d["purpose"], "items": list(d["items"]),
            "scope": scope_from(d), "strata_by": list(d["strata_by"]), "rules": {"default": rule_from(d)},
            "exclusions": d["exclusions"],
            "matching_params": {"team_size": d["team_size"], "q": float(d["q"]), "max_targets": d.get("max_targets"),
                                "township_recusal": bool(d.get("township_recusal"))},
        }


def scope_from(d: dict) -> dict:
    """The scope JSON from a form's sublibrary / entity_type / township / industry_section fields."""
    filters = {}
    if d.get("entity_type"):
        filters["entity_type"] = list(d["entity_type"])
    if d.get("township"):
        filters["township"] = [t.code for t in d["township"]]
    if d.get("industry_section"):
        sections = [s.code for s in d["industry_section"]]
        filters["industry"] = list(
            Industry.objects.filter(parent_id__in=sections, level="division").values_list("code", flat=True))
    return {"sublibrary": d["sublibrary"].pk if d.get("sublibrary") else None, "filters": filters}


def rule_from(d: dict) -> dict:
    """The count rule from a form's ratio (%) / rounding / minimum / maximum fields."""
    rule = {"ratio": str(d["ratio"] / 100), "rounding": d.get("rounding") or "half_up", "minimum": d.get("minimum") or 0}
    if d.get("maximum"):
        rule["maximum"] = d["maximum"]
    return rule


class CommitForm(StyledForm):
    """Which future randomness the draw will use, declared before it exists; witness numbers are rolled now
    and sealed, so nobody can pick them after seeing the pool or a public number."""

    use_drand = forms.BooleanField(label="drand 公共随机信标（quicknet 链）", required=False, initial=True)
    drand_round = forms.IntegerField(label="drand 轮次", min_value=1, required=False)
    use_lottery = forms.BooleanField(label="公开彩票开奖号码", required=False)
    lottery_kind = forms.ModelChoiceField(label="彩票", queryset=LotteryKind.objects.none(), required=False,
                                          empty_label=None)
    lottery_date = forms.DateField(label="开奖日期（须晚于今天，且为开奖日）", required=False)
    use_witness = forms.BooleanField(label="现场见证人号码（如公证员掷骰，承诺时封存）", required=False)
    witness_name = forms.CharField(label="见证人", required=False, initial="区公证处公证员")
    witness_numbers = forms.CharField(label="见证人现场产生的号码（空格分隔，多组用 | 分隔）", required=False,
                                      widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "例如 4 1 6"}))
    witness_min = forms.IntegerField(label="号码最小值", required=False, initial=1, min_value=0, max_value=10**6)
    witness_max = forms.IntegerField(label="号码最大值", required=False, initial=6, min_value=0, max_value=10**6)
    rehearsal = forms.BooleanField(label="演练：只用见证人号码，结果不具约束力，公开标明“演练”", required=False)

    def __init__(self, *args, allow_rehearsal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        soon = timezone.now() + dt.timedelta(minutes=10)
        self.fields["drand_round"].initial = beacon.first_round_after("quicknet", soon.timestamp())
        self.fields["lottery_kind"].queryset = LotteryKind.objects.filter(active=True)
        self.fields["lottery_date"].initial = timezone.localdate() + dt.timedelta(days=1)
        if not allow_rehearsal:
            del self.fields["rehearsal"]

    def clean(self):
        from .services import DrawServiceError, lottery_declaration

        d = super().clean()
        sources = []
        if d.get("use_drand"):
            if not d.get("drand_round"):
                self.add_error("drand_round", "请填写 drand 轮次。")
            else:
                sources.append({"type": "drand", "chain": "quicknet", "round": d["drand_round"]})
        if d.get("use_lottery"):
            if not d.get("lottery_date") or not d.get("lottery_kind"):
                self.add_error("lottery_date", "请选择彩票并填写开奖日期。")
            else:
                try:
                    sources.append(lottery_declaration(d["lottery_kind"], d["lottery_date"]))
                except DrawServiceError as exc:
                    self.add_error("lottery_date", str(exc))
        if d.get("use_witness"):
            low, high = d.get("witness_min"), d.get("witness_max")
            low, high = (1 if low is None else low), (6 if high is None else high)
            try:
                numbers = parse_numbers(d.get("witness_numbers") or "", "见证人号码")
            except forms.ValidationError as exc:
                self.add_error("witness_numbers", exc)
                numbers = []
            if high < low:
                self.add_error("witness_max", "号码最大值不能小于最小值。")
            elif numbers and not all(numbers):
                self.add_error("witness_numbers", "请填写见证人现场产生的号码，例如三颗骰子：4 1 6。")
            elif numbers:
                bad = [n for g in numbers for n in g if not low <= n <= high]
                if bad:
                    self.add_error("witness_numbers", f"见证人号码 {bad[0]} 超出范围 {low}–{high}。")
                else:
                    sources.append({"type": "witness", "name": d.get("witness_name") or "现场见证人",
                                    "shape": [len(g) for g in numbers], "ranges": [[low, high]] * len(numbers),
                                    "numbers": numbers})
        if not sources and not self.errors:
            raise forms.ValidationError("至少选择一个将来才会产生的随机源。")
        d["sources"] = sources
        d["rehearsal"] = bool(d.get("rehearsal"))
        return d


def parse_numbers(text: str, label: str) -> list[list[int]]:
    """'3 7 12 19 25 31 | 9' → [[3, 7, 12, 19, 25, 31], [9]]."""
    groups = []
    for part in text.split("|"):
        try:
            groups.append([int(x) for x in re.split(r"[,，\s]+", part.strip()) if x][:100])
        except ValueError:
            raise forms.ValidationError(f"{label}：号码只能是整数，组与组之间用 | 分隔") from None
    return groups


class RevealForm(StyledForm):
    """One field per declared source, in the declared order."""

    def __init__(self, *args, declared: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.declared = declared
        for i, decl in enumerate(declared):
            if decl["type"] == "witness":
                continue  # sealed at commit; the reveal opens the seal, nobody types them again
            if decl["type"] == "drand":
                self.fields[f"s{i}"] = forms.CharField(
                    label=f"drand {decl['chain']} 第 {decl['round']} 轮的 JSON（粘贴或上传）", required=False,
                    widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}))
                self.fields[f"f{i}"] = forms.FileField(label="或上传轮次 JSON 文件", required=False)
            else:
                shape = "、".join(str(n) for n in decl["shape"])
                self.fields[f"s{i}"] = forms.CharField(
                    label=f"{decl['name']}的号码（{len(decl['shape'])} 组，每组 {shape} 个，组间用 | 分隔）")

    def clean(self):
        d = super().clean()
        revealed = []
        for i, decl in enumerate(self.declared):
            if decl["type"] == "witness":
                continue
            if decl["type"] == "drand":
                try:
                    revealed.append(read_round(d.get(f"f{i}"), d.get(f"s{i}")))
                except forms.ValidationError as exc:
                    self.add_error(f"s{i}", exc)
            else:
                try:
                    revealed.append({"numbers": parse_numbers(d.get(f"s{i}") or "", decl["name"])})
                except forms.ValidationError as exc:
                    self.add_error(f"s{i}", exc)
        d["revealed"] = revealed
        return d


def read_round(upload, pasted: str | None) -> dict:
    """A drand round uploaded or pasted, as the beacon's own fields (refused in words if not a round)."""
    text = upload.read(65536).decode("utf-8", "replace") if upload else (pasted or "")
    try:
        value = _small_json(text)
    except (ValueError, RecursionError):
        raise forms.ValidationError("drand 轮次内容不是合法的 JSON。") from None
    if not isinstance(value, dict):
        raise forms.ValidationError("drand 轮次内容应为 JSON 对象（含 round、randomness、signature）。")
    return beacon.round_fields(value)


def _small_json(text: str):
    """A drand round is a few hundred bytes of flat JSON. Refuse anything large or deeply nested before
    parsing: py_ecc raises the recursion limit, and deep nesting could then exhaust the C stack."""
    if len(text) > 8192:
        raise ValueError("too large")
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > 4:
        raise ValueError("too deep")
    return json.loads(text)


class VoidForm(StyledForm):
    reason = forms.CharField(label="作废理由（将向社会公开）", min_length=5, widget=forms.Textarea(attrs={"rows": 2}))


class RecusalForm(StyledForm):
    applicant = forms.ChoiceField(label="申请方", choices=[("inspector", "执法人员自行申请"), ("business", "检查对象申请")])
    category = forms.ChoiceField(label="回避类别（公开）", choices=RecusalCategory.choices, required=False,
                                 initial=RecusalCategory.APPLICATION)

    def clean_category(self):
        return self.cleaned_data["category"] or RecusalCategory.OTHER
    reason = forms.CharField(label="理由（内部）", widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(StyledForm):
    approve = forms.ChoiceField(label="决定", choices=[
        ("1", "同意回避（替换人员由决定后才产生的 drand 随机数抽取）"), ("0", "不予回避")])
    reason = forms.CharField(label="决定理由", widget=forms.Textarea(attrs={"rows": 2}))


class ReplacementForm(StyledForm):
    """The declared drand round's JSON, once it is public: it draws the replacement."""

    round_json = forms.CharField(label="drand 轮次 JSON（粘贴或上传）", required=False,
                                 widget=forms.Textarea(attrs={"rows": 3, "class": "font-monospace"}))
    round_file = forms.FileField(label="或上传轮次 JSON 文件", required=False)

    def clean(self):
        d = super().clean()
        d["revealed"] = read_round(d.get("round_file"), d.get("round_json"))
        return d


class LotteryKindForm(forms.ModelForm):
    """The office keeps the lottery schedule table current (draw days and times change now and then)."""

    shape_text = forms.CharField(label="每组号码个数（逗号分隔，如 6,1）")
    ranges_text = forms.CharField(label="每组号码范围（如 1-33,1-16）")
    weekdays = forms.TypedMultipleChoiceField(label="开奖日", coerce=int, widget=forms.CheckboxSelectMultiple,
                                              choices=[(i, f"周{d}") for i, d in enumerate("一二三四五六日", start=1)])
    margin_minutes = forms.IntegerField(label="开奖后核对时间（分钟，至少 15）", min_value=15, max_value=24 * 60)

    class Meta:
        model = LotteryKind
        fields = ["name", "distinct", "weekdays", "draw_time", "margin_minutes", "active"]
        widgets = {"draw_time": forms.TimeInput(attrs={"type": "time"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["shape_text"].initial = ",".join(map(str, self.instance.shape))
            self.fields["ranges_text"].initial = ",".join(f"{lo}-{hi}" for lo, hi in self.instance.ranges)
        self.order_fields(["name", "shape_text", "ranges_text"])

    def clean_shape_text(self):
        try:
            shape = [int(x) for x in re.split(r"[,，\s]+", self.cleaned_data["shape_text"].strip()) if x]
        except ValueError:
            raise forms.ValidationError("每组号码个数应为用逗号分隔的正整数，例如 6,1。") from None
        if not shape or any(n < 1 or n > 20 for n in shape):
            raise forms.ValidationError("每组号码个数应为 1 到 20 之间的整数，例如 6,1。")
        return shape

    def clean_ranges_text(self):
        ranges = []
        for part in re.split(r"[,，\s]+", self.cleaned_data["ranges_text"].strip()):
            match = re.fullmatch(r"(\d{1,4})[-–~～](\d{1,4})", part)
            if not match or int(match[1]) > int(match[2]):
                raise forms.ValidationError(f"号码范围「{part}」应写成 最小值-最大值，例如 1-33。")
            ranges.append([int(match[1]), int(match[2])])
        return ranges

    def clean(self):
        d = super().clean()
        shape, ranges = d.get("shape_text"), d.get("ranges_text")
        if shape and ranges:
            if len(shape) != len(ranges):
                self.add_error("ranges_text", f"有 {len(shape)} 组号码，就要写 {len(shape)} 个范围。")
            elif d.get("distinct") and any(hi - lo + 1 < n for n, (lo, hi) in zip(shape, ranges, strict=True)):
                self.add_error("ranges_text", "组内号码不重复时，范围内的号码个数不能少于每组个数。")
        if not d.get("weekdays"):
            self.add_error("weekdays", "请至少选择一个开奖日。")
        return d
