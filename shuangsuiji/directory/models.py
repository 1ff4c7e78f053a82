"""The target directory (检查对象名录库): market entities, towns, industries and sub-libraries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Now


class Township(models.Model):
    """A town or street (GB/T 2260 county code + township code)."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=50)
    county_code = models.CharField("县级代码", max_length=6)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "乡镇（街道）"

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """A GB/T 4754-2017 industry code at any level (门类/大类/中类/小类)."""

    code = models.CharField("代码", max_length=5, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "国民经济行业"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL = "individual", "个体工商户"
    COOPERATIVE = "cooperative", "农民专业合作社"
    BRANCH = "branch", "分支机构"
    OTHER = "other", "其他组织"


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"
    MOVED = "moved", "迁出"


class Scale(models.TextChoices):
    MICRO = "micro", "微型"
    SMALL = "small", "小型"
    MEDIUM = "medium", "中型"
    LARGE = "large", "大型"


class CreditClass(models.TextChoices):
    A = "A", "A类（信用风险低）"
    B = "B", "B类（信用风险一般）"
    C = "C", "C类（信用风险较高）"
    D = "D", "D类（信用风险高）"
    E = "E", "E类（直接认定）"


class CreditList(models.TextChoices):
    """Joint reward and punishment lists (联合奖惩), set by the credit app's list imports; internal like the class.
    A 风险分类联查 draws 失信联合惩戒对象 at a higher ratio and 守信激励对象 at a lower one."""

    NONE = "", "—"
    PUNISHED = "punished", "失信联合惩戒对象"
    TRUSTED = "trusted", "守信激励对象"


class EntityQuerySet(models.QuerySet):
    def drawable(self) -> EntityQuerySet:
        """Only entities that still exist (存续) may enter a draw pool."""
        return self.filter(status=EntityStatus.ACTIVE)


class Entity(models.Model):
    """A market entity keyed by its unified social credit code (USCC)."""

    # Unique through Meta.constraints rather than unique=True: the same guarantee without the second
    # (varchar_pattern_ops) index PostgreSQL would add, which every imported row would have to update.
    uscc = models.CharField("统一社会信用代码", max_length=18)
    # No index: searches are "name contains", which a B-tree cannot serve.
    name = models.CharField("名称", max_length=200)
    entity_type = models.CharField("主体类型", max_length=12, choices=EntityType.choices,
                                   default=EntityType.ENTERPRISE)
    # Reference codes without database FK constraints or single-column indexes (docs/adr/0003): the
    # importer checks every code against these tables in its transaction, the ORM still PROTECTs them
    # from deletion, and the per-row FK check would otherwise dominate a million-row import.
    industry = models.ForeignKey(Industry, verbose_name="行业", null=True, blank=True, on_delete=models.PROTECT,
                                 db_index=False, db_constraint=False)
    township = models.ForeignKey(Township, verbose_name="乡镇（街道）", null=True, blank=True,
                                 on_delete=models.PROTECT, db_index=False, db_constraint=False)
    address = models.CharField("住所（经营场所）", max_length=300, blank=True)
    legal_rep = models.CharField("法定代表人（负责人）", max_length=50, blank=True)
    registered_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("登记状态", max_length=10, choices=EntityStatus.choices, default=EntityStatus.ACTIVE)
    scale = models.CharField("规模", max_length=10, choices=Scale.choices, blank=True)
    # Internal only: never rendered on public pages (分类不公开). Both are set by the credit app.
    credit_class = models.CharField("信用风险分类", max_length=1, choices=CreditClass.choices, blank=True)
    # The database default lets the bulk import COPY new rows without naming this column (as updated_at).
    credit_list = models.CharField("信用奖惩名单", max_length=10, choices=CreditList.choices, blank=True, default="",
                                   db_default="")
    # The database default lets the bulk import COPY new rows without naming this column.
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_default=Now())

    objects = EntityQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["uscc"], name="entity_uscc_unique")]
        # No (status, town/industry/type) indexes: with a few dozen distinct keys they select large
        # slices that PostgreSQL scans sequentially anyway, while each one more than doubled the cost
        # of a bulk import (docs/adr/0005). Lists page by id and stop early, counts are capped.
        verbose_name = verbose_name_plural = "市场主体"

    def __str__(self) -> str:
        return self.name


class SubLibraryKind(models.TextChoices):
    RULE = "rule", "按条件筛选"
    LIST = "list", "指定名单"


class SubLibrary(models.Model):
    """A per-domain sub-library (名录分库): a saved filter or an explicit list of entities."""

    name = models.CharField("分库名称", max_length=100)
    department = models.ForeignKey("accounts.Department", verbose_name="所属部门", on_delete=models.PROTECT,
                                   related_name="sublibraries")
    kind = models.CharField("类型", max_length=6, choices=SubLibraryKind.choices, default=SubLibraryKind.RULE)
    description = models.CharField("说明", max_length=300, blank=True)
    # For kind=rule: {"entity_type": [...], "industry": ["C13", "5"...prefixes], "township": [...],
    # "scale": [...], "credit_class": [...]}; empty list = no restriction.
    rule = models.JSONField("筛选条件", default=dict, blank=True)
    members = models.ManyToManyField(Entity, verbose_name="名单", blank=True, related_name="sublibraries")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["department__order", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="sublibrary_name")]
        verbose_name = verbose_name_plural = "名录分库"

    def __str__(self) -> str:
        return self.name

    @property
    def uses_credit_class(self) -> bool:
        """A rule on the internal credit class: its name may say which class its members are in."""
        return self.kind == SubLibraryKind.RULE and bool((self.rule or {}).get("credit_class"))

    def entities(self) -> EntityQuerySet:
        """The entities in this sub-library: a rule filters the drawable entities, a list is its members."""
        if self.kind == SubLibraryKind.RULE:
            from .filters import EntityFilter

            return EntityFilter.from_rule(self.rule).apply(Entity.objects.drawable())
        return Entity.objects.filter(sublibraries=self)


class EntityChange(models.Model):
    """A change an import made to the columns that decide who can be drawn (登记状态, 信用风险分类), shown on
    the business's page. Every changed column of every row is in the import's change log
    (``services.change_log_path``), whose SHA-256 the import's audit event carries."""

    batch = models.CharField("导入批次", max_length=32)
    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    status_before = models.CharField("原登记状态", max_length=10, blank=True)
    status_after = models.CharField("新登记状态", max_length=10, blank=True)
    credit_before = models.CharField("原信用风险分类", max_length=1, blank=True)
    credit_after = models.CharField("新信用风险分类", max_length=1, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "登记状态和信用风险分类变更记录"

    def __str__(self) -> str:
        return f"{self.batch} {self.uscc}"

    def changed_fields(self, with_credit: bool) -> list[tuple[str, object, object]]:
        """(label, before, after) for each of the two columns that changed; the class only when allowed."""
        out = []
        if self.status_before != self.status_after:
            words = dict(EntityStatus.choices)
            out.append(("登记状态", words.get(self.status_before, self.status_before),
                        words.get(self.status_after, self.status_after)))
        if with_credit and self.credit_before != self.credit_after:
            out.append(("信用风险分类", self.credit_before, self.credit_after))
        return out
