from django.core.management.base import BaseCommand

from shuangsuiji.common import demo


class Command(BaseCommand):
    help = "Create the demo district (菏泽市定陶区) on an empty database; does nothing that already exists."

    def handle(self, *args, **options):
        demo.seed(self.stdout)
