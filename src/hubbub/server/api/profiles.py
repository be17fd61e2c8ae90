"""Profiles, statistics, account deletion/wipe and merge (issue 5): REST routes.

User ids in paths may be negative: -1 and -2 are the reserved system users (ID-07).
`GET /users/{id}` itself stays in api.accounts (it calls services.profiles.get).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from hubbub.errors import BadRequest, PayloadTooLarge
from hubbub.protocol.models import User
from hubbub.server.api import uploads
from hubbub.server.api.bodies import Body
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.api.responses import JSON
from hubbub.server.services import merge, profiles, wipe
from hubbub.server.settings import Settings

router = APIRouter(tags=["profiles"])
UserId = Annotated[int, Path(ge=-(2**63), le=2**63 - 1)]
AvatarKey = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]
UPLOAD_PATH = re.compile(r"^/api/v1/users/me/avatar/?$")
_NO_CONTENT: dict[str, Any] = {"status_code": 204, "response_class": Response}


class ProfileEdit(Body):
    """Only the fields sent change; `null` (or "") clears `about` and `status_text`."""

    display_name: str | None = Field(default=None, max_length=256)
    handle: str | None = Field(default=None, max_length=64)
    about: str | None = Field(default=None, max_length=65536)
    status_text: str | None = Field(default=None, max_length=1024)


class PasswordConfirm(Body):
    password: str = Field(max_length=1024)


class WipeRequest(Body):
    flags: list[str] = Field(max_length=8)
    reason: str | None = Field(default=None, max_length=wipe.MAX_REASON)


class MergeRequest(Body):
    source_user_id: int
    target_user_id: int


class UserStats(BaseModel):
    user_id: int
    message_count: int
    room_count: int
    last_seen_at: str | None = None
    reputation: int
    merged_from: int | None = None


class Wiped(BaseModel):
    user_id: int
    flags: list[str]
    raw_flags: int


class Merged(BaseModel):
    source_user_id: int
    target_user_id: int


def body_limit(path: str, settings: Settings) -> tuple[int, str] | None:
    """For the app's body-size middleware: an avatar upload may be larger than a body."""
    if UPLOAD_PATH.match(path):
        return (settings.max_avatar_bytes + uploads.MULTIPART_OVERHEAD, "avatar_too_large")
    return None


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"an avatar is at most {limit} bytes", code="avatar_too_large", details={"limit": limit}
    )


_UPLOAD_BODY = uploads.openapi_body()


# -- own profile ----------------------------------------------------------------------


@router.patch("/users/me", response_model=User)
async def edit_profile(body: ProfileEdit, core: CoreDep, ctx: CtxDep) -> JSON:
    """Edit one's profile; `user.updated` to everyone who can see the user."""
    fields = {k: getattr(body, k) for k in body.model_fields_set}
    return JSON(await profiles.edit(core, ctx, fields))


@router.put("/users/me/avatar", response_model=User, openapi_extra=_UPLOAD_BODY)
async def set_avatar(request: Request, core: CoreDep, ctx: CtxDep) -> JSON:
    """Upload an avatar (`file`: PNG, GIF, WebP or JPEG; at most `max_avatar_bytes`)."""
    limit = core.settings.max_avatar_bytes
    form = await uploads.read_form(request, limit=limit, too_large=_too_large(limit))
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise BadRequest("a multipart `file` field is required", code="file_required")
        data = await file.read(limit + 1)
    finally:
        await form.close()
    return JSON(await profiles.set_avatar(core, ctx, data))


@router.delete("/users/me/avatar", response_model=User)
async def clear_avatar(core: CoreDep, ctx: CtxDep) -> JSON:
    return JSON(await profiles.clear_avatar(core, ctx))


@router.delete("/users/me", **_NO_CONTENT)
async def delete_me(body: PasswordConfirm, core: CoreDep, ctx: CtxDep) -> Response:
    """Delete one's own account (confirmed with the password): a wipe with flag
    `deleted`. Every session ends; this token stops working."""
    await wipe.delete_account(core, ctx, body.password)
    return Response(status_code=204)


# -- anyone's profile -----------------------------------------------------------------


@router.get("/users", response_model=User)
async def find_user(
    core: CoreDep, _ctx: CtxDep, handle: Annotated[str, Query(min_length=1, max_length=64)]
) -> JSON:
    """Look a user up by handle (case-insensitive)."""
    return JSON(await profiles.find_by_handle(core, handle))


@router.get("/users/{user_id}/stats", response_model=UserStats)
async def user_stats(core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    return JSON(await profiles.stats(core, ctx, user_id))


@router.get(
    "/users/{user_id}/avatar/{key}",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "the image"}},
)
async def avatar_image(core: CoreDep, user_id: UserId, key: AvatarKey) -> Response:
    """The avatar image; no token needed. A new upload gets a new URL, so this one's
    bytes never change."""
    found = await profiles.avatar_image(core, user_id, key)
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "public, max-age=3600",
    }
    return Response(found.data, media_type=found.content_type, headers=headers)


@router.delete("/users/{user_id}", **_NO_CONTENT)
async def delete_bot(
    body: PasswordConfirm, core: CoreDep, ctx: CtxDep, user_id: UserId
) -> Response:
    """Delete a bot one owns (confirmed with one's own password), or oneself."""
    await wipe.delete_account(core, ctx, body.password, user_id)
    return Response(status_code=204)


# -- administrators -------------------------------------------------------------------


@router.post("/admin/users/{user_id}/wipe", response_model=Wiped)
async def wipe_user(body: WipeRequest, core: CoreDep, ctx: CtxDep, user_id: UserId) -> JSON:
    """Global staff: wipe an account with flags banned | spam | deleted."""
    return JSON(await wipe.admin_wipe(core, ctx, user_id, body.flags, body.reason))


@router.post("/admin/users/merge", response_model=Merged)
async def merge_users(body: MergeRequest, core: CoreDep, ctx: CtxDep) -> JSON:
    """Global staff: fold `source_user_id` into `target_user_id`."""
    return JSON(await merge.merge(core, ctx, body.source_user_id, body.target_user_id))
