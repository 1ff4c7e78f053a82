"""The inspector directory (执法检查人员名录库) and declared conflicts of interest (回避)."""

from django.conf import settings
from django.db import models


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
        return self.filter(kind=InspectorKind.OFFICER)

    def for_department(self, department):
        return self.filter(department=department)


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
    qualified_domains = models.JSONField("可检查领域", default=list, blank=True)
    status = models.CharField("在岗状态", max_length=12, choices=DutyStatus.choices, default=DutyStatus.ON_DUTY)
    status_from = models.DateField("状态起始日期", null=True, blank=True)
    status_until = models.DateField("状态截止日期", null=True, blank=True)
    township = models.ForeignKey("directory.Township", verbose_name="居住乡镇（街道）", null=True, blank=True,
                                 on_delete=models.PROTECT)
    qualification_expires = models.DateField("执法资格有效期至", null=True, blank=True)
    # Personal data: shown only inside the owning department.
    id_number = models.CharField("身份证号", max_length=18, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="inspector")

    objects = InspectorQuerySet.as_manager()

    class Meta:
        ordering = ["department__order", "id"]
        verbose_name = verbose_name_plural = "执法检查人员"

    def __str__(self) -> str:
        return self.name

    @property
    def counts_as_officer(self) -> bool:
        return self.kind == InspectorKind.OFFICER


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

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "回避关系"

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.entity}"
