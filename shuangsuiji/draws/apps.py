from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.draws"
    label = "draws"
    verbose_name = "随机抽取"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  registers the draws.commit / draws.reveal job handlers
