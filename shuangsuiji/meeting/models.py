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
