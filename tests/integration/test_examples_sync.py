"""examples/chatexchange_style.py runs as a script against a real server and answers
"!time" (the server runs on a thread of its own: see tests/integration/sdk/test_sync)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import hubbub.sync
from tests.integration.sdk.test_sync import ThreadedServer, served

__all__ = ["served"]

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "chatexchange_style.py"


def test_chatexchange_style_answers_time(served: ThreadedServer) -> None:
    _, bot = served.register()
    _, human = served.register()
    with hubbub.sync.Client(served.url, token=human["token"], timeout=15) as chat:
        room = chat.create_room("clock")
        env = {
            **os.environ,
            "HUBBUB_URL": served.url,
            "HUBBUB_TOKEN": bot["token"],
            "HUBBUB_ROOM": str(room.id),
        }
        with subprocess.Popen(
            [sys.executable, str(SCRIPT)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            try:
                assert proc.stdout is not None
                assert "watching" in proc.stdout.readline()
                answers = room.new_messages(timeout=10)
                room.send("!time")
                first = next(answers)
                assert first.content == "!time"
                answer = next(answers)
                assert answer.content.startswith("It is ") and "UTC" in answer.content
                assert answer.author is not None and answer.author.id == int(bot["user"]["id"])
                assert answer.reply_to is not None and answer.reply_to.id == first.id
            finally:
                proc.send_signal(signal.SIGINT)
                try:
                    _, stderr = proc.communicate(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    raise
            assert proc.returncode == 0, stderr
