"""Developer tools run from the repository (`python -m hubbub.tools.<tool>`), not SDK API."""

__all__: list[str] = []
