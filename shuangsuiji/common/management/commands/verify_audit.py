from django.core.management.base import BaseCommand, CommandError

from shuangsuiji.common.audit import verify_chain, verify_pins


class Command(BaseCommand):
    help = ("Check the audit hash chain, its daily and hourly heads, and every head pinned by a draw's "
            "manifest; name the first broken link.")

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链校验未通过（已核对 {report.checked} 条）：{report.problem}")
        pins = verify_pins()
        if pins:
            raise CommandError("审计链校验未通过：" + "；".join(pins[:5]) + (f"（另有 {len(pins) - 5} 处）" if len(pins) > 5 else ""))
        self.stdout.write(f"审计链完整：共 {report.checked} 条记录，链接与每日、整点链头一致，各抽取固定的链头都在链中。")
