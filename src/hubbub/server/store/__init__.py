"""Persistence: SQLAlchemy Core over aiosqlite / asyncpg. SQL lives only in this package."""
