"""The `hubbub` command: serve, admin, send, tail."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from hubbub.server.settings import Settings

T = TypeVar("T")

app = typer.Typer(
    help="hubbub: a self-hosted realtime chat server, its admin tools and a tiny client.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # never print tokens or passwords in a traceback
)
admin = typer.Typer(help="Administer the database directly (works with the server stopped).")
app.add_typer(admin, name="admin")
# soft_wrap: never wrap a message into several lines at 80 columns when stderr is a pipe.
err = Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(code: str, message: str, exit_code: int = 1) -> NoReturn:
    """One readable line on stderr (`code: message`), no traceback."""
    err.print(f"[red]{escape(code)}[/red]: {escape(message)}")
    raise typer.Exit(exit_code)


UrlOpt = Annotated[str, typer.Option("--url", envvar="HUBBUB_URL", help="Server base URL.")]
TokenOpt = Annotated[
    str, typer.Option("--token", envvar="HUBBUB_TOKEN", help="Bearer token (user or bot).")
]
DbOpt = Annotated[
    str | None,
    typer.Option("--database", envvar="HUBBUB_DATABASE", help="sqlite:///path or postgresql://…"),
]

CanImportOpt = Annotated[
    bool,
    typer.Option(
        "--can-import",
        help="Let this token backdate messages (send `created_at`), for imports.",
    ),
]


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind [127.0.0.1].")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on [8080].")] = None,
    database: DbOpt = None,
    bus: Annotated[
        str | None,
        typer.Option(envvar="HUBBUB_BUS", help="memory:// (one process) or redis://host:6379/0."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Server processes (needs a redis bus).")] = 1,
    no_rate_limits: Annotated[
        bool, typer.Option("--no-rate-limits", help="Switch rate limits off (benchmarks, imports).")
    ] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning, error.")] = "info",
) -> None:
    """Run the server: REST API at /api/v1, gateway at /gateway, docs at /docs."""
    import uvicorn

    from hubbub.server.gateway.transport import PROTOCOL_PATH
    from hubbub.server.logs import log_config

    overrides: dict[str, Any] = {
        "host": host,
        "port": port,
        "database": database,
        "bus": bus,
        "log_level": log_level,
        "rate_limits": False if no_rate_limits else None,
    }
    settings = _load_settings(overrides)
    if workers > 1 and not settings.bus.startswith("redis"):
        _fail(
            "bus_required",
            f"--workers {workers} needs a shared bus, not {settings.bus!r}: pass --bus redis://…",
            2,
        )
    for key, value in overrides.items():  # workers re-read settings from the environment
        if value is not None:
            os.environ[f"HUBBUB_{key.upper()}"] = str(value)
    common: dict[str, Any] = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "log_config": log_config(settings.log_level, settings.log_format),
        # The gateway checks frame size itself (to answer with an error frame first);
        # this is only the hard stop well above it.
        "ws_max_size": settings.max_frame_bytes * 4,
        "ws_ping_interval": None,
        # X-Forwarded-For is the app's to judge (settings.trusted_proxies), not uvicorn's.
        "proxy_headers": False,
        # uvicorn's sans-I/O websockets protocol plus the gateway's coalesced write path.
        "ws": PROTOCOL_PATH,
        "lifespan": "on",
    }
    if workers > 1:
        uvicorn.run("hubbub.server.app:create_app", factory=True, workers=workers, **common)
    else:
        from hubbub.server.app import create_app

        uvicorn.run(create_app(settings), **common)


def _load_settings(overrides: dict[str, Any]) -> Settings:
    from hubbub.errors import HubbubError
    from hubbub.server.settings import Settings

    try:
        return Settings.load(overrides)
    except HubbubError as exc:  # a bad HUBBUB_* variable or hubbub.toml value
        _fail(exc.code, exc.message, 2)


async def _admin_create(
    database: str | None,
    username: str,
    password: str | None,
    bot: bool,
    display_name: str | None,
    can_import: bool = False,
) -> tuple[dict[str, Any], str]:
    from hubbub.server.clock import Clock
    from hubbub.server.services import auth
    from hubbub.server.services.core import Core
    from hubbub.server.services.ratelimit import RateLimiter
    from hubbub.server.services.tokencache import TokenCache
    from hubbub.server.store.engine import Database
    from hubbub.server.store.log import LogWriter

    settings = _load_settings({"database": database})
    db = Database(settings.database)
    try:
        await db.migrate()
        clock = Clock()
        # Running servers pick up anything logged here through their head check.
        writer = LogWriter(db, clock, lambda _events: None)
        writer.start()
        core = Core(
            settings,
            db,
            writer,
            clock,
            lambda _e: None,
            RateLimiter(clock, rate=1, burst=1, enabled=False),
            TokenCache(clock),
        )
        try:
            if bot:
                user, token = await auth.create_bot(core, None, username, display_name)
            else:
                assert password is not None
                user, token = await auth.register(core, username, password, display_name)
            if can_import:  # the content area's backdating grant (D.71)
                from hubbub.server.store.content import IMPORT, grant_txn

                token_hash = auth.hash_token(token)
                await writer.run(lambda tx: grant_txn(tx.conn, token_hash, IMPORT))
        finally:
            await writer.stop()
        return user.wire(), token
    finally:
        await db.dispose()


async def _admin_set_moderator(database: str | None, username: str, value: bool) -> int:
    from hubbub.errors import NotFound
    from hubbub.server.store import users
    from hubbub.server.store.engine import Database

    settings = _load_settings({"database": database})
    db = Database(settings.database)
    try:
        await db.migrate()

        def job(conn: Any) -> int:
            user = users.get_user_by_handle(conn, username)
            if user is None:
                raise NotFound(f"no user {username!r}", code="user_not_found")
            users.set_moderator_txn(conn, user.id, value)
            return user.id

        return await db.write(job)
    finally:
        await db.dispose()


def _run_admin(coro: Coroutine[Any, Any, T]) -> T:
    from sqlalchemy.exc import SQLAlchemyError

    from hubbub.errors import HubbubError

    try:
        return asyncio.run(coro)
    except HubbubError as exc:
        _fail(exc.code, exc.message)
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        _fail("database_error", f"{type(exc).__name__}: {detail}")
    except OSError as exc:
        _fail("database_unreachable", str(exc) or type(exc).__name__)


@admin.command("create-user")
def create_user(
    username: str,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Password.")
    ],
    display_name: Annotated[
        str | None, typer.Option(help="Shown name (default: the username).")
    ] = None,
    database: DbOpt = None,
    can_import: CanImportOpt = False,
) -> None:
    """Create a user account and print its token."""
    user, token = _run_admin(
        _admin_create(database, username, password, False, display_name, can_import)
    )
    err.print(f"created user {escape(str(user['handle']))} (id {user['id']})")
    print(token, flush=True)


@admin.command("set-moderator")
def set_moderator(
    username: str,
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the role away.")] = False,
    database: DbOpt = None,
) -> None:
    """Make a user a global moderator (staff: moderates everywhere, creates private rooms),
    or stop them being one. Running servers notice within seconds; the user's open
    gateway connections on their next reconnect."""
    user_id = _run_admin(_admin_set_moderator(database, username, not revoke))
    state = "no longer a" if revoke else "now a"
    err.print(f"{escape(username)} (id {user_id}) is {state} global moderator")


@admin.command("create-bot")
def create_bot(
    username: str,
    display_name: Annotated[
        str | None, typer.Option(help="Shown name (default: the username).")
    ] = None,
    database: DbOpt = None,
    can_import: CanImportOpt = False,
) -> None:
    """Create a bot account and print its token (keep it secret)."""
    user, token = _run_admin(
        _admin_create(database, username, None, True, display_name, can_import)
    )
    err.print(f"created bot {escape(str(user['handle']))} (id {user['id']})")
    print(token, flush=True)


@app.command()
def send(
    room: Annotated[str, typer.Argument(help="Room id or exact room name.")],
    text: Annotated[str, typer.Argument(help="Message content (Markdown).")],
    url: UrlOpt = "http://127.0.0.1:8080",
    token: TokenOpt = "",
) -> None:
    """Send one message to a room (joins public rooms as needed)."""
    from hubbub.cli_client import send_message

    _exit_on_error(lambda: send_message(url, token, room, text))


@app.command()
def tail(
    room: Annotated[str, typer.Argument(help="Room id or exact room name.")],
    url: UrlOpt = "http://127.0.0.1:8080",
    token: TokenOpt = "",
    cursor: Annotated[
        str | None, typer.Option(help="Replay events after this cursor first.")
    ] = None,
) -> None:
    """Print a room's events live, one readable line each, until Ctrl-C."""
    from hubbub.cli_client import tail_room

    try:
        _exit_on_error(lambda: tail_room(url, token, room, cursor))
    except KeyboardInterrupt:  # the normal way to stop it
        pass


def _exit_on_error(fn: Callable[[], Coroutine[Any, Any, None]]) -> None:
    from hubbub.errors import HubbubError

    try:
        asyncio.run(fn())
    except HubbubError as exc:
        _fail(exc.code, exc.message)
    except BrokenPipeError:  # `hubbub tail … | head`: the reader went away
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout
        raise typer.Exit(0) from None
    except OSError as exc:
        _fail("server_unreachable", str(exc) or type(exc).__name__)


def main() -> None:
    app(prog_name="hubbub")


if __name__ == "__main__":
    main()
