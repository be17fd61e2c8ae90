"""Permission-change benchmark: how long one change takes to apply (and to reconcile who
sees which room) in a space of M members and R rooms, on the embedded default.

    python bench/permissions.py                 # M = 1000, R = 20
    python bench/permissions.py -M 3000 -R 50

Each line is one operation, timed end to end over REST (one write transaction each)::

    {"op": "assign_role", "members": 1000, "rooms": 20, "ms": ...}
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from typing import Any

import httpx

from hubbub.client.http import default_tls
from hubbub.testing import TestServer

VIEW, SEND, MODERATE = 1, 2, 1 << 12


async def main(members: int, rooms: int) -> None:
    async with (
        TestServer(rate_limits=False) as server,
        httpx.AsyncClient(base_url=server.url + "/api/v1", verify=default_tls()) as http,
    ):

        async def call(method: str, path: str, token: str, body: Any = None) -> Any:
            resp = await http.request(
                method, path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            assert resp.status_code < 300, resp.text
            return resp.json() if resp.content else None

        async def register(name: str) -> dict[str, Any]:
            body = {"username": name, "password": "benchmark password"}
            resp = await http.post("/auth/register", json=body)
            found: dict[str, Any] = resp.json()
            return found

        owner = await register("owner")
        token = owner["token"]
        space = await call("POST", "/spaces", token, {"name": "bench", "open": True})
        sid = space["id"]
        for i in range(rooms - 1):
            await call("POST", "/rooms", token, {"name": f"r{i}", "space_id": sid})
        people = [await register(f"m{i}") for i in range(members)]
        for person in people:
            await call("POST", f"/spaces/{sid}/join", person["token"])
        role = await call("POST", f"/spaces/{sid}/roles", token, {"name": "mods"})
        room = space["system_room_id"]
        target = people[0]["user"]["id"]

        async def timed(op: str, method: str, path: str, body: Any = None) -> None:
            start = time.perf_counter()
            await call(method, path, token, body)
            ms = (time.perf_counter() - start) * 1000
            line = {"op": op, "members": members, "rooms": rooms, "ms": round(ms, 1)}
            print(json.dumps(line), flush=True)

        await timed("assign_role", "PUT", f"/spaces/{sid}/members/{target}/roles/{role['id']}")
        await timed(
            "role_permissions",
            "PATCH",
            f"/spaces/{sid}/roles/{role['id']}",
            {"permissions": MODERATE},
        )
        await timed(
            "override_everyone", "PUT", f"/rooms/{room}/overrides/everyone/0", {"deny": VIEW}
        )
        await timed(
            "default_permissions", "PATCH", f"/spaces/{sid}", {"default_permissions": VIEW | SEND}
        )
        await timed("send_message", "POST", f"/rooms/{room}/messages", {"content": "hi"})


def run() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("-M", "--members", type=int, default=1000)
    p.add_argument("-R", "--rooms", type=int, default=20)
    args = p.parse_args()
    asyncio.run(main(args.members, args.rooms))


if __name__ == "__main__":
    run()
