from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.common"
    label = "common"
