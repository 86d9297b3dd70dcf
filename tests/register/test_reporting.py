"""The one reporting path's rules, each asked once: year window, value, unit, judgement words, version,
roles → actions."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from planwatch.register import reporting as rp
from planwatch.register.errors import FieldError, Forbidden
from planwatch.register.permissions import ACTIONS, PERMISSIONS, department_scoped, may, roles_that_may

PLAN = SimpleNamespace(base_year=2020, period_start=2021, period_end=2025)
SHARE = SimpleNamespace(name="学前教育普及率", unit="%", target_op=">=")
QUAL = SimpleNamespace(name="基本公共服务体系", unit=None, target_op="qualitative")


def who(role: str, dept: int | None = None, uid: int = 1) -> SimpleNamespace:
    return SimpleNamespace(id=uid, role=role, department_id=dept, username=role)


def test_the_year_window_is_after_the_base_year_up_to_the_plan_end() -> None:
    assert rp.check_year(PLAN, "2021") == 2021 and rp.check_year(PLAN, 2025) == 2025
    for bad in (2020, 2026, "٢٠٢٣", "20x1", "", None, True):
        with pytest.raises(FieldError) as e:
            rp.check_year(PLAN, bad)
        assert e.value.field == "year" and "2021–2025" in e.value.zh


def test_value_unit_and_judgement_rules() -> None:
    assert rp.check_value(SHARE, "1,5") == 15.0  # thousands separators are dropped
    with pytest.raises(FieldError, match="百分比"):
        rp.check_value(SHARE, "101")
    with pytest.raises(FieldError):
        rp.check_value(SHARE, "abc")
    assert rp.check_value(SHARE, " 96.5 ") == 96.5
    rp.check_unit(SHARE, "%")
    rp.check_unit(SHARE, None)
    with pytest.raises(FieldError) as e:
        rp.check_unit(SHARE, "人")
    assert e.value.field == "unit"
    assert rp.check_judgement("达到") is not None and rp.check_judgement("") is None
    with pytest.raises(FieldError):
        rp.check_judgement("差不多吧")
    with pytest.raises(FieldError) as e:
        rp.check_reported(QUAL, None, None, submitting=True)
    assert e.value.field == "judgement"
    rp.check_reported(QUAL, None, None, submitting=False)  # a draft may be incomplete


def test_every_bad_field_is_reported_at_once() -> None:
    ind = SimpleNamespace(**vars(SHARE), metric_id=1)
    with pytest.raises(FieldError) as e:
        rp.check_value_report(ind, PLAN, rp.ValueReport(1, year="1999", value="x", expected_version="v",
                                                        evidence=rp.Upload("a.exe", b"MZ")))
    assert set(e.value.by_field("en")) == {"year", "value", "expected_version", "evidence"}


def test_decisions_and_the_four_eyes_rule() -> None:
    assert rp.check_decision(who("planner"), "approve", "", "3") == ("approved", 3)
    with pytest.raises(FieldError) as e:
        rp.check_decision(who("planner"), "return", " ", "")
    assert set(e.value.by_field("zh")) == {"comment", "expected_version"}
    with pytest.raises(Forbidden):
        rp.check_decision(who("reporter", 1), "approve", "", "1")
    with pytest.raises(Forbidden) as own:
        rp.check_not_own(who("planner", uid=7), "approved", 7)
    assert own.value.reason == "own_submission"
    rp.check_not_own(who("planner", uid=7), "returned", 7)  # one may return one's own


def test_roles_map_to_actions_in_one_table() -> None:
    assert set(ACTIONS) == {"report", "approve", "publish", "administer", "see_all"}
    assert all(acts <= set(ACTIONS) for acts in PERMISSIONS.values())
    assert may(who("admin"), "administer") and not may(who("planner"), "administer")
    assert may(who("reporter", 1), "report") and not may(who("reporter", 1), "approve")
    assert not may(None, "see_all") and not may(who("viewer"), "report")
    assert roles_that_may("approve") == {"admin", "planner"}
    assert department_scoped(who("reporter", 1)) and not department_scoped(who("planner"))
    with pytest.raises(ValueError):
        may(who("admin"), "fly")


def test_evidence_names_are_for_display_and_references_cannot_borrow_files() -> None:
    assert rp.display_name("../../a/b\\统计 公报.pdf") == "统计 公报.pdf"
    assert rp.display_name("\x00\x1f") == "evidence"
    with pytest.raises(FieldError):
        rp.check_evidence(rp.Upload("x.html", b"<script>"))
    with pytest.raises(FieldError):
        rp.check_evidence(rp.Upload("x.pdf", b""))
    other = "evidence/" + "a" * 32 + ".pdf"
    with pytest.raises(FieldError):
        rp.check_evidence_reference(other, None)
    with pytest.raises(FieldError):
        rp.check_evidence_reference("./" + other, None)
    assert rp.check_evidence_reference(other, other) == other  # the row's own file, as the template wrote it
    assert rp.check_evidence_reference("见2024年统计公报第3页", None) == "见2024年统计公报第3页"
