"""Interface strings of the reporting forms (download, partial import, conflicts) and of the approval
screen's context: key → (zh, en). Kept apart so the shared table in i18n.py changes by one line."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "sheet.templates": ("下载填报模板", "Download the reporting form"),
    "sheet.templates_intro": ("下载本部门的填报表(.xlsx),在黄色单元格中填写后上传;有效的行直接导入,其余各行列在下方。",
                              "Download your department's form (.xlsx), fill the yellow cells and upload it: the "
                              "valid rows are imported and the others listed below."),
    "sheet.no_templates": ("目前没有可下载的填报模板", "No reporting form to download now"),
    "sheet.download": ("下载", "Download"),
    "sheet.due": ("应报日期", "Due"),
    "sheet.upload_hint": ("上传填写好的填报表(.xlsx 或 .csv)", "Upload a filled-in form (.xlsx or .csv)"),
    "sheet.upload_help": ("选择填好的本部门填报表后点击“上传报表”:数据有效的行直接导入,有问题的行连同行号和原因列在下方,"
                          "改正后可再次上传。文件不超过 10 MB。",
                          "Choose your department's filled-in form and press Upload: valid rows are imported at once, "
                          "rows with a problem are listed below with their row number and reason; correct them and "
                          "upload again. Files up to 10 MB."),
    "sheet.result": ("导入结果", "Import result"),
    "sheet.counts": ("新增 {inserted} 条,更新 {updated} 条,未变 {unchanged} 条,空行 {empty} 条",
                     "{inserted} new, {updated} updated, {unchanged} unchanged, {empty} empty rows"),
    "sheet.rejected": ("未导入的行", "Rows not imported"),
    "sheet.row": ("行号", "Row"),
    "sheet.column": ("列", "Column"),
    "sheet.message": ("问题", "Problem"),
    "sheet.conflicts": ("已被他人修改的行", "Rows changed by someone else"),
    "sheet.conflicts_intro": ("下载模板后,以下数值已被他人修改。请逐行选择保留您填报的值,或保留当前值(放弃该行)。",
                              "These values were changed by someone else after the form was downloaded. For "
                              "each row keep your value or the current one (the row is then dropped)."),
    "sheet.yours": ("您的值", "Yours"),
    "sheet.current": ("当前值", "Current"),
    "sheet.keep_mine": ("保留我的值", "Keep mine"),
    "sheet.keep_current": ("保留当前值", "Keep current"),
    "sheet.apply": ("确认选择", "Apply choices"),
    "sheet.kept_current": ("已保留当前值 {n} 行", "Kept the current value for {n} rows"),
    "sheet.department": ("部门", "Department"),
    "sheet.unassigned": ("未分配部门", "No department"),
    "appr.last_year": ("上年审定值", "Last year (approved)"),
    "appr.change": ("变化", "Change"),
    "appr.milestone": ("年度目标", "Milestone"),
    "appr.flag": ("异常提示", "Outlier"),
    "appr.select_all": ("全选", "Select all"),
    "appr.approve_selected": ("通过所选", "Approve selected"),
    "appr.return_selected": ("退回所选", "Return selected"),
    "appr.approve_all": ("全部通过", "Approve all"),
    "appr.bulk_comment": ("退回意见(退回所选时必填)", "Comment (required to return)"),
    "appr.done": ("已通过 {approved} 条,退回 {returned} 条", "{approved} approved, {returned} returned"),
    "appr.none_selected": ("请先勾选要处理的数据", "Select the values first"),
    "appr.skipped": ("{n} 条未处理", "{n} not decided"),
    "rep.by_department": ("按部门查看", "By department"),
    "rep.reported_due": ("已报 {reported} / 应报 {due}", "{reported} reported / {due} due"),
    "page.more": ("显示更多", "Show more"),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页,共 {total} 条", "Page {page} of {pages}, {total} in all"),
}
