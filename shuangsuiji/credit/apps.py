from django.apps import AppConfig


class CreditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.credit"
    verbose_name = "信用风险分类"

    def ready(self) -> None:
        from shuangsuiji.plans.services import RISK_RATIOS

        from . import services, tasks  # noqa: F401  (tasks registers the recompute job's handler)

        RISK_RATIOS["ranges"] = services.ratio_ranges
        RISK_RATIOS["lists"] = services.list_ranges
