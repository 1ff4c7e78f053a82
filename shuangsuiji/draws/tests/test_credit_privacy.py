"""Issue 23, finding 5: nothing public may tell which credit-risk class a business is in."""

from shuangsuiji.directory.testing import make_sublibrary
from shuangsuiji.draws import services
from shuangsuiji.draws.testing import COMMIT_AT, SOURCES, make_directory


def test_a_draw_on_a_sub_library_defined_by_credit_class_does_not_publish_its_name(personas, client):
    make_directory(200)
    library = make_sublibrary(personas.lead_dept, name="重点监管库（高风险）", rule={"credit_class": ["D"]})
    draw = services.prepare(personas.lead_admin, personas.lead_dept, title="高风险抽查",
                            scope={"sublibrary": library.pk, "filters": {}},
                            rules={"default": {"ratio": "0.1", "minimum": 1}})
    draw = services.commit(personas.lead_admin, draw, SOURCES, now=COMMIT_AT)
    assert "重点监管库" not in str(draw.manifest)
    page = client.get(f"/public/draws/{draw.number}/").content.decode()
    assert "重点监管库" not in page and "按信用风险分类划定的分库（名称不公开）" in page
