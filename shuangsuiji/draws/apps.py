from django.apps import AppConfig


class Config(AppConfig):
    name = "shuangsuiji.draws"
    label = "draws"
    verbose_name = "随机抽取"

    def ready(self) -> None:
        from shuangsuiji.common import audit

        from . import (
            services,
            tasks,  # noqa: F401  registers the draws.commit / draws.reveal job handlers
        )

        # verify_audit checks that the audit head each draw pinned at freeze time is still in the chain.
        if services.pinned_audit_heads not in audit.PIN_SOURCES:
            audit.PIN_SOURCES.append(services.pinned_audit_heads)
