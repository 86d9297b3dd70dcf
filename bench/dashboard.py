"""The leader's risk dashboard on the demo register: how long its read and its pages take.

Builds the demo register (five seed plans, the national plan, published figures, simulated values)
in a temporary directory, signs in as a viewer and prints, in ms: the dashboard's read model cold
(the summary after every plan is evaluated and stored) and warm (cached), the first and a repeated `/dashboard`, `/dashboard?print=1`,
and a filtered list page; plus the page sizes and the number of rows at risk.

    .venv/bin/python bench/dashboard.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from fastapi.testclient import TestClient  # noqa: E402

from planwatch.register import migrate  # noqa: E402
from planwatch.register.db import make_engine, transaction  # noqa: E402
from planwatch.register.demo import run_demo  # noqa: E402
from planwatch.register.users import add_user  # noqa: E402
from planwatch.web import create_app  # noqa: E402
from planwatch.web.dashboard import dashboard_summary  # noqa: E402
from planwatch.web.data import Services  # noqa: E402

PASSWORD = "bench-viewer-pass-1"


def ms(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = make_engine(url)
        migrate.upgrade(engine)
        run_demo(engine, simulate=True, log=lambda _m: None)
        with transaction(engine) as s:
            add_user(s, "leader", PASSWORD, "viewer")
        engine.dispose()

        svc = Services(url)
        t0 = time.perf_counter()
        rows = svc.view(dashboard_summary, None)["counts"]
        cold = ms(t0)
        warm = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            svc.view(dashboard_summary, None)
            warm.append(ms(t0))
        print(f"indicators {sum(r['count'] for r in rows)}, at risk {sum(r['risk'] for r in rows)}, "
              f"binding at risk {sum(r['binding_risk'] for r in rows)}")
        print(f"read model: cold {cold:.0f} ms, warm median {statistics.median(warm):.2f} ms")

        app = create_app(url, secret_key="bench", files_dir=Path(tmp) / "files")
        with TestClient(app) as c:
            assert c.post("/api/session", json={"username": "leader", "password": PASSWORD}).status_code == 200
            for path in ("/dashboard", "/dashboard?print=1", "/dashboard/list?risk=1&binding=1"):
                t0 = time.perf_counter()
                r = c.get(path)
                first = ms(t0)
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    c.get(path)
                    times.append(ms(t0))
                print(f"{path}: {r.status_code}, {len(r.content) / 1024:.0f} KiB, first {first:.0f} ms, "
                      f"repeated median {statistics.median(times):.1f} ms")


if __name__ == "__main__":
    main()
