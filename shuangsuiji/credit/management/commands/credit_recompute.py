"""manage.py credit_recompute — the monthly run (deploy/shuangsuiji-monthly.timer): every business rated again
under the scheme in force, the changes recorded."""

from django.core.management.base import BaseCommand

from shuangsuiji.credit import services


class Command(BaseCommand):
    help = "Recompute every business's credit-risk class under the scheme in force."

    def handle(self, *args, **options):
        summary = services.recompute(None)
        self.stdout.write(f"rated {summary['rated']} businesses under scheme version {summary['version']}: "
                          f"{summary['classes']}; {summary['changed']} changed")
