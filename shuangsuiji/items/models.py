"""The published list of random-inspection items (随机抽查事项清单), versioned per department and level."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Level(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class ListKind(models.TextChoices):
    RANDOM = "random", "随机抽查事项清单"
    JOINT = "joint", "部门联合抽查事项清单"


class ListStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待办公室审核"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已被新版本替代"


class ItemClass(models.TextChoices):
    KEY = "key", "重点检查事项"
    GENERAL = "general", "一般检查事项"


class ItemListQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ListStatus.PUBLISHED)

    def for_department(self, department):
        return self.filter(department=department)

    def same_key(self, item_list: ItemList):
        """All versions of the list that ``item_list`` is one version of."""
        return self.filter(kind=item_list.kind, department=item_list.department, level=item_list.level)

    def visible_to(self, user):
        """Lists a signed-in user may read: the office and leaders see all; others their own and what is public."""
        if user.sees_all_departments:
            return self
        own = Q(department__isnull=False, department_id=user.department_id)
        return self.filter(own | ~Q(status=ListStatus.DRAFT))


class ItemList(models.Model):
    """One version of a department's item list at one level (or the district's joint list)."""

    kind = models.CharField("清单类型", max_length=10, choices=ListKind.choices, default=ListKind.RANDOM)
    # Random lists belong to a department; the joint list (kind=joint) belongs to the joint-meeting office.
    department = models.ForeignKey(
        "accounts.Department", verbose_name="编制部门", null=True, blank=True, on_delete=models.PROTECT,
        related_name="item_lists",
    )
    level = models.CharField("实施层级", max_length=10, choices=Level.choices, default=Level.PROVINCE)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=12, choices=ListStatus.choices, default=ListStatus.DRAFT)
    source_filename = models.CharField("来源文件", max_length=255, blank=True)
    note = models.CharField("版本说明", max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="公布人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    # A department's change to its published list is approved by the joint-meeting office before it is
    # published (seed §二(二): 不得擅自增加或缩减抽查事项); a returned one is a draft again, with the comment.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="报送人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("报送审核时间", null=True, blank=True)
    review_comment = models.CharField("办公室退回意见", max_length=500, blank=True)

    objects = ItemListQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "department__order", "level", "-version"]
        # One version in force per list is kept by services.publish_list under row locks (other apps'
        # test builders still create several published versions, so it is not a database constraint yet).
        constraints = [
            models.UniqueConstraint(fields=["kind", "department", "level", "version"], name="item_list_version"),
            # NULL departments are distinct in unique indexes, so the joint list needs its own constraint.
            models.UniqueConstraint(fields=["kind", "level", "version"], condition=Q(department__isnull=True),
                                    name="item_list_version_joint"),
        ]
        verbose_name = verbose_name_plural = "抽查事项清单"

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def owner_name(self) -> str:
        return self.department.name if self.department else "联席会议办公室"

    @property
    def is_editable(self) -> bool:
        return self.status == ListStatus.DRAFT

    @property
    def is_joint(self) -> bool:
        return self.kind == ListKind.JOINT

    @property
    def owner_key(self) -> str:
        """The part of an item code that names the list's owner (stable across file wording)."""
        return self.department.code if self.department else "joint"

    @property
    def public_slug(self) -> str:
        return self.department.code if self.department else "joint"

    def previous_version(self) -> ItemList | None:
        """The version just before this one of the same list, if any."""
        return (ItemList.objects.same_key(self).filter(version__lt=self.version)
                .order_by("-version").first())


class ItemQuerySet(models.QuerySet):
    def published(self):
        """Items that later work may cite: those in a currently published list version."""
        return self.filter(item_list__status=ListStatus.PUBLISHED)

    def for_department(self, department):
        return self.filter(department=department)


def item_code(unit: str, category: str, name: str, object_type: str = "", occurrence: int = 1) -> str:
    """A stable key for the same item across list versions.

    Real lists repeat an item name for several object types (one row 一般, the next 重点), and
    occasionally repeat a whole row; the object type and the occurrence keep such rows apart.
    """
    key = f"{unit}\x1f{category}\x1f{name}\x1f{object_type}"
    if occurrence > 1:
        key += f"\x1f{occurrence}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


class InspectionItem(models.Model):
    """One random-inspection item (抽查事项) in one list version."""

    item_list = models.ForeignKey(ItemList, verbose_name="所属清单", on_delete=models.CASCADE, related_name="items")
    code = models.CharField("事项编码", max_length=12, db_index=True)
    seq = models.CharField("序号", max_length=20, blank=True)
    category = models.CharField("抽查类别/领域", max_length=300)
    # Some provincial lists spell the whole checklist out in this cell (over 1,000 characters).
    name = models.TextField("抽查事项")
    object_type = models.CharField("检查对象", max_length=1000)
    item_class = models.CharField("事项类别", max_length=10, choices=ItemClass.choices, default=ItemClass.GENERAL)
    methods = models.CharField("检查方式", max_length=500, blank=True)
    body = models.CharField("检查主体", max_length=500, blank=True)
    basis = models.TextField("检查依据", blank=True)
    # Upper limit of the sampling ratio for general items, in percent; key items have none.
    ratio_cap = models.DecimalField("抽查比例上限（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name="实施部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="items")
    source_unit = models.CharField("编制单位（原文）", max_length=200, blank=True)
    # Joint items: the lead department (发起部门) and the participating ones (配合部门).
    lead_department = models.ForeignKey("accounts.Department", verbose_name="发起部门", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_items")
    lead_text = models.CharField("发起部门（原文）", max_length=300, blank=True)
    # "生态环境部门、市场监管部门" initiate together: the first is lead_department, the rest co-leads.
    co_lead_departments = models.ManyToManyField("accounts.Department", verbose_name="共同发起部门", blank=True,
                                                 related_name="co_led_items")
    partner_departments = models.ManyToManyField("accounts.Department", verbose_name="配合部门", blank=True,
                                                 related_name="partner_items")
    partner_text = models.CharField("配合部门（原文）", max_length=500, blank=True)
    row_number = models.PositiveIntegerField("来源行号", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["row_number"])
    objects = ItemQuerySet.as_manager()

    class Meta:
        ordering = ["item_list", "id"]
        constraints = [models.UniqueConstraint(fields=["item_list", "code"], name="item_code_in_list")]
        verbose_name = verbose_name_plural = "抽查事项"

    def __str__(self) -> str:
        return self.name

    @property
    def is_key(self) -> bool:
        return self.item_class == ItemClass.KEY
