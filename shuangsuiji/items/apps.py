from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.items"
    label = "items"
