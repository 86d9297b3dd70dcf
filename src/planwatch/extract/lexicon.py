"""The words plans use, grouped by meaning, and the one engine that turns them into regexes.

In the manner of dateparser's language data: `WORDS` is plain data (a meaning → the
words that carry it), and nothing else in this module knows Chinese. The rules of
the extractor name a meaning (``{op.at_least}``) inside a regex template and `rx`
builds the pattern once (cached). A new way of writing a value is one edit here
plus a test.

Template syntax: ``{group.name}`` becomes a non-capturing alternation of the group's
words, escaped and longest first; everything else is an ordinary regex, so regex
quantifiers (``{1,3}``) are untouched. ``{group.name:chars}`` gives a character class
body instead (for groups of single characters).
"""

from __future__ import annotations

import re
from functools import cache

# Every group is a tuple of words as plans write them (after full-width digits and
# operators are made ASCII). Group names: <meaning>.<sub-meaning>.
WORDS: dict[str, tuple[str, ...]] = {
    # --- operators ------------------------------------------------------------------------------------
    # Written before the number ("不低于95%") or anywhere before it in prose ("…不得低于95%").
    "op.at_least": ("不低于", "不少于", "不小于", "不下于", "至少", "最少", "不得低于", "不得少于", "不应低于",
                    "不应少于", "≥", "⩾", ">="),
    "op.at_most": ("不超过", "不高于", "不多于", "不大于", "至多", "最多", "不得超过", "不得高于", "不应超过",
                   "不应高于", "≤", "⩽", "<="),
    "op.above": ("超过", "高于", "大于", "多于", ">"),
    "op.below": ("低于", "小于", "少于", "<"),
    "op.equal": ("=",),
    # Written after the number ("98%以上", "4%以内", "90%左右").
    "op.suffix_at_least": ("及以上", "以上"),
    "op.suffix_at_most": ("及以下", "以下", "以内", "之内"),
    "op.suffix_about": ("左右", "上下"),
    # A time bound written right after a duration ("2小时内", "30分钟内到达").
    "op.within": ("以内", "之内", "内"),
    # Verbs that put a ceiling on a quantity ("控制在…", "缩短至…").
    "op.cap_verb": ("控制在", "缩短至", "缩短到", "压缩至", "压缩到"),
    # --- kinds ------------------------------------------------------------------------------------------
    # A five-year (or to-date) total of new things.
    "kind.cumulative": ("新增", "新建", "累计", "五年累计", "培育", "建成", "建设", "创建", "打造", "改扩建",
                        "改建", "扩建", "增建", "迁建", "评选", "实施", "完成", "争创", "引进", "开工", "增设",
                        "设立", "支持", "规划", "形成", "开展", "培训", "孵化", "组建", "建立", "举办", "撤并",
                        "创作", "带动", "招聘", "招录", "培养", "认定", "申报", "改造", "修建", "新开", "增加",
                        "新改扩建", "创成", "推出", "评定", "命名", "认证", "安置", "转移", "引入", "引育", "筹集", "筹建"),
    # The words of a cumulative figure a table cell opens with ("累计5000").
    "kind.cumulative_cell": ("五年累计", "累计"),
    # A long document title may wrap after these (report covers: textwidth.title_lines).
    "title.break_after": ("规划", "方案", "计划", "纲要", "意见", "报告"),
    "kind.annual": ("年均增长", "年均", "每年", "每月", "逐年"),
    "kind.annual_cell": ("年均增长", "年均", "每年"),
    # A bare 年 before a verb is "per year" ("年接待游客…"), except after these characters
    # ("青年", "今年", "2025年") and before these words ("年底", "年龄", "年度").
    "kind.annual_year_not_after": tuple("〇零一二三四五六七八九十百千青少老成中晚学当往今明去近多周历上下次同新跨末"),
    "kind.annual_year_not_before": ("底", "末", "前", "内", "以来", "级", "龄", "度", "代", "份", "轻", "限", "初",
                                    "中", "起", "后", "的", "左右", "产", "〇", "零", "一", "二", "三", "四", "五", "六",
                                    "七", "八", "九", "十"),
    # Making fewer of something ("撤并…55所", "减少…10%").
    "kind.reduction": ("撤并", "减少", "下降", "降低", "压减", "削减", "缩减", "撤销", "压缩", "裁撤"),
    # A change against the base: "提高3个百分点", "增长10%", "比2020年翻一番".
    "kind.change_up": ("提高", "提升", "增加", "增长", "上升", "扩大", "增幅"),
    "kind.change_down": ("降低", "下降", "减少", "缩小", "降幅"),
    "kind.change_unit": ("个百分点", "百分点"),
    # "提高了3个百分点": the particle of a completed change.
    "kind.done": ("了",),
    "kind.per_scope": ("每个", "每所", "每村", "每乡", "每镇", "每县", "每户", "每人", "每一", "所有", "各村",
                       "各乡", "各镇", "各县"),
    # Verbs of making new things that stay cumulative even per unit ("每个县至少培育1家").
    "kind.making_new": ("培育", "孵化", "新建", "新增", "建成", "创建", "打造", "争创"),
    # --- verbs and fillers around a value -----------------------------------------------------------
    # Words a table cell may open with before its number; they carry no operator.
    "value.lead": ("稳定在", "保持在", "控制在", "维持在", "提高到", "提高至", "提升到", "提升至", "增加到",
                   "增加至", "增长到", "下降到", "下降至", "降低到", "降低至", "达到", "达", "约", "为", "在",
                   "力争", "确保", "实现", "新增", "新建", "建成", "完成", "增加", "增长", "提高", "提升"),
    # Verbs that put a bare number in value position ("达到95", "延长至18周岁").
    "value.verb": ("达到", "达", "为", "至", "到", "增至", "增加", "增长", "提高", "提升", "下降", "降低", "减少",
                   "延长至", "延长到", "连续", "保持", "稳定在", "保持在", "控制在", "不低于", "不少于", "不超过",
                   "不高于", "超过", "高于", "低于", "约", "年的", "缩短至", "缩短到"),
    # Values listed in the order of the names before them ("A、B分别达到x、y").
    "value.respectively": ("分别",),
    # "建成市级名校长、名师工作室各50个", "高血压、糖尿病患者规范管理率均达到75%": the value holds for each item.
    "value.each": ("各", "均", "都"),
    # A change verb followed by its end point ("提高到…"): the value is a level, not a change.
    "value.to": ("到", "至", "为"),
    # The start of a change "由X提高到Y", "从X延长至Y": X is the base, not a target.
    "value.from": ("由", "从"),
    # Verbs of making or having a Chinese numeral counts after ("新建一所", "配备两名").
    "value.cn_count_verb": ("建", "建设", "新建", "建成", "打造", "创建", "有", "配备", "培育", "设立", "建立", "开展",
                            "举办", "实施", "争创", "引进", "至少", "不少于", "培养", "组建", "招聘", "增加", "增设",
                            "提供", "开设", "设置", "选派", "派驻", "组织", "开放", "检测", "安排", "办好", "建有"),
    # Verbs that refer to a standard rather than commit to it ("立足“9073”(90%居家养老…)格局").
    "value.reference_verb": ("立足", "按照", "依据", "根据", "参照", "对照", "遵循", "落实"),
    # Verbs that make a count of winners ("三个乡镇被评为…").
    "value.honour_verb": ("被评为", "被命名为", "被确定为", "被列为", "获评", "荣获", "获得", "入选", "成功创建", "创成",
                          "通过"),
    # Words that may open a clause before a count of winners.
    "value.subject_lead": ("其中", "共有", "共", "有", "全市", "全县", "全区", "全州", "我市", "我县", "我区"),
    # "打造成为一所…学院": a kind of thing, not a count.
    "value.becoming": ("成为", "作为", "为"),
    # Counted documents and policies name a list, not a target ("4个名单", "六条措施").
    "name.abstract": ("名单", "目录", "计划", "制度", "政策", "机制", "体系", "战略", "原则", "要求", "方面", "领域",
                      "环节", "维度", "意见", "文件", "措施", "办法", "条例", "规定", "清单", "理念", "任务", "布局",
                      "重点", "目标", "标准", "工作法", "规划", "通知", "报告"),
    # Units of counted abstract things.
    "unit.abstract_count": ("个", "项", "条", "类", "种", "大"),
    # Units a metric name may carry in brackets ("产妇死亡率(1/10万)", "(万人)").
    "unit.paren": ("人", "个", "元", "张", "所", "名", "岁", "年", "天", "次", "人次"),
    # Lines that open a table note ("注:", "资料来源:").
    "doc.note_start": ("注", "备注", "说明", "资料来源", "数据来源"),
    # Separators of a list of names or values.
    "list.sep": ("、", "和", "及", "与"),
    # --- the parts of a plan ----------------------------------------------------------------------------
    # Headings that turn to the plan (主要目标, 目标要求, 发展目标与主要指标 …).
    "heading.goal": ("指导思想", "总体要求", "总体思路", "目标", "基本原则", "总体框架", "发展思路", "战略定位"),
    # Headings of the base period (规划背景, 发展基础, “十三五”成就 …).
    "heading.background": ("背景", "基础", "基本情况", "现状", "回顾", "成就", "成效", "面临", "形势", "机遇", "挑战",
                           "小康", "发展环境"),
    # "“十三五”主要目标完成情况" reviews old goals: it belongs to the background.
    "heading.looking_back": ("完成情况", "回顾", "成就", "成效", "进展"),
    # "目标值", "目标属性": a table's column heading, not a chapter.
    "heading.column": ("目标值", "目标属性", "目标年"),
    # --- time -------------------------------------------------------------------------------------------
    # What may follow a year ("2020年底", "2025年前").
    "time.year_suffix": ("底", "末", "前", "初"),
    # After a year, a deadline or a start ("2026年底前", "2026年起"): the year looks ahead.
    "time.deadline": ("前", "以前", "之前", "起", "内", "以内"),
    # "2000年前建成的老旧小区": a year that dates a noun, not the sentence.
    "time.dated_noun_verb": ("建成", "建设", "建造", "竣工", "修建", "出生", "登记"),
    # "在现有基础上增加30%": compared with the present.
    "time.present_base": ("基础", "水平", "规模"),
    # Clauses reporting the present, not promising the future.
    "time.past": ("现有", "已有", "已建", "已经", "已达", "已完成", "目前", "截至", "截止", "现状", "以来", "过去"),
    "time.past_frame": ("现有", "已有", "已建", "已经", "已达", "已完成", "目前", "截至", "截止", "现状", "过去"),
    # Suffixes that make a plan name a time frame ("“十三五”时期").
    "time.plan_frame": ("时期", "期间", "以来", "末", "期末"),
    # Words that turn a sentence to the plan period.
    "time.future": ("力争", "确保", "争取", "努力", "将", "要", "新增", "新建", "到20", "至20", "以后", "今后",
                    "期间", "起", "增至", "降至"),
    "time.forecast": ("预计", "预测", "将达", "将超过", "力争", "争取", "确保"),
    # Comparison words before a year or a plan name ("比2020年", "较“十三五”末").
    "time.compare": ("比", "较", "与", "同", "相比", "对比"),
    "time.since": ("以来", "来", "起"),
    # A total over the whole previous plan: "五年累计…", "“十四五”期间新增…".
    "time.period_total": ("五年", "期间", "时期", "以来"),
    # --- comparing metrics (audit, register matching) --------------------------------------------------
    # Scope words a metric name may open with that do not change the quantity ("全县学前教育毛入园率").
    "audit.scope": ("全国", "全省", "全区", "全市", "全县", "全州", "全盟", "全旗", "本市", "本县", "我市", "我县", "我区",
                    "我省", "其中:", "其中", "城乡"),
    # Words that narrow a metric to part of the population: with one, it is another metric.
    "audit.population": ("城镇居民", "农村居民", "城镇", "农村", "城市", "乡村", "男性", "女性", "公办", "民办", "普惠性",
                         "户籍", "常住", "中心城区", "县城"),
    # Words for a share of a whole, read as one.
    "audit.share": ("比例", "占比", "比重", "所占比例", "占比率"),
    # Fillers inside names that do not change the quantity.
    "audit.drop": ("拥有", "达到", "实现", "的", "全部"),
    # Names of one metric written differently: every word of a synonym group reads as its first word.
    "synonym.preschool": ("学前教育", "学前三年教育", "学前三年"),
    "synonym.nursery": ("托位数", "托位"),
    "synonym.life": ("人均预期寿命", "人均期望寿命", "平均预期寿命"),
    "synonym.under_five": ("5岁以下儿童", "五岁以下儿童"),
    "synonym.doctors": ("执业(助理)医师", "执业医师"),
    "synonym.per_thousand": ("每千常住人口", "每千人口", "每千人"),
    "synonym.per_ten_thousand": ("每万常住人口", "每万人口", "每万人"),
    # Metrics where a lower value is better (matched anywhere in the name).
    "metric.lower_better": ("失业率", "死亡率", "发病率", "患病率", "肥胖率", "近视率", "辍学率", "流失率", "贫困发生率",
                            "个人卫生支出占", "个人现金卫生支出", "自付比", "大班额", "超大班额", "事故", "犯罪",
                            "案件", "上访", "发生率", "空置率", "负担", "欠薪", "拖欠", "等待时间", "等候时间"),
    # --- judgements reported for qualitative targets (定性判断) -------------------------------------
    # Read with negation: "未完成", "没有实现", "尚未达到" are not achievements.
    "judgement.achieved": ("已实现", "已完成", "已达到", "已达标", "实现", "完成", "达到", "达标", "全覆盖", "已建成",
                           "建成"),
    "judgement.partly": ("推进中", "进行中", "正在推进", "正在实施", "实施中", "建设中", "部分实现", "部分完成",
                         "基本实现", "基本完成", "有序推进", "稳步推进", "持续推进"),
    "judgement.not_started": ("未启动", "未开始", "尚未启动", "尚未开始", "未开展", "尚未开展"),
    "judgement.negation": ("尚未", "未能", "没有", "未", "没", "不", "无法"),
    # --- qualitative targets ----------------------------------------------------------------------------
    "qual.word": ("尽保", "尽收", "尽助", "尽纳", "尽养", "稳定", "保持", "持续", "逐步", "稳步", "不断",
                  "进一步", "提高", "提升", "增长", "增加", "扩大", "下降", "降低", "减少", "覆盖", "清零", "实现",
                  "达标", "完成", "改善", "巩固", "健全", "建成", "全面", "基本实现", "基本完成", "基本建成", "明显",
                  "显著", "有所提", "有所增", "有所改", "有所上", "有所下", "有所降", "国家标准", "省定标准", "标准",
                  "零增长", "为零", "零发生", "消除", "控制", "动态", "全部", "到位", "落实", "达到"),
    # 应保尽保, 应收尽收 …: 应X尽X with any of these characters.
    "qual.yingjin": ("保", "收", "助", "纳", "养", "救", "扶", "享", "治", "检", "种"),
    # Last characters of indicator names ("…率", "…数"), never of a qualitative value.
    "name.end_char": tuple("率数量比例重积度额值岁寿限间入位源费额次龄口园所院校站馆床面"),
    # --- attributes -------------------------------------------------------------------------------------
    "attr.binding": ("约束性", "约束", "约束型", "约束性指标"),
    "attr.expected": ("预期性", "预期", "预期型", "预期性指标"),
    # --- magnitudes -------------------------------------------------------------------------------------
    # Scales written after a number; compounds first ("3万亿元", "1.2千万").
    "scale.word": ("万亿", "千亿", "百亿", "千万", "百万", "十万", "亿", "万", "千"),
    # Scales right after an Arabic number ("3.5万亿", "1.2千万"): never 十/百 alone ("5十" is not written).
    "scale.number": ("万亿", "千亿", "百亿", "千万", "百万", "亿", "万", "千"),
    # ... and in prose, where "3千米" is a unit, without 千 alone.
    "scale.prose": ("万亿", "千亿", "百亿", "千万", "百万", "亿", "万"),
    # Scale characters a unit cell may combine ("张/千人", "1/10万", "万人次").
    "scale.digit": ("万", "亿", "千", "百", "十"),
    # --- units ------------------------------------------------------------------------------------------
    # Counting words (classifiers) and measures after a number, as written.
    "unit.count": ("个", "所", "家", "座", "项", "处", "条", "部", "套", "户", "台", "张", "名", "人", "次", "轮",
                   "例", "册", "天", "元", "倍", "年", "岁", "本", "间", "支", "种", "场", "件", "位", "辆", "床",
                   "吨", "亩", "篇", "门", "首", "块", "片", "栋", "幢", "宗", "笔", "枚", "盏", "株", "棵", "只",
                   "头", "份", "口", "期", "批", "届", "类", "斤", "公斤", "千克", "立方米", "平方米", "平米",
                   "平方公里", "公里", "千米", "公顷", "米", "人次", "场次", "户次", "架次", "周岁", "小时", "分钟",
                   "个月", "人(次)", "家(次)", "户(次)", "人（次）", "家（次）", "户（次）", "人年", "件次", "门次", "册次", "台次", "车次", "床位",
                   "张床", "张床位", "学时", "课时", "个工作日", "工作日", "套(间)", "套（间）"),
    # Shares and concentrations.
    "unit.rate": ("%", "‰", "‱", "个百分点", "百分点", "㎡", "m2", "m²", "微克/立方米", "毫克/升",
                  "毫克/立方米", "克/立方米", "mg/L", "μg/m3", "μg/m³"),
    # Units a table cell or a unit column may hold that in prose are parts of names ("三级", "两轨", "5G网").
    "unit.cell": ("万元", "亿元", "月", "日", "校", "园", "分", "级", "轨", "班", "点", "网", "km", "kg"),
    # What a rate is counted against: "12/10万", "3.5人/万人", "6张/千人", "元/人/年".
    "unit.per": ("10万", "十万", "万人", "千人", "百人", "万", "千", "人", "户", "家", "年", "月", "日", "天",
                 "次", "床", "所", "个", "套", "间", "位", "名", "座", "平方米", "平方公里", "公里", "亩"),
    # Units that count things but after a bare number usually belong to a name ("第一期", "三类").
    "unit.weak": ("期", "批", "届", "类"),
    # Ages and durations name a group ("65岁以上老年人", "5年一周期") unless a verb puts them in value position.
    "unit.age": ("岁", "周岁", "年", "个月"),
    # Short durations: a time bound ("30分钟内到达") or, glued to a noun, a name ("15分钟健身圈").
    "unit.duration": ("分钟", "小时", "个工作日", "工作日"),
    # Verbs after a duration that make it a time limit ("农村15分钟到达现场"), not a name ("15分钟健身圈").
    "unit.duration_verb": ("到达", "到场", "抵达", "赶到", "响应", "送达", "办结", "出警", "处置", "到位"),
    # Labels a number only numbers ("附件2", "专栏3"): never a value.
    "value.label": ("附件", "附表", "附图", "专栏"),
    # Units of a standard or a rate: never a count of new things.
    "unit.level": ("%", "％", "‰", "个百分点", "百分点", "倍", "平方米", "㎡", "m2", "m²", "平米", "册", "小时",
                   "分钟", "岁", "周岁", "年", "1/10万", "元", "微克/立方米", "毫克/升"),
    # Chinese numerals count only with these classifiers ("一所", "两个").
    "unit.cn_count": ("所", "个", "座", "次", "家", "名", "项", "处", "人", "部", "条", "台"),
    # People a head count may count ("1000人以上技能人才").
    "unit.person_noun": ("人", "者", "员", "生", "童", "工", "民", "师", "老", "妇", "家庭", "青年", "群众", "职工",
                         "干部"),
    # Bodies a head count sizes ("100人以上企业", "300人以上单位"): the count defines a class of them.
    "unit.body_noun": ("企业", "单位", "机构", "工厂", "公司", "用人单位", "事业单位", "场所", "学校", "医院"),
    # Measures that, bounded and glued to a noun, define a class ("年产10万吨以下矿山", "200平方米以上场馆").
    "unit.measure": ("吨", "斤", "公斤", "千克", "亩", "平方米", "平米", "立方米", "平方公里", "公里", "千米", "米",
                     "公顷", "元", "万元", "亿元", "千瓦"),
    # --- numerals ---------------------------------------------------------------------------------------
    # Characters before a Chinese numeral that make it part of a word ("第一", "统一", "唯一", "每一").
    "cn.not_after": tuple("第统唯同单每之万逐划合专星周初"),
    # Words after a counted Chinese numeral that make it a name ("一个性", "三年级", "十一月", "一一").
    "cn.not_before": ("性", "年级", "月", "一"),
    # --- durations and class definitions: neither targets nor baselines -------------------------------
    # "连续5年", "连续三届": how long something has held, not a value.
    "class.duration_lead": ("连续",),
    # ... unless the streak is itself the fact: something that has not happened for N years
    # ("待遇连续9年没有增长", "连续3年未调整").
    "class.streak_fact": ("没有", "未", "无", "不曾"),
    # A doubling is a change of +100 % ("比2020年翻一番").
    "kind.doubling": ("翻一番", "翻两番", "翻番"),
    # --- names (naming.py) -----------------------------------------------------------------------------
    # Verbs of making something new: part of what is counted ("新建公办幼儿园数").
    "name.making": ("新开工改造", "新开工", "新建或改建", "改扩建", "新改扩建", "新建", "新增", "增建", "迁建", "扩建",
                    "改建", "评选", "创作"),
    # The basis a standard is stated per: "每人每月", "每生每年", "每床每日".
    "name.per": ("每",),
    "name.per_basis": ("人", "户", "生", "床", "家", "所", "名", "位", "人次", "学生", "老人"),
    "name.per_period": ("年", "月", "日", "天", "季度", "学期", "周"),
    # The words of a comparison a change is measured against ("比2020年", "较上年").
    "name.compare": ("比", "较", "相比"),
    "name.last_year": ("上年",),
    "name.end_mark": ("末",),
    # Administrative levels written before 级 ("省级", "市级", "县乡级").
    "name.level": ("国家", "自治区", "省", "市", "州", "县", "区", "乡镇", "镇", "村", "市县", "县乡"),
    "name.level_major": ("国家", "自治区", "省", "市", "州", "县", "区"),
    "name.ji": ("级",),
    # Frames that open a clause before its subject: "其中", "到2025年,", "力争", "全县".
    "name.lead_conj": ("其中", "同时", "并", "和", "及", "且", "以及", "还要", "还", "要"),
    "name.lead_to": ("到", "至"),
    "name.lead_at": ("在",),
    "name.lead_at_not": tuple("校园岗职读院册"),  # "在校生", "在园幼儿", "在岗职工": part of the name
    "name.lead_frame": ("力争", "确保", "争取", "努力", "基本", "全面", "逐步", "进一步", "持续", "保障", "实现", "全县",
                        "全市", "全区", "全州", "全省", "全镇", "我县", "我市", "我区", "县内", "市内", "区内", "镇内",
                        "辖区内", "域内"),
    "name.plan_frame": ("时期", "期间", "期末", "末"),
    "name.year_end": ("底", "末"),
    "name.de": ("的",),
    # A total over a period is named "(十四五累计)".
    "name.total_mark": ("累计",),
    # Verbs and words closing a subject before its value ("…参保率|达到|95%", "…人数|稳定在|").
    "name.trail": ("达到", "到达", "达", "为", "到", "至", "稳定在", "保持在", "保持", "控制在", "不低于", "不少于", "不超过",
                   "不高于", "至少", "超过", "高于", "提高到", "提高至", "增加到", "增至", "增长", "下降至", "下降到",
                   "下降为", "降至", "降低到", "要在", "在", "的", "均", "分别", "各", "共", "约", "总计", "合计", "累计",
                   "全部", "有", "每年", "每月", "高达"),
    "name.yearly": ("年均",),
    # Predicates that select which of the counted things are meant ("2个医疗机构|开展安宁疗护服务").
    "name.selecting": ("达到", "能提供", "能够提供", "提供", "开展", "建设", "建成", "入驻", "实施", "纳入", "设置", "通过",
                       "完成", "实现", "提升为", "增加"),
    "name.predicate_adverb": ("全部", "均", "都", "全面", "已", "要"),
    # Where the noun after a counted quantity ends.
    "name.noun_end": ("全部", "全面", "均", "都", "覆盖", "能够", "要", "将", "并"),
    "name.conj": ("和", "及", "与"),
    # A long modifier before a counted noun: "集…于一体的", "以…为主的", "为…提供…服务的", "具有…的".
    "name.modifier_frame": ("集…于一体", "以…为主", "为…提供", "有…的"),
    "name.modifier_verb": ("具有", "具备", "承担"),
    # Heads too generic to name a thing ("…的目标", "…的标准").
    "name.generic_head": ("目标", "指标", "标准", "要求", "水平", "比例", "任务"),
    "name.generic_tail": ("目标", "任务", "要求", "标准", "水平"),
    "name.task": ("任务",),
    # Units of shares: a share of things is named …比例.
    "name.share_unit": ("%", "％", "‰", "个百分点"),
    "name.share_word": ("率", "比例", "比重", "占比"),
    "name.share_suffix": ("比例",),
    "name.share_of": ("占",),
    "name.head_count": ("人数",),
    # "连续5年", "连续三届": a streak's length.
    "name.numeral": tuple("一二三四五六七八九十两"),
    "name.streak_unit": ("年", "届", "次"),
    # Verbs of doing that open a name without being part of the metric ("打造|示范型服务中心").
    "name.doing_verb": ("切实保证", "保证", "确保", "力争", "争取", "争创", "努力", "至少", "规划建设", "建设", "建立", "建成",
                        "打造", "抓好", "开展", "实现", "完成", "实施", "落实", "形成", "创建", "培育", "将"),
    "name.doing_verb_any": ("开展", "举办", "组织", "实施", "组成", "推进", "完善", "提高", "加强", "实现", "建立", "健全"),
    "name.not_noun_start": ("为", "对", "将", "在", "向", "把", "从", "由", "以", "与", "和", "及", "等", "的", "了", "有", "到",
                            "至", "达", "每年", "年"),
    # Clause subjects that say nothing by themselves ("目标暂定30%").
    "name.generic_subject": ("其中", "目标", "指标", "比例", "总数", "总量", "数量", "标准"),
    "name.provisional": ("暂定", "初定", "定为", "为", "是"),
    # Where a clause's subject ends: its predicate.
    "name.predicate": ("持续", "可适当", "应", "要", "将", "达到", "保持", "稳定在", "提高", "降低", "下降", "增加", "增长",
                       "不低于", "不少于", "控制在"),
    "name.modal": ("可",),
    "name.modal_not": ("支配",),  # "可支配收入" is a name
    # Measure words a subject's own count uses ("31个|乡镇卫生院").
    "name.counted_unit": tuple("个所家项名张"),
    "name.whole_scope": ("全县", "全市", "全区", "全省"),
    # After a share, a verb of change is not a noun.
    "name.change_verb": ("提高", "提升", "增至", "增长", "增加", "下降", "降至", "降低", "减少"),
    "name.change_end": ("增长", "下降", "提高", "降低", "增加", "减少", "提升"),
    # A duration, 累计 or a determiner opens a name without being part of it.
    "name.determiner": ("按照", "依据", "根据", "统计", "据统计", "初步统计", "统计显示", "据统计显示", "初步统计显示",
                        "五年", "平均每年", "每年", "每月", "累计", "共有", "拥有", "各类", "各种", "各项", "一批", "全部"),
    # A means or basis before the action: "利用中央和省级补助资金|实施农村危房改造".
    "name.means": ("利用", "依托", "借助", "通过", "按照", "依据"),
    "name.means_action": ("实施", "开展", "建设", "完成", "新建", "改造", "推进"),
    # A scope (每个乡镇) keeps its noun; hedges and the verb of having between them go.
    "name.scope_unit": ("个", "所", "家", "一"),
    "name.scope_place": tuple("村乡镇县区户"),
    "name.scope_stop": tuple("原至都均要应配设建办培有拥"),
    "name.hedge": ("原则上", "至少", "都", "均", "要", "应"),
    "name.having": ("建有", "建成", "建", "办好", "配备", "设置", "设立", "培养", "拥有", "有"),
    "name.scope_word": ("每", "各", "所有"),
    # An amount given to someone: "对市级示范性托育机构给予5万元/家一次性奖励".
    "name.to_whom": ("对",),
    # Who pays before a fund ("县财政每年安排…专项资金").
    "name.treasury": ("财政",),
    "name.allocate": ("安排", "投入", "统筹"),
    "name.giving": ("给予", "发放"),
    # Verbs that introduce an action without being the measured thing ("支持实施…|新建军休所").
    "name.support_verb": ("支持", "鼓励", "推动", "推进", "加快", "引导", "力争", "争取", "确保"),
    # Verbs of forming after a subject: "医生组成72个|团队" counts the formed thing.
    "name.form_verb": ("组成", "组建", "成立", "建成", "建设", "打造", "培育", "创建", "争创", "引进", "认定"),
    "name.etc": ("等",),
    # Units of amounts, ages and multiples: the noun after them begins the next clause.
    "name.uncounted_unit": ("元", "岁", "倍"),
    "name.rate_end": ("率", "比例", "比重", "占比", "数", "量"),
    # Numbers followed by these are part of a name ("3岁以下", "孕28周"), not a subject's value.
    "name.not_value_unit": ("岁", "周", "个月", "小时", "分钟", "年", "月"),
    "name.growth": ("增长率", "增速", "增幅", "增长"),
    # After a number glued into a name, these units keep it part of the name.
    "name.glued_unit": ("岁", "周", "个", "年", "月", "日", "天", "小时", "分钟", "万", "千", "百", "亿", "级", "类", "项", "次",
                        "倍", "轨", "人", "名", "家", "所"),
    # A finished clause run into a name: "教学质量全面提升|小学…".
    "name.runon_adverb": ("不断", "全面", "稳步", "持续", "逐步", "显著", "大幅", "明显"),
    "name.runon_verb": ("提升", "提高", "改善", "完善", "增强", "加强", "扩大", "优化", "推进"),
    "name.mid_frame_not": tuple("比较由从与"),
    # Measure words counted as things: "<name>数".
    "name.count_unit": ("个", "所", "家", "项", "座", "处", "支", "张", "部", "条", "场", "批", "件", "辆", "间", "台", "本",
                        "册", "轮", "期", "届", "种", "类", "对", "万个", "万户", "万套", "家(次)"),
    "name.count_suffix": ("数",),
    # Names that already say what is measured.
    "name.measure_end": ("数", "量", "率", "比", "比例", "比重", "占比", "人次", "天数", "面积", "时间", "时长", "经费", "金额",
                         "额", "规模", "年龄", "寿命", "次"),
    # Persons are counted by their number: "各类人才数", not "各类人才人数".
    "name.person_end": ("人才", "人员", "人口", "劳动力", "对象", "人"),
    "name.incomplete_end": ("率", "比例", "占比", "人数", "天数", "次数", "样本"),
    "name.frame": ("平均每年", "每年", "每月", "年均", "平均"),
    "name.frame_end": ("每年", "每月"),
    "name.unit_scale": tuple("万亿千"),
    "name.achieve": ("实现",),
    "name.value_verb_end": ("了", "为", "达到", "达", "至", "到"),
    # "每千常住人口", "每万名老年人拥有": a per-capita opening.
    "name.per_scale": tuple("十百千万"),
    "name.resident": ("常住",),
    "name.per_capita_base": ("人口", "人", "名老年人", "名老年人口", "户"),
    "name.having_word": ("拥有",),
    # Two coordinated rates share one value: "受众率和参与率均达到80%".
    "name.all": ("均", "都"),
    "name.coord_verb": ("达到", "达", "为", "保持在", "稳定在", "不低于", "不少于", "提高到"),
    # "…控制在5.5%以内(约束性)", "…为约束性指标".
    "name.attribute": ("约束性", "预期性"),
    "name.indicator": ("指标",),
    "name.is": ("为", "属", "是"),
    # Plan names in the text ("“十四五”").
    "time.plan_name": ("十一五", "十二五", "十三五", "十四五", "十五五", "十六五", "十七五", "十八五", "十九五"),
    "time.year": ("年",),
    # Five-year plan names: 十N五 ("十四五"), long form 第十N个五年 ("第十五个五年").
    "time.plan_ten": ("十",),
    "time.plan_ordinal": tuple("一二三四五六七八九"),
    "time.plan_five": ("五",),
    "time.plan_long_tail": ("个五年",),
    # Between the years of a span ("2021年至2025年") and before a target year ("到2025年").
    "time.range_to": ("至", "到"),
    "time.stated_as": ("为", "是", "自"),
    # Years in hanzi digits ("二〇二一年"): each digit and the ways 0 is written.
    "cn.year_digit": tuple("〇一二三四五六七八九"),
    "cn.year_zero": ("零", "○", "O"),
    # Chinese numerals: what may open one, and every character one is written with.
    "cn.numeral_start": tuple("〇零一二两三四五六七八九十"),
    "cn.numeral": tuple("〇零一二两三四五六七八九十百千万亿"),
    "cn.big_scale": tuple("万亿"),
    # Between the numbers of a range ("3—5个", "3至5个").
    "value.range_word": ("至", "到"),
    "value.place": ("在",),
    # --- the outline (outline.py) -----------------------------------------------------------------------
    # Numbered headings: 第X部分/篇 > 第X章 > 第X节, with Chinese or Arabic numerals.
    "outline.ordinal": ("第",),
    "outline.numeral": tuple("〇零一二三四五六七八九十百两"),
    "outline.part": ("部分", "篇"),
    "outline.chapter": ("章",),
    "outline.section": ("节",),
    # A table of contents is labelled 目录 (often spaced out: "目 录").
    "outline.contents": ("目录",),
    # "公共服务和就业促进体系": a domain word joined to the plan's own theme is not a domain.
    "outline.theme": ("公共服务", "社会事业", "民生"),
    "outline.theme_kind": ("体系", "事业", "工作"),
    # The service domains of 国家基本公共服务标准 ("七有两保障"); each 七有 domain is also recognised
    # in the slogans plans vary it to (幼有善育, 病有良医, 老有颐养): 幼有X育.
    "domain.seven": ("幼有所育", "学有所教", "劳有所得", "病有所医", "老有所养", "住有所居", "弱有所扶"),
    # --- indicator tables (tables.py) ------------------------------------------------------------------
    # Captions: "表1", "附表2", "专栏3"; a continued table: "续表1", "(续)".
    "table.attach": ("附",),
    "table.caption": ("表",),
    "table.continued": ("续",),
    "table.continued_of": ("表", "专栏"),
    "table.continued_mark": tuple("表上"),
    "table.unit_note": ("单位", "计量单位"),
    "table.note": ("注",),
    # A table title names indicators or targets.
    "table.title_word": ("指标", "目标"),
    # Header cells by the role of their column.
    "table.seq": ("序号", "编号", "序", "号"),
    "table.attr_word": ("属性", "性质"),
    "table.attr_label": ("指标类型", "类型"),
    "table.kind_label": ("类型", "类别"),  # a kind column before the name column is the domain
    "table.domain_label": ("领域", "类别", "分类", "维度", "方面", "板块", "序列", "一级指标", "服务领域", "指标类别", "指标分类",
                           "重点领域", "项目类别"),
    "table.domain_end": ("领域",),
    "table.unit_label": ("单位", "计量单位", "指标单位", "单位名称"),
    "table.other_word": ("备注", "责任", "牵头", "来源"),
    "table.other_label": ("说明",),
    "table.value_word": ("基期", "现状", "目标", "基数", "预期值", "规划值", "完成", "实际", "末", "现值", "目标值", "情况", "预计",
                         "年底", "期末", "年均增长", "年均增速", "累计", "增速", "增长"),
    "table.name_label": ("指标", "指标名称", "名称", "主要指标", "具体指标", "指标内容", "二级指标", "指标项", "监测指标",
                         "发展指标", "指标名", "主要指标名称"),
    "table.name_start": ("指标", "主要指标", "具体指标", "名称"),
    "table.base_word": ("基期", "现状", "基数", "基准"),
    "table.target_word": ("目标", "规划", "预期"),
    "table.target_column": ("目标",),
    # The second half of a header split over two lines: "2020年" + "情况", "指标" + "名称", "计量" + "单位".
    "table.after_year": ("情况", "目标", "目标值", "基数", "基期值", "现状", "现状值", "完成值", "完成", "实际值", "实际",
                         "预期值", "预期", "预计", "值", "规划值", "年底", "年末", "末", "基期", "规划目标", "完成情况",
                         "实现值", "数值", "基准值", "现状水平", "水平"),
    "table.after_name": ("名称", "性质", "属性", "类型", "类别"),
    "table.name_head": ("指标",),
    "table.name_tail": ("名称",),
    "table.unit_head": ("计量",),
    "table.unit_tail": ("单位",),
    "table.seq_head": ("序",),
    "table.seq_tail": ("号",),
    # An indicator name ends like a measure ("…率", "…数", "…费").
    "table.name_end_char": tuple("率数量比例重积度额值寿限入位费"),
    # --- service lists (services.py) --------------------------------------------------------------------
    # Captions of a basic-public-service list: "…清单", "基本公共服务项目表/标准/目录".
    "service.list": ("清单",),
    "service.basic": ("基本公共服务",),
    "service.basic_of": ("项目", "标准", "事项", "目录"),
    "service.public_items": ("公共服务项目",),
    "service.table": ("表", "目录"),
    # Header cells: the item column ("服务项目", "基本公共服务事项名称") and the domain column.
    "service.basic_mark": ("基本",),
    "service.public_mark": ("公共",),
    "service.service": ("服务",),
    "service.item": ("项目", "事项"),
    "service.name": ("名称",),
    "service.list_header": ("服务清单",),
    "service.domain_header": ("领域", "类别", "类型", "分类"),
    "service.header_word": ("领域", "内容", "项目", "事项", "标准", "对象", "序号", "类别", "责任", "单位", "目标", "名称", "依据",
                            "备注", "部门"),
    "service.seq_header": ("序号",),
    # "(共计9项)": the count a list cell closes with.
    "service.total": ("共计", "共", "合计"),
    "service.item_unit": ("项",),
    # --- tasks and projects (tasks.py) -----------------------------------------------------------------
    # Promises of a state, not of a quantity; 应X尽X (应保尽保, 应救尽救 …) is built from task.ought/task.all_of.
    "task.commitment": ("全覆盖", "动态清零", "基本实现", "基本建成", "基本形成", "基本普及", "基本消除", "全面实现",
                        "全面建成", "全面形成", "全面普及", "全面达标", "全面消除", "全部达标", "有效遏制"),
    "task.ought": ("应",),
    "task.all_of": ("尽",),
    "task.cover": ("全覆盖",),
    "task.cover_false_before": ("健",),  # "健全覆盖…" is 健全 + 覆盖
    "task.principle": ("原则",),
    # Looking back, not ahead: achievements of the base period are not commitments.
    "task.past": ("已经", "已", "累计", "以来", "取得", "实现了", "建成了", "完成了", "先后", "期间"),
    "task.to": ("到", "至", "于"),
    "task.count_unit": ("个", "所", "家", "项", "次", "万", "人", "张", "户", "座", "处", "批"),
    "task.cn_number": tuple("一二三四五六七八九十百千万两"),
    "task.cn_small": tuple("一二两三四五六七八九十"),
    "task.lead": ("并", "并且", "同时", "进一步", "努力", "力争", "确保", "争取", "推动", "推进", "到", "全市", "全县", "全区"),
    # Programme names in running text: 实施XX工程 / 开展XX行动 / 启动XX计划.
    "task.run_verb": ("深入实施", "组织实施", "全面实施", "大力实施", "继续实施", "实施", "开展", "启动", "推进", "推动", "落实",
                      "打造", "创建"),
    "task.verb_particle": ("好", "了"),
    "task.batch": ("一批", "一系列"),
    "task.programme_end": ("行动计划", "专项行动", "三年行动", "工程", "行动", "计划"),
    "task.programme_not_after": ("生育", "内", "单列", "经济", "外", "性", "态"),
    "task.programme_hint": ("工程", "行动", "计划"),
    # Facilities to build: 新建/改扩建 + (quantifier) + … 中心/医院/学校.
    "task.build": ("新建", "改扩建", "改建", "扩建", "迁建", "建成", "建设"),
    "task.build_more": ("新建", "改扩建", "改建", "扩建", "迁建"),
    "task.build_hint": ("建",),
    "task.facility_unit": tuple("所个家座处栋"),
    "task.facility_end": ("服务中心", "中心", "医院", "卫生院", "学校", "中学", "小学", "幼儿园", "养老院", "敬老院", "福利院",
                          "体育馆", "体育场", "图书馆", "文化馆", "博物馆", "纪念馆", "服务站", "服务驿站", "基地", "公园",
                          "大楼", "综合体"),
    "task.facility_not_after": ("建设", "体系", "能力", "网络"),
    "task.box": ("专栏",),
    # Leading words that are not part of a name ("一批", "我市").
    "task.name_lead": ("实施", "推进", "开展", "落实", "一批", "一系列", "我市", "我县", "我区", "全市", "全县", "全区", "本市",
                       "本县"),
    "task.name_lead_unit": tuple("所个家座处"),
    # Starts, words and ends that show a match is no name ("的专项行动", "…工作计划").
    "task.bad_start": ("的", "和", "及", "与", "等", "或", "行动", "工程", "计划", "覆盖", "完善", "提升", "加强", "以", "对", "在",
                       "为"),
    "task.bad_inside": ("的", "方案"),
    "task.bad_end": ("工作计划",),
    # A bare box entry is a project only when it is named like one.
    "task.project_end": ("工程", "行动", "计划", "项目", "建设", "中心", "医院", "学校", "基地", "平台", "园区", "馆", "站", "院"),
    "task.generic_det": ("这项", "该", "此", "各项", "重点", "重大", "有关", "相关", "上述", "以下", "专项", "民生"),
    "cn.digit": tuple("一二三四五六七八九十"),
    # --- plan metadata (metadata.py, periods.py, divisions.py) ----------------------------------------
    # Labels of a portal's or an encyclopedia's header fields, by the field they give.
    "label.title": ("标题", "名称", "文件名称", "中文名", "信息名称", "文件标题", "公文标题"),
    "label.doc_number": ("发文字号", "文号", "发文号"),
    "label.issuer": ("发文机关", "发布机构", "发文单位", "发布单位", "所属机构", "制发机关", "印发机关", "发布机关"),
    "label.published": ("发布日期", "发布时间", "公开日期", "生成日期", "时间", "日期"),
    "label.written": ("成文日期", "印发日期", "发文日期", "发文时间", "印发时间"),
    "label.source": ("来源", "信息来源"),
    # Labels that give none of those; page chrome and infobox labels end a value and are never one.
    "label.other": ("索引号", "主题分类", "关键字", "关键词", "公开方式", "责任部门", "体裁分类", "有效性", "字体",
                    "浏览次数", "分类", "字号", "浏览量", "阅读量", "阅读次数", "访问量", "点击数", "更新时间",
                    "编辑时间", "最后更新", "编辑次数", "时间范围", "外文名", "实施时间", "发布地区", "所属地区",
                    "分享到", "打印本页", "关闭窗口", "信息公开形式", "作者", "主办单位", "承办单位", "点击",
                    "浏览", "责任编辑", "编辑"),
    # Page furniture that is never a title: breadcrumbs are matched by their ">" around 首页.
    "page.chrome": ("当前位置", "您的位置", "打印本页", "分享到", "字号", "关闭窗口", "阅读原文", "扫一扫",
                    "在手机打开"),
    "page.home": ("首页", "网站首页"),
    # A plan is a 规划, 计划, 纲要 or 方案; its title may carry a stage mark, or the page's (全文).
    "plan.word": ("规划", "计划", "纲要", "方案"),
    "plan.stage": ("征求意见稿", "公开征求意见稿", "草案", "送审稿", "修订稿", "报批稿", "试行", "修订版"),
    "plan.page_mark": ("全文",),
    # The plan stating its span ("规划期为2026—2030年"); a vision year is no end ("展望2035年").
    "plan.period_stated": ("规划期", "规划期限", "规划时限", "规划年限", "规划范围"),
    "plan.vision": ("远景", "展望", "长远"),
    # "（2021年3月25日…会议批准）": an outline's adoption.
    "plan.adopted": ("批准", "通过", "审议通过"),
    # How issuing bodies end: governments and their offices, party committees, ministries (部), commissions
    # (委, 委员会), bureaus, the State Council (院), abbreviations (中央编办), zone committees (管委会).
    "org.suffix": ("人民政府办公室", "人民政府办公厅", "人民政府", "办公室", "办公厅", "管理委员会", "管委会",
                   "委员会", "局", "厅", "委", "部", "院", "署", "办", "政府", "中心", "工作领导小组", "领导小组",
                   "联合会", "委员会办公室", "中共中央", "党委", "人大常委会", "残联", "妇联", "侨联", "文联", "科协",
                   "工商联", "总工会", "红十字会", "团委"),
    # Bodies that act for the whole country; a body with no place that ends like a ministry is national too.
    "org.national": ("中共中央", "国务院", "全国人大常委会", "全国人民代表大会常务委员会", "全国人民代表大会",
                     "全国人大", "中央军委", "全国政协", "中央办公厅", "国务院办公厅", "共青团中央"),
    "org.national_prefix": ("国家", "国务院", "中共中央", "中央", "全国", "中华人民共和国", "最高人民", "中国"),
    "org.ministry_suffix": ("部", "总局", "总署", "委", "委员会", "局", "署", "银行", "院"),
    # The party's name before a local committee (中共武乡县委) is no national prefix.
    "org.party": ("中国共产党", "中共"),
    # "国家发展改革委等21部门": a lead body standing for a joint issue.
    "org.joint": ("部门", "单位", "部委"),
    # A plan for the whole country: its title starts with these.
    "nation.title": ("中华人民共和国", "全国", "国家"),
    # Official suffixes of division names (longest first when matched); a one-character stem keeps its suffix.
    "division.suffix": ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "新区", "省", "市", "县", "区",
                        "旗", "盟", "州"),
    # Words ending in 市/县/区 that are not a place of their own (全市, 本县, 城区, 社区 …): their first character.
    "division.not_place_start": tuple("城乡社园景片市县区都地全本我各"),
    # How a county-level city speaks of itself.
    "division.county_city": ("县级市",),
    # The 55 recognised minority nationalities inside autonomous-unit names (广西壮族自治区,
    # 黔南布依族苗族自治州); longer ones may drop 族 (伊犁哈萨克自治州, 新疆维吾尔自治区).
    "division.ethnic": ("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家",
                        "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇",
                        "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米",
                        "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙",
                        "鄂伦春", "赫哲", "门巴", "珞巴", "基诺"),
    # Functional zones (国家级新区, 开发区, 高新区 …) plan for themselves but are no division.
    "zone.suffix": ("新区", "经济技术开发区", "高新技术产业开发区", "开发区", "高新区", "工业园区", "产业园区", "园区",
                    "综合实验区", "实验区", "试验区", "示范区", "合作区"),
}

# Canonical forms of units written in several ways (the output keeps the unit as written).
UNIT_CANONICAL: dict[str, str] = {
    "％": "%", "百分点": "个百分点", "m2": "平方米", "㎡": "平方米", "m²": "平方米", "平米": "平方米",
    "人(次)": "人次", "家(次)": "家次", "户(次)": "户次", "/10万": "1/10万", "十万": "10万",
    "μg/m3": "微克/立方米", "μg/m³": "微克/立方米", "mg/L": "毫克/升",
}

# What a count in a measure word is named ("N人" → "<name>人数", "N小时" → "<name>时间").
NAME_COUNT_SUFFIX: dict[str, str] = {
    "人": "人数", "名": "人数", "万人": "人数", "人次": "人次", "万人次": "人次", "万人(次)": "人次",
    "次": "次数", "场次": "场次", "天": "天数", "户": "户数", "套": "套数", "例": "例数", "小时": "时间",
    "亩": "面积", "万亩": "面积", "公顷": "面积", "平方米": "面积", "万平方米": "面积",
}

# Compound words that name two groups at once, in their order ("城乡" = 城镇 and 农村).
NAME_PAIRED: dict[str, tuple[str, ...]] = {"城乡": ("城镇", "农村"), "中小学": ("中学", "小学")}

# The words that name each service domain in a heading, strongest domain first: strong words decide;
# weak words (健康, 儿童) only when no strong word names another domain.
DOMAIN_WORDS: dict[str, tuple[str, ...]] = {
    "幼有所育": ("托育", "婴幼儿", "育幼", "优生优育", "妇幼", "生育", "儿童关爱", "照护服务"),
    "学有所教": ("教育", "学校", "教学", "办学", "学前", "义务教", "高中", "职教"),
    "劳有所得": ("就业", "创业", "劳动", "收入", "增收", "工资"),
    "老有所养": ("养老", "老年", "老龄", "敬老"),
    "病有所医": ("医疗", "卫生", "医保", "医药", "中医", "疾控", "公共卫生", "医院"),
    "住有所居": ("住房", "安居", "保障房", "棚户", "老旧小区", "危房", "租赁住房"),
    "弱有所扶": ("社会救助", "残疾", "救助", "兜底", "困难群众", "慈善", "社会福利", "低保", "特困"),
    "优军服务保障": ("优军", "退役军人", "双拥", "优抚", "拥军"),
    "文体服务保障": ("文体", "文化", "体育", "全民健身", "文物", "广播电视", "图书馆"),
    "社会保障": ("社会保障", "社会保险", "社保", "参保"),
    "法律服务": ("法律服务", "公共法律", "法治", "法律援助"),
    "人才": ("人才",),
}
DOMAIN_WEAK_WORDS: dict[str, tuple[str, ...]] = {"病有所医": ("健康",), "幼有所育": ("儿童",)}

# The value of each Chinese digit and small unit (numerals below 10,000: "十二", "两百零五").
CN_DIGIT_VALUE: dict[str, int] = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                                  "七": 7, "八": 8, "九": 9}
CN_SMALL_UNIT_VALUE: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
# Digits written another way that the numeral converter (cn2an) reads only in their usual form.
CN_DIGIT_SPELLING: dict[str, str] = {"两": "二", "俩": "二"}

# What a scale word multiplies a number by.
SCALE_FACTOR: dict[str, float] = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "千万": 1e7, "百万": 1e6, "十万": 1e5, "亿": 1e8, "万": 1e4,
    "千": 1e3, "百": 1e2, "十": 10.0,
}

# 翻一番 = doubled (a change of +100 %), 翻两番 = quadrupled (+300 %).
DOUBLING: dict[str, float] = {"翻一番": 100.0, "翻两番": 300.0, "翻番": 100.0}

ATTRIBUTES: dict[str, str] = {
    **{w: "约束性" for w in WORDS["attr.binding"]},
    **{w: "预期性" for w in WORDS["attr.expected"]},
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+\.[a-z_]+)(?::(chars))?\}")


def words(*groups: str) -> tuple[str, ...]:
    """The words of the groups, each once, longest first (so "个百分点" wins over "个")."""
    seen: dict[str, None] = {}
    for g in groups:
        for w in WORDS[g]:
            seen.setdefault(w, None)
    return tuple(sorted(seen, key=len, reverse=True))


def alt(*groups: str) -> str:
    """A non-capturing regex alternation of the groups' words, escaped, longest first."""
    return "(?:" + "|".join(re.escape(w) for w in words(*groups)) + ")"


def chars(*groups: str) -> str:
    """A character-class body of single-character words ("率数量…")."""
    ws = words(*groups)
    if any(len(w) != 1 for w in ws):
        raise ValueError(f"{groups}: not all single characters")
    return "".join(re.escape(w) for w in ws)


@cache
def expand(template: str) -> str:
    """The regex source of a template with its ``{group.name}`` placeholders filled in."""

    def fill(m: re.Match[str]) -> str:
        group = m.group(1)
        if group not in WORDS:
            raise KeyError(f"lexicon has no group {group!r} (template {template!r})")
        return chars(group) if m.group(2) else alt(group)

    return _PLACEHOLDER.sub(fill, template)


@cache
def rx(template: str, flags: int = 0) -> re.Pattern[str]:
    """The compiled regex of a template (built once per template)."""
    return re.compile(expand(template), flags)


def groups(prefix: str) -> tuple[str, ...]:
    """The names of the groups under a prefix ("synonym." → every synonym group)."""
    return tuple(g for g in WORDS if g.startswith(prefix))


def canonical_unit(unit: str | None) -> str | None:
    """The canonical form of a unit ("％" → "%", "平米" → "平方米"), None stays None."""
    if unit is None:
        return None
    return UNIT_CANONICAL.get(unit, unit)


JUDGEMENTS = ("已实现", "推进中", "未启动", "未实现")  # the canonical judgements stored and shown


def judgement(text: str | None) -> str | None:
    """The canonical judgement a report's words mean, None when they mean none of them.

    Negation is read first: "未完成" / "没有实现" / "尚未达到" is 未实现, never 已实现; partial
    progress ("部分完成", "基本实现") is 推进中."""
    s = re.sub(r"\s+", "", text or "")
    if not s:
        return None
    if s in JUDGEMENTS:
        return s
    if rx("{judgement.not_started}").search(s):
        return "未启动"
    if rx("{judgement.partly}").search(s):
        return "推进中"
    if rx("{judgement.negation}.{0,2}?{judgement.achieved}").search(s):
        return "未实现"
    if rx("{judgement.achieved}").search(s):
        return "已实现"
    return None


def attribute(text: str) -> str | None:
    """约束性 / 预期性 for an attribute word ("约束性", "[预期性]", "【约束】"), else None."""
    s = text.strip().strip("[]【】")
    return ATTRIBUTES.get(s)
