from django.apps import AppConfig


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shuangsuiji.results"
    verbose_name = "检查实施与结果"

    def ready(self) -> None:
        from shuangsuiji.draws.signals import team_changed
        from shuangsuiji.plans.services import COMPLETION_CHECKS, PROGRESS

        from . import progress
        from .services import note_team_change, unfinished_parts

        if unfinished_parts not in COMPLETION_CHECKS:
            COMPLETION_CHECKS.append(unfinished_parts)
        PROGRESS.update(coverage=progress.coverage, entries=progress.entry_progress)
        team_changed.connect(note_team_change, dispatch_uid="results.note_team_change")
