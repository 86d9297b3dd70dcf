"""schemathesis against /openapi.json of a live server on a test register, signed in as a planner (session
cookie and X-CSRF-Token, as the app requires): no server errors and no response that breaks the schema.

The number of generated cases is bounded: PLANWATCH_SCHEMATHESIS_CASES (default 120, a short run) is
split evenly over the operations, each getting valid (positive) and invalid (negative) inputs. The
long run:

    PLANWATCH_SCHEMATHESIS_CASES=2000 PYTHONPATH=src .venv/bin/python -m pytest tests/web/test_schemathesis.py -q -s
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")
requests = pytest.importorskip("requests")

import web_seed  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402

from planwatch.register.db import make_engine  # noqa: E402
from planwatch.web import create_app  # noqa: E402

CASES = int(os.environ.get("PLANWATCH_SCHEMATHESIS_CASES", "120"))
# Every check runs except "schema-valid data must be accepted": the register's rules refuse well-formed
# input by design (a year outside the plan's period, an impossible value, approving a draft, an id that
# does not exist in this register), with a 4xx that names the field; that is an answer, not a failure.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]


@pytest.fixture()  # one server per test: the fuzzed sign-ins throttle their address for a while
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import socket

    import uvicorn

    tmp = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{tmp / 'st.sqlite3'}"
    engine = make_engine(url)
    web_seed.build(engine)
    engine.dispose()
    app = create_app(url, secret_key="schemathesis", files_dir=tmp / "files")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def _signed_in(base: str) -> tuple[Any, str]:
    http = requests.Session()
    r = http.post(base + "/api/session", json={"username": "planner", "password": web_seed.PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    return http, r.json()["csrf_token"]


def test_api_schema_signed_in(live: str) -> None:
    schema = schemathesis.openapi.from_url(live + "/openapi.json")
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 20
    per_mode = max(1, math.ceil(CASES / len(operations) / 2))
    http, token = _signed_in(live)
    failures: dict[str, str] = {}
    ran = 0

    def runner(op: Any) -> Any:
        strategy = st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE))

        @settings(max_examples=per_mode * 2, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def run(case: Any) -> None:
            nonlocal ran
            ran += 1
            if op.path == "/api/session" and op.method.upper() == "DELETE":
                return  # signing out is a plain call; the signed cookie stays valid for the next cases
            case.headers = {**(case.headers or {}), "X-CSRF-Token": token}
            try:
                case.call_and_validate(base_url=live, session=http, timeout=60, excluded_checks=EXCLUDED)
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # schemathesis reports its findings as an exception group
                what = [line[2:] for line in str(exc).splitlines() if line.startswith("- ")] or [
                    f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"]
                key = f"{op.method.upper()} {op.path}: {'; '.join(what)}"
                failures.setdefault(key, str(exc)[:3000])

        return run

    for op in operations:
        runner(op)()
    print(f"\nschemathesis: {ran} cases over {len(operations)} operations, {len(failures)} distinct failures")
    for key, text in failures.items():
        print("----", key, "\n", text)
    assert ran >= min(CASES, len(operations))
    assert not failures, "\n".join(failures)


def test_the_test_signs_in_as_the_app_requires(live: str) -> None:
    """The cases above run signed in: an unsafe call with the session cookie and token is accepted."""
    http, _ = _signed_in(live)
    r = http.get(live + "/api/me", timeout=30)
    assert r.status_code == 200 and r.json()["user"]["username"] == "planner"
    assert http.post(live + "/api/progress", json={}, headers={"X-CSRF-Token": "wrong"}, timeout=30).status_code == 403
