"""Chat commands over REST (MS-17): `POST /rooms/{room_id}/commands`.

The rules, the commands and why refusals are typed 4xx errors: services.commands.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import Field

from hubbub.protocol.models import CommandResult
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import commands

router = APIRouter(tags=["commands"])
Id = Annotated[int, Path(ge=1, le=2**63 - 1)]


class CommandRun(Body):
    # The lengths that matter (message, topic) are the services'; this bounds parsing.
    command: str = Field(max_length=1_000_000)
    nonce: str | None = Field(default=None, max_length=1000)


@router.post("/rooms/{room_id}/commands", response_model=CommandResult)
async def run_command(body: CommandRun, core: CoreDep, ctx: CtxDep, room_id: Id) -> JSON:
    """Run a chat command (`/help`, `/me`, `/shrug`, `/topic`, `/purge`) in a room:
    `{kind: "command_result", op, ok, message, result}`. Unknown commands, bad arguments
    and missing rights are typed 4xx errors (`unknown_command` lists yours)."""
    done = await commands.run(core, ctx, room_id, body.command, nonce=body.nonce)
    return JSON({"kind": "command_result", **done})
