from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.inspectors"
    label = "inspectors"
