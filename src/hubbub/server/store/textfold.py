"""`fold(x)`: text lower-cased for a case-insensitive search, alike on both databases.

PostgreSQL's lower() knows all of Unicode; SQLite's knows ASCII only, so "émile" would
not find "Émile" there. On SQLite `fold` is a Python function registered on every
connection (`register`), which lower-cases the way PostgreSQL and Python do. It is a
separate name, not an override of lower(): an index built on lower() must keep meaning
what SQLite's lower() means.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

SQLITE_NAME = "hubbub_fold"


class fold(FunctionElement[str]):
    type = String()
    name = "fold"
    inherit_cache = True


@compiles(fold)
def _fold_default(element: fold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(fold, "sqlite")
def _fold_sqlite(element: fold, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_NAME}({compiler.process(element.clauses, **kw)})"


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def register(dbapi_conn: Any) -> None:
    """Makes `fold` callable on a new SQLite connection."""
    dbapi_conn.create_function(SQLITE_NAME, 1, _lower, deterministic=True)
