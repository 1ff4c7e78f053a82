from django.apps import AppConfig


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.results"
    verbose_name = "检查实施与结果"
