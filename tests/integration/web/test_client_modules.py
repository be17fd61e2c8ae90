"""The web client's own gateway and REST modules, run by Node against a real server: a
dropped connection reconnects by itself, resumes from its cursor, and delivers every
message exactly once, in order. (The DOM and the rest come with the browser tests.)"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from hubbub.server.web import STATIC_DIR
from hubbub.testing import TestServer

DRIVER = Path(__file__).with_name("gateway_drive.mjs")
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="needs Node.js (20.10+ for --experimental-websocket)")
async def test_the_gateway_module_resumes_after_a_drop_without_loss_or_duplicates(
    lite: TestServer,
) -> None:
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        "--experimental-websocket",
        "--no-warnings",
        str(DRIVER),
        lite.url + "/",
        str(STATIC_DIR),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()
    report = json.loads(out.decode().strip().splitlines()[-1])
    assert report["readies"][0] == {"resumed": False, "rooms": [report["room"]]}
    assert report["readies"][1]["resumed"] is True
    assert report["states"][:2] == ["connecting", "connected"]
    assert "reconnecting" in report["states"] and report["states"][-1] == "connected"
    assert report["created"] == ["one", "two", "three"]
    seqs = report["seqs"]
    assert seqs == sorted(set(seqs))
