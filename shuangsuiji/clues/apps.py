from django.apps import AppConfig


class CluesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.clues"
    verbose_name = "线索"
