from django.core.management.base import BaseCommand

from shuangsuiji.results import deadlines


class Command(BaseCommand):
    help = "Remind departments of results 5 and 1 working days from their publication deadline (run daily)."

    def handle(self, *args, **options):
        sent = deadlines.remind()
        self.stdout.write(f"公开期限提醒：发出 {sent} 条站内通知。")
