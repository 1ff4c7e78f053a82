"""The outbox (发件箱) of the push to the publicity platform (国家企业信用信息公示系统 or the province's):
one row per change of what is public, written in the same transaction as the change, delivered by a
worker until the receiver has it. The key is stable, so a resend is recognised by the receiver."""

from django.db import models


class Action(models.TextChoices):
    PUBLISH = "publish", "公开"
    CORRECT = "correct", "更正"
    WITHDRAW = "withdraw", "撤回"


class State(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已送达"
    FAILED = "failed", "发送失败"


class OutboxMessage(models.Model):
    key = models.CharField("幂等键", max_length=80, unique=True)
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    publication = models.ForeignKey("results.Publication", on_delete=models.PROTECT, related_name="+")
    part_id = models.BigIntegerField("部门检查记录")  # messages of one part go out in order
    department = models.ForeignKey("accounts.Department", verbose_name="检查实施机关", on_delete=models.PROTECT,
                                   related_name="+")
    payload = models.JSONField("推送内容")
    state = models.CharField("状态", max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试")
    lease_until = models.DateTimeField("占用至", null=True, blank=True)
    lease_token = models.CharField("占用标记", max_length=32, blank=True)
    last_status = models.PositiveSmallIntegerField("接收方状态码", null=True, blank=True)
    last_answer = models.CharField("接收方答复", max_length=500, blank=True)
    last_error = models.CharField("失败原因", max_length=500, blank=True)
    created_at = models.DateTimeField("写入时间", auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # The sweep walks due messages oldest first and stops at a batch; each is checked for an earlier
        # unsent message of its part.
        indexes = [models.Index(fields=["state", "next_attempt_at", "id"], name="outbox_due"),
                   models.Index(fields=["part_id", "id"], name="outbox_part_order")]
        verbose_name = verbose_name_plural = "公示推送记录"

    def __str__(self) -> str:
        return self.key
