"""Full-text search: `GET /api/v1/search` (rules in services/search.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from hubbub.protocol.models import SearchPage
from hubbub.server.api.deps import CoreDep, CtxDep
from hubbub.server.services import search
from hubbub.server.services.search import DEFAULT_LIMIT, MAX_LIMIT, Sort

router = APIRouter(tags=["search"])
OptId = Annotated[int | None, Query(ge=1, le=2**63 - 1)]
# A message id or an ISO 8601 date/time; parsed by the service.
Bound = Annotated[str | None, Query(max_length=64)]


@router.get("/search", response_model=SearchPage)
async def search_messages(
    core: CoreDep,
    ctx: CtxDep,
    # No length limit here: the service answers an empty or over-long q with invalid_query.
    q: Annotated[str, Query(description='words and "quoted phrases", all required')] = "",
    room_id: OptId = None,
    author_id: OptId = None,
    before: Bound = None,
    after: Bound = None,
    sort: Sort = "relevance",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> dict[str, Any]:
    return await search.search(
        core,
        ctx,
        q,
        room_id=room_id,
        author_id=author_id,
        before=before,
        after=after,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
