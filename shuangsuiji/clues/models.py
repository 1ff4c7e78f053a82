"""Clues (线索): complaints and reports, referrals, data monitoring, transfers from other departments and findings
of checks, which lead to targeted (non-random) checks rather than random draws. A clue is received by a department,
triaged (assigned to the department responsible for the sector — 谁审批、谁监管 —, merged into an earlier one, or
not accepted, with a reason) within a time limit on the working-day clock. Internal: complainants' names and
phones are read only inside the receiving department, and nothing here reaches the public portal."""

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
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已并入其他线索"


OPEN = (Status.NEW,)


class ClueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The office and the leader read every clue; a department the clues it received or is responsible for."""
        if user.sees_all_departments:
            return self
        if user.department_id is None:
            return self.none()
        return self.filter(models.Q(received_by=user.department_id) | models.Q(department=user.department_id))

    def overdue(self, today):
        return self.filter(status__in=OPEN, due_on__lt=today)


class Clue(models.Model):
    number = models.CharField("线索编号", max_length=20, unique=True)
    source = models.CharField("来源", max_length=12, choices=Source.choices)
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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ClueQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-number"]
        indexes = [models.Index(fields=["status", "due_on"], name="clue_status_due")]
        verbose_name = verbose_name_plural = "线索"

    def __str__(self) -> str:
        return self.number

    @property
    def subject(self) -> str:
        return self.entity.name if self.entity_id else (self.entity_name or "（主体不明）")
