"""Interface strings, Chinese first with an English switch.

One table keeps both languages side by side so a missing translation is
visible in review; a key with no entry renders as itself.
"""

from __future__ import annotations

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key → (zh, en)
MESSAGES: dict[str, tuple[str, str]] = {
    "app.name": ("规划监测评估", "planwatch"),
    "app.tagline": ("公共服务规划监测评估系统", "Public-service plan monitoring and evaluation"),
    "nav.overview": ("总览", "Overview"),
    "nav.review": ("规划导入审核", "Review"),
    "nav.reporting": ("数据填报", "Reporting"),
    "nav.approvals": ("审核报送", "Approvals"),
    "nav.portal": ("公众门户", "Public portal"),
    "nav.api": ("接口文档", "API"),
    "nav.login": ("登录", "Sign in"),
    "nav.logout": ("退出", "Sign out"),
    "lang.switch": ("English", "中文"),
    "role.admin": ("管理员", "Administrator"),
    "role.planner": ("规划管理", "Planner"),
    "role.reporter": ("部门填报", "Department reporter"),
    "role.viewer": ("查看", "Viewer"),
    # login
    "login.title": ("登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.failed": ("用户名或密码不正确", "Wrong username or password"),
    "login.required": ("请先登录", "Please sign in"),
    "login.throttled": ("登录失败次数过多,请 {seconds} 秒后再试", "Too many failed sign-ins; try again in {seconds} s"),
    # password change
    "nav.password": ("修改密码", "Change password"),
    "password.title": ("修改密码", "Change password"),
    "password.forced": ("首次登录须先修改初始密码,之后才能使用系统。",
                        "Choose your own password before you continue: the initial password is published."),
    "password.change_required": ("请先修改初始密码", "Please change your initial password first"),
    "password.current": ("当前密码", "Current password"),
    "password.new": ("新密码", "New password"),
    "password.confirm": ("确认新密码", "Confirm the new password"),
    "password.rules": ("至少10个字符,不能包含用户名,不能是演示密码或常见密码。",
                       "At least 10 characters, without the user name, not the demo password or a common one."),
    "password.submit": ("保存新密码", "Save the new password"),
    "password.done": ("密码已修改。其他设备上的登录已失效。", "Password changed. Sessions on other devices have ended."),
    "password.continue": ("继续", "Continue"),
    "password.mismatch": ("两次输入的新密码不一致", "The two new passwords differ"),
    "password.current_wrong": ("当前密码不正确", "The current password is wrong"),
    "password.same": ("新密码不能与当前密码相同", "The new password must differ from the current one"),
    # errors
    "error.title": ("出错了", "Something went wrong"),
    "error.forbidden": ("您没有权限访问此页面或执行此操作", "You are not allowed to see this page or do this"),
    "error.not_found": ("未找到", "Not found"),
    "error.csrf": ("表单已过期或来源无效,请刷新页面后重试", "The form expired or came from elsewhere; reload the page and try again"),
    "error.back": ("返回", "Back"),
    # common words
    "word.plan": ("规划", "Plan"),
    "word.plans": ("规划", "Plans"),
    "word.region": ("地区", "Region"),
    "word.period": ("规划期", "Period"),
    "word.indicator": ("指标", "Indicator"),
    "word.indicators": ("指标", "Indicators"),
    "word.domain": ("领域", "Domain"),
    "word.status": ("状态", "Status"),
    "word.unit": ("单位", "Unit"),
    "word.baseline": ("基期值", "Baseline"),
    # series shared across plans (十四五 → 十五五) and the plan hierarchy
    "series.predecessor": ("前序规划", "Previous plan"),
    "series.superior": ("上位规划", "Superior plan"),
    "series.baseline_reported": ("取自{year}年报送值", "the value reported for {year}"),
    "series.baseline_disagrees": ("规划文本所列基期值{stated}与{year}年报送值{reported}不一致",
                                  "the document states a baseline of {stated}; {reported} was reported for {year}"),
    "metric.title": ("指标口径对应", "Metric matches"),
    "metric.note": ("导入时按名称、单位和领域把指标对应到已有指标口径,数据序列随之共用;请逐项确认,或拆分为新的指标口径。",
                    "At import each item was matched to an existing metric by name, unit and domain, and shares "
                    "its series; confirm each match or split the item into a new metric."),
    "metric.matched_to": ("对应到", "Matched to"),
    "metric.used_by": ("已用于", "Used by"),
    "metric.values": ("已有数据{n}条", "{n} values so far"),
    "metric.confirm": ("确认对应", "Confirm"),
    "metric.split": ("拆分为新口径", "Split into a new metric"),
    "metric.confirmed": ("已确认", "Confirmed"),
    "metric.pending": ("待确认", "To confirm"),
    "metric.none": ("没有与其他规划共用的指标口径", "No item shares a metric with another plan"),
    "word.target": ("目标值", "Target"),
    "word.latest": ("最新值", "Latest"),
    "word.year": ("年份", "Year"),
    "word.value": ("数值", "Value"),
    "word.binding": ("约束性", "Binding"),
    "word.expected": ("预期性", "Expected"),
    "word.attribute": ("属性", "Attribute"),
    "word.department": ("牵头部门", "Lead department"),
    "word.all": ("全部", "All"),
    "word.filter": ("筛选", "Filter"),
    "word.reset": ("清除", "Clear"),
    "word.completion": ("完成度", "Completion"),
    "word.schedule": ("时序进度", "Time schedule"),
    "word.trend": ("趋势", "Trend"),
    "word.projection": ("预测", "Projection"),
    "word.download": ("下载", "Download"),
    "word.total": ("合计", "Total"),
    "word.none": ("无", "None"),
    "word.save": ("保存", "Save"),
    "word.submit": ("提交", "Submit"),
    "word.source": ("来源", "Source"),
    "word.note": ("说明", "Note"),
    "word.evidence": ("佐证材料", "Evidence"),
    "word.comment": ("意见", "Comment"),
    "word.when": ("时间", "When"),
    "word.who": ("操作人", "Who"),
    "word.old": ("原值", "Old"),
    "word.new": ("新值", "New"),
    "word.why": ("原因", "Why"),
    "word.simulated": ("模拟数据", "Simulated"),
    "word.subregion": ("下辖地区", "Sub-region"),
    "word.rank": ("排名", "Rank"),
    "word.tasks": ("重点任务", "Tasks"),
    "word.projects": ("重大项目", "Projects"),
    "word.services": ("基本公共服务清单", "Basic public-service list"),
    "word.item": ("服务项目", "Service item"),
    "word.document": ("规划文本", "Plan document"),
    "word.line": ("行", "Line"),
    "word.quote": ("原文", "Source text"),
    "word.warnings": ("预警", "Warnings"),
    "word.data_year": ("数据年份", "Data year"),
    "word.count": ("数量", "Count"),
    # overview
    "overview.title": ("规划总览", "All plans"),
    "overview.status_by_domain": ("各领域指标状态", "Status by domain"),
    "overview.early_warnings": ("预警清单", "Early warnings"),
    "overview.no_plans": ("暂无规划。请在“规划导入审核”中上传规划文本,或运行 planwatch demo。",
                          "No plans yet. Upload a plan under Review, or run planwatch demo."),
    "overview.no_warnings": ("暂无预警", "No early warnings"),
    "overview.severity": ("级别", "Level"),
    "overview.more_warnings": ("显示其余{n}条预警", "Show {n} more warnings"),
    "overview.overdue": ("数据未报送({n}项)", "Data not reported ({n})"),
    "overview.overdue_plan": ("{n}项指标数据未报送", "{n} indicators without data"),
    "severity.red": ("红色", "Red"),
    "severity.orange": ("橙色", "Orange"),
    "severity.yellow": ("黄色", "Yellow"),
    # plan page
    "plan.indicators_by_domain": ("主要指标", "Indicators by domain"),
    "plan.other_targets": ("其他量化目标", "Other quantified targets"),
    "plan.other_targets_note": ("规划正文中提出的量化目标,不属于指标表,不区分约束性/预期性(正文另有说明的除外)。",
                                "Quantified targets stated in the plan's text, outside its indicator table; "
                                "not binding or expected unless the text says so."),
    "plan.no_match": ("没有符合条件的指标", "No indicator matches these filters"),
    "plan.nr_collapsed": ("▸ {n}项未报送,点击展开", "▸ {n} not reported: show them"),
    "plan.nr_note": ("未报送的{n}项已按领域折叠。", "{n} items not reported are folded by domain."),
    "plan.nr_show": ("全部展开", "Show all"),
    "plan.as_of": ("截至年份", "As of"),
    "plan.as_of_latest": ("最新", "Latest"),
    "plan.as_of_note": ("以下为截至{year}年底的情况(如中期评估),此后报送的数据未计入。",
                        "As the plan stood at the end of {year} (e.g. the mid-term view); later values are left out."),
    "plan.open_document": ("查看规划文本", "Read the plan text"),
    # indicator page
    "ind.chart": ("进展轨迹", "Trajectory"),
    "ind.values_by_year": ("逐年数值", "Values by year"),
    "ind.by_subregion": ("分地区数值", "Values by sub-region"),
    "ind.equalisation": ("均等化", "Equalisation"),
    "ind.cv": ("变异系数", "Coefficient of variation"),
    "ind.theil": ("泰尔指数", "Theil index"),
    "ind.maxmin": ("最大/最小比", "Max/min ratio"),
    "ind.share_meeting": ("达标地区占比", "Share meeting target"),
    "ind.laggards": ("落后地区", "Laggards"),
    "ind.source_quote": ("规划原文", "Source in the plan"),
    "ind.history": ("变更记录", "Change history"),
    "ind.no_history": ("暂无变更记录", "No changes recorded"),
    "ind.no_values": ("暂无已审核数据", "No approved values yet"),
    "ind.required_rate": ("今后需年均", "Change still required per year"),
    "ind.reach_year": ("预计达标年份", "Year the target is reached"),
    "ind.projected": ("预计目标年数值", "Projected value in target year"),
    "legend.observed": ("实际值", "Observed"),
    "legend.target": ("目标", "Target"),
    "legend.schedule": ("时序进度线", "Schedule line"),
    "legend.projection": ("预测", "Projection"),
    # review
    "review.title": ("规划导入审核", "Import and review a plan"),
    "review.restates": ("重复表述指标表第{line}行「{name}」,发布时只登记表内指标",
                        "Restates table row {line} ({name}); only the table row is registered"),
    "review.upload": ("上传规划文本", "Upload a plan document"),
    "review.file": ("文件(.txt/.docx/.html/.pdf)", "File (.txt/.docx/.html/.pdf)"),
    "review.upload_button": ("上传并识别", "Upload and extract"),
    "review.drafts": ("待审核规划", "Plans under review"),
    "review.accept": ("采纳", "Accept"),
    "review.reject": ("不采纳", "Reject"),
    "review.edit": ("修改", "Edit"),
    "review.pending": ("待定", "Pending"),
    "review.publish": ("发布到规划库", "Publish to the register"),
    "review.published": ("已发布到规划库", "Published to the register"),
    "review.decision": ("审核意见", "Decision"),
    "review.no_file": ("请选择文件", "Choose a file"),
    "review.bad_file": ("无法识别该文件", "This file could not be read"),
    "review.nothing_accepted": ("至少采纳一项指标后才能发布", "Accept at least one indicator before publishing"),
    "review.saved": ("已保存", "Saved"),
    "ind.national": ("全国参照", "National reference"),
    "ind.national_target": ("全国目标", "National target"),
    "audit.title": ("印发前审核", "Audit before issue"),
    "audit.against": ("对照上位规划", "Against the superior plan"),
    "audit.auto": ("自动选择", "automatic"),
    "audit.none": ("不对照上位规划", "no superior plan"),
    "audit.apply": ("重新审核", "Audit again"),
    "audit.none_found": ("未发现问题", "No findings"),
    "audit.source": ("原文", "Source text"),
    "audit.line": ("第{n}行", "line {n}"),
    "audit.hint": ("点击一项发现,在右侧原文中标出所在行", "Click a finding to mark its lines in the source"),
    # reporting
    "rep.title": ("数据填报", "Report values"),
    "rep.mine": ("本部门负责的指标", "Indicators assigned to your department"),
    "rep.none": ("本部门暂无负责的指标", "No indicator is assigned to your department"),
    "rep.enter": ("填报", "Enter"),
    "rep.state": ("填报状态", "Report state"),
    "rep.submitted_ok": ("已提交,等待审核", "Submitted for approval"),
    "rep.saved_ok": ("已保存草稿", "Draft saved"),
    "rep.upload": ("上传部门报表", "Upload the department spreadsheet"),
    "rep.upload_button": ("上传报表", "Upload spreadsheet"),
    "rep.approve": ("通过", "Approve"),
    "rep.own_short": ("本人报送,须他人审核", "Your own submission: another planner approves it"),
    "rep.own_submission": ("不能审核通过自己报送的数据或进展,请由其他规划管理人员审核",
                           "You may not approve what you submitted yourself; another planner must approve it"),
    "rep.return": ("退回", "Return"),
    "rep.queue": ("待审核数据", "Values waiting for approval"),
    "rep.queue_empty": ("没有待审核的数据", "Nothing waiting for approval"),
    "rep.returned_comment": ("退回意见", "Returned with comment"),
    "rep.comment_required": ("退回时请填写意见", "Write a comment when returning a value"),
    "rep.save_draft": ("保存草稿", "Save draft"),
    "rep.conflict": ("该数值已被他人修改,请刷新后重试", "Someone else changed this value; reload and try again"),
    # task/project progress
    "task.progress": ("最新进展(已审核)", "Latest progress (approved)"),
    "task.report_link": ("重点任务和项目进展填报 →", "Report progress of tasks and projects →"),
    "task.title": ("重点任务和项目进展", "Progress of tasks and projects"),
    "task.state": ("进展", "State"),
    "task.name": ("名称", "Name"),
    "task.percent": ("完成比例(%)", "Percent complete"),
    "task.latest": ("最近报送", "Latest report"),
    "task.none_mine": ("本部门不牵头本规划的重点任务或项目,只能查看", "Your department leads none of this plan's tasks or projects; view only"),
    "task.queue": ("待审核进展", "Progress waiting for approval"),
    "obs.draft": ("草稿", "Draft"),
    "obs.submitted": ("待审核", "Submitted"),
    "obs.approved": ("已审核", "Approved"),
    "obs.returned": ("已退回", "Returned"),
    "obs.pending": ("待审核,不计入统计", "Pending review, not counted"),
    # validation
    "val.required": ("必填", "Required"),
    "val.number": ("请输入数字", "Enter a number"),
    "val.negative": ("不能为负数", "Cannot be negative"),
    "val.percent": ("百分比不能超过100", "A percentage cannot exceed 100"),
    "val.year": ("年份须在规划期内", "The year must fall within the plan period"),
    "val.too_large": ("数值过大", "The value is too large"),
    "val.file_type": ("文件类型不支持", "Unsupported file type"),
    "val.file_size": ("文件过大", "The file is too large"),
    # evaluation reports from the web
    "report.title": ("生成评估报告", "Evaluation report"),
    "report.link": ("生成评估报告", "Make an evaluation report"),
    "report.kind": ("报告类型", "Kind"),
    "report.year": ("数据年份", "Data year"),
    "report.format": ("文件格式", "Format"),
    "report.format.docx": ("Word 文档(.docx,可修改)", "Word (.docx, editable)"),
    "report.format.pdf": ("PDF(.pdf,供印发)", "PDF (.pdf)"),
    "report.format.html": ("网页(.html)", "Web page (.html)"),
    "report.default_year": ("默认{year}年", "default {year}"),
    "report.year_option": ("{year}年({k}/{n}项指标有数据)", "{year} ({k} of {n} indicators have data)"),
    "report.sparse": ("截至{year}年,{n}项指标中仅{k}项有已审核数据。报告仍可生成,封面将注明评估结论不完整。",
                      "Only {k} of {n} indicators have approved data up to {year}. The report can be made; "
                      "its cover will say its findings are incomplete."),
    "report.note": ("报告由系统根据已审核数据起草,“存在的问题”和“下一步工作建议”为初稿。生成可能需要数秒。",
                    "The report is drafted from approved values; its problems and suggestions are drafts. "
                    "Making it can take a few seconds."),
    "report.download": ("生成并下载", "Make and download"),
    "report.bad_kind": ("报告类型无效", "unknown report kind"),
    "report.bad_format": ("文件格式无效", "unknown format"),
    "report.bad_year": ("年份须在{start}至{end}年之间", "the year must be between {start} and {end}"),
    # search
    "search.title": ("搜索", "Search"),
    "search.label": ("规划、指标、任务、项目或部门", "Plans, indicators, tasks, projects or departments"),
    "search.placeholder": ("输入名称的一部分或拼音首字母,如 托位 或 tws", "Part of a name, or pinyin initials"),
    "search.go": ("搜索", "Search"),
    "search.total": ("“{q}”共找到{n}项", "{n} found for “{q}”"),
    "search.none": ("没有找到匹配的结果", "Nothing matches"),
    "search.more": ("显示更多(还有{n}项)", "Show more ({n} more)"),
    "search.all_kinds": ("查看全部类别", "All kinds"),
    "search.no_duty": ("暂未承担指标", "Leads no indicator yet"),
    "search.kind.plan": ("规划", "Plans"),
    "search.kind.indicator": ("指标", "Indicators"),
    "search.kind.task": ("重点任务", "Tasks"),
    "search.kind.project": ("重大项目", "Projects"),
    "search.kind.department": ("部门", "Departments"),
    # public portal
    "pub.title": ("规划实施进展公开", "Plan progress, published"),
    "pub.intro": ("以下仅展示经审核的数据。", "Only approved values are shown."),
    "pub.by_domain": ("分领域进展", "Progress by domain"),
    "pub.staff": ("工作人员登录", "Staff sign-in"),
}

from planwatch.web.compare_text import MESSAGES as _COMPARE_MESSAGES  # noqa: E402

MESSAGES.update(_COMPARE_MESSAGES)

# Evaluation statuses → (zh label, en label, css class). Codes are the
# evaluate module's; unknown codes fall back to the code itself.
STATUS_LABELS: dict[str, tuple[str, str, str]] = {
    "achieved": ("已完成", "Achieved", "st-achieved"),
    "met": ("达标", "Met", "st-achieved"),
    "ahead": ("进度超前", "Ahead", "st-ahead"),
    "on_track": ("进度正常", "On track", "st-ontrack"),
    "in_progress": ("推进中", "In progress", "st-ontrack"),
    "lagging": ("滞后", "Lagging", "st-lagging"),
    "seriously_lagging": ("严重滞后", "Seriously lagging", "st-serious"),
    "not_started": ("未启动", "Not started", "st-serious"),
    "not_met": ("未完成", "Not met", "st-serious"),
    "below_floor": ("未达标", "Below the floor", "st-serious"),
    "not_reported": ("未报送", "Not reported", "st-nodata"),
    "unassessable": ("无法评估", "Not assessable", "st-nodata"),
}
# Display order of statuses, best first (counts, filters, legends).
STATUS_ORDER = tuple(STATUS_LABELS)

# Codes the register stores, as a page prints them (web.formatting.code). Evaluation statuses are above.
CODE_LABELS: dict[str, tuple[str, str]] = {
    # observation workflow (register.schema.OBSERVATION_STATUSES)
    "draft": ("草稿", "Draft"), "submitted": ("待审核", "Submitted"), "approved": ("已审核", "Approved"),
    "returned": ("已退回", "Returned"),
    # target kinds (evaluate.kinds.NAMES)
    "level": ("水平值", "Level"), "cumulative": ("累计值", "Cumulative"), "annual": ("年度值", "Yearly"),
    "reduction": ("累计下降", "Reduction"), "change": ("变化量", "Change"), "range": ("区间", "Range"),
    "maintain": ("保持", "Maintain"), "qualitative": ("定性", "Qualitative"),
    # target operators
    ">=": ("不低于", "at least"), "<=": ("不高于", "at most"), ">": ("高于", "above"), "<": ("低于", "below"),
    "=": ("达到", "equal to"),
    # direction, aggregation to the region above (register.schema.DIRECTIONS, AGGREGATIONS)
    "up": ("越大越好", "higher is better"), "down": ("越小越好", "lower is better"),
    "sum": ("加总", "sum"), "mean_pop": ("按人口加权平均", "population-weighted mean"), "none": ("不汇总", "not aggregated"),
    # projection methods (report.adapter.PROJECTION_METHODS)
    "linear": ("线性趋势", "linear trend"), "growth": ("不变增速", "constant growth"),
    "mean_flow": ("年均新增量", "mean yearly addition"), "realised_rate": ("已实现年均增速", "rate achieved so far"),
    # responsibilities, where an item comes from, metric links
    "lead": ("牵头", "lead"), "co": ("配合", "co-responsible"),
    "table": ("指标表", "indicator table"), "prose": ("正文", "running text"), "manual": ("手工录入", "entered by hand"),
    "new": ("新口径", "new"), "matched": ("自动对应", "matched"), "confirmed": ("已确认", "confirmed"),
    # history: what changed, how, and the recorded reasons the system writes itself
    "indicator": ("指标", "indicator"), "observation": ("数据", "value"), "plan": ("规划", "plan"),
    "metric": ("指标口径", "metric"), "progress": ("进展", "progress"), "task": ("重点任务", "task"),
    "project": ("重大项目", "project"),
    "create": ("新增", "created"), "update": ("修改", "changed"), "assign": ("分工", "assigned"),
    "milestone": ("年度目标", "milestone"), "revise": ("修订", "revised"), "restore": ("恢复", "restored"),
    "retire": ("停用", "retired"), "approve": ("审核通过", "approved"), "return": ("退回", "returned"),
    "submit": ("提交", "submitted"),
    "import": ("导入规划", "import"), "re-import": ("重新导入规划", "re-import"), "demo": ("演示数据", "demo data"),
}

# Stored field names, as a page prints them (web.formatting.field): change history, review forms.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "name": ("名称", "Name"), "domain": ("领域", "Domain"), "unit": ("单位", "Unit"), "attribute": ("属性", "Attribute"),
    "baseline_raw": ("基期值(原文)", "Baseline as written"), "baseline_value": ("基期值", "Baseline"),
    "baseline_year": ("基期年份", "Baseline year"), "target_raw": ("目标值(原文)", "Target as written"),
    "target_value": ("目标值", "Target"), "target_low": ("目标下限", "Target low"), "target_high": ("目标上限", "Target high"),
    "target_op": ("目标要求", "Target operator"), "target_kind": ("目标类型", "Target kind"),
    "target_year": ("目标年份", "Target year"), "direction": ("方向", "Direction"), "aggregation": ("汇总方式", "Aggregation"),
    "lead_department_text": ("牵头部门(原文)", "Lead department as written"), "source": ("出处", "Source"),
    "value": ("数值", "Value"), "judgement": ("定性判断", "Judgement"), "status": ("状态", "Status"),
    "source_note": ("数据来源", "Source"), "evidence_file": ("佐证材料", "Evidence"), "simulated": ("模拟数据", "Simulated"),
    "series_break": ("口径变化", "Series break"), "state": ("进展", "State"), "percent": ("完成比例", "Percent"),
    "note": ("说明", "Note"), "region": ("地区", "Region"), "region_code": ("地区代码", "Region code"),
    "year": ("年份", "Year"), "department": ("部门", "Department"), "role": ("职责", "Role"), "active": ("有效", "Active"),
    "metric_id": ("指标口径", "Metric"), "metric_link": ("口径对应", "Metric link"), "title": ("标题", "Title"),
    "superior_plan_id": ("上位规划", "Superior plan"), "predecessor_id": ("前序规划", "Previous plan"),
    "period_start": ("规划期起", "Period start"), "period_end": ("规划期止", "Period end"),
    "base_year": ("基期年", "Base year"), "issuer": ("发文单位", "Issuer"), "doc_number": ("文号", "Document number"),
    "issued": ("印发日期", "Issued"), "comment": ("意见", "Comment"), "version": ("版本", "Version"),
    "reporter": ("报送人", "Reporter"), "kind": ("类型", "Kind"), "op": ("目标要求", "Operator"),
}


def normalise_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def translate(key: str, lang: str = DEFAULT_LANG, **kwargs: object) -> str:
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**kwargs) if kwargs else text


def status_label(code: str | None, lang: str = DEFAULT_LANG) -> tuple[str, str]:
    """(label, css class) for an evaluation status code."""
    entry = STATUS_LABELS.get(code or "not_reported")
    if entry is None:
        return (code or "", "st-nodata")
    return (entry[0] if lang == "zh" else entry[1], entry[2])
