from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.directory"
    label = "directory"
    verbose_name = "检查对象名录库"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  registers the "directory.import_entities" job handler
