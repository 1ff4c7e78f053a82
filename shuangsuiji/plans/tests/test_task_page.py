"""Issue 29, findings on the task page: it did not show the pool filters or the per-layer caps; its visit list
stopped at 20 with "……" (51 visits) and no paging; witness numbers showed as the canonical key "3.5.99./"."""

from shuangsuiji.directory.models import EntityType
from shuangsuiji.results.testing import field_visit


def test_the_task_page_shows_the_pool_filters_and_the_caps(personas, client_for):
    visit, _ = field_visit(personas, scope={"sublibrary": None, "filters": {"entity_type": [EntityType.INDIVIDUAL]}},
                           rules={"default": {"ratio": "0.5", "minimum": 1, "maximum": 7}})
    page = client_for(personas.lead_admin).get(f"/plans/tasks/{visit.task.number}/").content.decode()
    assert f"主体类型：{EntityType.INDIVIDUAL.label}" in page
    assert "至少 1 户" in page and "至多 7 户" in page


def test_every_visit_of_a_task_is_reachable_page_by_page(personas, client_for):
    visit, _ = field_visit(personas, rules={"default": {"ratio": "0.3", "minimum": 1}})
    task = visit.task
    visits = list(task.visits.filter(void=False).order_by("number").values_list("number", flat=True))
    assert len(visits) > 50
    c = client_for(personas.lead_admin)
    seen, page_no = [], 1
    while page_no:
        page = c.get(f"/plans/tasks/{task.number}/?page={page_no}").content.decode()
        seen += [n for n in visits if f">{n}</a>" in page]
        page_no = page_no + 1 if f"?page={page_no + 1}" in page else None
    assert seen == visits and "……" not in page


def test_witness_numbers_show_as_drawn_beside_the_canonical_value(personas, client_for):
    visit, _ = field_visit(personas)
    page = client_for(personas.lead_admin).get(f"/draws/{visit.draw.number}/").content.decode()
    assert "公证员现场掷骰：4 1 6" in page and "1.4.6./" in page
