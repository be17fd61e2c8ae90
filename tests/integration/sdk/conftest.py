# Bot authors get this fixture with `pytest_plugins = ["hubbub.testing"]`; here it is
# imported directly because the root conftest already imported hubbub.testing.
from hubbub.testing import hubbub_server

__all__ = ["hubbub_server"]
