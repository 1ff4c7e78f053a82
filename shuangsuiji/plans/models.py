"""Annual plans (年度抽查计划), joint inspection tasks (抽查任务) and their visits (检查单).

A plan is filed by a department with the joint-meeting office by the year's deadline, published by
the office, and adjusted only by a new version with a reason. A task cites items of the published
lists only, wraps one draw (random kinds) and gives every drawn business one visit that lists every
participating department's items: 进一次门、查多项事.
"""

from django.conf import settings
from django.db import models


class PlanYear(models.Model):
    """The filing deadline is data, per year (default 31 January)."""

    year = models.PositiveIntegerField("年度", unique=True)
    filing_deadline = models.DateField("报备截止日期")

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "计划年度"

    def __str__(self) -> str:
        return f"{self.year} 年度"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FILED = "filed", "已报备"
    RETURNED = "returned", "已退回修改"
    PUBLISHED = "published", "已公布"
    SUPERSEDED = "superseded", "已被调整版本替代"


class AnnualPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The plans a user may read, on pages and in the API alike: every one for the office and the leader;
        for a department its own, in any state, and every published plan and superseded version."""
        if user.sees_all_departments:
            return self
        public = models.Q(status__in=[PlanStatus.PUBLISHED, PlanStatus.SUPERSEDED])
        if user.department_id is None:
            return self.filter(public)
        return self.filter(public | models.Q(department_id=user.department_id))


class AnnualPlan(models.Model):
    """One version of a department's annual plan; ``department`` is empty for the district joint plan."""

    year = models.PositiveIntegerField("年度")
    department = models.ForeignKey("accounts.Department", verbose_name="部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="plans")
    version = models.PositiveIntegerField("版本", default=1)
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    adjustment_reason = models.TextField("调整理由", blank=True)
    previous = models.OneToOneField("self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="next_version")
    return_comment = models.TextField("退回意见", blank=True)
    filed_at = models.DateTimeField("报备时间", null=True, blank=True)
    filed_late = models.BooleanField("逾期报备", default=False)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "department__order", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "department", "version"], name="plan_version_once")]
        verbose_name = verbose_name_plural = "年度抽查计划"

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"

    @property
    def owner_name(self) -> str:
        return self.department.name if self.department else "区联席会议（联合抽查计划）"

    @property
    def is_editable(self) -> bool:
        return self.status in (PlanStatus.DRAFT, PlanStatus.RETURNED)


class TaskKind(models.TextChoices):
    INTERNAL = "internal", "部门内部双随机抽查"
    JOINT_GENERAL = "joint_general", "综合联查"
    JOINT_RISK = "joint_risk", "风险分类联查"
    JOINT_SPECIAL = "joint_special", "专项整治联查"
    TARGETED = "targeted", "定向（非随机）检查"


JOINT_KINDS = (TaskKind.JOINT_GENERAL, TaskKind.JOINT_RISK, TaskKind.JOINT_SPECIAL)


class TargetedReason(models.TextChoices):
    COMPLAINT = "complaint", "投诉举报"
    ASSIGNED = "assigned", "转办交办"
    MONITORING = "monitoring", "数据监测"
    TRANSFERRED = "transferred", "其他部门移送"
    FOUND = "found", "检查发现"


class Method(models.TextChoices):
    ONSITE = "onsite", "实地核查"
    DOCUMENT = "document", "书面检查"
    ONLINE = "online", "网络监测"
    ENTRUSTED = "entrusted", "委托专业机构"


class PlanEntry(models.Model):
    """One batch in a plan: what, where, how many, when, who leads and who takes part."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries")
    title = models.CharField("批次/任务名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=TaskKind.choices, default=TaskKind.INTERNAL)
    items = models.ManyToManyField("items.InspectionItem", verbose_name="抽查事项", related_name="plan_entries")
    scope_text = models.CharField("抽查范围", max_length=500)
    ratio_text = models.CharField("抽查比例或户数", max_length=100)
    timing = models.CharField("实施时间", max_length=100)
    lead_department = models.ForeignKey("accounts.Department", verbose_name="发起部门", on_delete=models.PROTECT,
                                        related_name="+")
    partner_departments = models.ManyToManyField("accounts.Department", verbose_name="配合部门", blank=True,
                                                 related_name="+")
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = verbose_name_plural = "计划批次"

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交审核"
    APPROVED = "approved", "已审核锁定"
    COMMITTED = "committed", "已发布抽取承诺"
    DRAWN = "drawn", "已抽取并匹配"
    IN_PROGRESS = "in_progress", "检查实施中"
    RESULTS_COMPLETE = "results_complete", "结果已录入"
    PUBLISHED = "published", "结果已公示"
    CLOSED = "closed", "已办结"


class TaskQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tasks a user may read, on pages and in the API alike, with the department and draw every page
        shows: every one for the office and the leader; for a department those it leads or takes part in."""
        tasks = self.select_related("department", "draw")
        if user.sees_all_departments:
            return tasks
        mine = models.Q(department_id=user.department_id) | models.Q(partners=user.department_id)
        return tasks.filter(mine).distinct()


def rule_words(rule) -> str:
    """A count rule in words: 比例 5%（四舍五入），每层至少 1 户、至多 7 户 — or 每层 N 户."""
    from decimal import Decimal, InvalidOperation

    if isinstance(rule, int) or (isinstance(rule, dict) and rule.get("count") is not None):
        return f"每层 {rule if isinstance(rule, int) else rule['count']} 户"
    if not isinstance(rule, dict):
        return str(rule)
    try:
        text = f"比例 {(Decimal(str(rule.get('ratio', 0))) * 100).normalize():f}%"
    except InvalidOperation:
        text = f"比例 {rule.get('ratio')}"
    if rule.get("rounding") == "ceil":
        text += "（向上取整）"
    caps = [f"至少 {rule['minimum']} 户" if rule.get("minimum") else "", f"至多 {rule['maximum']} 户" if rule.get("maximum") else ""]
    if any(caps):
        text += "，每层" + "、".join(c for c in caps if c)
    return text


class Task(models.Model):
    """One inspection task; random kinds are drawn through exactly one draw (``draw``)."""

    number = models.CharField("任务编号", max_length=30, unique=True)
    year = models.PositiveIntegerField("年度")
    title = models.CharField("任务名称", max_length=200)
    kind = models.CharField("类型", max_length=16, choices=TaskKind.choices)
    targeted_reason = models.CharField("定向检查事由", max_length=12, choices=TargetedReason.choices, blank=True)
    targeted_note = models.TextField("事由说明", blank=True)
    department = models.ForeignKey("accounts.Department", verbose_name="发起部门", on_delete=models.PROTECT,
                                   related_name="tasks")
    partners = models.ManyToManyField("accounts.Department", verbose_name="配合部门", blank=True,
                                      related_name="partner_tasks")
    plan_entry = models.ForeignKey(PlanEntry, verbose_name="计划批次", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="tasks")
    items = models.ManyToManyField("items.InspectionItem", verbose_name="抽查事项", through="TaskItem",
                                   related_name="tasks")
    # {"sublibrary": id|null, "filters": {...}} — the same shape as Draw.scope.
    scope = models.JSONField("抽取范围", default=dict)
    strata_by = models.JSONField("分层依据", default=list, blank=True)
    rules = models.JSONField("抽取规则", default=dict)
    yearly_cap = models.PositiveIntegerField("同一对象年度被抽查次数上限", null=True, blank=True)
    exclusion_days = models.PositiveIntegerField("互认排除期（天）", default=0)
    team_size = models.PositiveIntegerField("检查组人数", default=2)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("结束日期", null=True, blank=True)
    documents = models.TextField("需准备的材料（每行一项）", blank=True)
    status = models.CharField("状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.DRAFT)
    draw = models.OneToOneField("draws.Draw", verbose_name="随机抽取", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="task")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    approved_at = models.DateTimeField("锁定时间", null=True, blank=True)
    # Four eyes (SSJ_FOUR_EYES): whoever created or submitted a task does not approve it.
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="提交人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "抽查任务"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_random(self) -> bool:
        return self.kind != TaskKind.TARGETED

    @property
    def is_joint(self) -> bool:
        return self.kind in JOINT_KINDS

    @property
    def strata_labels(self) -> list[str]:
        from shuangsuiji.draws.scope import STRATA

        return [STRATA[s][1] if s in STRATA else s for s in self.strata_by]

    @property
    def rule_text(self) -> str:
        """The default count rule in words (each layer unless a layer has its own, see ``layer_rules``)."""
        return rule_words((self.rules or {}).get("default") or {})

    @property
    def layer_rules(self) -> list[tuple[str, str]]:
        """(layer, rule in words) for the layers with a rule of their own."""
        return [(layer, rule_words(rule)) for layer, rule in ((self.rules or {}).get("per_stratum") or {}).items()]

    def document_list(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class TaskItem(models.Model):
    """An item a task cites, with the method it is checked by."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_items")
    item = models.ForeignKey("items.InspectionItem", on_delete=models.PROTECT, related_name="+")
    method = models.CharField("检查方式", max_length=10, choices=Method.choices, default=Method.ONSITE)

    class Meta:
        ordering = ["task", "item__department__order", "item__code"]
        constraints = [models.UniqueConstraint(fields=["task", "item"], name="task_item_once")]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.item_id}（{self.get_method_display()}）"


class Visit(models.Model):
    """One visit (检查单) to one business for one task, listing every department's items."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="visits")
    entity = models.ForeignKey("directory.Entity", on_delete=models.PROTECT, related_name="visits")
    number = models.CharField("检查单编号", max_length=40, unique=True)
    # [{"department": name, "code": dept code, "items": [{"code", "name", "basis", "method"}],
    #   "team": [{"name", "cert_no"}]}] — frozen when the visit is issued.
    sheet = models.JSONField("检查内容", default=list)
    draw = models.ForeignKey("draws.Draw", verbose_name="来源抽取", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="visits")
    void = models.BooleanField("已随抽取作废", default=False)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        ordering = ["task", "number"]
        constraints = [models.UniqueConstraint(fields=["task", "entity"], condition=models.Q(void=False),
                                               name="one_visit_per_task_entity")]
        verbose_name = verbose_name_plural = "检查单"

    def __str__(self) -> str:
        return self.number


class ConsultationStatus(models.TextChoices):
    PENDING = "pending", "待确认"
    CONFIRMED = "confirmed", "已确认"
    OBJECTED = "objected", "有异议"
    OVERRIDDEN = "overridden", "办公室决定不待确认"


class Consultation(models.Model):
    """会商 (seed §二(五)): before a joint task is drawn, each partner department confirms it takes part with
    its items and the team size as locked, or raises an objection; the office may decide, with a reason on
    record, that the draw goes ahead without a confirmation."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="consultations")
    department = models.ForeignKey("accounts.Department", verbose_name="配合部门", on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField("会商状态", max_length=12, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.PENDING)
    note = models.CharField("意见或理由", max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        ordering = ["task", "department__order"]
        constraints = [models.UniqueConstraint(fields=["task", "department"], name="one_consultation_per_partner")]
        verbose_name = verbose_name_plural = "联合抽查会商"

    def __str__(self) -> str:
        return f"{self.task.number} · {self.department.short_name}"

    @property
    def settled(self) -> bool:
        return self.status in (ConsultationStatus.CONFIRMED, ConsultationStatus.OVERRIDDEN)
