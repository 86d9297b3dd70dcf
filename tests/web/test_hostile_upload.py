"""A hostile review upload on a real server: extraction runs in a bounded worker off the event
loop, so public pages keep answering while it runs, and the upload is refused clearly when it
passes the time limit. (How fast /public answers is measured by bench/hostile.py.)"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
import web_seed

PHRASE = "到2025年，每千人口拥有3岁以下婴幼儿托位数达到4.5个，"


def test_public_pages_answer_while_a_hostile_upload_is_extracted(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANWATCH_EXTRACT_TIMEOUT", "3")
    doc = ("某某市“十四五”托育服务发展规划\n一、发展目标\n" + PHRASE * 60_000 + "\n").encode()
    with httpx.Client(base_url=server, timeout=60) as planner:
        r = planner.post("/api/session", json={"username": "planner", "password": web_seed.PASSWORD})
        assert r.status_code == 200, r.text
        csrf = r.json()["csrf_token"]
        result: dict[str, httpx.Response] = {}

        def upload() -> None:
            result["r"] = planner.post("/api/review", files={"file": ("long.txt", doc, "text/plain")},
                                       headers={"X-CSRF-Token": csrf})

        worker = threading.Thread(target=upload)
        answered_during = 0
        with httpx.Client(base_url=server, timeout=30) as visitor:
            worker.start()
            while worker.is_alive():
                status = visitor.get("/public").status_code
                if worker.is_alive():
                    assert status == 200
                    answered_during += 1
                time.sleep(0.1)
        worker.join()
    r = result["r"]
    assert r.status_code == 422
    message = r.json()["fields"]["file"]
    assert "time limit of 3 s" in message and "时间上限" in message
    assert answered_during >= 3  # the visitor was served again and again while the upload ran


def test_an_upload_over_the_cap_is_refused_and_leaves_no_draft(client, seed) -> None:  # type: ignore[no-untyped-def]
    from webtools import login

    from planwatch.web import review

    h = {"X-CSRF-Token": login(client, "planner")}
    before = client.get("/api/review").json()
    big = b"a" * (review.UPLOAD_MAX + 10)
    r = client.post("/api/review", files={"file": ("big.txt", big, "text/plain")}, headers=h)
    assert r.status_code in (413, 422)
    assert client.get("/api/review").json() == before
