"""The entity pages: a filterable list that HTMX updates in place, details, and the import page."""

import io

import openpyxl
import pytest

from shuangsuiji.directory.testing import make_entities, make_entity

pytestmark = pytest.mark.django_db


def test_the_list_page_filters_and_shows_the_count(personas, client_for):
    make_entities(3, township_id="371703001", name="天中商店")
    make_entities(2, township_id="371703102", name="冉固商店")
    page = client_for(personas.inspector).get("/directory/entities/?township=371703102").content.decode()
    assert "共 2 户" in page and "冉固商店" in page and "天中商店" not in page
    assert 'data-testid="entity-filter"' in page and 'hx-push-url="true"' in page


def test_an_htmx_request_gets_only_the_results_table(personas, client_for):
    make_entity(name="天中超市", township_id="371703001")
    response = client_for(personas.office).get("/directory/entities/?q=超市", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="entity-results"') and "<html" not in html
    assert "天中超市" in html and 'data-query="q=%E8%B6%85%E5%B8%82"' in html


def test_a_history_restore_gets_the_whole_page(personas, client_for):
    response = client_for(personas.office).get("/directory/entities/", headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_the_pager_keeps_the_filter_and_updates_in_place(personas, client_for):
    make_entities(60, scale="micro")
    html = client_for(personas.office).get("/directory/entities/?scale=micro").content.decode()
    assert "scale=micro&amp;page=2" in html or "scale=micro&page=2" in html
    assert 'hx-boost="true" hx-target="#entity-results"' in html


def test_the_count_is_capped_on_a_large_directory(personas, client_for, monkeypatch):
    monkeypatch.setattr("shuangsuiji.directory.views.CappedPaginator.cap", 5)
    make_entities(8)
    html = client_for(personas.office).get("/directory/entities/").content.decode()
    assert "超过 5 户" in html


def test_credit_classes_are_shown_to_office_admins_and_leaders_but_not_inspectors(personas, client_for):
    entity = make_entity(credit_class="D")
    for user, shown in ((personas.office, True), (personas.lead_admin, True), (personas.leader, True),
                        (personas.inspector, False)):
        detail = client_for(user).get(f"/directory/entities/{entity.uscc}/").content.decode()
        listing = client_for(user).get("/directory/entities/").content.decode()
        assert ('data-testid="credit-class"' in detail) is shown, user
        assert ("信用风险分类" in listing) is shown, user


def test_the_detail_page_shows_every_field_and_the_sub_libraries(personas, client_for):
    from shuangsuiji.directory.testing import make_sublibrary

    entity = make_entity(name="定陶区示例饭店", industry_id="6210", township_id="371703001", address="天中街道1号",
                         legal_rep="李四", scale="micro")
    make_sublibrary(personas.lead_dept, name="餐饮分库", rule={"industry": ["H"]})
    html = client_for(personas.office).get(f"/directory/entities/{entity.uscc}/").content.decode()
    for text in (entity.uscc, "定陶区示例饭店", "6210", "天中街道", "天中街道1号", "李四", "微型", "餐饮分库"):
        assert text in html


def test_an_unknown_code_gives_404(personas, client_for):
    assert client_for(personas.office).get("/directory/entities/91371703MA3FFT365K/").status_code == 404


def test_the_templates_download_with_the_heading_row_and_an_example(personas, client_for):
    client = client_for(personas.lead_admin)
    csv_text = client.get("/directory/import/template.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("统一社会信用代码,名称,主体类型")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/directory/import/template.xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码" and len(rows) == 2
    assert client.get("/directory/import/template.pdf").status_code == 404


def test_only_admins_reach_the_import_page(personas, client_for):
    assert client_for(personas.lead_admin).get("/directory/import/").status_code == 200
    assert client_for(personas.leader).get("/directory/import/").status_code == 403
    assert client_for(personas.inspector).get("/directory/import/").status_code == 403
