from django.core.management.base import BaseCommand

from shuangsuiji.site import demo


class Command(BaseCommand):
    help = "Create the demo district (菏泽市定陶区) on an empty database; does nothing that already exists."

    def add_arguments(self, parser):
        parser.add_argument("--entities", type=int, default=None,
                            help="number of demo market entities on an empty database (default 20000)")

    def handle(self, *args, **options):
        demo.seed(self.stdout, entities=options["entities"])
