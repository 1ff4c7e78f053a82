"""The inspector directory (执法检查人员名录库) and declared conflicts of interest (回避)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from shuangsuiji.accounts.models import Role


class InspectorKind(models.TextChoices):
    OFFICER = "officer", "执法检查人员"
    THIRD_PARTY = "third_party", "第三方专家/机构（政府购买服务）"


class Category(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", "行政执法类公务员"
    QUALIFIED = "qualified", "具有执法资格人员"
    DAILY = "daily", "日常监管人员"


class DutyStatus(models.TextChoices):
    ON_DUTY = "on_duty", "在岗"
    LEAVE = "leave", "请假"
    TRANSFERRED = "transferred", "调离"


class InspectorQuerySet(models.QuerySet):
    def officers(self):
        """Only law-enforcement officers; third parties assist but never count (行政处罚法 §42)."""
        return self.filter(kind=InspectorKind.OFFICER)

    def for_department(self, department):
        return self.filter(department=department)

    def listed_for(self, user):
        """What a user's list shows: all (office, leader), own department (admin), own record (inspector)."""
        if user.sees_all_departments:
            return self
        if user.effective_role == Role.DEPT_ADMIN and user.department_id:
            return self.filter(department_id=user.department_id)
        if user.effective_role == Role.INSPECTOR:
            return self.filter(user=user)
        return self.none()

    def visible_to(self, user):
        """Records a user may open: admins may read other departments' records too (without personal data),
        because joint inspections put officers of several departments in one team."""
        if user.effective_role == Role.DEPT_ADMIN and user.department_id:
            return self
        return self.listed_for(user)

    def qualified_for(self, domain: str):
        return self.filter(qualifications__domain=domain).distinct()

    def available_on(self, day: datetime.date):
        """Officers who may be matched on ``day``: not transferred, not on leave then, qualification valid."""
        on_leave = Q(status=DutyStatus.LEAVE) & (Q(status_from__isnull=True) | Q(status_from__lte=day)) & (
            Q(status_until__isnull=True) | Q(status_until__gte=day)
        )
        gone = Q(status=DutyStatus.TRANSFERRED) & (Q(status_from__isnull=True) | Q(status_from__lte=day))
        valid = Q(qualification_expires__isnull=True) | Q(qualification_expires__gte=day)
        return self.officers().filter(valid).exclude(on_leave).exclude(gone)


class Inspector(models.Model):
    """A law-enforcement inspector, or a third-party expert who may assist but never counts as one."""

    name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey("accounts.Department", verbose_name="所属部门", on_delete=models.PROTECT,
                                   related_name="inspectors")
    kind = models.CharField("人员类型", max_length=12, choices=InspectorKind.choices, default=InspectorKind.OFFICER)
    category = models.CharField("人员类别", max_length=15, choices=Category.choices, blank=True)
    # Officers must hold a certificate; third parties have none (null keeps the unique constraint usable).
    cert_no = models.CharField("执法证号", max_length=30, unique=True, null=True, blank=True)
    organisation = models.CharField("所属机构（第三方）", max_length=100, blank=True)
    status = models.CharField("在岗状态", max_length=12, choices=DutyStatus.choices, default=DutyStatus.ON_DUTY)
    status_from = models.DateField("状态起始日期", null=True, blank=True)
    status_until = models.DateField("状态截止日期", null=True, blank=True)
    township = models.ForeignKey("directory.Township", verbose_name="居住乡镇（街道）", null=True, blank=True,
                                 on_delete=models.PROTECT)
    qualification_expires = models.DateField("执法资格有效期至", null=True, blank=True)
    # Personal data: shown only inside the owning department and to the office.
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="inspector")
    created_at = models.DateTimeField("登记时间", auto_now_add=True, null=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    objects = InspectorQuerySet.as_manager()

    class Meta:
        ordering = ["department__order", "id"]
        constraints = [
            # A third party never holds an enforcement certificate; an officer always does.
            models.CheckConstraint(
                condition=Q(kind=InspectorKind.OFFICER, cert_no__isnull=False)
                | Q(kind=InspectorKind.THIRD_PARTY, cert_no__isnull=True),
                name="inspector_cert_matches_kind",
            ),
        ]
        verbose_name = verbose_name_plural = "执法检查人员"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("inspectors:inspector_detail", args=[self.pk])

    @property
    def counts_as_officer(self) -> bool:
        return self.kind == InspectorKind.OFFICER

    @property
    def domains(self) -> list[str]:
        return [q.domain for q in self.qualifications.all()]

    def personal_visible_to(self, user) -> bool:
        """ID numbers and phones stay inside the owning department (and the office that runs the platform)."""
        if user.is_office:
            return True
        return user.effective_role in (Role.DEPT_ADMIN, Role.INSPECTOR) and user.department_id == self.department_id

    def manageable_by(self, user) -> bool:
        return user.manages(self.department)

    @property
    def status_text(self) -> str:
        label = self.get_status_display()
        if self.status == DutyStatus.ON_DUTY or not (self.status_from or self.status_until):
            return label
        start = f"{self.status_from:%Y-%m-%d}" if self.status_from else "…"
        end = f"{self.status_until:%Y-%m-%d}" if self.status_until else "…"
        return f"{label}（{start} 起）" if self.status == DutyStatus.TRANSFERRED else f"{label}（{start} 至 {end}）"


class Qualification(models.Model):
    """A domain (抽查类别/领域 of the item lists) an inspector may inspect."""

    inspector = models.ForeignKey(Inspector, verbose_name="执法检查人员", on_delete=models.CASCADE,
                                  related_name="qualifications")
    domain = models.CharField("可检查领域", max_length=200, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["inspector", "domain"], name="qualification_once")]
        verbose_name = verbose_name_plural = "可检查领域"

    def __str__(self) -> str:
        return self.domain


class StatusChange(models.Model):
    """One change of duty status (在岗/请假/调离) with its dates, kept so the history can be shown."""

    inspector = models.ForeignKey(Inspector, verbose_name="执法检查人员", on_delete=models.CASCADE,
                                  related_name="status_changes")
    status = models.CharField("在岗状态", max_length=12, choices=DutyStatus.choices)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    reason = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = verbose_name_plural = "在岗状态变更"

    def __str__(self) -> str:
        return f"{self.inspector} {self.get_status_display()} {self.starts_on}"


class ConflictQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def visible_to(self, user):
        return self.filter(inspector__in=Inspector.objects.listed_for(user))


class Conflict(models.Model):
    """A declared conflict of interest between an inspector and an entity (回避)."""

    inspector = models.ForeignKey(Inspector, verbose_name="执法检查人员", on_delete=models.CASCADE,
                                  related_name="conflicts")
    entity = models.ForeignKey("directory.Entity", verbose_name="市场主体", on_delete=models.CASCADE,
                               related_name="conflicts")
    relation = models.CharField("关系", max_length=50)
    reason = models.CharField("事由", max_length=300, blank=True)
    valid_from = models.DateField("起始日期")
    valid_until = models.DateField("截止日期", null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ConflictQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="conflict_period_in_order",
            ),
        ]
        verbose_name = verbose_name_plural = "回避关系"

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.entity}"

    def is_active(self, day: datetime.date | None = None) -> bool:
        day = day or datetime.date.today()
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)

    @property
    def state(self) -> str:
        """'active', 'future' or 'ended' as of today."""
        today = datetime.date.today()
        if self.valid_from > today:
            return "future"
        return "active" if self.is_active(today) else "ended"

    def endable_by(self, user) -> bool:
        return self.state != "ended" and user.manages(self.inspector.department)

    @property
    def period_text(self) -> str:
        end = f"{self.valid_until:%Y-%m-%d}" if self.valid_until else "长期"
        return f"{self.valid_from:%Y-%m-%d} 至 {end}"
