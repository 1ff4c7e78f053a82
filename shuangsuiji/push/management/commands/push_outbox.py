import time

from django.core.management.base import BaseCommand

from shuangsuiji.push.delivery import deliver


class Command(BaseCommand):
    help = "Deliver the outbox to the publicity platform: one sweep, or --loop SECONDS to keep sweeping."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="sweep again every SECONDS (0 = once)")

    def handle(self, *args, loop: float, **options):
        while True:
            stats = deliver()
            if stats.problem:
                self.stdout.write(stats.problem)
            elif stats.sent or stats.retried or stats.failed:
                self.stdout.write(f"公示推送：送达 {stats.sent}，待重试 {stats.retried}，失败 {stats.failed}。")
            if not loop:
                return
            time.sleep(loop)
