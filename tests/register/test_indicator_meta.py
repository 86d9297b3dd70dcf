"""Indicator metadata (指标解释, 统计口径, 数据来源): kept on the metric, set by indicator id or stable id,
shared by every plan measuring the metric, bounded, and settable from the command line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from test_series import _plan, regions  # the same small plan builder and regions

from planwatch.cli import main
from planwatch.register import metrics
from planwatch.register.db import transaction
from planwatch.register.errors import InputError, NotFound
from planwatch.register.plans import import_plan
from planwatch.register.schema import Indicator

__all__ = ["regions"]


def test_metadata_is_set_through_an_indicator_and_read_from_its_metric(regions: Engine) -> None:
    with transaction(regions) as s:
        a = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025], ("人均预期寿命", "岁", 77, 78)),
                        by="t")
        ind = s.scalars(select(Indicator).where(Indicator.plan_id == a.plan_id)).one()
        assert metrics.metric_meta(s, ind.metric_id) == {"definition": None, "scope": None, "data_source": None}
        metrics.set_indicator_meta(s, f"p{a.plan_id}-i{ind.id}", {"scope": "  按常住人口计算 ", "data_source": "县统计局"},
                                   by="p")
        assert metrics.metric_meta(s, ind.metric_id) == {"definition": None, "scope": "按常住人口计算",
                                                         "data_source": "县统计局"}
        metrics.set_indicator_meta(s, ind.id, {"scope": ""})  # blank clears
        assert metrics.metric_meta(s, ind.metric_id)["scope"] is None
        with pytest.raises(InputError, match="data_source"):
            metrics.set_indicator_meta(s, ind.id, {"data_source": "x" * (metrics.META_MAX_CHARS + 1)})
        with pytest.raises(InputError, match="unit"):
            metrics.set_indicator_meta(s, ind.id, {"unit": "人"})
        with pytest.raises(NotFound):
            metrics.set_indicator_meta(s, "p999-i1", {"scope": "x"})


def test_the_metric_command_sets_and_shows_metadata(regions: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with transaction(regions) as s:
        a = import_plan(s, _plan("苍溪县“十四五”卫生规划", "苍溪县", [2021, 2025], ("人均预期寿命", "岁", 77, 78)),
                        by="t")
        ind_id = s.scalars(select(Indicator.id).where(Indicator.plan_id == a.plan_id)).one()
    monkeypatch.setenv("PLANWATCH_DATABASE_URL", regions.url.render_as_string(hide_password=False))
    out = CliRunner().invoke(main, ["metric", "set", str(ind_id), "--definition", "0岁人口的平均预期存活年数"])
    assert out.exit_code == 0, out.output
    out = CliRunner().invoke(main, ["metric", "show", str(ind_id)])
    assert "0岁人口的平均预期存活年数" in out.output and "统计口径 scope: 未提供 / not provided" in out.output
    out = CliRunner().invoke(main, ["metric", "set", str(ind_id)])
    assert out.exit_code != 0 and "--definition" in out.output
    out = CliRunner().invoke(main, ["metric", "set", "p999-i1", "--scope", "x"])
    assert out.exit_code == 1 and "p999-i1" in out.output
