from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.inspectors"
    label = "inspectors"
    verbose_name = "执法检查人员名录库"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  registers the import job handler with the worker
