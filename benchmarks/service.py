"""Load on the site service, on loopback only: sign-ups per second and their latency, and
messages per second of a newsletter send.

    .venv/bin/python -m benchmarks.service [--signups N] [--concurrency C] [--recipients M]

Starts the service as in production (``python -m service``, uvicorn, one process) in local
mode with a temporary data folder, and a real SMTP server (aiosmtpd) on 127.0.0.1 that takes
the confirmation mails and the newsletter. Then:

1. N sign-ups through the form endpoint, C at a time, each from its own client address (the
   ``X-Forwarded-For`` of a reverse proxy on 127.0.0.1, as in production), and checks that
   every request was answered 303, that every accepted sign-up is in the store exactly once,
   and how long the confirmation mails took to go out;
2. a test send and a send of one issue to M confirmed subscribers through the API, timed
   from the trigger until the journal says done; every recipient exactly one message.

Nothing leaves 127.0.0.1. The request count is bounded by N.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

from service.tests.conftest import newsletter_files
from tests.support.testing import RunningService, build_project, make_project, smtp_server

TOKEN = "benchmark-token-" + "b" * 32
SITE = "http://site.invalid"


async def signups(
    url: str, n: int, concurrency: int, form: dict
) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    queue = iter(range(n))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient):
        for i in queue:
            data = {
                "email": f"lezer{i:06d}@example.org",
                "name": f"Lezer {i}",
                "consent": "ja",
                "page": "/nieuwsbrief/",
                **form,
            }
            headers = {
                "Origin": SITE,
                "X-Forwarded-For": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
            }
            start = time.perf_counter()
            try:
                response = await client.post(
                    url + "/nieuwsbrief/aanmelden", data=data, headers=headers
                )
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1

    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies, statuses


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signups", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--recipients", type=int, default=1000)
    args = parser.parse_args()
    ok = True
    with tempfile.TemporaryDirectory() as tmp, smtp_server() as inbox:
        tmp = Path(tmp)
        (tmp / "data").mkdir()
        env = {
            "SWK_SERVICE_MODE": "local",
            "SWK_SITE_URL": SITE,
            "SWK_API_TOKEN": TOKEN,
            "SWK_SEND_RATE": "0",
            "SWK_NEWSLETTER_TEST_TO": "redactie@example.org",
            **inbox.env,
        }
        running = RunningService(env, tmp / "data")
        out = build_project(make_project(tmp / "p", newsletter_files()), SERVICE_URL=running.url)
        running.start()
        try:
            html = httpx.get(running.url + "/nieuwsbrief/aanmelden").text
            form = {
                k: re.search(rf'name="{k}" value="([^"]*)"', html).group(1)
                for k in ("consent_version", "privacy_version")
            }
            # 1. sign-ups
            started = time.perf_counter()
            latencies, statuses = asyncio.run(
                signups(running.url, args.signups, args.concurrency, form)
            )
            elapsed = time.perf_counter() - started
            db = sqlite3.connect(tmp / "data" / "service.sqlite")
            stored = db.execute(
                "SELECT count(*), count(DISTINCT email_key) FROM subscribers WHERE email_key LIKE "
                "'lezer%' AND status = 'pending'"
            ).fetchone()
            accepted = statuses.get(303, 0)
            print(
                f"Sign-ups: {args.signups} requests, {args.concurrency} at a time, one uvicorn process"
            )
            print(
                f"  {args.signups / elapsed:7.0f} sign-ups/s   p50 {statistics.median(latencies) * 1000:6.1f} ms   "
                f"p99 {percentile(latencies, 99) * 1000:6.1f} ms   max {max(latencies) * 1000:6.1f} ms"
            )
            print(
                f"  answers: {dict(sorted(statuses.items()))}; stored {stored[0]} rows, {stored[1]} distinct"
            )
            if accepted != args.signups or stored != (accepted, accepted):
                print("  FAILED: not every sign-up was accepted and stored exactly once")
                ok = False
            deadline = time.monotonic() + 300
            while len(inbox.messages) < accepted and time.monotonic() < deadline:
                time.sleep(0.2)
            print(
                f"  confirmation mails out {time.perf_counter() - started:6.1f} s after the first request "
                f"({len(inbox.messages)} of {accepted})"
            )

            # 2. a send to M confirmed subscribers
            db.execute(
                "UPDATE subscribers SET status = 'confirmed' WHERE id IN "
                "(SELECT id FROM subscribers ORDER BY id LIMIT ?)",
                (args.recipients,),
            )
            db.commit()
            recipients = db.execute(
                "SELECT count(*) FROM subscribers WHERE status = 'confirmed'"
            ).fetchone()[0]
            folder = out / "nieuwsbrief" / "januari"
            body = {
                "email_json": json.loads((folder / "email.json").read_text()),
                "html": (folder / "email.html").read_text(),
                "text": (folder / "email.txt").read_text(),
            }
            auth = {"Authorization": f"Bearer {TOKEN}"}
            digest = httpx.post(
                running.url + "/api/nieuwsbrief/januari/test", json=body, headers=auth, timeout=30
            ).json()["content_hash"]
            inbox.messages.clear()
            started = time.perf_counter()
            httpx.post(
                running.url + "/api/nieuwsbrief/januari/send",
                json={"content_hash": digest},
                headers=auth,
            )
            while True:
                status = httpx.get(running.url + "/api/nieuwsbrief/januari", headers=auth).json()
                if status["state"] != "running":
                    break
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            per = {}
            for rcpt, _ in inbox.messages:
                per[rcpt[0]] = per.get(rcpt[0], 0) + 1
            size = sum(len(raw) for _, raw in inbox.messages) / max(1, len(inbox.messages))
            print(
                f"Send: {recipients} recipients, loopback SMTP, no rate limit (SWK_SEND_RATE=0), "
                f"{size / 1024:.0f} KB a message"
            )
            print(
                f"  {status['sent'] / elapsed:7.1f} messages/s ({status['sent']} in {elapsed:.1f} s)"
            )
            if len(per) != recipients or set(per.values()) != {1}:
                print("  FAILED: not every recipient got exactly one message")
                ok = False
            db.close()
        finally:
            running.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
