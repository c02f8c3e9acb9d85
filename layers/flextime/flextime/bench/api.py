"""``flextime bench api``: latency of `flextime serve` on loopback under an open-loop load.

1. Starts ``flextime serve --no-local-cloud [--workers N]`` (a subprocess: uvicorn) on a free port
   against the configured or embedded database; the demo tenant ``big12`` is seeded.
2. Writes and publishes a 16-team, 144-game men's basketball schedule (18 rounds).
3. GET the season schedule at a fixed arrival rate (default 200 requests/s for 15 s). Latency is
   measured from each request's *intended* start, so a stalled server cannot hide queueing
   (no coordinated omission). The generator is a minimal keep-alive HTTP/1.1 client on asyncio
   streams (``_RawHttp``): httpx's async client costs ~5 ms of CPU a request, which on a shared
   2-core machine capped the rate below 200/s even for ``/v1/health``.
4. Move-game validation round trips (``POST /v1/schedules/{id}/edits/preview``), one at a time.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass
class Figures:
    name: str
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    target_ms: float

    def row(self) -> dict[str, Any]:
        return {"measure": self.name, "requests": self.requests, "errors": self.errors,
                "p50 ms": round(self.p50_ms, 1), "p99 ms": round(self.p99_ms, 1),
                "max ms": round(self.max_ms, 1), "target p99 ms": self.target_ms,
                "ok": self.p99_ms < self.target_ms and self.errors == 0}  # fmt: skip


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _figures(name: str, latencies: list[float], errors: int, target: float) -> Figures:
    ms = [x * 1000 for x in latencies] or [float("nan")]
    return Figures(name, len(latencies), errors, statistics.median(ms), _quantile(ms, 0.99), max(ms), target)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _publish_season(pool: Any, seeded: Any) -> tuple[uuid.UUID, uuid.UUID]:
    """A 144-game 16-team schedule of the MBB season, published; returns (season, version)."""
    import datetime as dt

    from flextime.scenarios import big12
    from flextime.store.db import tenant_transaction
    from flextime.store.records import ScheduledGame
    from flextime.store.repositories import schedules, seasons

    season_id = uuid.UUID(seeded.seasons[big12.MBB])
    with tenant_transaction(pool, seeded.tenant_id, seeded.user_for("scheduler")) as tx:
        teams = [t.id for t in seasons.list_teams(tx, season_id)]
        n, games = len(teams), []
        for r in range(18):
            k = r % (n - 1)
            order = [teams[0], *teams[1:][k:], *teams[1:][:k]]
            for i in range(n // 2):
                a, b = order[i], order[n - 1 - i]
                home, away = (a, b) if (r + i + r // (n - 1)) % 2 == 0 else (b, a)
                games.append(
                    ScheduledGame(
                        home=home, away=away, slot=r, day=dt.date(2027, 1, 2) + dt.timedelta(days=3 * r)
                    )
                )
        version = schedules.create_version(tx, season_id, games, note="bench api")
        published = schedules.publish(tx, version.id, version.row_version)
        draft = schedules.derive_draft(tx, published.id)
    return season_id, draft.id


async def _open_loop(
    client: Any, url: str, headers: dict[str, str], rate: float, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def one(intended: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, intended - loop.time()))
        try:
            r = await client.get(url, headers=headers)
            if r.status_code != 200:
                errors += 1
        except Exception:  # a failed request counts as an error
            errors += 1
        latencies.append(loop.time() - intended)

    await asyncio.gather(*(one(start + i / rate) for i in range(int(rate * seconds))))
    return latencies, errors


class _RawHttp:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams (about a tenth of a millisecond
    of CPU a request; httpx's async client spends ~5 ms, so on a 2-core machine the generator, not
    the server, capped the rate). Connections are reused; a new one opens when all are busy."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in {"Host": f"{host}:{port}", **headers}.items())
        self.idle: list[tuple[Any, Any]] = []

    async def get(self, path: str) -> int:
        if self.idle:
            conn = self.idle.pop()
            try:
                return await self._send(conn, path)
            except (asyncio.IncompleteReadError, ConnectionError):
                conn[1].close()  # the server closed an idle keep-alive connection: reconnect once
        return await self._send(await asyncio.open_connection(self.host, self.port), path)

    async def _send(self, conn: tuple[Any, Any], path: str) -> int:
        reader, writer = conn
        writer.write(f"GET {path} HTTP/1.1\r\n{self.head}\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        self.idle.append(conn)
        return status

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()


async def _open_loop_raw(client: _RawHttp, path: str, rate: float, seconds: float) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2

    async def one(intended: float) -> None:
        nonlocal errors
        await asyncio.sleep(max(0.0, intended - loop.time()))
        try:
            if await asyncio.wait_for(client.get(path), 30) != 200:
                errors += 1
        except Exception:  # a failed request counts as an error
            errors += 1
        latencies.append(loop.time() - intended)

    await asyncio.gather(*(one(start + i / rate) for i in range(int(rate * seconds))))
    return latencies, errors


async def _sequential(
    client: Any, url: str, headers: dict[str, str], body: dict[str, Any], n: int
) -> tuple[list[float], int]:
    latencies, errors = [], 0
    for _ in range(n):
        t = time.perf_counter()
        r = await client.post(url, json=body, headers=headers)
        latencies.append(time.perf_counter() - t)
        errors += r.status_code != 200
    return latencies, errors


def run_api_bench(
    *, rate: float = 200.0, seconds: float = 15.0, moves: int = 300, workers: int = 1
) -> list[dict[str, Any]]:
    import httpx

    from flextime.api.auth import mint_local_token
    from flextime.api.seed import seed_demo
    from flextime.api.settings import get_settings
    from flextime.store.db import database_url, get_pool
    from flextime.store.migrate import upgrade

    settings = get_settings()
    url = database_url()
    upgrade(url)
    pool = get_pool()
    seeded = seed_demo(pool, folder=settings.key_dir, database=url)
    season_id, draft_id = _publish_season(pool, seeded)
    port = _free_port()
    env = {
        **os.environ,
        "FLEXTIME_DATABASE_URL": url,
        "FLEXTIME_DB_POOL_MAX": os.environ.get("FLEXTIME_DB_POOL_MAX", "8"),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from flextime.cli import main; main()",
         "serve", "--no-local-cloud", "--port", str(port), "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/v1/health").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        token = mint_local_token(settings, user_id=seeded.user_for("scheduler"),
                                 tenant_id=uuid.UUID(seeded.tenant_id), roles=["scheduler"])  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}

        async def main() -> list[Figures]:
            limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                schedule_url = f"/v1/seasons/{season_id}/schedule"
                for _ in range(50):  # warm up
                    await client.get(schedule_url, headers=headers)
                raw = _RawHttp("127.0.0.1", port, headers)
                for _ in range(20):
                    await raw.get(schedule_url)
                lat, err = await _open_loop_raw(raw, schedule_url, rate, seconds)
                raw.close()
                games = (await client.get(f"/v1/schedules/{draft_id}", headers=headers)).json()["games"]
                g = next(x for x in games if x["slot"] == 0)
                body = {
                    "ops": [{"op": "move", "home": g["home"], "away": g["away"], "slot": 0, "to_slot": 5}]
                }
                mlat, merr = await _sequential(
                    client, f"/v1/schedules/{draft_id}/edits/preview", headers, body, moves
                )
            return [
                _figures(f"GET 16-team season schedule (144 games) at {rate:g} req/s", lat, err, 30.0),
                _figures("move-game validation round trip", mlat, merr, 150.0),
            ]

        return [f.row() for f in asyncio.run(main())]
    finally:
        server.terminate()
        server.wait(timeout=10)
