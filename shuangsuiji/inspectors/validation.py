"""Checks on one inspector record, answered in Chinese per field (forms, API and imports share them)."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field, replace

from stdnum.cn import ric

from shuangsuiji.accounts.models import Department, Role, User
from shuangsuiji.directory.models import Township

from .models import Category, DutyStatus, Inspector, InspectorKind

# Field → the Chinese label used in messages and import reports.
LABELS = {
    "name": "姓名",
    "department": "所属部门",
    "kind": "人员类型",
    "category": "人员类别",
    "cert_no": "执法证号",
    "organisation": "所属机构",
    "domains": "可检查领域",
    "status": "在岗状态",
    "status_from": "状态起始日期",
    "status_until": "状态截止日期",
    "township": "居住乡镇",
    "qualification_expires": "执法资格有效期至",
    "id_number": "身份证号",
    "phone": "联系电话",
    "user": "登录账号",
    "username": "账号名",
}

# Shandong certificates read like "鲁菏定1200001"; other issuers differ, so only the shape is checked.
CERT_RE = re.compile(r"^[\u4e00-\u9fa5A-Z0-9-]{6,30}$")
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
DOMAIN_SPLIT_RE = re.compile(r"[、；;，,\n\r|/]+")


def compact(raw: str | None) -> str:
    """Full-width characters, spaces and lower case are what spreadsheets add to numbers."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"\s+", "", text).upper()


def split_domains(raw: str | list[str] | None) -> list[str]:
    """Domains from a list or a text separated by 、；，/ or new lines; blanks and repeats dropped."""
    parts = raw if isinstance(raw, list) else DOMAIN_SPLIT_RE.split(raw or "")
    out: list[str] = []
    for part in parts:
        text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(part))).strip()
        if text and text not in out:
            out.append(text)
    return out


@dataclass
class InspectorData:
    """Everything a person enters for one inspector; ``status*`` apply on create and on explicit change."""

    name: str
    department: Department | None
    kind: str = InspectorKind.OFFICER
    category: str = ""
    cert_no: str = ""
    organisation: str = ""
    domains: list[str] = field(default_factory=list)
    township: Township | None = None
    qualification_expires: datetime.date | None = None
    id_number: str = ""
    phone: str = ""
    user: User | None = None
    status: str = DutyStatus.ON_DUTY
    status_from: datetime.date | None = None
    status_until: datetime.date | None = None

    @classmethod
    def of(cls, inspector: Inspector) -> InspectorData:
        return cls(
            name=inspector.name, department=inspector.department, kind=inspector.kind,
            category=inspector.category, cert_no=inspector.cert_no or "", organisation=inspector.organisation,
            domains=inspector.domains, township=inspector.township,
            qualification_expires=inspector.qualification_expires, id_number=inspector.id_number,
            phone=inspector.phone, user=inspector.user, status=inspector.status,
            status_from=inspector.status_from, status_until=inspector.status_until,
        )

    def with_changes(self, **changes) -> InspectorData:
        return replace(self, **changes)


def check_id_number(raw: str) -> str | None:
    """None when valid. stdnum's ``cn.ric`` also demands a birthplace from its own table, which lacks
    菏泽 codes (371702, 371703, 371727), so only the shape, birth date and check digit are checked here."""
    if len(raw) != 18:
        return f"身份证号应为18位，实际为{len(raw)}位"
    if not raw[:17].isdigit() or not (raw[17].isdigit() or raw[17] == "X"):
        return "身份证号前17位应为数字，最后一位为数字或X"
    if not 11 <= int(raw[:2]) <= 82:
        return f"身份证号前两位省级代码“{raw[:2]}”无效"
    try:
        born = ric.get_birth_date(raw)
    except Exception:
        return "身份证号中的出生日期无效"
    if born > datetime.date.today() or born.year < 1900:
        return "身份证号中的出生日期无效"
    if ric.calc_check_digit(raw) != raw[17]:
        return f"身份证号校验码应为“{ric.calc_check_digit(raw)}”，实际为“{raw[17]}”"
    return None


def check_status(status: str, start: datetime.date | None, end: datetime.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if status not in DutyStatus.values:
        errors["status"] = "在岗状态应为“在岗”“请假”或“调离”"
    elif status == DutyStatus.LEAVE:
        if start is None:
            errors["status_from"] = "请假须填写起始日期"
        if end is None:
            errors["status_until"] = "请假须填写截止日期"
    elif status == DutyStatus.TRANSFERRED and start is None:
        errors["status_from"] = "调离须填写调离日期"
    if start and end and end < start:
        errors["status_until"] = "截止日期不能早于起始日期"
    return errors


def clean(data: InspectorData, instance: Inspector | None = None) -> tuple[InspectorData, dict[str, str]]:
    """The normalised record and the field errors (empty when it may be saved)."""
    errors: dict[str, str] = {}
    data = data.with_changes(
        name=re.sub(r"\s+", "", data.name or ""),
        cert_no=compact(data.cert_no),
        organisation=(data.organisation or "").strip(),
        domains=split_domains(data.domains),
        id_number=compact(data.id_number),
        phone=re.sub(r"[\s\u3000]", "", unicodedata.normalize("NFKC", data.phone or "")),
    )
    if not data.name:
        errors["name"] = "姓名不能为空"
    elif len(data.name) > 50:
        errors["name"] = "姓名不能超过50个字"
    if data.department is None:
        errors["department"] = "请选择所属部门"
    if data.kind == InspectorKind.OFFICER:
        _check_officer(data, instance, errors)
        data = data.with_changes(organisation="")
    elif data.kind == InspectorKind.THIRD_PARTY:
        _check_third_party(data, errors)
    else:
        errors["kind"] = "人员类型应为“执法检查人员”或“第三方专家/机构”"
    for domain in data.domains:
        if len(domain) > 200:
            errors["domains"] = f"可检查领域“{domain[:20]}…”超过200个字"
    if data.id_number and (msg := check_id_number(data.id_number)):
        errors["id_number"] = msg
    if data.phone and not PHONE_RE.match(data.phone):
        errors["phone"] = "联系电话应为11位手机号或带区号的固定电话（如0530-1234567）"
    if data.user is not None:
        _check_user(data, instance, errors)
    errors.update(check_status(data.status, data.status_from, data.status_until))
    return data, errors


def _check_officer(data: InspectorData, instance: Inspector | None, errors: dict[str, str]) -> None:
    if not data.category:
        errors["category"] = "执法检查人员须选择人员类别（行政执法类公务员、具有执法资格人员或日常监管人员）"
    elif data.category not in Category.values:
        errors["category"] = "人员类别应为行政执法类公务员、具有执法资格人员或日常监管人员"
    if not data.cert_no:
        errors["cert_no"] = "执法检查人员须填写执法证号"
    elif not CERT_RE.match(data.cert_no) or sum(ch.isdigit() for ch in data.cert_no) < 4:
        errors["cert_no"] = f"执法证号“{data.cert_no}”格式不正确：应为6–30位汉字、字母或数字，且至少含4位数字"
    elif msg := cert_clash(data.cert_no, instance):
        errors["cert_no"] = msg


def _check_third_party(data: InspectorData, errors: dict[str, str]) -> None:
    if data.cert_no:
        errors["cert_no"] = "第三方专家/机构不是执法人员，不能登记执法证号"
    if data.category:
        errors["category"] = "第三方专家/机构不属于执法人员类别，人员类别应留空"
    if data.qualification_expires:
        errors["qualification_expires"] = "第三方专家/机构没有执法资格，执法资格有效期应留空"
    if not data.organisation:
        errors["organisation"] = "第三方专家/机构须填写所属机构（单位）名称"
    elif len(data.organisation) > 100:
        errors["organisation"] = "所属机构名称不能超过100个字"


def _check_user(data: InspectorData, instance: Inspector | None, errors: dict[str, str]) -> None:
    user = data.user
    if user.role != Role.INSPECTOR or user.department_id != getattr(data.department, "pk", None):
        errors["user"] = "只能关联本部门“执法检查人员”角色的登录账号"
        return
    taken = Inspector.objects.filter(user=user).exclude(pk=getattr(instance, "pk", None)).first()
    if taken is not None:
        errors["user"] = f"登录账号“{user.username}”已关联{taken.department.name}的人员“{taken.name}”"


def cert_clash(cert_no: str, instance: Inspector | None = None) -> str | None:
    """The Chinese message when another inspector already holds ``cert_no``, naming that department."""
    holder = Inspector.objects.select_related("department").filter(cert_no=cert_no)
    if instance is not None and instance.pk:
        holder = holder.exclude(pk=instance.pk)
    other = holder.first()
    if other is None:
        return None
    return f"执法证号“{cert_no}”已登记在{other.department.name}名下，同一执法证号不能重复登记"
