from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from shuangsuiji.items.samples import build_samples


class Command(BaseCommand):
    help = "Write the sample item-list files (.xls, .xlsx, GB18030 CSV, a bad file) into data/samples/."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.SSJ_DATA_DIR) / "samples"))

    def handle(self, *args, **options):
        for name, path in build_samples(Path(settings.SSJ_DATA_DIR), Path(options["out"])).items():
            self.stdout.write(f"{name}: {path.stat().st_size // 1024} KB")
