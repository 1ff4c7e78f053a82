"""Publicly verifiable draws (抽取): frozen pool, commitment, revealed sources, final result.

A draw moves prepared → committed → revealed → published; it may be voided with a public reason,
and a redraw is a new draw linked to the void one. After the commitment the frozen fields never
change: ``save()`` refuses it, so no code path can quietly re-roll a draw.
"""

from django.conf import settings
from django.db import models


class DrawStatus(models.TextChoices):
    PREPARED = "prepared", "准备中"
    COMMITTED = "committed", "已承诺（待揭晓）"
    REVEALED = "revealed", "已揭晓"
    PUBLISHED = "published", "已公布"
    VOID = "void", "已作废"


# Fields fixed once a draw is committed; only the lifecycle fields listed per state may still change.
FROZEN_AFTER_COMMIT = (
    "number", "title", "department_id", "purpose", "scope", "strata_by", "rules", "exclusions", "manifest",
    "manifest_sha256", "pool_sha256", "pool_size", "commitment", "commitment_sha256", "committed_at",
    "matching_params", "matching_basis", "matching_people", "matching_townships", "rehearsal", "witness_sealed", "publish_by", "pool_salt",
)
FROZEN_AFTER_REVEAL = FROZEN_AFTER_COMMIT + (
    "revealed", "source_values", "seed", "result", "revealed_at", "matching_snapshot_sha256", "matching_error",
)


# States in which a committed draw still owes the public its outcome.
UNPUBLISHED = (DrawStatus.COMMITTED, DrawStatus.REVEALED)


class DrawQuerySet(models.QuerySet):
    def public(self):
        """Draws the public may see: everything from the commitment on (void ones too, with reasons)."""
        return self.exclude(status=DrawStatus.PREPARED).exclude(committed_at__isnull=True)

    def for_department(self, department):
        return self.filter(department=department)

    def visible_to(self, user):
        """The draws a user may read: every one for the office and the leader; for a department those it
        organises or has people in (a joint draw's partner department)."""
        if user.sees_all_departments:
            return self
        taking_part = Draw.objects.filter(team_members__department_id=user.department_id).values("pk")
        return self.filter(models.Q(department_id=user.department_id) | models.Q(pk__in=taking_part))

    def overdue(self, today):
        """Committed or revealed draws still unpublished after their deadline."""
        return self.filter(status__in=UNPUBLISHED, publish_by__lt=today)


class ImmutableDrawError(Exception):
    """Raised when code tries to change a committed or revealed draw."""


class Draw(models.Model):
    """One random draw of inspection targets."""

    number = models.CharField("抽取编号", max_length=30, unique=True)
    title = models.CharField("名称", max_length=200)
    department = models.ForeignKey("accounts.Department", verbose_name="组织部门", on_delete=models.PROTECT,
                                   related_name="draws")
    purpose = models.TextField("说明", blank=True)
    items = models.ManyToManyField("items.InspectionItem", verbose_name="抽查事项", blank=True, related_name="draws")
    # What the pool is: {"sublibrary": id|null, "filters": {...}} (see services.scope_queryset).
    scope = models.JSONField("抽取范围", default=dict)
    strata_by = models.JSONField("分层依据", default=list, blank=True)
    # {"default": CountRule JSON, "per_stratum": {label: CountRule JSON}}
    rules = models.JSONField("抽取规则", default=dict)
    # [{"uscc": ..., "reason": ...}] — explicit exclusions; non-存续 entities never enter the pool.
    exclusions = models.JSONField("排除名单", default=list, blank=True)
    status = models.CharField("状态", max_length=10, choices=DrawStatus.choices, default=DrawStatus.PREPARED)

    manifest = models.JSONField("抽取清单（冻结）", null=True, blank=True)
    manifest_sha256 = models.CharField("清单摘要", max_length=64, blank=True)
    pool_sha256 = models.CharField("抽取池摘要", max_length=64, blank=True)
    pool_size = models.PositiveIntegerField("抽取池户数", default=0)
    # Internal: which public stratum code stands for which internal class (never shown publicly).
    strata_map = models.JSONField("分层对照（内部）", default=dict, blank=True)
    # A draw stratified or filtered by credit class is blinded (docs/draw-protocol.md §5.1): the manifest
    # commits to the pool salted with this, and pool.tsv with its strata goes only into the auditor kit.
    pool_salt = models.CharField("抽取池盐值（内部）", max_length=64, blank=True)
    commitment = models.JSONField("承诺", null=True, blank=True)
    commitment_sha256 = models.CharField("承诺摘要", max_length=64, blank=True)
    committed_at = models.DateTimeField("承诺时间", null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    # A rehearsal uses only witness numbers; it is marked publicly and never serves as a task's draw.
    rehearsal = models.BooleanField("演练", default=False)
    # Witness numbers rolled at the commit ceremony, kept internal until the reveal: {source index: {numbers,
    # nonce}}. Only their seal is in the commitment, so no number can be chosen after the pool is public.
    witness_sealed = models.JSONField("封存的见证人号码（内部）", default=dict, blank=True)

    revealed = models.JSONField("揭示的随机源", null=True, blank=True)
    source_values = models.JSONField("随机源规范值", null=True, blank=True)
    seed = models.CharField("种子", max_length=64, blank=True)
    result = models.JSONField("抽取结果", null=True, blank=True)
    revealed_at = models.DateTimeField("揭晓时间", null=True, blank=True)
    revealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    # Teams and recusals (pseudonymous) join the public kit once the inspection is over: when the task's
    # results are published, or with the draw itself when no task follows it.
    teams_published_at = models.DateTimeField("检查组公开时间", null=True, blank=True)
    # Fixed at commit: the task's end date (or the last declared source, if later) plus the working days
    # allowed; a draw still unpublished after it is flagged publicly (nobody may sit on an outcome).
    publish_by = models.DateField("公布期限", null=True, blank=True)

    # Inspector matching: rules set at preparation, the basis frozen at commit, teams decided at reveal.
    matching_params = models.JSONField("匹配规则", default=dict, blank=True)
    matching_basis = models.JSONField("匹配依据（冻结）", null=True, blank=True)
    matching_problems = models.JSONField("匹配预检提示", default=list, blank=True)
    # Frozen at commit with the basis: team id → inspector pk, and USCC → township when it matters.
    matching_people = models.JSONField("匹配人员对照（内部）", default=dict, blank=True)
    matching_townships = models.JSONField("检查对象所在乡镇（冻结）", default=dict, blank=True)
    matching = models.JSONField("匹配结果", null=True, blank=True)
    matching_snapshot_sha256 = models.CharField("匹配快照摘要", max_length=64, blank=True)
    matching_error = models.TextField("匹配失败原因", blank=True)

    void_reason = models.TextField("作废理由", blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    replaces = models.OneToOneField("self", verbose_name="替代的作废抽取", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="replaced_by")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "随机抽取"

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs):
        if self.pk:
            self._refuse_changes_to_frozen_fields()
        super().save(*args, **kwargs)

    def _refuse_changes_to_frozen_fields(self) -> None:
        stored = Draw.objects.filter(pk=self.pk).values(*FROZEN_AFTER_REVEAL, "status").first()
        if stored is None or stored["status"] == DrawStatus.PREPARED:
            return
        frozen = FROZEN_AFTER_COMMIT if stored["status"] == DrawStatus.COMMITTED else FROZEN_AFTER_REVEAL
        if stored["status"] == DrawStatus.VOID:
            frozen = FROZEN_AFTER_REVEAL
        changed = [f for f in frozen if stored[f] != getattr(self, f)]
        if changed:
            raise ImmutableDrawError(f"抽取 {self.number} 已{DrawStatus(stored['status']).label}，不能修改：{', '.join(changed)}")

    def days_overdue(self, today) -> int:
        """Calendar days past the publication deadline while unpublished (0 when not overdue)."""
        if self.status not in UNPUBLISHED or self.publish_by is None:
            return 0
        return max(0, (today - self.publish_by).days)

    @property
    def revealed_sources(self) -> list[dict]:
        """Each declared source with its revealed value for pages: a lottery's or witness's numbers as drawn
        (groups by "；"), beside the canonical value (RFC 3797 key string, or the beacon's randomness) the
        seed is computed from."""
        out = []
        for decl, shown, value in zip((self.commitment or {}).get("sources") or [], self.revealed or [],
                                      self.source_values or [], strict=False):
            groups = shown.get("numbers") if isinstance(shown, dict) and decl.get("type") != "drand" else None
            numbers = "；".join(" ".join(str(n) for n in g) for g in groups) if isinstance(groups, list) else ""
            out.append({"type": decl.get("type"), "name": decl.get("name") or "", "numbers": numbers, "value": value})
        return out

    @property
    def blinded(self) -> bool:
        """Its public kit and pages carry no strata (the credit class is internal)."""
        return bool(((self.manifest or {}).get("pool") or {}).get("blinded"))


class DrawnEntity(models.Model):
    """One entity drawn, with its ticket — the searchable copy of ``Draw.result``."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="drawn")
    entity = models.ForeignKey("directory.Entity", on_delete=models.PROTECT, related_name="draws_drawn")
    stratum = models.CharField("层", max_length=60)
    ticket = models.CharField("签号", max_length=40)
    rank = models.PositiveIntegerField("层内序号")

    class Meta:
        ordering = ["draw", "stratum", "rank"]
        constraints = [models.UniqueConstraint(fields=["draw", "entity"], name="drawn_once_per_draw")]
        verbose_name = verbose_name_plural = "中选对象"

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.stratum}/{self.rank}"


class TeamMember(models.Model):
    """One person in the team sent to one drawn entity for one department (searchable copy of ``Draw.matching``)."""

    draw = models.ForeignKey(Draw, on_delete=models.PROTECT, related_name="team_members")
    entity = models.ForeignKey("directory.Entity", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey("accounts.Department", on_delete=models.PROTECT, related_name="+")
    inspector = models.ForeignKey("inspectors.Inspector", on_delete=models.PROTECT, related_name="team_memberships")
    counts_as_officer = models.BooleanField("计入执法人员", default=True)
    active = models.BooleanField("在组", default=True)

    class Meta:
        ordering = ["draw", "entity", "department", "id"]
        verbose_name = verbose_name_plural = "检查组成员"

    def __str__(self) -> str:
        return f"{self.inspector} → {self.entity}（{self.department}）"


class RecusalStatus(models.TextChoices):
    PENDING = "pending", "待决定"
    AWAITING = "awaiting", "已同意回避，待随机源产生后替换"
    APPROVED = "approved", "已同意回避"
    REJECTED = "rejected", "不予回避"


class RecusalCategory(models.TextChoices):
    """The public reason category of a recusal (the free text stays internal)."""

    APPLICATION = "application", "申请回避"
    EX_OFFICIO = "ex_officio", "依职权回避"
    INTEREST = "interest", "利害关系"
    OTHER = "other", "其他"


class Recusal(models.Model):
    """A declared conflict or a business's application for recusal of an assigned inspector (回避申请)."""

    member = models.ForeignKey(TeamMember, verbose_name="检查组成员", on_delete=models.PROTECT, related_name="recusals")
    applicant = models.CharField("申请方", max_length=10,
                                 choices=[("inspector", "执法人员自行申请"), ("business", "检查对象申请")])
    reason = models.TextField("理由")
    category = models.CharField("回避类别", max_length=12, choices=RecusalCategory.choices,
                                default=RecusalCategory.OTHER)
    status = models.CharField("状态", max_length=10, choices=RecusalStatus.choices, default=RecusalStatus.PENDING)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    replacement = models.ForeignKey("inspectors.Inspector", verbose_name="替换人员", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    # The replacement is drawn with randomness that did not exist at the decision: the drand round declared
    # then ({"type": "drand", "chain", "round"}), and the round's JSON once it is public.
    source = models.JSONField("替换随机源（决定时声明）", null=True, blank=True)
    revealed = models.JSONField("替换随机源的值", null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = verbose_name_plural = "回避申请"

    def __str__(self) -> str:
        return f"{self.member}：{self.get_status_display()}"


WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]


class LotteryKind(models.Model):
    """A public lottery whose draw may serve as a randomness source, with its draw schedule (editable,
    since schedules change). A reveal before the draw time plus the margin is refused."""

    name = models.CharField("彩票名称", max_length=60, unique=True)
    shape = models.JSONField("每组号码个数", default=list)
    ranges = models.JSONField("每组号码范围", default=list)
    distinct = models.BooleanField("组内号码不重复", default=True)
    weekdays = models.JSONField("开奖日（1=周一 … 7=周日）", default=list)
    draw_time = models.TimeField("开奖时间（北京时间）")
    margin_minutes = models.PositiveIntegerField("开奖后核对时间（分钟）", default=30)
    active = models.BooleanField("可选用", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = "彩票开奖时间表"

    def __str__(self) -> str:
        return self.name

    @property
    def schedule_text(self) -> str:
        days = "、".join(f"周{WEEKDAYS[d - 1]}" for d in sorted(self.weekdays))
        return f"{'每天' if len(self.weekdays) == 7 else days} {self.draw_time:%H:%M}"
