import datetime as dt

from django.db import migrations

# Published schedules (Beijing time) of the national lotteries most often used as public randomness.
KINDS = [
    ("中国福利彩票双色球", [6, 1], [[1, 33], [1, 16]], True, [2, 4, 7], dt.time(21, 15)),
    ("体育彩票超级大乐透", [5, 2], [[1, 35], [1, 12]], True, [1, 3, 6], dt.time(21, 25)),
    ("中国福利彩票3D", [3], [[0, 9]], False, [1, 2, 3, 4, 5, 6, 7], dt.time(21, 15)),
]


def add(apps, schema_editor):
    LotteryKind = apps.get_model("draws", "LotteryKind")
    for name, shape, ranges, distinct, weekdays, time in KINDS:
        LotteryKind.objects.get_or_create(name=name, defaults={"shape": shape, "ranges": ranges, "distinct": distinct,
                                                               "weekdays": weekdays, "draw_time": time})


class Migration(migrations.Migration):
    dependencies = [("draws", "0004_sealed_witness_and_lottery_kinds")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
