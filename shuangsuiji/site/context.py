"""Navigation entries by role, so each person sees only what they may open."""

from django.conf import settings
from django.urls import reverse

from shuangsuiji.site.routes import rule_for

NAV = [
    ("工作台", "home"),
    ("抽查事项清单", "items:list_index"),
    ("检查对象名录库", "directory:entity_list"),
    ("名录分库", "directory:sublibrary_list"),
    ("执法检查人员", "inspectors:inspector_list"),
    ("年度计划", "plans:year"),
    ("抽查任务", "plans:task_list"),
    ("随机抽取", "draws:draw_list"),
    ("检查与结果", "results:workbench"),
    ("公开时限", "results:deadlines"),
    ("后续处置", "results:followup_list"),
    ("免罚清单", "results:minor_list"),
    ("公示推送", "push:status"),
    ("后台任务", "common:job_list"),
    ("审计日志", "common:audit_list"),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "district": settings.SSJ_DISTRICT["name"]}
    current = request.resolver_match.view_name if request.resolver_match else ""
    entries = []
    for label, name in NAV:
        rule = rule_for(name)
        if rule and rule.allows(user):
            entries.append({"label": label, "url": reverse(name), "active": current == name})
    from shuangsuiji.notices.services import unread_count

    return {"nav": entries, "district": settings.SSJ_DISTRICT["name"], "unread_notices": unread_count(user)}
