"""Clues (线索): complaints and reports, referrals, data monitoring, transfers from other departments and findings
of checks, which lead to targeted (non-random) checks rather than random draws. A clue is received by a department,
triaged (assigned to the department responsible for the sector — 谁审批、谁监管 —, merged into an earlier one, or
not accepted, with a reason) within a time limit on the working-day clock. Internal: complainants' names and
phones are read only inside the receiving department, and nothing here reaches the public portal."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Source(models.TextChoices):
    COMPLAINT = "complaint", "投诉举报"
    ASSIGNED = "assigned", "转办交办"
    MONITORING = "monitoring", "数据监测"
    TRANSFERRED = "transferred", "其他部门移送"
    FOUND = "found", "检查发现"


class Status(models.TextChoices):
    NEW = "new", "待分办"
    ASSIGNED = "assigned", "已分办，办理中"
    CHECKING = "checking", "定向检查中"
    CASE = "case", "已移送查处"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已并入其他线索"


OPEN = (Status.NEW,)
# Triaged and not yet closed: the responsible department is still handling it.
HANDLING = (Status.ASSIGNED, Status.CHECKING, Status.CASE)


class CaseType(models.TextChoices):
    GENERAL = "general", "一般线索"
    UNLICENSED = "unlicensed", "无证无照经营"


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "属实，已处置"
    PARTLY = "partly", "部分属实，已处置"
    UNFOUNDED = "unfounded", "不属实"
    REFERRED = "referred", "移送查处机关处理"


class ClueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office and the leader read every clue; a department the clues it received or is responsible for."""
        if user.sees_all_departments:
            return self
        if user.department_id is None:
            return self.none()
        dept = user.department_id
        return self.filter(models.Q(received_by=dept) | models.Q(department=dept) | models.Q(case__organ=dept))

    def overdue(self, today):
        return self.filter(status__in=OPEN, due_on__lt=today)


class Clue(models.Model):
    number = models.CharField("线索编号", max_length=20, unique=True)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
    case_type = models.CharField("线索类别", max_length=12, choices=CaseType.choices, default=CaseType.GENERAL)
    received_on = models.DateField("收到日期")
    content = models.TextField("线索内容")
    entity = models.ForeignKey("directory.Entity", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    entity_name = models.CharField("涉及主体（名称，名录中没有时）", max_length=200, blank=True)
    township = models.ForeignKey("directory.Township", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    industry = models.ForeignKey("directory.Industry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    items = models.ManyToManyField("items.InspectionItem", blank=True, related_name="+", verbose_name="涉及抽查事项")
    received_by = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="受理部门")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="承办部门")
    # Personal data: shown only to the receiving department.
    complainant = models.CharField("投诉举报人", max_length=100, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=30, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.NEW)
    due_on = models.DateField("分办期限")
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                    verbose_name="并入")
    decision_note = models.TextField("分办说明", blank=True)
    decided_at = models.DateTimeField("分办时间", null=True, blank=True)
    # Disposal: a targeted (non-random) check, or for 无证无照经营 a case with the case-handling organ, then closure.
    task = models.ForeignKey("plans.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="clues",
                             verbose_name="定向检查任务")
    outcome = models.CharField("办理结果", max_length=10, choices=Outcome.choices, blank=True)
    closing_note = models.TextField("办结情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Where it came from: the other system's number (a 12315 工单编号), and for an API call its idempotency key
    # with a digest of what was sent, so a repeated call answers the first clue instead of registering another.
    external_ref = models.CharField("来源系统编号（如 12315 工单编号）", max_length=40, blank=True)
    intake_key = models.CharField("幂等键", max_length=100, blank=True)
    intake_digest = models.CharField(max_length=64, blank=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-number"]
        indexes = [models.Index(fields=["status", "due_on"], name="clue_status_due")]
        constraints = [
            models.UniqueConstraint(fields=["external_ref"], condition=~models.Q(external_ref=""),
                                    name="clue_external_ref_once"),
            models.UniqueConstraint(fields=["received_by", "intake_key"], condition=~models.Q(intake_key=""),
                                    name="clue_intake_key_once"),
        ]
        verbose_name = verbose_name_plural = "线索"

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self) -> str:
        return self.entity.name if self.entity_id else (self.entity_name or "（主体不明）")


class UnlicensedKind(models.TextChoices):
    NO_PERMIT = "no_permit", "无证（未依法取得许可）"
    NO_LICENCE = "no_licence", "无照（未依法取得营业执照）"
    BOTH = "both", "无证无照"


class CaseStatus(models.TextChoices):
    OPEN = "open", "查处中"
    CLOSED = "closed", "已办结"


class Case(models.Model):
    """An 无证无照经营 case (《无证无照经营查处办法》): opened from a clue and referred to the organ the measures name —
    the licensing department for 无证 and for 无证无照 (第五条、第七条), market supervision for 无照 (第六条)."""

    number = models.CharField("案件编号", max_length=20, unique=True)
    clue = models.OneToOneField(Clue, on_delete=models.PROTECT, related_name="case", verbose_name="线索")
    kind = models.CharField("类别", max_length=12, choices=UnlicensedKind.choices)
    organ = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                              verbose_name="查处机关")
    basis = models.CharField("依据", max_length=200)
    note = models.TextField("移送说明", blank=True)
    status = models.CharField("状态", max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    result = models.TextField("查处结果", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("移送时间", auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = verbose_name_plural = "无证无照经营案件"

    def __str__(self) -> str:
        return self.number


class ClusterRule(models.Model):
    """When clues make a common problem (普遍性问题): at least ``threshold`` clues about the same industry in one
    town, the same item, the same industry or the same town within the last ``window_days`` days. One row, set by
    the office."""

    threshold = models.PositiveIntegerField("线索数达到", default=10)
    window_days = models.PositiveIntegerField("统计最近天数", default=90)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "专项整治建议规则"

    def __str__(self) -> str:
        return f"最近 {self.window_days} 天内同类线索达到 {self.threshold} 条"

    @classmethod
    def current(cls) -> ClusterRule:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class Dimension(models.TextChoices):
    INDUSTRY_TOWN = "industry_town", "同一乡镇（街道）同一行业"
    ITEM = "item", "同一抽查事项"
    INDUSTRY = "industry", "同一行业"
    TOWN = "town", "同一乡镇（街道）"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "待研究"
    ACCEPTED = "accepted", "已转为专项整治联查"
    DISMISSED = "dismissed", "暂不立项"


class Proposal(models.Model):
    """A proposed 专项整治联查: the clues behind a common problem, the industry, town or item they share. The office
    turns it into a task drawn by the double-random method, or dismisses it with a reason; the clues it covered
    do not propose the same again."""

    dimension = models.CharField("聚集方式", max_length=16, choices=Dimension.choices)
    industry = models.ForeignKey("directory.Industry", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("directory.Township", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    item = models.ForeignKey("items.InspectionItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    clues = models.ManyToManyField(Clue, related_name="proposals", verbose_name="线索")
    status = models.CharField("状态", max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN)
    task = models.ForeignKey("plans.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="专项整治联查任务")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "专项整治联查建议"

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> tuple:
        return (self.dimension, self.industry_id, self.township_id, self.item_id)

    @property
    def title(self) -> str:
        industry = f"{self.industry.name}（{self.industry.code}）" if self.industry_id else ""
        return {Dimension.INDUSTRY_TOWN: f"{self.township.name if self.township_id else ''} · {industry}",
                Dimension.INDUSTRY: f"全区 · {industry}",
                Dimension.TOWN: f"{self.township.name if self.township_id else ''} · 各行业",
                Dimension.ITEM: f"抽查事项：{self.item.name if self.item_id else ''}"}[self.dimension]
