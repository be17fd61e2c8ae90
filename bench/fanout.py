"""Gateway fan-out benchmark (issue §8 "First benchmark").

One room, S subscribers on the WebSocket gateway, one sender posting N messages over REST
at a fixed rate R. Every message carries its send time (``time.time_ns()``, taken just
before the request is written) and its index in its content, so each subscriber measures
send→receive latency per delivery and checks for lost and duplicated messages.

For each S it prints one JSON line::

    {"S": 1000, "N": 3000, "R": 200, "p50_ms": ..., "p95_ms": ..., "p99_ms": ...,
     "deliveries_per_s": ..., "lost": 0, "duplicates": 0, ...}

The receiving side is kept cheap so that it is not what is measured: subscribers are
spread over ``--subscriber-procs`` processes (uvloop), each connection is a bare asyncio
Protocol speaking just enough RFC 6455 (server frames are unmasked; the client never
offers compression), and a frame is "parsed" by finding the content marker in the bytes,
not by decoding the JSON. The sender is a raw HTTP/1.1 keep-alive client on a few
connections, so one slow response does not slow the rate down.

Everything runs on the same machine: the server, the sender and the subscribers share
its cores, so the numbers are a floor for what the server does on its own. The JSON line
reports the server's CPU use and the clients' to make that visible.

    python bench/fanout.py                        # S = 10, 100, 1000; own server
    python bench/fanout.py -S 100 -N 5000 -R 500  # one run
    python bench/fanout.py --url http://127.0.0.1:8080  # an already running server
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import multiprocessing as mp
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from array import array
from dataclasses import dataclass, field
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
    uvloop = None  # type: ignore[assignment]

MARKER = b'"content":"bench '
PASSWORD = "benchmark-password-1"


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        return want
    return soft


def run_loop(coro: Any) -> Any:
    if uvloop is not None:
        return uvloop.run(coro)
    return asyncio.run(coro)


# -- a small HTTP/1.1 client ---------------------------------------------------------------
class Http:
    """One keep-alive HTTP/1.1 connection; requests on it go one at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        data = b"" if body is None else orjson.dumps(body)
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: {len(data)}\r\n"
        if body is not None:
            head += "Content-Type: application/json\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        return await self.raw((head + "\r\n").encode() + data)

    async def raw(self, request: bytes) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = await self.reader.readexactly(length) if length else b""
        return status, (orjson.loads(body) if body else None)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def api(
    http: Http, method: str, path: str, body: Any = None, token: str | None = None
) -> Any:
    status, data = await http.request(method, "/api/v1" + path, body, token)
    if status >= 300:
        raise RuntimeError(f"{method} {path} -> {status}: {data}")
    return data


# -- subscribers (run in their own processes) ----------------------------------------------
def ws_frame(payload: bytes, opcode: int = 1) -> bytes:
    """A client frame. Clients must mask; a zero mask key leaves the payload as it is."""
    n = len(payload)
    if n < 126:
        head = bytes([0x80 | opcode, 0x80 | n])
    elif n < 65536:
        head = bytes([0x80 | opcode, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x80 | opcode, 0x80 | 127]) + n.to_bytes(8, "big")
    return head + b"\0\0\0\0" + payload


class Subscriber(asyncio.Protocol):
    """A gateway connection that counts deliveries of the benchmark's messages."""

    def __init__(self, shared: SubShared, host: str, port: int, token: str) -> None:
        self.shared = shared
        self.host, self.port, self.token = host, port, token
        self.buf = bytearray()
        self.stage = 0  # 0 upgrading, 1 waiting for ready, 2 live
        self.seen = bytearray(shared.n)
        self.count = 0
        self.transport: asyncio.Transport | None = None
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is no subclass
        assert self.transport is not None
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        self.transport.write(
            (
                f"GET /gateway HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(f"connection lost: {exc}"))
        if self.stage == 2 and self.count < self.shared.n:
            self.shared.closed += 1

    def data_received(self, data: bytes) -> None:
        now = time.time_ns()
        buf = self.buf
        buf += data
        if self.stage == 0:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(ConnectionError(bytes(buf[:200]).decode("latin-1")))
                return
            del buf[: end + 4]
            self.stage = 1
            assert self.transport is not None
            self.transport.write(ws_frame(orjson.dumps({"op": "hello", "token": self.token})))
        shared = self.shared
        pos, size = 0, len(buf)
        while size - pos >= 2:
            length = buf[pos + 1] & 0x7F
            start = pos + 2
            if length == 126:
                if size - pos < 4:
                    break
                length = (buf[pos + 2] << 8) | buf[pos + 3]
                start = pos + 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(buf[pos + 2 : pos + 10], "big")
                start = pos + 10
            end = start + length
            if end > size:
                break
            opcode = buf[pos] & 0x0F
            pos = end
            if opcode == 1:
                k = buf.find(MARKER, start, end)
                if k >= 0:
                    k += len(MARKER)
                    sp = buf.find(b" ", k, end)
                    idx = int(buf[k:sp])
                    shared.lat.append(now - int(buf[sp + 1 : buf.find(b'"', sp, end)]))
                    if self.seen[idx]:
                        shared.duplicates += 1
                    else:
                        self.seen[idx] = 1
                        self.count += 1
                        if self.count == shared.n:
                            shared.finished_one()
                    if shared.first_recv == 0:
                        shared.first_recv = now
                    shared.last_recv = now
                elif self.stage == 1 and buf.find(b'"op":"ready"', start, end) >= 0:
                    self.stage = 2
                    self.ready.set_result(None)
                elif self.stage == 1 and buf.find(b'"op":"error"', start, end) >= 0:
                    self.ready.set_exception(ConnectionError(bytes(buf[start:end]).decode()))
            elif opcode == 8:
                self.close_code = (buf[start] << 8 | buf[start + 1]) if length >= 2 else 1005
                shared.close_codes[self.close_code] = shared.close_codes.get(self.close_code, 0) + 1
            elif opcode == 9 and self.transport is not None:
                self.transport.write(ws_frame(bytes(buf[start:end]), 0xA))
        del buf[:pos]


@dataclass
class SubShared:
    n: int
    conns: int
    lat: array[int] = field(default_factory=lambda: array("q"))
    duplicates: int = 0
    closed: int = 0
    done: int = 0
    first_recv: int = 0
    last_recv: int = 0
    close_codes: dict[int, int] = field(default_factory=dict)
    all_done: asyncio.Event = field(default_factory=asyncio.Event)

    def finished_one(self) -> None:
        self.done += 1
        if self.done == self.conns:
            self.all_done.set()


async def _subscriber_main(
    pipe: Pipe, host: str, port: int, token: str, conns: int, n: int
) -> None:
    loop = asyncio.get_running_loop()
    shared = SubShared(n=n, conns=conns)
    protos: list[Subscriber] = []
    limit = asyncio.Semaphore(50)

    async def connect() -> None:
        async with limit:
            _t, proto = await loop.create_connection(
                lambda: Subscriber(shared, host, port, token), host, port
            )
            protos.append(proto)
            await asyncio.wait_for(proto.ready, 30)

    async def keepalive() -> None:  # the server closes connections silent for 60 s
        ping = ws_frame(b'{"op":"ping"}')
        while True:
            await asyncio.sleep(20)
            for p in protos:
                if p.stage == 2 and p.transport is not None and not p.transport.is_closing():
                    p.transport.write(ping)

    pinger = asyncio.create_task(keepalive())
    await asyncio.gather(*(connect() for _ in range(conns)))
    pipe.send(("ready", len(protos)))
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    while not shared.all_done.is_set() and not pipe.poll(0):  # the parent says "stop"
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(shared.all_done.wait(), 0.05)
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    pinger.cancel()
    received = sum(p.count for p in protos)
    pipe.send(
        (
            "result",
            {
                "received": received,
                "duplicates": shared.duplicates,
                "closed": shared.closed,
                "close_codes": shared.close_codes,
                "first_recv": shared.first_recv,
                "last_recv": shared.last_recv,
                "cpu_s": ru1.ru_utime + ru1.ru_stime - ru0.ru_utime - ru0.ru_stime,
            },
            shared.lat.tobytes(),
        )
    )
    for p in protos:
        if p.transport is not None:
            p.transport.close()
    await asyncio.sleep(0.1)


def subscriber_process(pipe: Pipe, host: str, port: int, token: str, conns: int, n: int) -> None:
    raise_fd_limit()
    try:
        run_loop(_subscriber_main(pipe, host, port, token, conns, n))
    except BaseException as exc:
        pipe.send(("error", repr(exc)))
        raise


# -- the sender ----------------------------------------------------------------------------
@dataclass
class SendStats:
    sent: int = 0
    first_send: int = 0
    last_send: int = 0
    max_lag_ms: float = 0.0
    rtt_ns: list[int] = field(default_factory=list)


async def send_messages(
    host: str, port: int, token: str, room_id: int, n: int, rate: float, conns: int, tag: str
) -> SendStats:
    """Post n messages at `rate` per second on a schedule fixed in advance. A message that
    is due while every connection is busy waits for one; the lag is reported."""
    stats = SendStats()
    queue: asyncio.Queue[int | None] = asyncio.Queue()
    path = f"/api/v1/rooms/{room_id}/messages"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: "
    ).encode()
    t0 = time.perf_counter() + 0.05

    async def worker() -> None:
        http = Http(host, port)
        await http.request("GET", "/healthz")
        try:
            while (i := await queue.get()) is not None:
                lag = (time.perf_counter() - (t0 + i / rate)) * 1000
                stats.max_lag_ms = max(stats.max_lag_ms, lag)
                sent = time.time_ns()
                content = f"{tag} {i} {sent}"
                body = orjson.dumps({"content": content})
                status, data = await http.raw(head + str(len(body)).encode() + b"\r\n\r\n" + body)
                if status != 201:
                    raise RuntimeError(f"send {i} -> {status}: {data}")
                stats.rtt_ns.append(time.time_ns() - sent)
                stats.sent += 1
                if stats.first_send == 0 or sent < stats.first_send:
                    stats.first_send = sent
                stats.last_send = max(stats.last_send, sent)
        finally:
            http.close()

    workers = [asyncio.create_task(worker()) for _ in range(conns)]
    for i in range(n):
        delay = t0 + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(i)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return stats


# -- the server ------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(args: argparse.Namespace, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    exe = Path(sys.executable).parent / "hubbub"
    cmd = [str(exe)] if exe.exists() else [shutil.which("hubbub") or "hubbub"]
    cmd += ["serve", "--port", str(port), "--database", f"sqlite:///{tmp / 'bench.db'}"]
    cmd += ["--no-rate-limits", "--log-level", args.server_log_level]
    log = open(tmp / "server.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, preexec_fn=raise_fd_limit)
    return proc, f"http://127.0.0.1:{port}"


async def wait_healthy(host: str, port: int, proc: subprocess.Popen[bytes] | None) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        http = Http(host, port)
        try:
            status, _ = await http.request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        finally:
            http.close()
        await asyncio.sleep(0.1)
    raise RuntimeError("server did not become healthy")


def cpu_seconds(pid: int) -> tuple[float, float]:
    """A process's (user, system) CPU seconds so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan"), float("nan")
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


# -- one run ---------------------------------------------------------------------------------
def percentile(sorted_ns: array[int], q: float) -> float:
    if not sorted_ns:
        return float("nan")
    k = min(len(sorted_ns) - 1, max(0, round(q / 100 * len(sorted_ns)) - 1))
    return round(sorted_ns[k] / 1e6, 2)


async def one_run(
    args: argparse.Namespace,
    host: str,
    port: int,
    pid: int | None,
    users: dict[str, Any],
    s: int,
    n: int,
    rate: float,
) -> dict[str, Any]:
    http = Http(host, port)
    name = f"fanout-{s}-{secrets.token_hex(3)}"
    if args.space:
        # A room of a space, the sender a member holding a role: every send goes through
        # the permission function (roles by rank, overrides), not the owner's shortcut.
        sender, sub = users["sender"]["token"], users["sub"]["token"]
        space = await api(http, "POST", "/spaces", {"name": name, "open": True}, sub)
        await api(http, "POST", f"/spaces/{space['id']}/join", None, sender)
        role = await api(http, "POST", f"/spaces/{space['id']}/roles", {"name": "r"}, sub)
        member = f"/spaces/{space['id']}/members/{users['sender']['user']['id']}"
        await api(http, "PUT", f"{member}/roles/{role['id']}", None, sub)
        room = {"id": space["system_room_id"]}
    else:
        room = await api(http, "POST", "/rooms", {"name": name}, users["sender"]["token"])
        await api(http, "POST", f"/rooms/{room['id']}/join", None, users["sub"]["token"])
    http.close()

    procs = max(1, min(args.subscriber_procs, s))
    ctx = mp.get_context("spawn")
    children: list[tuple[mp.process.BaseProcess, Pipe]] = []
    for k in range(procs):
        share = s // procs + (1 if k < s % procs else 0)
        parent_end, child_end = ctx.Pipe()
        p = ctx.Process(
            target=subscriber_process,
            args=(child_end, host, port, users["sub"]["token"], share, n),
            daemon=True,
        )
        p.start()
        children.append((p, parent_end))
    loop = asyncio.get_running_loop()
    connected = 0
    for _p, pipe in children:
        msg = await loop.run_in_executor(None, pipe.recv)
        if msg[0] != "ready":
            raise RuntimeError(f"subscriber process failed: {msg}")
        connected += msg[1]

    if args.warmup:
        await send_messages(
            host,
            port,
            users["sender"]["token"],
            room["id"],
            args.warmup,
            rate,
            args.sender_conns,
            "warmup",
        )
        await asyncio.sleep(0.5)

    cpu0 = cpu_seconds(pid) if pid else (0.0, 0.0)
    stats = await send_messages(
        host, port, users["sender"]["token"], room["id"], n, rate, args.sender_conns, "bench"
    )
    # Wait for every subscriber to report, or give up `grace` seconds after the last send.
    results: list[tuple[dict[str, Any], bytes]] = []
    deadline = time.monotonic() + args.grace
    for _p, pipe in children:
        left = max(0.0, deadline - time.monotonic())
        if not await loop.run_in_executor(None, pipe.poll, left):
            pipe.send("stop")
        msg = await loop.run_in_executor(None, pipe.recv)
        if msg[0] != "result":
            raise RuntimeError(f"subscriber process failed: {msg}")
        results.append((msg[1], msg[2]))
    cpu1 = cpu_seconds(pid) if pid else (0.0, 0.0)
    for p, _pipe in children:
        p.join(10)

    lat: array[int] = array("q")
    for _r, blob in results:
        lat.frombytes(blob)
    lat = array("q", sorted(lat))
    received = sum(r["received"] for r, _ in results)
    last_recv = max(r["last_recv"] for r, _ in results)
    window_s = max(1e-9, (last_recv - stats.first_send) / 1e9)
    send_window = max(1e-9, (stats.last_send - stats.first_send) / 1e9)
    codes: dict[str, int] = {}
    for r, _ in results:
        for code, count in r["close_codes"].items():
            codes[str(code)] = codes.get(str(code), 0) + count
    rtt = sorted(stats.rtt_ns)
    return {
        "S": s,
        "N": n,
        "R": rate,
        "p50_ms": percentile(lat, 50),
        "p95_ms": percentile(lat, 95),
        "p99_ms": percentile(lat, 99),
        "max_ms": round(lat[-1] / 1e6, 2) if lat else None,
        "deliveries_per_s": round(received / window_s),
        "deliveries": received,
        "lost": s * n - received,
        "duplicates": sum(r["duplicates"] for r, _ in results),
        "send_rate": round((stats.sent - 1) / send_window, 1) if stats.sent > 1 else None,
        "send_max_lag_ms": round(stats.max_lag_ms, 2),
        "post_p50_ms": round(rtt[len(rtt) // 2] / 1e6, 2) if rtt else None,
        "post_p99_ms": round(rtt[int(len(rtt) * 0.99) - 1] / 1e6, 2) if rtt else None,
        "window_s": round(window_s, 3),
        "server_cpu_user": round((cpu1[0] - cpu0[0]) / window_s, 2) if pid else None,
        "server_cpu_sys": round((cpu1[1] - cpu0[1]) / window_s, 2) if pid else None,
        "subscriber_cpu": round(sum(r["cpu_s"] for r, _ in results) / window_s, 2),
        "subscriber_procs": procs,
        "connected": connected,
        "closed_early": sum(r["closed"] for r, _ in results),
        "close_codes": codes or None,
        "cores": os.cpu_count(),
    }


def int_list(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def float_list(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x.strip()]


def pick(values: list[Any], i: int) -> Any:
    return values[i] if i < len(values) else values[-1]


async def main_async(args: argparse.Namespace) -> int:
    raise_fd_limit()
    proc = None
    tmp = Path(tempfile.mkdtemp(prefix="hubbub-bench-"))
    url = args.url
    if url is None:
        proc, url = start_server(args, tmp)
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    try:
        await wait_healthy(host, port, proc)
        http = Http(host, port)
        tag = secrets.token_hex(3)
        users = {
            role: await api(
                http,
                "POST",
                "/auth/register",
                {"username": f"bench_{role}_{tag}", "password": PASSWORD},
            )
            for role in ("sender", "sub")
        }
        http.close()
        for i, s in enumerate(args.subscribers):
            line = await one_run(
                args,
                host,
                port,
                proc.pid if proc else None,
                users,
                s,
                pick(args.messages, i),
                pick(args.rate, i),
            )
            print(orjson.dumps(line).decode(), flush=True)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            if args.keep_log:
                print(f"server log: {tmp / 'server.log'}", file=sys.stderr)
            else:
                shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "-S",
        "--subscribers",
        type=int_list,
        default=[10, 100, 1000],
        help="comma-separated subscriber counts, one run each [10,100,1000]",
    )
    p.add_argument(
        "-N",
        "--messages",
        type=int_list,
        default=[5000, 5000, 4000],
        help="messages per run; a list gives one per S, the last repeats [5000,5000,4000]",
    )
    p.add_argument(
        "-R",
        "--rate",
        type=float_list,
        default=[500, 500, 200],
        help="messages per second; a list gives one per S [500,500,200]",
    )
    p.add_argument(
        "--subscriber-procs",
        type=int,
        default=2,
        help="processes the subscribers are spread over [2]",
    )
    p.add_argument(
        "--sender-conns",
        type=int,
        default=4,
        help="HTTP connections the sender posts over (the rate stays fixed) [4]",
    )
    p.add_argument("--warmup", type=int, default=50, help="unmeasured messages first [50]")
    p.add_argument(
        "--grace",
        type=float,
        default=30.0,
        help="seconds to wait for stragglers after the last send [30]",
    )
    p.add_argument(
        "--space",
        action="store_true",
        help="post in a room of a space (permissions from roles and overrides) [off]",
    )
    p.add_argument("--url", help="benchmark this running server instead of starting one")
    p.add_argument(
        "--server-log-level",
        default="warning",
        help="log level of the server the bench starts [warning]",
    )
    p.add_argument("--keep-log", action="store_true", help="keep the started server's log")
    args = p.parse_args()
    return int(run_loop(main_async(args)))


if __name__ == "__main__":
    sys.exit(main())
