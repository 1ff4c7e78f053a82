"""Cross-cutting records: the audit log and progress of background jobs."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    """One change: who did what to which record, with the state before and after.

    Each event carries the hash of the one before it (``common.auditchain``), so an edit or a
    deletion made directly in the database breaks the chain and is found by ``verify_audit``.
    """

    # Set by audit.record before hashing (not auto_now_add, which would overwrite the hashed value).
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT
    )
    summary = models.CharField("说明", max_length=500, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    prev_hash = models.CharField("上一条哈希", max_length=64, blank=True)
    hash = models.CharField("本条哈希", max_length=64, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name = verbose_name_plural = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class AuditTip(models.Model):
    """The end of the audit hash chain; its row lock serialises appends (one row, pk=1)."""

    last_hash = models.CharField("最新哈希", max_length=64, blank=True)
    last_id = models.BigIntegerField("最新记录编号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "审计链末端"

    def __str__(self) -> str:
        return f"#{self.last_id} {self.last_hash[:12]}"


class AuditHour(models.Model):
    """One hour of the audit chain (local time): count and the hash of its last event. Published on the
    portal, so a rewrite of the day's chain contradicts a head that was public an hour later at most."""

    hour = models.DateTimeField("时段开始", unique=True)
    count = models.PositiveIntegerField("条数", default=0)
    head_hash = models.CharField("时段链头", max_length=64)
    first_id = models.BigIntegerField("首条编号")
    last_id = models.BigIntegerField("末条编号")

    class Meta:
        ordering = ["-hour"]
        verbose_name = verbose_name_plural = "审计链整点链头"

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}:00 {self.head_hash[:12]}"


class AuditDay(models.Model):
    """One day of the audit chain: how many events and the hash of its last one, published daily."""

    day = models.DateField("日期", unique=True)
    count = models.PositiveIntegerField("条数", default=0)
    head_hash = models.CharField("当日链头", max_length=64)
    first_id = models.BigIntegerField("首条编号")
    last_id = models.BigIntegerField("末条编号")

    class Meta:
        ordering = ["-day"]
        verbose_name = verbose_name_plural = "审计链日链头"

    def __str__(self) -> str:
        return f"{self.day} {self.head_hash[:12]}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """Progress and outcome of a background job (imports, large draws), shown as a progress bar."""

    kind = models.CharField("类型", max_length=40)
    title = models.CharField("名称", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.PROTECT
    )
    department = models.ForeignKey(
        "accounts.Department", verbose_name="部门", null=True, blank=True, on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    total = models.BigIntegerField("总量", default=0)
    done = models.BigIntegerField("已处理", default=0)
    message = models.TextField("结果说明", blank=True)
    # Inputs (file path, options) and the outcome (counts, the row-by-row error report).
    params = models.JSONField("参数", default=dict, blank=True)
    report = models.JSONField("报告", default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "后台任务"

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", "放假"
    WORKDAY = "workday", "调休上班"


class CalendarOverride(models.Model):
    """Days the office sets as holidays or 调休 working days, over the calendar the platform ships with:
    entered when the State Council announces next year's holidays (each November), before a library
    update carries them. A day is in at most one row (``common.workdays.add_override`` refuses overlaps)."""

    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    kind = models.CharField("类型", max_length=8, choices=DayKind.choices)
    name = models.CharField("名称", max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = verbose_name_plural = "节假日调整"

    def __str__(self) -> str:
        return f"{self.name} {self.starts_on}–{self.ends_on} {self.get_kind_display()}"

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


class Deadline(models.Model):
    """A time limit in working days (the number is data the office edits): results are public within
    20 working days of being produced, draws within 20 of the checks' end, follow-ups by their kind."""

    key = models.SlugField("代码", max_length=40, unique=True)
    label = models.CharField("时限", max_length=60)
    working_days = models.PositiveSmallIntegerField("工作日数")
    basis = models.CharField("依据", max_length=120, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = "办理时限"

    def __str__(self) -> str:
        return f"{self.label}：{self.working_days} 个工作日"
