"""The public portal shows only published lists, and its open-data files are safe to open in Excel."""

import csv
import io

from shuangsuiji.common import tabular
from shuangsuiji.items import services
from shuangsuiji.items.models import ListKind, ListStatus
from shuangsuiji.items.testing import JOINT_CSV, make_item, make_list


def test_public_pages_show_published_items_and_never_drafts(personas, client):
    published = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=0)
    make_item(published, name="已公布的事项")
    draft = make_list(personas.lead_dept, items=0)
    make_item(draft, name="草稿里的事项")
    old = make_list(personas.partner_dept, status=ListStatus.SUPERSEDED, items=0)
    make_item(old, name="旧版本的事项")
    index = client.get("/public/items/").content.decode()
    assert "区市场监督管理局" in index and "区卫生健康局" not in index
    page = client.get("/public/items/scjgj/").content.decode()
    assert "已公布的事项" in page and "草稿里的事项" not in page and f"第{published.version}版" in page
    assert "暂无已公布的清单" in client.get("/public/items/wjj/").content.decode()
    for url in ("/public/items/all.csv", "/public/items/all.json", "/public/items/scjgj.json"):
        body = client.get(url).content.decode()
        assert "已公布的事项" in body and "草稿里的事项" not in body and "旧版本的事项" not in body


def test_an_unknown_department_is_not_found(client, db):
    assert client.get("/public/items/nope/").status_code == 404
    assert client.get("/public/items/nope.csv").status_code == 404


def test_the_csv_has_a_bom_for_excel_and_neutralises_formulas(personas, client):
    lst = make_list(personas.lead_dept, status=ListStatus.PUBLISHED, items=0)
    make_item(lst, name="=HYPERLINK(\"http://evil.invalid\",\"点我\")", category="+1", object_type="-企业",
              basis="@SUM(A1)", ratio_cap=5)
    response = client.get("/public/items/scjgj.csv")
    assert response["Content-Type"].startswith("text/csv") and "items-scjgj.csv" in response["Content-Disposition"]
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    record = dict(zip(header, row, strict=True))
    assert record["抽查事项"].startswith("'=HYPERLINK")
    assert record["抽查类别/领域"] == "'+1" and record["检查对象"] == "'-企业" and record["检查依据"] == "'@SUM(A1)"
    assert record["抽查比例上限（%）"] == "5" and record["编制部门"] == "区市场监督管理局"


def test_neutralise_leaves_ordinary_text_alone():
    assert tabular.neutralise("食品安全") == "食品安全"
    assert tabular.neutralise("=1+1") == "'=1+1"
    assert tabular.neutralise(None) == ""


def test_the_joint_list_has_its_own_page_with_lead_and_partner_departments(personas, client):
    services.import_file(JOINT_CSV, kind=ListKind.JOINT, level="province", actor=personas.office, publish=True)
    page = client.get("/public/items/joint/").content.decode()
    assert "部门联合抽查事项清单" in page and "二手车市场监管" in page and "市场监管部门、公安部门、税务部门" in page
    data = client.get("/public/items/joint.json").json()
    assert data["lists"][0]["department"] is None and len(data["lists"][0]["items"]) == 79
    assert set(data["lists"][0]["items"][0]) == {"code", "seq", "category", "name", "object_type", "item_class",
                                                 "methods", "body", "basis", "ratio_cap", "lead", "partners"}
    # A department's page lists the joint items it takes part in.
    assert "参与的部门联合抽查事项" in client.get("/public/items/gafj/").content.decode()


def test_the_json_download_names_version_and_publication_date(personas, client):
    lst = make_list(personas.lead_dept, items=2)
    services.publish_list(lst, actor=personas.lead_admin)
    data = client.get("/public/items/scjgj.json").json()
    assert data["lists"][0]["version"] == 1 and data["lists"][0]["published_at"]
    assert data["lists"][0]["department"] == {"code": "scjgj", "name": "区市场监督管理局"}
