from django.apps import AppConfig


class Config(AppConfig):
    """The site above the domain apps: home page, health check, error pages, demo district, deployment checks."""

    name = "shuangsuiji.site"
    label = "site"
