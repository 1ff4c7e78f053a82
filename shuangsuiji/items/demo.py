"""Demo item lists: the sample lists shipped in data/, imported and published through the real importer."""

from __future__ import annotations

from django.conf import settings

from shuangsuiji.accounts.models import User

from . import services
from .models import ItemList, Level

# Sample item lists shipped in data/ (government documents, 著作权法 §5), imported through the real importer.
DEMO_LISTS = [
    ("hainan_random_check_items_2020.csv", "random", "演示数据：海南省市场监管领域随机抽查事项清单（2020年版）"),
    ("hainan_joint_check_items_v2.csv", "joint", "演示数据：部门联合抽查事项清单（第二版）"),
]


def import_item_lists(say) -> None:
    """Import and publish the sample lists once, through the real importer, as the demo office."""
    office = User.objects.get(username="office")
    for filename, kind, note in DEMO_LISTS:
        if ItemList.objects.filter(kind=kind).exists():
            continue
        outcome = services.import_file(settings.SSJ_DATA_DIR / filename, kind=kind, level=Level.PROVINCE, actor=office,
                              publish=True, note=note)
        say(f"抽查事项清单 {filename}：" + (outcome.message or ("已导入" if outcome.ok else "导入失败")))
