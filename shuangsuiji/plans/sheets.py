"""Visit sheets (检查单) as PDF (with a CJK font) and as Excel; one page per business."""

from __future__ import annotations

from fpdf import FPDF

from shuangsuiji.common.pdf import cjk_pdf
from shuangsuiji.common.pdf import line as _line
from shuangsuiji.common.tabular import xlsx_bytes


def _page(pdf: FPDF, visit) -> None:
    task, entity = visit.task, visit.entity
    pdf.add_page()
    _line(pdf, f"{task.get_kind_display()}检查单", 16, 9)
    _line(pdf, f"检查单编号：{visit.number}    任务：{task.number} {task.title}")
    _line(pdf, f"检查对象：{entity.name}    统一社会信用代码：{entity.uscc}")
    if entity.address:
        _line(pdf, f"地址：{entity.address}")
    for part in visit.sheet:
        pdf.ln(2)
        _line(pdf, f"【{part['department']}】", 12, 7)
        team = "、".join(f"{m['name']}（执法证号 {m['cert_no']}）" for m in part["team"]) or "（定向检查，由部门指派）"
        _line(pdf, f"检查人员：{team}")
        for n, item in enumerate(part["items"], start=1):
            _line(pdf, f"{n}. {item['name']}（{item['method']}）")
            if item["basis"]:
                _line(pdf, f"    依据：{item['basis']}", 9, 5)
    docs = task.document_list()
    if docs:
        pdf.ln(2)
        _line(pdf, "请准备以下材料：", 12, 7)
        for n, doc in enumerate(docs, start=1):
            _line(pdf, f"{n}. {doc}")
    pdf.ln(4)
    _line(pdf, "本次检查为“进一次门、查多项事”的联合检查，以上部门的事项一次完成。检查对象签字：__________    日期：__________", 9, 5)


def visits_pdf(visits) -> bytes:
    """The visit sheets (检查单) as one PDF, a page per business."""
    pdf = cjk_pdf("双随机抽查检查单")
    for visit in visits:
        _page(pdf, visit)
    return bytes(pdf.output())


def visits_xlsx(visits) -> bytes:
    """One row per business × department × item, for offices that work in spreadsheets; no cell is a formula."""
    def rows():
        for visit in visits:
            for part in visit.sheet:
                team = "、".join(f"{m['name']}（{m['cert_no']}）" for m in part["team"])
                for item in part["items"]:
                    yield [visit.number, visit.entity.uscc, visit.entity.name, part["department"], item["code"],
                           item["name"], item["method"], item["basis"], team]

    return xlsx_bytes("检查单", ["检查单编号", "统一社会信用代码", "检查对象", "部门", "事项编码", "抽查事项", "检查方式",
                               "检查依据", "检查人员（执法证号）"], rows())


def plans_xlsx(year: int) -> bytes:
    """The year's published plans, one row per batch, for entry into the 公示系统; no cell is a formula."""
    from django.utils import timezone

    from .services import current_plans

    def rows():
        for plan in current_plans(year):
            for e in plan.entries.all():
                yield [plan.title, plan.version, e.title, e.get_kind_display(),
                       "；".join(f"{i.code} {i.name}" for i in e.items.all()), e.scope_text, e.ratio_text, e.timing,
                       e.lead_department.name, "、".join(d.name for d in e.partner_departments.all()),
                       timezone.localtime(plan.published_at).strftime("%Y-%m-%d")]

    return xlsx_bytes(f"{year}年度抽查计划", ["计划", "版本", "批次/任务名称", "类型", "抽查事项", "抽查范围", "抽查比例或户数",
                                         "实施时间", "发起部门", "配合部门", "公布时间"], rows())
