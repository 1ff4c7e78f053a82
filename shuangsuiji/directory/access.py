"""Who may see and change what in the target directory (roles; department scope lives in services)."""

from __future__ import annotations

from shuangsuiji.accounts.models import Role

# Credit-risk classes are internal (分类不公开): never public, and not shown to inspectors either.
CREDIT_ROLES = frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.LEADER})
WRITER_ROLES = frozenset({Role.OFFICE, Role.DEPT_ADMIN})


def sees_credit_class(user) -> bool:
    """Office, department administrators and leaders see credit-risk classes; nobody else."""
    return bool(user is not None and user.is_authenticated and user.effective_role in CREDIT_ROLES)


def can_import(user) -> bool:
    """The office and department administrators maintain the directory; leaders and inspectors read."""
    return bool(user is not None and user.is_authenticated and user.effective_role in WRITER_ROLES)
