from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.credit"
    verbose_name = "信用风险分类"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  (registers the recompute job's handler)
