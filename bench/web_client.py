"""Web client benchmark: the client in Debian's headless Chromium against a real server.

A `hubbub.testing.TestServer` (SQLite, rate limits off) runs in a child process, so it
has its own interpreter and does not share an event loop with the browser driver or the
poster. Two users: Bob writes, Alice reads in the browser (signed in the way the client
keeps a session, its token in `localStorage`). Three phases, one JSON line of figures:

1. ``cold``/``reload``: Alice opens a room with N messages of history on an empty cache,
   then reloads. Per visit: requests and bytes of the page's own assets (HTML, JS
   modules, CSS, fonts, images; not /api or /gateway) from CDP's Network domain, how
   many the reload took from the browser's cache (the page names its assets under an
   immutable release prefix) or revalidated (304), and the milliseconds
   from navigation start to the gateway's ``ready`` (the connection banner's
   ``data-state`` turning ``connected``) and to the room's first message in the DOM.
2. ``scroll``: on the reloaded page the message list is scrolled to its top again and
   again until the room's oldest message is loaded (the client's infinite scroll, 50 a
   page): total time, history requests (``GET …/messages?before=``), message elements
   left in the list (does it keep them all?), DOM nodes and JS heap after a forced GC
   (CDP ``Performance.getMetrics``), before and after.
3. ``live``: with Alice in an empty room, Bob posts M messages over REST as fast as the
   server takes them (a few connections in parallel); the time from the first post to
   the last message in Alice's DOM, and whether each was shown exactly once.

Times in the page come from a MutationObserver installed before the page's own scripts
(``performance.now()`` when a node is inserted), so polling from Python adds nothing to
them. Everything shares this machine's cores (server, Chromium, poster): the figures are
what a reader sees on it, not the client alone.

    python bench/web_client.py                          # N = 2000, M = 500
    python bench/web_client.py --messages 500 --live 100 --json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

CHROMIUM_TIMEOUT_MS = 30_000
PASSWORD = "benchmark-password-1"

# Runs in every document before its scripts: when the gateway is ready and when each
# message first enters the DOM, in ms since navigation start.
OBSERVER = """
(() => {
  const bench = (window.__bench = { ready: null, firstMessage: null, seen: new Map() });
  const note = (li, now) => {
    const id = li.dataset.messageId;
    if (bench.firstMessage === null) bench.firstMessage = now;
    if (id && !bench.seen.has(id)) bench.seen.set(id, now);
  };
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      if (r.type === "attributes") {
        const t = r.target;
        if (bench.ready === null && t.dataset.testid === "connection-banner"
            && t.dataset.state === "connected") bench.ready = now;
        continue;
      }
      for (const n of r.addedNodes) {
        if (n.nodeType !== 1) continue;
        if (n.matches("[data-testid=message]")) note(n, now);
        else for (const li of n.querySelectorAll("[data-testid=message]")) note(li, now);
      }
    }
  }).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"],
  });
})();
"""

# Scrolls the message list to the top every frame it is not there (each load of older
# messages moves it down to keep the reader's place) until `oldest` is in the list.
SCROLL_TO_OLDEST = """
async ({ oldest, timeoutMs }) => {
  const list = document.querySelector("[data-testid=message-list]");
  const has = () => list.querySelector(`[data-message-id="${oldest}"]`) !== null;
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const t0 = performance.now();
  let scrolls = 0;
  while (!has()) {
    if (performance.now() - t0 > timeoutMs) return { reached: false, ms: null, scrolls };
    if (list.scrollTop > 0) {
      list.scrollTop = 0;
      scrolls += 1;
    }
    await frame();
  }
  return { reached: true, ms: performance.now() - t0, scrolls };
}
"""

# The live room is open: the gateway is ready and its (empty) history has been drawn.
LIVE_PAGE_READY = """
() => window.__bench && window.__bench.ready !== null
  && document.querySelector("[data-testid=message-list]")?.getAttribute("aria-busy") === "false"
"""

MESSAGE_COUNTS = """
(ids) => {
  const lis = [...document.querySelectorAll("[data-testid=message-list] [data-testid=message]")];
  const shown = lis.map((li) => li.dataset.messageId);
  const wanted = new Set(ids.map(String));
  const mine = shown.filter((id) => wanted.has(id));
  return {
    elements: lis.length,
    distinct: new Set(shown).size,
    wanted_shown: new Set(mine).size,
    wanted_elements: mine.length,
  };
}
"""


class BenchError(RuntimeError):
    """A phase that did not finish: the message says which and why."""


# -- the server, in its own process ------------------------------------------------------
def serve(pipe: Connection) -> None:
    """Child process: a TestServer until the parent says stop (or goes away)."""
    asyncio.run(_serve(pipe))


async def _serve(pipe: Connection) -> None:
    from hubbub.testing import TestServer

    async with TestServer(rate_limits=False) as server:
        settings = server.settings
        pipe.send((server.url, str(settings.database).split(":", 1)[0], str(settings.bus)))
        with contextlib.suppress(EOFError):
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)


@contextlib.asynccontextmanager
async def server_process(timeout: float) -> AsyncIterator[tuple[str, str, str]]:
    """(url, backend, bus) of a TestServer in a child process, stopped on exit."""
    parent, child = mp.get_context("spawn").Pipe()
    proc = mp.get_context("spawn").Process(target=serve, args=(child,), daemon=True)
    proc.start()
    try:
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + timeout
        while not await loop.run_in_executor(None, parent.poll, 0.5):
            if not proc.is_alive():
                raise BenchError(f"server: the process exited with {proc.exitcode}")
            if time.monotonic() > deadline:
                raise BenchError(f"server: not started within {timeout:.0f} s")
        yield parent.recv()
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        proc.join(15)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)


# -- REST setup and posting --------------------------------------------------------------
@dataclass
class User:
    id: int
    token: str


async def register(http: httpx.AsyncClient, name: str) -> User:
    resp = await http.post("/api/v1/auth/register", json={"username": name, "password": PASSWORD})
    resp.raise_for_status()
    body = resp.json()
    return User(int(body["user"]["id"]), body["token"])


async def call(
    http: httpx.AsyncClient, user: User, method: str, path: str, body: Any = None
) -> Any:
    resp = await http.request(
        method, "/api/v1" + path, json=body, headers={"Authorization": f"Bearer {user.token}"}
    )
    if resp.status_code >= 300:
        raise BenchError(f"{method} {path} -> {resp.status_code}: {resp.text[:200]}")
    return resp.json() if resp.content else None


async def post_many(
    http: httpx.AsyncClient, user: User, room_id: int, texts: list[str], conns: int
) -> list[int]:
    """Post `texts` over `conns` concurrent requests; the new messages' ids, by index."""
    ids = [0] * len(texts)
    queue = iter(range(len(texts)))

    async def worker() -> None:
        for i in queue:
            msg = await call(
                http, user, "POST", f"/rooms/{room_id}/messages", {"content": texts[i]}
            )
            ids[i] = int(msg["id"])

    await asyncio.gather(*(worker() for _ in range(conns)))
    return ids


def history_text(i: int) -> str:
    # Lengths vary like a chat's: most lines short, every seventh a paragraph.
    words = ("the", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "and", "on")
    n = 40 if i % 7 == 0 else 3 + i % 11
    return f"history {i}: " + " ".join(words[(i + k) % len(words)] for k in range(n))


# -- what the browser fetched ------------------------------------------------------------
@dataclass
class Fetched:
    """One request as CDP's Network domain saw it."""

    url: str
    kind: str
    status: int = 0
    wire_bytes: int = 0
    resource_bytes: int = 0  # decoded, a 304's cached copy included
    from_cache: bool = False  # answered by the browser's cache, no request on the wire
    done: bool = False


@dataclass
class NetworkLog:
    """Requests of one page, by CDP request id; `mark()` starts a new count."""

    requests: dict[str, Fetched] = field(default_factory=dict)

    def attach(self, cdp: Any) -> None:
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)

    def mark(self) -> None:
        self.requests = {}

    def _sent(self, ev: dict[str, Any]) -> None:
        self.requests[ev["requestId"]] = Fetched(ev["request"]["url"], ev.get("type", "Other"))

    def _response(self, ev: dict[str, Any]) -> None:
        if (req := self.requests.get(ev["requestId"])) is not None:
            response = ev["response"]
            req.status = int(response["status"])
            if response.get("fromDiskCache") or response.get("fromMemoryCache"):
                req.from_cache = True

    def _cached(self, ev: dict[str, Any]) -> None:
        if (req := self.requests.get(ev["requestId"])) is not None:
            req.from_cache = True

    def _data(self, ev: dict[str, Any]) -> None:
        if (req := self.requests.get(ev["requestId"])) is not None:
            req.resource_bytes += int(ev.get("dataLength", 0))

    def _finished(self, ev: dict[str, Any]) -> None:
        if (req := self.requests.get(ev["requestId"])) is not None:
            req.wire_bytes = int(ev.get("encodedDataLength", 0))
            req.done = True

    def _failed(self, ev: dict[str, Any]) -> None:
        if (req := self.requests.get(ev["requestId"])) is not None:
            req.done = True

    def assets(self, origin: str) -> dict[str, Any]:
        """The page's own files: same origin, neither the API nor the gateway."""
        own = [
            r
            for r in self.requests.values()
            if r.url.startswith(origin)
            and not urlsplit(r.url).path.startswith(("/api/", "/gateway"))
            and r.kind != "WebSocket"
        ]
        by_kind: dict[str, int] = {}
        for r in own:
            by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
        return {
            "requests": len(own),
            "by_type": dict(sorted(by_kind.items())),
            "status_200": sum(r.status == 200 for r in own),
            "status_304": sum(r.status == 304 for r in own),
            "from_cache": sum(r.from_cache for r in own),
            "wire_bytes": sum(r.wire_bytes for r in own),
            "resource_bytes": sum(r.resource_bytes for r in own),
        }

    def count(self, match: Callable[[str], bool]) -> int:
        return sum(match(r.url) for r in self.requests.values())


# -- the browser -------------------------------------------------------------------------
async def wait_until(page: Any, script: str, arg: Any, what: str, timeout_s: float) -> None:
    try:
        await page.wait_for_function(script, arg=arg, timeout=timeout_s * 1000)
    except Exception as exc:
        raise BenchError(
            f"{what}: not seen within {timeout_s:.0f} s ({type(exc).__name__})"
        ) from exc


async def page_times(page: Any) -> dict[str, float | None]:
    times: dict[str, float | None] = await page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          return {
            ready_ms: window.__bench.ready,
            first_message_ms: window.__bench.firstMessage,
            dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
            load_ms: nav ? nav.loadEventEnd : null,
          };
        }"""
    )
    return {k: round(v, 1) if v is not None else None for k, v in times.items()}


async def open_visit(page: Any, log: NetworkLog, origin: str, timeout_s: float) -> dict[str, Any]:
    """Wait for the visit under way to show ready and a message, and settle its fetches."""
    await wait_until(
        page,
        "() => window.__bench && window.__bench.ready !== null"
        " && window.__bench.firstMessage !== null",
        None,
        "page load (gateway ready and the room's first message)",
        timeout_s,
    )
    with contextlib.suppress(Exception):  # a module fetched late still counts if it comes
        await page.wait_for_load_state("networkidle", timeout=5_000)
    return {**log.assets(origin), **await page_times(page)}


async def metrics(cdp: Any, page: Any) -> dict[str, Any]:
    """Heap and DOM after a forced garbage collection."""
    await cdp.send("HeapProfiler.collectGarbage")
    raw = await cdp.send("Performance.getMetrics")
    values = {m["name"]: m["value"] for m in raw["metrics"]}
    elements = await page.evaluate("() => document.getElementsByTagName('*').length")
    return {
        "js_heap_mb": round(values.get("JSHeapUsedSize", 0) / 2**20, 2),
        "dom_nodes": int(values.get("Nodes", 0)),
        "dom_elements": int(elements),
        "event_listeners": int(values.get("JSEventListeners", 0)),
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    from hubbub.tools.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        raise BenchError(f"{CHROMIUM} is missing (make browser installs Debian's chromium)")
    limit = args.timeout
    async with (
        server_process(limit) as (url, backend, bus),
        httpx.AsyncClient(base_url=url, timeout=30.0) as http,
    ):
        tag = os.urandom(3).hex()
        alice = await register(http, f"bench_reader_{tag}")
        bob = await register(http, f"bench_writer_{tag}")
        big = await call(http, bob, "POST", "/rooms", {"name": f"bench history {tag}"})
        live_room = await call(http, bob, "POST", "/rooms", {"name": f"bench live {tag}"})
        for room in (big, live_room):
            await call(http, alice, "POST", f"/rooms/{room['id']}/join")
        t = time.perf_counter()
        texts = [history_text(i) for i in range(args.messages)]
        history = await post_many(http, bob, big["id"], texts, args.post_conns)
        seed_s = time.perf_counter() - t
        # Read up to the end, so the room opens at its newest message, not at a read marker.
        await call(http, alice, "POST", f"/rooms/{big['id']}/ack", {"message_id": max(history)})

        async with async_playwright() as pw:
            try:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            except Exception as exc:
                raise BenchError(f"Chromium did not start: {exc}") from exc
            try:
                context = await browser.new_context()
                context.set_default_timeout(CHROMIUM_TIMEOUT_MS)
                await context.add_init_script(OBSERVER)
                token = json.dumps(alice.token)
                await context.add_init_script(f"localStorage.setItem('hubbub.token', {token});")
                page = await context.new_page()
                cdp = await context.new_cdp_session(page)
                log = NetworkLog()
                log.attach(cdp)
                await cdp.send("Network.enable")
                await cdp.send("Performance.enable")

                # 1. First visit on an empty cache, then a reload (the cache at work).
                await page.goto(f"{url}/#/rooms/{big['id']}", wait_until="commit")
                cold = await open_visit(page, log, url, limit)
                log.mark()
                await page.reload(wait_until="commit")
                warm = await open_visit(page, log, url, limit)

                # 2. Infinite scroll from the newest message to the oldest.
                log.mark()
                before = await metrics(cdp, page)
                done = await asyncio.wait_for(
                    page.evaluate(
                        SCROLL_TO_OLDEST, {"oldest": min(history), "timeoutMs": limit * 1000}
                    ),
                    limit + 15,
                )
                if not done["reached"]:
                    raise BenchError(f"scroll: the oldest message not loaded within {limit:.0f} s")
                after = await metrics(cdp, page)
                counts = await page.evaluate(MESSAGE_COUNTS, history)
                scroll = {
                    "messages": args.messages,
                    "total_ms": round(done["ms"], 1),
                    "history_requests": log.count(lambda u: "/messages?before=" in u),
                    "scrolls_to_top": done["scrolls"],
                    "message_elements": counts["elements"],
                    "keeps_every_message": counts["wanted_shown"] == args.messages,
                    "before": before,
                    "after": after,
                }

                # 3. Live messages into an open room.
                live_page = await context.new_page()
                await live_page.goto(f"{url}/#/rooms/{live_room['id']}")
                await wait_until(
                    live_page,
                    LIVE_PAGE_READY,
                    None,
                    "the live room's page",
                    limit,
                )
                start = time.time()
                ids = await post_many(
                    http,
                    bob,
                    live_room["id"],
                    [f"live {i}" for i in range(args.live)],
                    args.post_conns,
                )
                posted_s = time.time() - start
                await wait_until(
                    live_page,
                    "(ids) => ids.every((id) => window.__bench.seen.has(String(id)))",
                    ids,
                    f"all {args.live} live messages on screen",
                    limit,
                )
                last_seen = await live_page.evaluate(
                    """(ids) => performance.timeOrigin
                         + Math.max(...ids.map((id) => window.__bench.seen.get(String(id))))""",
                    ids,
                )
                shown = await live_page.evaluate(MESSAGE_COUNTS, ids)
                live = {
                    "messages": args.live,
                    "post_conns": args.post_conns,
                    "posted_ms": round(posted_s * 1000, 1),
                    "last_shown_ms": round(last_seen - start * 1000, 1),
                    # Below zero: the gateway brought the last one before its POST returned.
                    "after_last_post_ms": round(last_seen - (start + posted_s) * 1000, 1),
                    "shown": shown["wanted_shown"],
                    "duplicates": shown["wanted_elements"] - shown["wanted_shown"],
                    "all_shown_once": shown["wanted_shown"] == args.live
                    and shown["wanted_elements"] == args.live,
                }
                version = browser.version
            finally:
                await browser.close()

    return {
        "chromium": version,
        "cores": os.cpu_count(),
        "backend": backend,
        "bus": bus.split(":", 1)[0],
        "commit": git_commit(),
        "seed": {"messages": args.messages, "posted_s": round(seed_s, 2)},
        "cold": cold,
        "reload": warm,
        "scroll": scroll,
        "live": live,
    }


def git_commit() -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip() or None
    return None


def summary(r: dict[str, Any]) -> str:
    c, w, s, lv = r["cold"], r["reload"], r["scroll"], r["live"]
    return "\n".join(
        [
            f"{r['chromium']}, {r['cores']} cores, {r['backend']}",
            f"cold:   {c['requests']} requests, {c['wire_bytes'] / 1024:.0f} KiB;"
            f" ready {c['ready_ms']} ms, first message {c['first_message_ms']} ms",
            f"reload: {w['requests']} requests ({w['from_cache']} from the cache,"
            f" {w['status_304']} x 304),"
            f" {w['wire_bytes'] / 1024:.0f} KiB; ready {w['ready_ms']} ms,"
            f" first message {w['first_message_ms']} ms",
            f"scroll: {s['messages']} messages in {s['total_ms']} ms,"
            f" {s['history_requests']} requests, {s['message_elements']} in the DOM,"
            f" heap {s['after']['js_heap_mb']} MB, {s['after']['dom_nodes']} nodes",
            f"live:   {lv['messages']} posted in {lv['posted_ms']} ms, last shown after"
            f" {lv['last_shown_ms']} ms, {lv['shown']} shown, {lv['duplicates']} duplicates",
        ]
    )


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("-N", "--messages", type=int, default=2000, help="history messages [2000]")
    p.add_argument("-M", "--live", type=int, default=500, help="live messages [500]")
    p.add_argument(
        "--post-conns", type=int, default=4, help="concurrent REST posts, for history and live [4]"
    )
    p.add_argument("--timeout", type=float, default=180.0, help="seconds each phase may take [180]")
    p.add_argument("--json", action="store_true", help="print only the JSON line")
    args = p.parse_args()
    if min(args.messages, args.live, args.post_conns) < 1:
        p.error("--messages, --live and --post-conns must be at least 1")
    try:
        result = asyncio.run(run(args))
    except BenchError as exc:
        print(f"web_client bench failed: {exc}", file=sys.stderr)
        return 1
    if not args.json:
        print(summary(result), file=sys.stderr)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
