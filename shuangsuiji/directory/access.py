"""Who may see and change what in the target directory (roles; department scope lives in services)."""

from __future__ import annotations

from shuangsuiji.accounts.models import Role

# Credit-risk classes are internal (分类不公开): never public, and not shown to inspectors either.
CREDIT_ROLES = frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.LEADER})


def sees_credit_class(user) -> bool:
    """Office, department administrators and leaders see credit-risk classes; nobody else."""
    return bool(user is not None and user.is_authenticated and user.effective_role in CREDIT_ROLES)


def changes_register(user) -> bool:
    """Only the registration authority's administrators and the office change 登记状态 and 信用风险分类:
    those two columns decide who can be drawn, so no other department may move a business out of a pool."""
    if not user.is_admin:
        return False
    return user.is_office or bool(user.department_id and user.department.keeps_register)
