from django.apps import AppConfig


class PushConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.push"
    verbose_name = "公示系统推送"

    def ready(self) -> None:
        from shuangsuiji.results.signals import publication_changed

        from .outbox import record

        publication_changed.connect(record, dispatch_uid="push.record")
