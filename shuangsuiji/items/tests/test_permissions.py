"""Department scope: a department admin acts on their own lists only; leaders read; the office acts for all."""

import pytest

from shuangsuiji.common.errors import Forbidden
from shuangsuiji.items import services
from shuangsuiji.items.models import ItemList, ListKind, ListStatus
from shuangsuiji.items.testing import make_list


def test_bob_cannot_publish_carols_list(personas, client_for):
    carols = make_list(personas.partner_dept)
    with pytest.raises(Forbidden, match="区卫生健康局"):
        services.publish_list(carols, actor=personas.lead_admin)
    client = client_for(personas.lead_admin)
    assert client.post(f"/items/lists/{carols.pk}/publish/").status_code == 404  # a draft of another department
    carols.refresh_from_db()
    assert carols.status == ListStatus.DRAFT


def test_bob_cannot_change_carols_published_list_but_may_read_it(personas, client_for):
    carols = make_list(personas.partner_dept, status=ListStatus.PUBLISHED)
    client = client_for(personas.lead_admin)
    assert client.get(f"/items/lists/{carols.pk}/").status_code == 200
    response = client.post(f"/items/lists/{carols.pk}/new-version/")
    assert response.status_code == 403 and "区卫生健康局" in response.content.decode()
    item = carols.items.first()
    assert client.get(f"/items/{item.pk}/edit/").status_code == 403
    assert ItemList.objects.count() == 1


def test_a_leader_reads_everything_but_cannot_write(personas, client_for):
    draft = make_list(personas.partner_dept)
    client = client_for(personas.leader)
    assert client.get("/items/").status_code == 200
    assert client.get(f"/items/lists/{draft.pk}/").status_code == 200
    assert client.post(f"/items/lists/{draft.pk}/publish/").status_code == 403
    assert client.get("/items/import/").status_code == 403
    with pytest.raises(Forbidden):
        services.publish_list(draft, actor=personas.leader)


def test_an_inspector_cannot_open_the_list_pages(personas, client_for):
    assert client_for(personas.inspector).get("/items/").status_code == 403


def test_department_admins_see_their_own_drafts_and_everyones_published_lists(personas, client_for):
    own = make_list(personas.lead_dept)
    other_draft = make_list(personas.partner_dept)
    other_published = make_list(personas.partner_dept, status=ListStatus.PUBLISHED, version=9)
    joint_draft = make_list(None, kind=ListKind.JOINT)
    visible = set(ItemList.objects.visible_to(personas.lead_admin))
    assert visible == {own, other_published}
    assert set(ItemList.objects.visible_to(personas.office)) == {own, other_draft, other_published, joint_draft}
    client = client_for(personas.lead_admin)
    assert client.get(f"/items/lists/{other_draft.pk}/").status_code == 404


def test_the_joint_list_is_the_offices(personas):
    joint = make_list(None, kind=ListKind.JOINT)
    with pytest.raises(Forbidden, match="联席会议办公室"):
        services.publish_list(joint, actor=personas.lead_admin)
    services.publish_list(joint, actor=personas.office)
