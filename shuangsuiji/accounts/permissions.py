"""Who may reach a URL, by role: each app's ``urls.py`` and ``api.py`` declare ``PERMISSIONS = {url_name: Rule}``
with these rules beside their patterns; the site gathers them into one map (``site/routes.py``) and refuses
any URL without one. Department scope (a department acts only for itself) is enforced in querysets and
services; a rule decides who may reach a URL at all."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Role


@dataclass(frozen=True)
class Rule:
    """Who may reach a URL: the public, or logged-in users with one of ``roles``."""

    public: bool = False
    roles: frozenset[str] = field(default_factory=frozenset)
    note: str = ""

    def allows(self, user) -> bool:
        if self.public:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        return user.effective_role in self.roles


PUBLIC = Rule(public=True, note="公开门户")
ANY_STAFF = Rule(roles=frozenset(Role.values))
OFFICE = Rule(roles=frozenset({Role.OFFICE}))
ADMINS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN}))
WORKERS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.INSPECTOR}))
READERS = Rule(roles=frozenset({Role.OFFICE, Role.DEPT_ADMIN, Role.LEADER}))
# Django's admin site checks is_staff itself (only superusers have it); its login page must load.
ADMIN_SITE = Rule(public=True, note="Django admin: checks is_staff itself")
