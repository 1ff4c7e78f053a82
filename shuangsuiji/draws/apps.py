from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.draws"
    label = "draws"
