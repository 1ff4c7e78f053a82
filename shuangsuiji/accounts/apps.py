from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.accounts"
    label = "accounts"
