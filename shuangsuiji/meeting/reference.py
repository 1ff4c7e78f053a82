"""The joint meeting's members as annex 1 of 菏定政发〔2020〕6号 lists them: (role, person, post, unit code)."""

from __future__ import annotations

import datetime as dt

ANNEX_DATE = dt.date(2020, 5, 20)  # the document's date: the members' terms start then
ANNEX_1 = [
    ("general", "马常斌", "区委常委，区政府党组副书记、副区长，行政审批服务局党组书记，区委教育工委书记", None),
    ("convener", "杨艳玲", "区政府党组成员、副区长", None),
    ("deputy", "郭登", "区市场监督管理局党组书记、局长（联席会议办公室主任）", "scjgj"),
    ("deputy", "王玉峰", "区政府研究室二级主任科员", None),
    ("member", "白光民", "区发展和改革局党组成员（副科级）", "fgj"),
    ("member", "郝建来", "区教育和体育局原副主任科员", "jtj"),
    ("member", "李白夜", "区人力资源和社会保障局党组成员、副局长", "rsj"),
    ("member", "王钊", "区住房和城乡建设局党组成员、副局长，区人防办主任（兼）", "zjj"),
    ("member", "许海臣", "区交通运输局农村公路服务中心主任", "jtysj"),
    ("member", "王奉茹", "区农业农村局二级主任科员", "nyncj"),
    ("member", "游聚安", "区商务局副局长", "swj"),
    ("member", "孔令松", "区文化市场综合执法局局长", "whzf"),
    ("member", "樊琥", "区卫生健康局党组成员、区卫生计生综合执法局局长", "wjj"),
    ("member", "康磊", "区应急管理局党组成员，监察大队大队长", "yjj"),
    ("member", "张静", "区行政审批服务局党组成员、副局长", "xzspj"),
    ("member", "孙峰", "区市场监督管理局二级主任科员", "scjgj"),
    ("member", "薛继花", "区统计局二级主任科员", "tjj"),
    ("member", "梁鲲鹏", "市公安局定陶区分局党委委员，国内安保大队大队长，三级警长", "gafj"),
    ("member", "李金瑞", "市生态环境局定陶分局二级主任科员", "sthjfj"),
    ("member", "张文昶", "区税务局党委委员、副局长", "swju"),
]
