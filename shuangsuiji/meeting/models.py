"""The joint meeting (联席会议, seed §三(一) and annexes 1–2): its members — 总召集人, 召集人, 副召集人 and 成员,
each a person in a post of a unit — and one liaison (联络员) per member unit. A change is filed with the office
and kept as dated history: a successor in the post takes the seat (继任者自然增补) and the earlier holder's term
ends the day before."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SeatRole(models.TextChoices):
    CONVENER_GENERAL = "general", "总召集人"
    CONVENER = "convener", "召集人"
    DEPUTY = "deputy", "副召集人"
    MEMBER = "member", "成员"


ROLE_ORDER = {role: n for n, role in enumerate(SeatRole.values)}


class TermQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ends_on__isnull=True)

    def history(self):
        return self.filter(ends_on__isnull=False)


class Member(models.Model):
    """A person's term in a seat of the joint meeting; the term ends when a successor takes the seat."""

    role = models.CharField("职务", max_length=10, choices=SeatRole.choices)
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="成员单位")
    person = models.CharField("姓名", max_length=30)
    post = models.CharField("单位及职务", max_length=200)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    note = models.CharField("变更说明", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    predecessor = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="successor", verbose_name="前任")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = verbose_name_plural = "联席会议成员"

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.person}"


class Liaison(models.Model):
    """A member unit's liaison (联络员) for a term: one at a time per unit, changes filed with the office."""

    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="成员单位")
    person = models.CharField("姓名", max_length=30)
    post = models.CharField("职务", max_length=100, blank=True)
    phone = models.CharField("联系电话", max_length=30)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期", null=True, blank=True)
    note = models.CharField("调整说明", max_length=200, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    filed_at = models.DateTimeField("备案时间", auto_now_add=True)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["department__order", "-starts_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["department"], condition=models.Q(ends_on__isnull=True),
                                               name="one_current_liaison")]
        verbose_name = verbose_name_plural = "联络员"

    def __str__(self) -> str:
        return f"{self.department} {self.person}"


class MeetingKind(models.TextChoices):
    REGULAR = "regular", "联席会议（全体）"
    AD_HOC = "ad_hoc", "临时会议"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    HELD = "held", "已召开"
    ISSUED = "issued", "纪要已印发"


class Meeting(models.Model):
    """A meeting of the joint meeting (normally one or two a year; ad hoc when needed), convened by the 总召集人 or
    召集人 — ordinary or temporary matters by a 副召集人 —, its topics, attendance and minutes (会议纪要)."""

    number = models.CharField("编号", max_length=20, unique=True)
    kind = models.CharField("类型", max_length=10, choices=MeetingKind.choices, default=MeetingKind.REGULAR)
    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    convener = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name="召集人")
    invited = models.ManyToManyField("accounts.Department", blank=True, related_name="+", verbose_name="邀请参会单位")
    attended = models.ManyToManyField("accounts.Department", blank=True, related_name="+", verbose_name="出席单位")
    status = models.CharField("状态", max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    minutes = models.TextField("会议纪要", blank=True)
    issued_at = models.DateTimeField("纪要印发时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = verbose_name_plural = "联席会议会议"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", "待审定"
    APPROVED = "approved", "已审定列入"
    DECLINED = "declined", "未列入"


class Topic(models.Model):
    """An agenda topic proposed by a unit (or the office), gathered by the office and approved by whoever
    convenes."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField("议题", max_length=200)
    note = models.TextField("说明", blank=True)
    proposed_by = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="提出单位")
    status = models.CharField("状态", max_length=10, choices=TopicStatus.choices, default=TopicStatus.PROPOSED)
    decided_note = models.CharField("审定说明", max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "会议议题"

    def __str__(self) -> str:
        return self.title


class Receipt(models.Model):
    """A unit's signature for the issued minutes (签收)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="receipts")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        ordering = ["department__order"]
        constraints = [models.UniqueConstraint(fields=["meeting", "department"], name="one_receipt_per_unit")]
        verbose_name = verbose_name_plural = "纪要签收"

    def __str__(self) -> str:
        return f"{self.meeting_id}:{self.department_id}"


class DecisionQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.filter(closed_at__isnull=True, due_on__lt=today)


class Decision(models.Model):
    """A matter the meeting decided (议定事项): owned by a unit with a due date, tracked by the office until
    closed (督促落实)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    text = models.TextField("议定事项")
    owner = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                              verbose_name="责任单位")
    due_on = models.DateField("完成时限")
    progress = models.TextField("落实情况", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = "议定事项"

    def __str__(self) -> str:
        return self.text[:30]


class Half(models.IntegerChoices):
    FIRST = 1, "上半年（6月报送）"
    SECOND = 2, "下半年（12月报送）"


class WorkReport(models.Model):
    """A member unit's half-year work report to the office (each June and December, annex 2 二(四)): the
    platform's figures for the half-year, frozen when it is submitted, and the unit's own account."""

    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="成员单位")
    year = models.PositiveIntegerField("年度")
    half = models.PositiveSmallIntegerField("半年", choices=Half.choices)
    figures = models.JSONField("平台数据", default=dict)
    text = models.TextField("工作情况")
    submitted_at = models.DateTimeField("报送时间")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-half", "department__order"]
        constraints = [models.UniqueConstraint(fields=["department", "year", "half"], name="one_report_per_half")]
        verbose_name = verbose_name_plural = "成员单位工作情况报告"

    def __str__(self) -> str:
        return f"{self.department} {self.year} {self.get_half_display()}"
