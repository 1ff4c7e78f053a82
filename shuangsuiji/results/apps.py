from django.apps import AppConfig


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.results"
    verbose_name = "检查实施与结果"

    def ready(self) -> None:
        from shuangsuiji.plans.services import COMPLETION_CHECKS

        from .services import unfinished_parts

        if unfinished_parts not in COMPLETION_CHECKS:
            COMPLETION_CHECKS.append(unfinished_parts)
