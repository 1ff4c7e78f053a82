"""Inspection results: each department's part of a visit, per-item results in the standard vocabulary,
evidence, the whole-process record (全过程记录), follow-ups (后续处置) and the 免罚清单."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ResultCode(models.Model):
    """One entry of the standard result vocabulary (data, editable by the office)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    label = models.CharField("检查结果", max_length=60, unique=True)
    problem = models.BooleanField("发现问题（需后续处置）", default=False)
    exclusive = models.BooleanField("不可与其他结果并选", default=False)
    order = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "检查结果代码"

    def __str__(self) -> str:
        return self.label


class PartStatus(models.TextChoices):
    DRAFT = "draft", "填写中"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已审核"
    PUBLISHED = "published", "已公开"


class VisitPart(models.Model):
    """One department's part of one visit: its items' results, entered by its own team (谁检查、谁录入)."""

    visit = models.ForeignKey("plans.Visit", on_delete=models.PROTECT, related_name="parts")
    department = models.ForeignKey("accounts.Department", verbose_name="检查实施机关", on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField("状态", max_length=10, choices=PartStatus.choices, default=PartStatus.DRAFT)
    arrived_at = models.DateTimeField("到达时间", null=True, blank=True)
    left_at = models.DateTimeField("离开时间", null=True, blank=True)
    revision = models.PositiveIntegerField("修订号", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_comment = models.TextField("审核意见", blank=True)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    # The result is produced when its part is approved; it is due public 20 working days later (the
    # ``result_publication`` time limit). Set at each approval; publishing later is allowed, and recorded late.
    publish_due_on = models.DateField("公开期限", null=True, blank=True, db_index=True)
    # Set when a published part is reopened to correct it; the next publication carries it and clears it.
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)

    class Meta:
        ordering = ["visit", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "department"], name="one_part_per_department")]
        verbose_name = verbose_name_plural = "部门检查记录"

    def __str__(self) -> str:
        return f"检查单 {self.visit.number} · {self.department.short_name}"

    @property
    def editable(self) -> bool:
        return self.status in (PartStatus.DRAFT, PartStatus.RETURNED)


class ItemResult(models.Model):
    """The result of one item in one department's part: codes from the vocabulary and the findings."""

    part = models.ForeignKey(VisitPart, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey("items.InspectionItem", verbose_name="抽查事项", on_delete=models.PROTECT, related_name="+")
    codes = models.JSONField("检查结果", default=list, blank=True)
    findings = models.TextField("检查情况", blank=True)
    has_problem = models.BooleanField("发现问题", default=False)
    unlicensed = models.BooleanField("发现无证无照经营", default=False)

    class Meta:
        ordering = ["part", "item__code"]
        constraints = [models.UniqueConstraint(fields=["part", "item"], name="one_result_per_item")]
        verbose_name = verbose_name_plural = "事项检查结果"

    def __str__(self) -> str:
        return f"{self.part_id}/{self.item_id}"


class PublicationQuerySet(models.QuerySet):
    def public(self) -> PublicationQuerySet:
        """Every version the public may read: all but withdrawn ones (a withdrawn result leaves the portal)."""
        return self.filter(withdrawn_at__isnull=True)

    def current(self) -> PublicationQuerySet:
        """The versions in force: not superseded by a correction, not withdrawn."""
        return self.public().filter(corrected_at__isnull=True)

    def for_display(self) -> PublicationQuerySet:
        """Public versions with the few columns of the business, department, task and draw a result line shows (a draw's
        own row carries its whole result and manifest, which a result line must not drag along)."""
        return self.public().select_related("entity", "department", "task", "draw").only(
            "part_id", "version", "check_kind", "random", "checked_on", "lines", "summary", "has_problem",
            "published_at", "correction_reason", "corrected_at", "entity__uscc", "entity__name", "department__name",
            "task__number", "task__year", "draw__number", "draw__status")


class Publication(models.Model):
    """The public record of one department's part of one visit (公示记录), frozen when the part is published.

    Only public fields are copied here (item names, result words, the public follow-up word), so the
    portal never reads findings, evidence, comments or people. A correction after publication is a new
    version; the old one stays public marked 已更正 with the reason."""

    part = models.ForeignKey(VisitPart, on_delete=models.PROTECT, related_name="publications")
    version = models.PositiveIntegerField("版本", default=1)
    entity = models.ForeignKey("directory.Entity", on_delete=models.PROTECT, related_name="publications")
    task = models.ForeignKey("plans.Task", on_delete=models.PROTECT, related_name="publications")
    department = models.ForeignKey("accounts.Department", verbose_name="检查实施机关", on_delete=models.PROTECT,
                                   related_name="+")
    draw = models.ForeignKey("draws.Draw", verbose_name="随机抽取", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    check_kind = models.CharField("检查类型", max_length=16)
    random = models.BooleanField("双随机抽查", default=True)
    checked_on = models.DateField("检查日期")
    # [{"code", "item", "result", "problem"}] — item code and name, the result words joined, whether a problem.
    lines = models.JSONField("检查事项及结果", default=list)
    summary = models.CharField("检查结果", max_length=500)
    has_problem = models.BooleanField("发现问题", default=False)
    published_at = models.DateTimeField("公开时间", db_index=True)
    due_on = models.DateField("公开期限", null=True, blank=True)
    late = models.BooleanField("逾期公开", default=False)
    correction_reason = models.CharField("更正理由", max_length=300, blank=True)
    corrected_at = models.DateTimeField("已更正于", null=True, blank=True)
    # 撤回: published in error (the wrong business, a result that was never to be public) and taken off the
    # public pages at once; internal only, like the reason.
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawal_reason = models.CharField("撤回理由", max_length=300, blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["part", "version"], name="publication_version_once")]
        indexes = [models.Index(fields=["entity", "published_at"], name="publication_entity"),
                   models.Index(fields=["task", "published_at"], name="publication_task")]
        verbose_name = verbose_name_plural = "检查结果公示记录"

    def __str__(self) -> str:
        return f"{self.part_id} v{self.version}"

    @property
    def kind_label(self) -> str:
        """检查类型 in words; a targeted check never reads as random."""
        from shuangsuiji.plans.models import TaskKind

        return dict(TaskKind.choices).get(self.check_kind, self.check_kind)


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", "现场照片"
    DOCUMENT = "document", "文书或扫描件"
    THIRD_PARTY = "third_party", "第三方机构报告"
    EXPERT = "expert", "专家鉴定结论"


class Evidence(models.Model):
    """A file attached to an item's result, stored with its SHA-256; never changed once stored."""

    result = models.ForeignKey(ItemResult, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("类型", max_length=12, choices=EvidenceKind.choices, default=EvidenceKind.PHOTO)
    name = models.CharField("原文件名", max_length=200)
    path = models.CharField("存储位置", max_length=200)
    display_path = models.CharField("页面显示图", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=40)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    source = models.CharField("出具单位或专家", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["result", "id"]
        verbose_name = verbose_name_plural = "检查证据"

    def __str__(self) -> str:
        return f"{self.name}（{self.sha256[:12]}）"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ProcessStep(models.Model):
    """The whole-process record (全过程记录): one row per step, written once, never changed or removed."""

    STEPS = [("opened", "打开检查单"), ("edited", "保存草稿"), ("evidence", "上传证据"), ("submitted", "提交审核"),
             ("returned", "退回修改"), ("approved", "审核通过"), ("published", "公开"), ("withdrawn", "撤回公开"),
             ("team", "检查人员变更"), ("followup", "确定后续处置"), ("acknowledged", "签收"), ("receipt", "登记回执"),
             ("rechecked", "复查"), ("closed", "办结")]

    visit = models.ForeignKey("plans.Visit", on_delete=models.PROTECT, related_name="process")
    part = models.ForeignKey(VisitPart, null=True, blank=True, on_delete=models.PROTECT, related_name="process")
    step = models.CharField("环节", max_length=12, choices=STEPS)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间", auto_now_add=True)
    detail = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering = ["visit", "at", "id"]
        verbose_name = verbose_name_plural = "全过程记录"

    def __str__(self) -> str:
        return f"{self.get_step_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("全过程记录一经写入不可修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("全过程记录不可删除。")


class FollowUpKind(models.TextChoices):
    NONE = "none", "无需后续处置"
    RECTIFY = "rectify", "责令改正并跟踪"
    CASE = "case", "移送办案机构"
    NOTIFY = "notify", "抄告相关部门"
    JUDICIAL = "judicial", "移送司法机关"
    OTHER = "other", "其他"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", "待签收"
    ACKNOWLEDGED = "acknowledged", "处置中"
    CLOSED = "closed", "已办结"


class MinorViolation(models.Model):
    """One entry of the 免罚清单: a minor violation that is not punished when its conditions hold."""

    item = models.ForeignKey("items.InspectionItem", verbose_name="抽查事项（空 = 任何事项）", null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    behaviour = models.CharField("违法行为", max_length=200)
    conditions = models.TextField("免罚条件", default="初次违法、危害后果轻微并及时改正")
    basis = models.CharField("依据", max_length=200, default="《中华人民共和国行政处罚法》第三十三条")
    keywords = models.CharField("匹配关键词（以顿号或逗号分隔）", max_length=200)
    active = models.BooleanField("有效", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "免罚清单"

    def __str__(self) -> str:
        return self.behaviour

    @property
    def keyword_list(self) -> list[str]:
        import re

        return [k for k in re.split(r"[、,，;；\s]+", self.keywords) if k]


class FollowUpQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The follow-ups a user may read: every one for the office and the leader; for a department those
        it owns (including ones another department routed to it) and those of its own results."""
        if user.sees_all_departments:
            return self
        dept = user.department_id
        return self.filter(models.Q(owner_id=dept) | models.Q(result__part__department_id=dept))


class FollowUp(models.Model):
    """The follow-up (后续处置) of one problem result: an owner department, a due date and a closing state."""

    result = models.ForeignKey(ItemResult, on_delete=models.PROTECT, related_name="followups")
    kind = models.CharField("处置方式", max_length=10, choices=FollowUpKind.choices)
    owner = models.ForeignKey("accounts.Department", verbose_name="负责部门", on_delete=models.PROTECT,
                              related_name="followups")
    status = models.CharField("状态", max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN)
    due_on = models.DateField("办理期限")
    note = models.TextField("处置意见", blank=True)
    rectify_deadline = models.DateField("责令改正期限", null=True, blank=True)
    recheck_on = models.DateField("复查日期", null=True, blank=True)
    recheck_result = models.TextField("复查情况", blank=True)
    case_type = models.CharField("案件类型", max_length=40, blank=True)
    case_number = models.CharField("案件编号", max_length=60, blank=True)
    judicial_organ = models.CharField("移送机关", max_length=100, blank=True)
    referral_number = models.CharField("移送文书编号", max_length=60, blank=True)
    receipt_number = models.CharField("回执编号", max_length=60, blank=True)
    received_on = models.DateField("接收日期", null=True, blank=True)
    minor_violation = models.ForeignKey(MinorViolation, verbose_name="适用免罚清单", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    penalty_waived = models.BooleanField("不予处罚", default=False)
    education = models.TextField("教育情况", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closing_note = models.TextField("办结情况", blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]
        verbose_name = verbose_name_plural = "后续处置"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.owner_id}"

    def is_overdue(self, today=None) -> bool:
        import datetime

        return self.status != FollowUpStatus.CLOSED and self.due_on < (today or datetime.date.today())
