"""The audit log's actions in words (the codes stay in the hash chain; people read these). Every action a
service records has an entry (``site/tests/test_audit_log.py`` reads the sources for them)."""

LABELS = {
    "demo.seed": "生成演示数据", "accounts.password_change": "修改本人密码",
    "clue.receive": "登记线索", "clue.assigned": "分办线索", "clue.rejected": "线索不予受理", "clue.merged": "合并重复线索",
    "clue.check": "线索立定向检查", "clue.case": "无证无照经营立案移送", "clue.closed": "线索办结", "clue.import": "导入线索",
    "clue.cluster_rule": "修改专项整治建议规则", "clue.proposal_accepted": "专项整治建议转为任务",
    "clue.proposal_dismissed": "专项整治建议暂不立项",
    "credit.scheme": "调整信用风险分类方案", "credit.recompute": "重新计算信用风险分类", "credit.import_facts": "导入信用信息",
    "calendar.add": "登记节假日调整", "calendar.remove": "删除节假日调整", "deadline.set": "修改办理时限",
    "items.import": "导入抽查事项清单", "items.new_version": "新建清单版本", "items.publish": "公布抽查事项清单",
    "items.add_item": "新增抽查事项", "items.update_item": "修改抽查事项", "items.delete_item": "删除抽查事项",
    "items.delete_draft": "删除清单草稿", "items.set_ratio_caps": "设置抽查比例上限",
    "items.submit": "报送清单修改审核", "items.return": "退回清单修改",
    "directory.import_entities": "导入市场主体", "directory.sublibrary_created": "新建名录分库",
    "directory.sublibrary_saved": "修改名录分库", "directory.sublibrary_deleted": "删除名录分库",
    "inspectors.create": "登记执法检查人员", "inspectors.update": "修改执法检查人员", "inspectors.import": "导入执法检查人员",
    "inspectors.status": "变更在岗状态", "inspectors.account_create": "开通执法人员登录账号", "inspectors.conflict_declare": "登记回避关系", "inspectors.conflict_end": "解除回避关系",
    "draw.prepare": "准备随机抽取", "draw.commit": "发布抽取承诺", "draw.reveal": "揭晓抽取结果", "draw.publish": "公布抽取结果",
    "draw.publish_teams": "公布检查组", "draw.void": "作废抽取", "draw.auditor_kit": "下载核验包（含密封数据）",
    "draw.lottery_kind": "修改彩票开奖表", "draw.recusal_request": "申请回避", "draw.recusal_decide": "决定回避申请",
    "draw.recusal_replace": "回避替换人员",
    "plan.create": "新建年度计划", "plan.entry.add": "新增计划批次", "plan.entry.update": "修改计划批次", "plan.entry.remove": "删除计划批次",
    "plan.file": "报备年度计划", "plan.return": "退回年度计划", "plan.publish": "公布年度计划", "plan.adjust": "调整年度计划",
    "task.create": "新建抽查任务", "task.update": "修改抽查任务", "task.submit": "提交任务审核", "task.return": "退回任务", "task.approve": "审核锁定任务",
    "task.commit": "发布任务抽取承诺", "task.reveal": "揭晓任务抽取结果", "task.issue": "确定定向检查对象",
    "task.start": "任务开始实施", "task.complete": "确认结果录入完毕", "task.publish": "公示任务结果", "task.close": "任务办结",
    "task.draw_void": "任务抽取作废", "task.consult_confirm": "会商：配合部门确认参加",
    "task.consult_object": "会商：配合部门提出异议", "task.consult_override": "会商：办公室决定不待确认",
    "result.edited": "保存检查结果草稿", "result.submitted": "提交检查结果", "result.approved": "审核通过检查结果",
    "result.returned": "退回检查结果", "result.publish": "公开检查结果", "result.correct": "更正已公开的检查结果",
    "result.withdraw": "撤回已公开的检查结果", "result.evidence": "上传检查证据",
    "followup.create": "确定后续处置", "followup.acknowledge": "签收后续处置", "followup.receipt": "登记移送回执",
    "followup.recheck": "登记复查", "followup.close": "办结后续处置",
    "minor.create": "新增免罚清单事项", "minor.retire": "停用免罚清单事项",
    "push.retry": "重新发送公示推送",
}

# The first part of a code, for grouping the filter's choices.
GROUPS = {"demo": "演示数据", "clue": "线索", "accounts": "账号与密码", "credit": "信用风险分类", "calendar": "工作日与时限", "deadline": "工作日与时限", "items": "抽查事项清单",
          "directory": "检查对象名录库", "inspectors": "执法检查人员", "draw": "随机抽取", "plan": "年度计划",
          "task": "抽查任务", "result": "检查结果", "followup": "后续处置", "minor": "免罚清单", "push": "公示推送"}
