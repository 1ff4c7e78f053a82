"""Importing entities from CSV and Excel: upsert by USCC, every row checked, all or nothing."""

import csv
import datetime as dt

import openpyxl
import pytest

from shuangsuiji.common.errors import FileRefused, Forbidden
from shuangsuiji.common.models import AuditEvent
from shuangsuiji.directory import services
from shuangsuiji.directory.models import Entity, EntityStatus, EntityType
from shuangsuiji.directory.testing import make_entity, new_uscc

HEADER = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "所属乡镇", "住所", "法定代表人", "成立日期",
          "登记状态", "规模", "信用风险分类"]


def row(code=None, **fields):
    values = {"统一社会信用代码": code or new_uscc(), "企业名称": "菏泽市定陶区示例食品有限公司", "主体类型": "企业",
              "行业代码": "1391", "所属乡镇": "冉固镇", "住所": "定陶区冉固镇前李村1号", "法定代表人": "张三",
              "成立日期": "2020-05-18", "登记状态": "存续", "规模": "小型", "信用风险分类": "B"}
    values.update(fields)
    return [values[h] for h in HEADER]


def write_csv(path, rows, header=HEADER, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def write_xlsx(path, rows, header=HEADER, title=None):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def rejected(path, actor) -> dict:
    with pytest.raises(services.ImportRejected) as info:
        services.import_entities(path, actor=actor)
    return info.value.report


def test_a_csv_file_adds_new_entities_with_every_field(personas, tmp_path):
    code = new_uscc()
    outcome = services.import_entities(write_csv(tmp_path / "a.csv", [row(code)]), actor=personas.office)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (1, 0, 0)
    e = Entity.objects.select_related("industry", "township").get(uscc=code)
    assert (e.name, e.entity_type, e.industry_id, e.township.name, e.address, e.legal_rep) == (
        "菏泽市定陶区示例食品有限公司", EntityType.ENTERPRISE, "1391", "冉固镇", "定陶区冉固镇前李村1号", "张三")
    assert (e.registered_on, e.status, e.scale, e.credit_class) == (dt.date(2020, 5, 18), "active", "small", "B")


def test_an_import_updates_existing_entities_and_says_how_many_of_each(personas, tmp_path):
    old = make_entity(name="旧名称")
    same = make_entity()
    services.import_entities(write_csv(tmp_path / "first.csv", [row(same.uscc)]), actor=personas.office)
    outcome = services.import_entities(
        write_csv(tmp_path / "b.csv", [row(old.uscc, 企业名称="新名称"), row(same.uscc), row()]),
        actor=personas.office)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert "新增 1 户，更新 1 户，1 户无变化" in outcome.message
    assert Entity.objects.get(pk=old.pk).name == "新名称"
    assert Entity.objects.count() == 3


def test_columns_missing_from_the_file_are_left_alone_on_existing_entities(personas, tmp_path):
    e = make_entity(credit_class="D", scale="large", status=EntityStatus.REVOKED)
    header = ["信用代码", "名称"]
    services.import_entities(write_csv(tmp_path / "n.csv", [[e.uscc, "改名"]], header=header), actor=personas.office)
    e.refresh_from_db()
    assert (e.name, e.credit_class, e.scale, e.status) == ("改名", "D", "large", EntityStatus.REVOKED)


def test_an_import_is_one_audit_event_with_the_counts(personas, tmp_path):
    services.import_entities(write_csv(tmp_path / "a.csv", [row(), row()]), actor=personas.lead_admin)
    event = AuditEvent.objects.get(action="directory.import_entities")
    assert event.actor == personas.lead_admin and event.after["inserted"] == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_files_in_utf8_with_or_without_bom_and_in_gb18030_are_read(personas, tmp_path, encoding):
    code = new_uscc()
    path = write_csv(tmp_path / "e.csv", [row(code, 企业名称="定陶区䶮记饭店")], encoding=encoding)
    services.import_entities(path, actor=personas.office)
    assert Entity.objects.get(uscc=code).name == "定陶区䶮记饭店"


def test_an_xlsx_file_with_a_title_row_excel_dates_and_number_cells_is_read(personas, tmp_path):
    code = new_uscc()
    data = row(code, 成立日期=dt.datetime(2019, 3, 5), 行业代码=111, 所属乡镇="371703102")
    path = write_xlsx(tmp_path / "a.xlsx", [data, [None] * len(HEADER)], title="定陶区市场主体名录（2026年）")
    outcome = services.import_entities(path, actor=personas.office)
    e = Entity.objects.get(uscc=code)
    assert outcome.inserted == 1
    assert (e.registered_on, e.industry_id, e.township_id) == (dt.date(2019, 3, 5), "0111", "371703102")


def test_a_legacy_xls_file_is_read(personas, tmp_path):
    xlwt = pytest.importorskip("xlwt")
    code = new_uscc()
    book = xlwt.Workbook()
    sheet = book.add_sheet("名录")
    for r, values in enumerate([HEADER, row(code)]):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    book.save(str(tmp_path / "a.xls"))
    services.import_entities(tmp_path / "a.xls", actor=personas.office)
    assert Entity.objects.filter(uscc=code).exists()


@pytest.mark.parametrize(("text", "expected"), [
    ("2020-01-31", dt.date(2020, 1, 31)), ("2020/1/3", dt.date(2020, 1, 3)), ("2020年1月31日", dt.date(2020, 1, 31)),
    ("20200131", dt.date(2020, 1, 31)), ("43861", dt.date(2020, 1, 31)), ("2020-01-31 00:00:00", dt.date(2020, 1, 31)),
    ("", None),
])
def test_registration_dates_are_read_in_the_usual_chinese_formats(personas, tmp_path, text, expected):
    code = new_uscc()
    services.import_entities(write_csv(tmp_path / "d.csv", [row(code, 成立日期=text)]), actor=personas.office)
    assert Entity.objects.get(uscc=code).registered_on == expected


@pytest.mark.parametrize(("header", "value", "expected"), [
    ("乡镇街道", "冉固", "371703102"), ("乡镇街道", "371703102000", "371703102"), ("乡镇街道", "定陶区冉固镇", "371703102"),
    ("国民经济行业代码", "C1391", "1391"), ("国民经济行业代码", "13 农副食品加工业", "13"),
])
def test_towns_and_industries_are_matched_by_name_or_code(personas, tmp_path, header, value, expected):
    code = new_uscc()
    services.import_entities(write_csv(tmp_path / "t.csv", [[code, "某店", value]], header=["信用代码", "名称", header]),
                             actor=personas.office)
    e = Entity.objects.get(uscc=code)
    assert (e.township_id if "乡镇" in header else e.industry_id) == expected


def test_the_entity_type_comes_from_registration_wording_or_from_the_code(personas, tmp_path):
    company, shop, coop = new_uscc(), new_uscc(EntityType.INDIVIDUAL), new_uscc(EntityType.COOPERATIVE)
    rows = [[company, "甲", "有限责任公司（自然人投资或控股）"], [shop, "乙", ""], [coop, "丙", ""]]
    services.import_entities(write_csv(tmp_path / "k.csv", rows, header=["信用代码", "名称", "企业类型"]),
                             actor=personas.office)
    types = dict(Entity.objects.values_list("uscc", "entity_type"))
    assert (types[company], types[shop], types[coop]) == ("enterprise", "individual", "cooperative")


@pytest.mark.parametrize(("field", "value", "column", "words"), [
    ("统一社会信用代码", "91371703MA3C4WQ5XZ", "统一社会信用代码", "第18位"),
    ("统一社会信用代码", "", "统一社会信用代码", "为空"),
    ("企业名称", "", "企业名称", "名称为空"),
    ("企业名称", "名" * 201, "企业名称", "超过200个字符"),
    ("主体类型", "外星机构", "主体类型", "无法识别的主体类型"),
    ("行业代码", "9999", "行业代码", "不在国民经济行业分类"),
    ("所属乡镇", "火星镇", "所属乡镇", "不在本区乡镇（街道）名录中"),
    ("住所", "址" * 301, "住所", "超过300个字符"),
    ("法定代表人", "人" * 51, "法定代表人", "超过50个字符"),
    ("成立日期", "去年春天", "成立日期", "无法识别的日期"),
    ("成立日期", "2999-01-01", "成立日期", "晚于今天"),
    ("登记状态", "歇业", "登记状态", "无法识别的登记状态"),
    ("登记状态", "", "登记状态", "登记状态为空"),
    ("规模", "巨型", "规模", "无法识别的规模"),
    ("信用风险分类", "F", "信用风险分类", "无法识别的信用风险分类"),
])
def test_each_invalid_value_is_reported_with_its_row_column_and_a_chinese_reason(personas, tmp_path, field, value,
                                                                              column, words):
    report = rejected(write_csv(tmp_path / "bad.csv", [row(), row(**{field: value})]), personas.office)
    assert report["error_count"] == 1
    error = report["errors"][0]
    assert (error["row"], error["column"]) == (3, column)
    assert words in error["message"], error["message"]


def test_a_uscc_twice_in_the_file_is_an_error_naming_both_rows(personas, tmp_path):
    code = new_uscc()
    report = rejected(write_csv(tmp_path / "dup.csv", [row(code), row(), row(code), row(code)]), personas.office)
    assert [(e["row"], e["column"]) for e in report["errors"]] == [(4, "统一社会信用代码"), (5, "统一社会信用代码")]
    assert "第 2 行" in report["errors"][0]["message"] and code in report["errors"][0]["message"]


def test_a_file_with_any_error_imports_nothing_and_reports_every_error(personas, tmp_path):
    existing = make_entity(name="不应被改")
    rows = [row(existing.uscc, 企业名称="改了"), row(), row(成立日期="坏日期"), row(规模="巨型"), row()]
    report = rejected(write_csv(tmp_path / "mixed.csv", rows), personas.office)
    assert [e["row"] for e in report["errors"]] == [4, 5]
    assert Entity.objects.count() == 1 and Entity.objects.get().name == "不应被改"
    assert not AuditEvent.objects.filter(action="directory.import_entities").exists()


def test_the_stored_error_list_is_capped_but_the_total_is_counted(personas, tmp_path, monkeypatch):
    monkeypatch.setattr("shuangsuiji.directory.importer.MAX_STORED_ERRORS", 3)
    report = rejected(write_csv(tmp_path / "many.csv", [row(规模="巨型") for _ in range(5)]), personas.office)
    assert (len(report["errors"]), report["error_count"], report["errors_truncated"]) == (3, 5, True)


def test_an_excel_number_cell_that_ate_a_code_gets_a_plain_explanation(personas, tmp_path):
    path = write_xlsx(tmp_path / "n.xlsx", [row(914403001922038216.0)])
    report = rejected(path, personas.office)
    assert "被 Excel 存成了数字" in report["errors"][0]["message"]


@pytest.mark.parametrize(("content", "words"), [
    (b"", "文件是空的"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "无法识别的文件类型"),
    ("名称,地址\n某店,某地\n".encode(), "找不到表头"),
    ("统一社会信用代码,地址\n1,2\n".encode(), "缺少必填列：名称"),
    ("统一社会信用代码,名称,企业名称\n1,2,3\n".encode(), "都对应“名称”"),
    ("统一社会信用代码,名称\n".encode(), "没有数据行"),
])
def test_a_file_that_cannot_be_read_is_refused_with_a_reason(personas, tmp_path, content, words):
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    with pytest.raises(FileRefused) as info:
        services.import_entities(path, actor=personas.office)
    assert words in info.value.message


def test_leaders_and_inspectors_may_not_import(personas, tmp_path):
    path = write_csv(tmp_path / "a.csv", [row()])
    for user in (personas.leader, personas.inspector):
        with pytest.raises(Forbidden):
            services.import_entities(path, actor=user)


def test_the_import_template_round_trips_through_the_importer(personas, tmp_path):
    from shuangsuiji.directory import importer

    (tmp_path / "t.xlsx").write_bytes(importer.template_xlsx())
    (tmp_path / "t.csv").write_bytes(importer.template_csv())
    outcome = services.import_entities(tmp_path / "t.xlsx", actor=personas.office)
    again = services.import_entities(tmp_path / "t.csv", actor=personas.office)
    assert (outcome.inserted, again.unchanged) == (1, 1)


def test_a_directory_too_large_to_hold_in_memory_is_merged_through_the_staging_table(personas, tmp_path, monkeypatch):
    monkeypatch.setattr("shuangsuiji.directory.loading.MAX_EXISTING_IN_MEMORY", -10)
    old, same = make_entity(name="旧名称"), make_entity()
    services.import_entities(write_csv(tmp_path / "first.csv", [row(same.uscc)]), actor=personas.office)
    outcome = services.import_entities(
        write_csv(tmp_path / "b.csv", [row(old.uscc, 企业名称="新名称"), row(same.uscc), row()]), actor=personas.office)
    assert (outcome.inserted, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert Entity.objects.get(pk=old.pk).name == "新名称"


def test_backslashes_tabs_and_line_breaks_in_values_survive_the_bulk_load(personas, tmp_path):
    code = new_uscc()
    services.import_entities(write_csv(tmp_path / "s.csv", [row(code, 企业名称="A\\B\t公司", 住所="一楼\n二楼")]),
                             actor=personas.office)
    e = Entity.objects.get(uscc=code)
    assert (e.name, e.address) == ("A\\B 公司", "一楼 二楼")


def test_a_file_that_turns_unreadable_halfway_is_refused_and_nothing_is_kept(personas, tmp_path):
    path = write_csv(tmp_path / "half.csv", [row() for _ in range(1500)])
    path.write_bytes(path.read_bytes() + "统一,坏".encode("gb18030") + b"\n")  # valid UTF-8 start, then not
    with pytest.raises(FileRefused) as info:
        services.import_entities(path, actor=personas.office)
    assert "编码" in info.value.message
    assert not Entity.objects.exists()


def test_without_fork_the_same_import_checks_and_writes_in_turn(personas, tmp_path, monkeypatch):
    def no_fork(method):
        raise ValueError(method)

    monkeypatch.setattr("shuangsuiji.directory.loading.multiprocessing.get_context", no_fork)
    outcome = services.import_entities(write_csv(tmp_path / "a.csv", [row(), row()]), actor=personas.office)
    assert outcome.inserted == 2 and Entity.objects.count() == 2
    report = rejected(write_csv(tmp_path / "b.csv", [row(规模="巨型")]), personas.office)
    assert report["error_count"] == 1
