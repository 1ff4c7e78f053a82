from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.common.audit import verify_chain


class Command(BaseCommand):
    help = "Check the audit hash chain and the daily heads; name the first broken link."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链校验未通过（已核对 {report.checked} 条）：{report.problem}")
        self.stdout.write(f"审计链完整：共 {report.checked} 条记录，链接与每日链头一致。")
