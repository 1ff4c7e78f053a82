from django.apps import AppConfig


class MeetingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.meeting"
    verbose_name = "联席会议"
