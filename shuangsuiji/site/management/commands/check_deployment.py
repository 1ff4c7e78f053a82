from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.site.deployment import ERROR, run_all


class Command(BaseCommand):
    help = ("Check a deployment: settings, database and migrations, the task queue, the PDF font, "
            "the data directory and every committed draw's frozen pool. Exits non-zero on any error.")

    def add_arguments(self, parser):
        parser.add_argument("--deep", action="store_true", help="also re-hash every draw's pool file")

    def handle(self, *args, deep=False, **options):
        findings = run_all(deep=deep)
        for f in findings:
            mark = "错误" if f.level == ERROR else "提示"
            self.stdout.write(f"[{mark}] {f.check}: {f.message}")
        errors = [f for f in findings if f.level == ERROR]
        if errors:
            raise CommandError(f"部署检查未通过：{len(errors)} 个错误，{len(findings) - len(errors)} 个提示。")
        self.stdout.write(f"部署检查通过（{len(findings)} 个提示）。")
