"""Credit-risk classes (信用风险分类): the office's versioned scheme, the facts imported from the credit systems,
each business's current rating with its contributions, and the history of class changes. Internal only
(分类结果不公开): nothing here reaches a public page, kit or open data."""

from django.conf import settings
from django.db import models


class Scheme(models.Model):
    """One version of the classification scheme; a change is a new version, so a rating names what computed it."""

    version = models.PositiveIntegerField("版本", unique=True)
    # scoring.Scheme.to_json(): classes, weights, thresholds, industry_risk, direct.
    rules = models.JSONField("权重与阈值")
    # Per-class sampling ratios for 风险分类联查 (percent strings): {"A": {"min", "max", "default"}, ...}.
    ratios = models.JSONField("各类抽查比例")
    note = models.CharField("修订说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = verbose_name_plural = "信用风险分类方案"

    def __str__(self) -> str:
        return f"第{self.version}版"


class Facts(models.Model):
    """What the credit systems know of a business beyond the platform's own inspections (imported; sparse: only
    businesses with something to say have a row)."""

    entity = models.OneToOneField("directory.Entity", on_delete=models.CASCADE, primary_key=True,
                                  related_name="credit_facts", db_constraint=False)
    abnormal = models.BooleanField("列入经营异常名录", default=False)
    serious = models.BooleanField("列入严重违法失信名单", default=False)
    penalties = models.PositiveSmallIntegerField("近三年行政处罚（次）", default=0)
    complaints = models.PositiveSmallIntegerField("近一年投诉举报（件）", default=0)
    annual_report_missing = models.BooleanField("未按时报送年度报告", default=False)
    # For the draw's ratio, not the class: 失信联合惩戒对象 are drawn more often, 守信激励对象 less.
    punished = models.BooleanField("失信联合惩戒对象", default=False)
    trusted = models.BooleanField("守信激励对象", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用信息"

    def __str__(self) -> str:
        return str(self.entity_id)


class Rating(models.Model):
    """A business's class as last computed: the scheme version, its score and each factor's points."""

    entity = models.OneToOneField("directory.Entity", on_delete=models.CASCADE, primary_key=True,
                                  related_name="credit_rating", db_constraint=False)
    klass = models.CharField("分类", max_length=1)
    score = models.IntegerField("风险分值")
    # [[factor, value, points], ...] for every non-zero contribution; "direct" names an E-class fact.
    parts = models.JSONField("各因素分值", default=list)
    direct = models.CharField("直接认定情形", max_length=30, blank=True)
    version = models.PositiveIntegerField("方案版本")
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = verbose_name_plural = "信用风险分类结果"

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.klass}"


class ClassChange(models.Model):
    """A business's class changed (or was first given) on a recomputation: the history the early warning and the
    back-test read (the class at the time of an inspection)."""

    entity = models.ForeignKey("directory.Entity", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    before = models.CharField("原分类", max_length=1, blank=True)
    after = models.CharField("新分类", max_length=1)
    on = models.DateField("变更日期")
    version = models.PositiveIntegerField("方案版本")

    class Meta:
        ordering = ["entity", "on", "id"]
        indexes = [models.Index(fields=["on"], name="classchange_on"),
                   models.Index(fields=["entity", "on"], name="classchange_entity_on")]
        verbose_name = verbose_name_plural = "信用风险分类变更"

    def __str__(self) -> str:
        return f"{self.entity_id}: {self.before or '—'}→{self.after}"
