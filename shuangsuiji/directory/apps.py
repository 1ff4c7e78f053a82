from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.directory"
    label = "directory"
