"""The staff SPA end to end, in Debian's headless Chromium driven by playwright-core (Node).

Builds the SPA when ``web/dist`` is missing or older than its sources (``npm ci`` first when
``web/node_modules`` is missing), starts ``flextime serve`` on a free port with a throwaway
database (``FLEXTIME_DATABASE_URL`` on the local PostgreSQL; the embedded server when that is
unreachable) and a throwaway data folder (signing key, seed registry), mints a scheduler token
with ``flextime token`` and runs ``web/e2e/run.mjs``: sign in -> solve -> watch it finish -> grid ->
move a game and see the violation -> lock -> publish -> ICS download. Screenshots, axe results,
the downloaded ICS and ``results.json`` land in ``out/e2e/``.

Skipped with a reason when /usr/bin/chromium (``apt-get install -y chromium``) or node is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
OUT = ROOT / "out" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ADMIN_URL = os.environ.get("FLEXTIME_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BIN = Path(sys.executable).parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} missing: apt-get install -y chromium"
    ),
    pytest.mark.skipif(
        shutil.which("node") is None or shutil.which("npm") is None, reason="node/npm missing"
    ),
]


def _newest(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.rglob("*") if p.is_file()), default=0.0)


def _ensure_built() -> None:
    if not (WEB / "node_modules" / ".package-lock.json").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True)
    index = WEB / "dist" / "index.html"
    sources = max(
        _newest(WEB / "src"), (WEB / "index.html").stat().st_mtime, (WEB / "package.json").stat().st_mtime
    )
    if not index.exists() or index.stat().st_mtime < sources:
        subprocess.run(["npm", "run", "build"], cwd=WEB, check=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def database() -> Iterator[str | None]:
    """A throwaway database on the local server (None: fall back to the embedded default)."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import make_conninfo

    name = f"flextime_e2e_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError:
        yield None
        return
    yield make_conninfo(ADMIN_URL, dbname=name)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def server(
    database: str | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, str]]]:
    _ensure_built()
    env = {**os.environ, "FLEXTIME_DATA_DIR": str(tmp_path_factory.mktemp("flextime-data"))}
    if database:
        env["FLEXTIME_DATABASE_URL"] = database
    port = _free_port()
    log = open(tmp_path_factory.mktemp("serve") / "serve.log", "w+")  # noqa: SIM115
    proc = subprocess.Popen(
        [str(BIN / "flextime"), "serve", "--host", "127.0.0.1", "--port", str(port),
         "--web", str(WEB / "dist")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            pytest.fail(f"flextime serve did not start:\n{log.read()[-4000:]}")
        time.sleep(0.5)
    try:
        yield base, env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def test_spa_end_to_end(server: tuple[str, dict[str, str]]) -> None:
    base, env = server
    token = subprocess.run(
        [str(BIN / "flextime"), "token", "--role", "scheduler", "--tenant", "big12"],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    run = subprocess.run(
        ["node", "e2e/run.mjs"], cwd=WEB, capture_output=True, text=True, timeout=900,
        env={**env, "BASE_URL": base, "FLEXTIME_TOKEN": token, "OUT_DIR": str(OUT), "CHROMIUM": CHROMIUM},
    )  # fmt: skip
    print(run.stdout)
    print(run.stderr[-4000:], file=sys.stderr)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]

    results = json.loads((OUT / "results.json").read_text())
    assert all(step["ok"] for step in results["steps"])
    for view, violations in results["axe"].items():
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, (view, serious)
    assert len(results["screenshots"]) >= 10
    assert sorted(results["firstPaintMs"])[1] < 1000

    # the downloaded ICS, parsed again with a real iCalendar parser
    from icalendar import Calendar

    ics = Path(results["ics"]["file"])
    cal = Calendar.from_ical(ics.read_bytes())
    events = [c for c in cal.walk("VEVENT")]
    assert events and all(e.get("dtstart") is not None and e.get("summary") for e in events)
    team = results["ics"]["team"]
    assert len(events) == results["ics"]["events"] and team
