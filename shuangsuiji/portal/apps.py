from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.portal"
    label = "portal"
