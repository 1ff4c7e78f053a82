"""In-app notices (站内通知) to a department: deadlines coming and passed, and whatever else the platform
has to tell a department. Each notice has a key, so a reminder sent twice is one notice."""

from django.conf import settings
from django.db import models


class NoticeQuerySet(models.QuerySet):
    def for_user(self, user):
        """The notices of the user's department, and for the office's staff the office's own."""
        if not user.is_authenticated:
            return self.none()
        mine = models.Q(department_id=user.department_id) if user.department_id else models.Q(pk__in=[])
        if user.is_office:
            mine |= models.Q(to_office=True)
        return self.filter(mine)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    # To a department, or to the joint-meeting office (its staff, not the department that hosts it).
    department = models.ForeignKey("accounts.Department", verbose_name="接收部门", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="notices")
    to_office = models.BooleanField("发给联席会议办公室", default=False)
    key = models.CharField("去重键", max_length=120, unique=True)
    title = models.CharField("标题", max_length=200)
    body = models.CharField("内容", max_length=500, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    created_at = models.DateTimeField("通知时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["department", "read_at"], name="notice_unread")]
        verbose_name = verbose_name_plural = "站内通知"

    def __str__(self) -> str:
        return self.title
