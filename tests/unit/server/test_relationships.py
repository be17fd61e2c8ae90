"""The relationship state machine (services.relationships.transition), pure: every
operation from every reachable pair of views."""

from __future__ import annotations

import pytest

from hubbub.errors import Conflict, Forbidden
from hubbub.server.services.relationships import BEFRIEND, BLOCK, OPS, UNBLOCK, UNFRIEND, transition

# Every pair of views that can exist (A's view, B's view).
PAIRS = [
    ("none", "none"),
    ("outgoing", "incoming"),
    ("incoming", "outgoing"),
    ("friend", "friend"),
    ("blocked", "blocked_other"),
    ("blocked_other", "blocked"),
    ("blocked", "blocked"),
]
MIRROR = {
    "none": "none",
    "friend": "friend",
    "outgoing": "incoming",
    "incoming": "outgoing",
    "blocked": "blocked_other",
    "blocked_other": "blocked",
}


@pytest.mark.parametrize(
    ("mine", "theirs", "after"),
    [
        ("none", "none", ("outgoing", "incoming")),
        ("incoming", "outgoing", ("friend", "friend")),
    ],
)
def test_befriend(mine: str, theirs: str, after: tuple[str, str]) -> None:
    assert transition(BEFRIEND, mine, theirs) == after


@pytest.mark.parametrize(
    ("mine", "theirs", "error", "code"),
    [
        ("outgoing", "incoming", Conflict, "already_requested"),
        ("friend", "friend", Conflict, "already_friends"),
        ("blocked", "blocked_other", Forbidden, "blocked"),
        ("blocked_other", "blocked", Forbidden, "blocked"),
        ("blocked", "blocked", Forbidden, "blocked"),
    ],
)
def test_befriend_refusals(mine: str, theirs: str, error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        transition(BEFRIEND, mine, theirs)
    assert getattr(info.value, "code", None) == code


def test_unfriend_clears_friendships_and_requests_only() -> None:
    for mine, theirs in PAIRS:
        after = transition(UNFRIEND, mine, theirs)
        if mine in ("friend", "outgoing", "incoming"):
            assert after == ("none", "none")
        else:
            assert after == (mine, theirs)


def test_block_and_unblock() -> None:
    for mine, theirs in PAIRS:
        blocked = transition(BLOCK, mine, theirs)
        assert blocked[0] == "blocked"
        assert blocked[1] == ("blocked" if theirs == "blocked" else "blocked_other")
    assert transition(UNBLOCK, "blocked", "blocked_other") == ("none", "none")
    assert transition(UNBLOCK, "blocked", "blocked") == ("blocked_other", "blocked")
    for mine, theirs in PAIRS:
        if mine != "blocked":
            assert transition(UNBLOCK, mine, theirs) == (mine, theirs)


def test_every_outcome_is_a_consistent_pair() -> None:
    """Whatever happens, the two views stay one of the reachable pairs."""
    for op in OPS:
        for mine, theirs in PAIRS:
            try:
                after = transition(op, mine, theirs)
            except (Conflict, Forbidden):
                continue
            assert after in PAIRS, (op, mine, theirs, after)
            if after != ("blocked", "blocked"):
                assert MIRROR[after[0]] == after[1]
