from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.items"
    label = "items"
    verbose_name = "抽查事项清单"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  registers the "items.import" job handler
