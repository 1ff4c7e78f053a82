"""The district's member units (seed annex 1), created on an empty database."""

from .models import Department

# (code, name, short name, aliases used in provincial lists) — annex 1 of 菏定政发〔2020〕6号.
DINGTAO_DEPARTMENTS = [
    ("fgj", "区发展和改革局", "发改", "发展改革,发展和改革,发改"),
    ("jtj", "区教育和体育局", "教体", "教育,教体"),
    ("rsj", "区人力资源和社会保障局", "人社", "人力资源,人社"),
    ("zjj", "区住房和城乡建设局", "住建", "住房和城乡建设,住房城乡建设,住建"),
    ("jtysj", "区交通运输局", "交通", "交通"),
    ("nyncj", "区农业农村局", "农业农村", "农业农村"),
    ("swj", "区商务局", "商务", "商务"),
    ("whzf", "区文化市场综合执法局", "文化执法", "文化市场,旅文,旅游文化,文化和旅游"),
    ("wjj", "区卫生健康局", "卫健", "卫生健康,卫健"),
    ("yjj", "区应急管理局", "应急", "应急管理,应急"),
    ("xzspj", "区行政审批服务局", "行政审批", "行政审批"),
    ("scjgj", "区市场监督管理局", "市场监管", "市场监管,市场监督管理"),
    ("tjj", "区统计局", "统计", "统计"),
    ("gafj", "市公安局定陶区分局", "公安", "公安"),
    ("sthjfj", "市生态环境局定陶分局", "生态环境", "生态环境"),
    ("swju", "国家税务总局菏泽市定陶区税务局", "税务", "税务"),
]
OFFICE_HOST = "scjgj"
REGISTER_KEEPER = "scjgj"


def ensure_departments() -> list[Department]:
    """Create the member units if missing; leaves edited ones alone."""
    out = []
    for order, (code, name, short, aliases) in enumerate(DINGTAO_DEPARTMENTS, start=1):
        dept, _ = Department.objects.get_or_create(
            code=code,
            defaults={"name": name, "short_name": short, "aliases": aliases, "order": order,
                      "hosts_office": code == OFFICE_HOST, "keeps_register": code == REGISTER_KEEPER},
        )
        out.append(dept)
    return out


def match_department(unit_text: str, departments: list[Department] | None = None) -> Department | None:
    """The member unit a provincial unit name refers to ("省教育厅" → 区教育和体育局), or None.

    Generic phrases such as "市场监管领域相关部门" name no particular unit.
    """
    text = unit_text.strip()
    if not text or "领域相关部门" in text:
        return None
    best: tuple[int, Department] | None = None
    for dept in departments if departments is not None else Department.objects.all():
        for alias in dept.alias_list():
            if alias in text and (best is None or len(alias) > best[0]):
                best = (len(alias), dept)
    return best[1] if best else None
