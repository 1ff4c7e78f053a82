from django.core.management.base import BaseCommand

from shuangsuiji.meeting import reports


class Command(BaseCommand):
    help = "Remind member units of their June or December work report 10 days before it is due and once late (run daily)."

    def handle(self, *args, **options):
        sent = reports.remind()
        self.stdout.write(f"工作情况报送提醒：发出 {sent} 条站内通知。")
