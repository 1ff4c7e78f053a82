"""The demo moves inspector_scjgj's login to the officer matched to the first visit; its conflicts follow."""

from shuangsuiji.accounts.demo import ensure_users
from shuangsuiji.accounts.models import User
from shuangsuiji.accounts.reference import ensure_departments
from shuangsuiji.inspectors.models import Conflict
from shuangsuiji.inspectors.testing import make_conflict, make_entity, make_inspector
from shuangsuiji.plans.demo import move_login


def test_conflicts_follow_the_login_except_with_businesses_the_new_officer_was_matched_to(db):
    ensure_departments()
    ensure_users()
    user = User.objects.get(username="inspector_scjgj")
    old = make_inspector(user=user)
    kept, moved = make_conflict(inspector=old), make_conflict(inspector=old)
    officer = make_inspector()
    move_login(user, officer, {kept.entity_id})
    old.refresh_from_db()
    officer.refresh_from_db()
    assert officer.user == user and old.user is None
    assert list(Conflict.objects.filter(inspector=officer)) == [moved]
    assert list(Conflict.objects.filter(inspector=old)) == [kept]


def test_the_account_still_shows_a_conflict_when_its_only_one_was_with_a_matched_business(db):
    """CI on 2026-12-07: the only conflict of inspector_scjgj was with a business its new officer had been
    matched to, so it stayed behind and the account showed none."""
    ensure_departments()
    ensure_users()
    user = User.objects.get(username="inspector_scjgj")
    old = make_inspector(user=user)
    only = make_conflict(inspector=old)
    make_entity()
    officer = make_inspector()
    move_login(user, officer, {only.entity_id})
    declared = Conflict.objects.filter(inspector=officer)
    assert declared.count() == 1 and declared.get().entity_id != only.entity_id
    assert Conflict.objects.get(pk=only.pk).inspector == old
