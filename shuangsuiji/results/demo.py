"""The demo 免罚清单: minor first violations of the kind Shandong's lists name, each with its keywords."""

from __future__ import annotations

from collections.abc import Callable

from shuangsuiji.accounts.models import User

from . import services
from .models import MinorViolation

ENTRIES = [
    ("营业执照未置于住所或者主要经营场所的醒目位置", "未悬挂营业执照、营业执照未置于醒目位置",
     "《中华人民共和国市场主体登记管理条例》第三十六条、《中华人民共和国行政处罚法》第三十三条"),
    ("食品经营许可证未在经营场所显著位置悬挂或摆放", "未悬挂食品经营许可证、许可证未公示",
     "《食品经营许可和备案管理办法》、《中华人民共和国行政处罚法》第三十三条"),
    ("从业人员健康证明未在经营场所公示", "健康证明未公示、健康证未公示",
     "《中华人民共和国食品安全法》第四十五条、《中华人民共和国行政处罚法》第三十三条"),
    ("公共场所卫生许可证未在醒目位置公示", "卫生许可证未公示、未悬挂卫生许可证",
     "《公共场所卫生管理条例实施细则》、《中华人民共和国行政处罚法》第三十三条"),
]


def ensure_minor_violations(say: Callable[[str], None]) -> None:
    if MinorViolation.objects.exists():
        return
    office = User.objects.get(username="office")
    for behaviour, keywords, basis in ENTRIES:
        services.add_minor_violation(office, behaviour=behaviour, keywords=keywords, basis=basis)
    say(f"免罚清单：登记 {len(ENTRIES)} 项轻微违法行为（初次违法、危害后果轻微并及时改正的不予处罚）")
