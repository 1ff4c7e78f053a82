from django.apps import AppConfig


class CluesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.clues"
    verbose_name = "线索"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the import job's handler)
