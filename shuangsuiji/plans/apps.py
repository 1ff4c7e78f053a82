from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.plans"
    verbose_name = "年度计划与抽查任务"

    def ready(self):
        from . import services  # noqa: F401 — connects the draw signal receivers
