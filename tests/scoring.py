"""Scoring logic of the official scorer (shared/tools/score_extraction.py), for a repo without it.

Kept identical in behaviour: prose targets and baselines are matched by line,
value and unit (greedy, one prediction per gold item); op/kind/year are then
compared on the matched pairs. `score_doc` prefers the official module when the
shared folder is mounted, so the two can never drift apart silently.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

OFFICIAL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "score_extraction.py"  # ../shared beside the checkout

UNIT_ALIASES = {
    "％": "%", "百分点": "%", "个百分点": "%", "m2": "平方米", "㎡": "平方米", "m²": "平方米",
    "平米": "平方米",
}


def norm_text(s: Any) -> str | None:
    if s is None:
        return None
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(s)))


def norm_unit(u: Any) -> str | None:
    n = norm_text(u)
    if not n:
        return None
    return UNIT_ALIASES.get(n, n)


def num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    except (TypeError, ValueError):
        return False


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else (1.0 if n_gold == 0 else 0.0)
    r = tp / n_gold if n_gold else (1.0 if n_pred == 0 else 0.0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def same_value(g: dict[str, Any], p: dict[str, Any]) -> bool:
    if g.get("value") is not None:
        return num_eq(g.get("value"), p.get("value"))
    return num_eq(g.get("value_low"), p.get("value_low")) and num_eq(g.get("value_high"), p.get("value_high"))


def greedy_match(gold: list[dict[str, Any]], pred: list[dict[str, Any]],
                 key_ok: Callable[[dict[str, Any], dict[str, Any]], bool]) -> list[tuple[dict, dict]]:
    used: set[int] = set()
    pairs = []
    for g in gold:
        for j, p in enumerate(pred):
            if j not in used and key_ok(g, p):
                used.add(j)
                pairs.append((g, p))
                break
    return pairs


def _local_score_doc(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    """Prose and baseline counts (the parts the held-out set annotates)."""
    out: dict[str, Any] = {}
    g_t = gold.get("prose_targets", [])
    p_t = [dict(line=i.get("line"), unit=i.get("unit"), **(i.get("target") or {}))
           for i in pred.get("indicators", []) if i.get("source") == "prose"]
    pairs = greedy_match(g_t, p_t, lambda g, p: p.get("line") == g["line"] and same_value(g, p)
                         and norm_unit(p.get("unit")) == norm_unit(g.get("unit")))
    attrs = {k: sum(p.get(k) == g.get(k) for g, p in pairs) for k in ("op", "kind", "year")}
    out["prose"] = {"gold": len(g_t), "pred": len(p_t), "matched": len(pairs), "attrs": attrs}
    g_b = gold.get("baselines", [])
    p_b = pred.get("baselines", [])
    pairs = greedy_match(g_b, p_b, lambda g, p: p.get("line") == g["line"] and num_eq(p.get("value"), g.get("value"))
                         and norm_unit(p.get("unit")) == norm_unit(g.get("unit")))
    out["baselines"] = {"gold": len(g_b), "pred": len(p_b), "matched": len(pairs)}
    return out


def _official() -> Any:
    if not OFFICIAL.exists():
        return None
    spec = importlib.util.spec_from_file_location("score_extraction", OFFICIAL)
    if spec is None or spec.loader is None:
        return None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def score_doc(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, Any]:
    mod = _official()
    return mod.score_doc(gold, pred) if mod else _local_score_doc(gold, pred)


def restrict(gold: dict[str, Any], pred: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Both sides cut to the gold's "scored_lines" ranges, when it has them (a partial annotation)."""
    ranges = gold.get("scored_lines")
    if not ranges:
        return gold, pred

    def inside(item: dict[str, Any]) -> bool:
        return any(a <= (item.get("line") or 0) <= b for a, b in ranges)

    g = dict(gold)
    for key in ("table_indicators", "prose_targets", "baselines"):
        g[key] = [x for x in gold.get(key, []) if inside(x)]
    p = dict(pred)
    p["indicators"] = [x for x in pred.get("indicators", []) if inside(x)]
    p["baselines"] = [x for x in pred.get("baselines", []) if inside(x)]
    return g, p
