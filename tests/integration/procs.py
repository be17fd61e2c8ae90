"""Real `hubbub serve` processes for tests that need a process boundary (kill -9, two nodes)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import free_port


class ServeProcess:
    def __init__(self, database: str, bus: str = "memory://", *extra: str) -> None:
        self.database = database
        self.bus = bus
        self.extra = extra
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = Path(f"/tmp/hubbub-serve-{os.getpid()}-{self.port}.log")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def _spawn(self) -> subprocess.Popen[bytes]:
        cmd = [
            sys.executable, "-m", "hubbub", "serve",
            "--port", str(self.port),
            "--database", self.database,
            "--bus", self.bus,
            "--log-level", "warning",
            *self.extra,
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if not k.startswith("HUBBUB_")}
        with self.log_path.open("ab") as log:
            return subprocess.Popen(cmd, stdout=log, stderr=log, env=env)

    async def start(self) -> None:
        self.proc = self._spawn()
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient(verify=default_tls()) as http:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
                try:
                    if (await http.get(self.url + "/healthz")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise TimeoutError(f"server did not start: {self.log_path.read_text()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush: what a crash or OOM kill does."""
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None
