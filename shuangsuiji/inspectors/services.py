"""Every write to the inspector directory: one transaction each, with its audit event."""

from __future__ import annotations

import datetime
import re
import secrets
import string

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from shuangsuiji.accounts.models import Department, Role, User
from shuangsuiji.common import audit
from shuangsuiji.common.errors import Forbidden, Refused, WrongState
from shuangsuiji.directory.models import Entity
from shuangsuiji.items.models import InspectionItem

from .models import Conflict, DutyStatus, Inspector, InspectorKind, Qualification, StatusChange
from .validation import LABELS, InspectorData, cert_clash, check_status, clean

STATUS_FIELDS = ("status", "status_from", "status_until")
RECORD_FIELDS = ("name", "department", "kind", "category", "organisation", "township", "qualification_expires",
                 "id_number", "phone", "user")


class InspectorError(Refused):
    """Wrong input for an inspector or a conflict: ``errors`` maps each field to its problem, and the message
    names them with their labels (who acts is refused with the common ``Forbidden``)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{LABELS.get(f, f)}：{m}" for f, m in errors.items()), errors)


def _require_manager(actor, department: Department | None) -> None:
    if not actor.manages(department):
        raise Forbidden("只能管理本部门的执法检查人员。")


def _snapshot(inspector: Inspector) -> dict:
    data = audit.snapshot(inspector)
    data["domains"] = inspector.domains
    return data


def _save(inspector: Inspector) -> None:
    """Save, turning a concurrent duplicate certificate into the same message the checks give."""
    try:
        with transaction.atomic():
            inspector.save()
    except IntegrityError:
        if inspector.cert_no and (msg := cert_clash(inspector.cert_no, inspector)):
            raise InspectorError({"cert_no": msg}) from None
        raise


def _apply(inspector: Inspector, data: InspectorData) -> None:
    for name in RECORD_FIELDS:
        setattr(inspector, name, getattr(data, name))
    inspector.cert_no = data.cert_no or None


def _set_domains(inspector: Inspector, domains: list[str]) -> None:
    current = set(inspector.qualifications.values_list("domain", flat=True))
    inspector.qualifications.exclude(domain__in=domains).delete()
    Qualification.objects.bulk_create(
        [Qualification(inspector=inspector, domain=d) for d in domains if d not in current]
    )


def _record_status(actor, inspector: Inspector, reason: str = "") -> StatusChange:
    return StatusChange.objects.create(
        inspector=inspector, status=inspector.status,
        starts_on=inspector.status_from or datetime.date.today(), ends_on=inspector.status_until,
        reason=reason[:200], recorded_by=actor if getattr(actor, "pk", None) else None,
    )


def _validated(data: InspectorData, instance: Inspector | None = None) -> InspectorData:
    data, errors = clean(data, instance)
    if errors:
        raise InspectorError(errors)
    return data


@transaction.atomic
def create_inspector(actor, data: InspectorData) -> Inspector:
    """Add an officer or a third-party expert to a department's directory."""
    _require_manager(actor, data.department)
    data = _validated(data)
    inspector = Inspector(status=data.status, status_from=data.status_from, status_until=data.status_until)
    _apply(inspector, data)
    _save(inspector)
    _set_domains(inspector, data.domains)
    if inspector.status != DutyStatus.ON_DUTY or inspector.status_from:
        _record_status(actor, inspector, "登记时的在岗状态")
    audit.record(actor, "inspectors.create", inspector, after=_snapshot(inspector),
                 summary=f"登记{inspector.get_kind_display()}：{inspector.name}")
    return inspector


@transaction.atomic
def update_inspector(actor, inspector: Inspector, data: InspectorData, *, status_reason: str = "") -> Inspector:
    """Change a record; a changed duty status is kept in the status history with its dates."""
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    _require_manager(actor, inspector.department)
    if data.department is not None and data.department.pk != inspector.department_id:
        # Moving someone to another department is a transfer out here and a new record there.
        raise InspectorError({"department": "不能直接改变所属部门：请将本记录设为“调离”，再由新部门登记"})
    data = _validated(data, inspector)
    before = _snapshot(inspector)
    status_changed = any(getattr(inspector, f) != getattr(data, f) for f in STATUS_FIELDS)
    _apply(inspector, data)
    for name in STATUS_FIELDS:
        setattr(inspector, name, getattr(data, name))
    _save(inspector)
    _set_domains(inspector, data.domains)
    if status_changed:
        _record_status(actor, inspector, status_reason)
    audit.record(actor, "inspectors.update", inspector, before=before, after=_snapshot(inspector),
                 summary=f"修改执法检查人员信息：{inspector.name}")
    return inspector


@transaction.atomic
def change_status(actor, inspector: Inspector, *, status: str, starts_on: datetime.date | None,
                  ends_on: datetime.date | None = None, reason: str = "") -> Inspector:
    """Put someone on duty, on leave (from–until) or transferred (from), recording the dates."""
    inspector = Inspector.objects.select_for_update().get(pk=inspector.pk)
    _require_manager(actor, inspector.department)
    if status == DutyStatus.ON_DUTY:
        ends_on = None
    errors = check_status(status, starts_on, ends_on)
    if errors:
        raise InspectorError(errors)
    before = _snapshot(inspector)
    inspector.status, inspector.status_from, inspector.status_until = status, starts_on, ends_on
    inspector.save(update_fields=["status", "status_from", "status_until", "updated_at"])
    _record_status(actor, inspector, reason)
    audit.record(actor, "inspectors.status", inspector, before=before, after=_snapshot(inspector),
                 summary=f"{inspector.name}：{inspector.status_text}" + (f"，{reason}" if reason else ""))
    return inspector


def _can_declare(actor, inspector: Inspector) -> bool:
    """Admins declare for their department; an inspector may declare their own conflict (申请回避)."""
    return actor.manages(inspector.department) or (inspector.user_id is not None and inspector.user_id == actor.pk)


@transaction.atomic
def declare_conflict(actor, inspector: Inspector, *, entity: Entity | None, relation: str, reason: str = "",
                     valid_from: datetime.date | None, valid_until: datetime.date | None = None) -> Conflict:
    """Record that ``inspector`` must not inspect ``entity`` during the period (回避)."""
    if not _can_declare(actor, inspector):
        raise Forbidden("只能为本部门人员或本人登记回避关系。")
    relation, reason = (relation or "").strip(), (reason or "").strip()
    errors: dict[str, str] = {}
    if entity is None:
        errors["entity"] = "请选择市场主体（按统一社会信用代码或名称查找）"
    if not relation:
        errors["relation"] = "请填写与该市场主体的关系"
    elif len(relation) > 50:
        errors["relation"] = "关系不能超过50个字"
    if len(reason) > 300:
        errors["reason"] = "事由不能超过300个字"
    if valid_from is None:
        errors["valid_from"] = "请填写起始日期"
    elif valid_until is not None and valid_until < valid_from:
        errors["valid_until"] = "截止日期不能早于起始日期"
    if not errors:
        overlapping = Conflict.objects.filter(inspector=inspector, entity=entity).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
        if valid_until is not None:
            overlapping = overlapping.filter(valid_from__lte=valid_until)
        if overlapping.exists():
            errors["entity"] = f"{inspector.name}与“{entity.name}”在该期间已登记回避关系，无需重复登记"
    if errors:
        raise InspectorError(errors)
    conflict = Conflict.objects.create(inspector=inspector, entity=entity, relation=relation, reason=reason,
                                       valid_from=valid_from, valid_until=valid_until, declared_by=actor)
    audit.record(actor, "inspectors.conflict_declare", conflict, after=audit.snapshot(conflict),
                 department=inspector.department, summary=f"登记回避：{inspector.name} ↔ {entity.name}（{relation}）")
    return conflict


@transaction.atomic
def end_conflict(actor, conflict: Conflict, *, ends_on: datetime.date | None = None) -> Conflict:
    """Close a conflict from a date on; the record stays for the whole-process record."""
    conflict = Conflict.objects.select_for_update().select_related("inspector__department", "entity").get(
        pk=conflict.pk)
    _require_manager(actor, conflict.inspector.department)
    ends_on = ends_on or datetime.date.today()
    if ends_on < conflict.valid_from:
        raise InspectorError({"valid_until": "截止日期不能早于该回避关系的起始日期"})
    if conflict.valid_until is not None and conflict.valid_until <= ends_on:
        raise InspectorError({"valid_until": f"该回避关系已于{conflict.valid_until:%Y-%m-%d}截止"})
    before = audit.snapshot(conflict)
    conflict.valid_until = ends_on
    conflict.save(update_fields=["valid_until"])
    audit.record(actor, "inspectors.conflict_end", conflict, before=before, after=audit.snapshot(conflict),
                 department=conflict.inspector.department,
                 summary=f"回避关系截止：{conflict.inspector.name} ↔ {conflict.entity.name}，至{ends_on:%Y-%m-%d}")
    return conflict


def domain_suggestions(department: Department | None) -> list[str]:
    """Categories (抽查类别/领域) of the department's published items, then domains already in use there."""
    if department is None:
        return []
    mine = Q(department=department) | Q(item_list__department=department) | Q(lead_department=department) | Q(
        partner_departments=department)
    categories = (InspectionItem.objects.published().filter(mine).order_by("category")
                  .values_list("category", flat=True).distinct())
    out = list(dict.fromkeys(c.strip() for c in categories if c.strip()))
    used = (Qualification.objects.filter(inspector__department=department).order_by("domain")
            .values_list("domain", flat=True).distinct())
    out.extend(d for d in used if d not in out)
    return out


def is_officer_team(inspectors: list[Inspector]) -> bool:
    """At least two law-enforcement officers (行政处罚法 §42, §55); third parties do not count."""
    return sum(1 for i in inspectors if i.kind == InspectorKind.OFFICER) >= 2


@transaction.atomic
def import_roster(actor, planned: list, *, source: str = "") -> tuple[int, int]:
    """Write checked roster rows (see importer.check_rows): all of them or, on any refusal, none."""
    created = updated = 0
    for item in planned:
        try:
            if item.instance is None:
                create_inspector(actor, item.data)
                created += 1
            else:
                update_inspector(actor, item.instance, item.data, status_reason="名单导入")
                updated += 1
        except InspectorError as exc:
            raise RowRefused(item.row, exc) from exc
    audit.record(actor, "inspectors.import", None, department=getattr(actor, "department", None),
                 summary=f"导入执法检查人员名单{source}：新增{created}人，更新{updated}人")
    return created, updated


class RowRefused(Refused):
    """A row that passed the checks but was refused on writing (someone changed the data meanwhile); nothing
    was imported, and ``report`` names the row's problems as the import's error table does."""

    def __init__(self, row: int, error: InspectorError):
        super().__init__(f"第{row}行写入时被拒绝，未导入任何人员。")
        details = [{"row": row, "column": LABELS.get(f, f), "message": m} for f, m in error.errors.items()]
        self.report = {"errors": details, "error_count": len(details)}


USERNAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{2,29}$")


def initial_password(user) -> str:
    """A random first password that passes the site's password rules (handed over once, changed by its owner)."""
    while True:
        password = (secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase)
                    + secrets.choice(string.digits) + secrets.token_urlsafe(9))
        try:
            password_validation.validate_password(password, user)
        except ValidationError:
            continue
        return password


@transaction.atomic
def create_account(actor, inspector: Inspector, username: str) -> tuple[User, str]:
    """A login for an officer of the actor's department (role 执法检查人员), linked to the record so the
    matching's teams find their visits; returns the user and a first password shown once."""
    inspector = Inspector.objects.select_for_update().select_related("department").get(pk=inspector.pk)
    _require_manager(actor, inspector.department)
    if inspector.user_id:
        raise WrongState(f"{inspector.name}已关联登录账号 {inspector.user.username}。")
    username = (username or "").strip()
    if not USERNAME.match(username):
        raise InspectorError({"username": "账号名为 3–30 个字符，以英文字母开头，只含英文字母、数字和 _ . -。"})
    if User.objects.filter(username__iexact=username).exists():
        raise InspectorError({"username": f"账号名 {username} 已被使用，请换一个。"})
    user = User(username=username, role=Role.INSPECTOR, department=inspector.department, display_name=inspector.name,
                must_change_password=True)
    password = initial_password(user)
    user.set_password(password)
    user.save()
    inspector.user = user
    inspector.save(update_fields=["user", "updated_at"])
    audit.record(actor, "inspectors.account_create", inspector, after={"username": username})
    return user, password


def suggested_username(inspector: Inspector) -> str:
    """A starting point for the account name: the department's code and the certificate number's digits."""
    digits = re.sub(r"[^0-9A-Za-z]", "", inspector.cert_no or "")[-8:] or str(inspector.pk)
    return f"{inspector.department.code}_{digits}".lower()
