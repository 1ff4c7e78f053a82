"""The standard result vocabulary (标准检查结果用语), loaded as data the office may extend or retire.

(code, label, problem — needs a follow-up, exclusive — cannot be combined with another result)
"""

RESULT_CODES = [
    ("no_problem", "未发现问题", False, True),
    ("not_disclosed", "未按规定公示应当公示的信息", True, False),
    ("false_disclosure", "公示信息隐瞒真实情况弄虚作假", True, False),
    ("unreachable", "通过登记的住所（经营场所）无法联系", True, False),
    ("corrected", "发现问题已责令改正", True, False),
    ("pending", "发现问题待后续处理", True, False),
    ("other_rules", "违反其他部门相关规定", True, False),
    ("no_activity", "未发现开展本次抽查涉及的经营活动", False, False),
    ("closed_down", "已关闭停业或正在组织清算", False, False),
    ("uncooperative", "不配合检查情节严重", True, False),
    ("deregistered", "已注销", False, True),
    ("revoked_licence", "被吊销", False, True),
    ("cancelled", "被撤销", False, True),
    ("moved_out", "已迁出", False, True),
]


def load(ResultCode) -> int:
    """Create the codes that are missing; never changes one the office has edited."""
    made = 0
    for order, (code, label, problem, exclusive) in enumerate(RESULT_CODES, start=1):
        _, created = ResultCode.objects.get_or_create(code=code, defaults={
            "label": label, "problem": problem, "exclusive": exclusive, "order": order})
        made += created
    return made
