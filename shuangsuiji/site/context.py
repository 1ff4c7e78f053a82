"""Navigation by the loop of the work (清单与名录 → 计划与任务 → 抽取 → 检查与处置 → 公开 → 管理), each
person seeing only the entries they may open; a group with one entry left is a plain link."""

from django.conf import settings
from django.urls import reverse

from shuangsuiji.site.routes import rule_for

NAV = [
    (None, [("工作台", "home")]),
    ("清单与名录", [("抽查事项清单", "items:list_index"), ("检查对象名录库", "directory:entity_list"),
                ("名录分库", "directory:sublibrary_list"), ("信用风险分类", "credit:overview"),
                ("执法检查人员", "inspectors:inspector_list")]),
    ("计划与任务", [("年度计划", "plans:year"), ("抽查任务", "plans:task_list")]),
    (None, [("随机抽取", "draws:draw_list")]),
    ("检查与处置", [("线索", "clues:list"), ("线索统计", "clues:dashboard"), ("检查与结果", "results:workbench"), ("后续处置", "results:followup_list"),
                ("免罚清单", "results:minor_list")]),
    ("公开", [("公开时限", "results:deadlines"), ("公示推送", "push:status"), ("公示门户", "portal:home")]),
    ("管理", [("联席会议", "meeting:home"), ("工作日与办理时限", "calendar"), ("后台任务", "common:job_list"), ("审计日志", "common:audit_list")]),
]


def _entries(user, current: str) -> list[dict]:
    """[{label, url, active, items}]: a group's ``items`` are its links; a single link has none."""
    out = []
    for group, links in NAV:
        items = [{"label": label, "url": reverse(name), "active": current == name}
                 for label, name in links if (rule := rule_for(name)) and rule.allows(user)]
        if not items:
            continue
        if group is None or len(items) == 1:
            out.extend({**item, "items": []} for item in items)
        else:
            out.append({"label": group, "url": "", "active": any(i["active"] for i in items), "items": items})
    return out


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "district": settings.SSJ_DISTRICT["name"]}
    from shuangsuiji.notices.services import unread_count

    current = request.resolver_match.view_name if request.resolver_match else ""
    return {"nav": _entries(user, current), "district": settings.SSJ_DISTRICT["name"],
            "unread_notices": unread_count(user)}
