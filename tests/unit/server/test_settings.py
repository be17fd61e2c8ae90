from __future__ import annotations

from pathlib import Path

import pytest

from hubbub.errors import ValidationError
from hubbub.server.settings import Settings


def test_precedence_flags_over_env_over_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "hubbub.toml"
    toml.write_text('[hubbub]\nport = 9000\nbus = "redis://x:6379/0"\nrate_limits = false\n')
    monkeypatch.setenv("HUBBUB_PORT", "9100")
    s = Settings.load({"port": 9200}, toml_path=str(toml))
    assert s.port == 9200 and s.bus == "redis://x:6379/0" and s.rate_limits is False
    assert Settings.load({}, toml_path=str(toml)).port == 9100


def test_bad_settings_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBBUB_PORT", "eighty")
    with pytest.raises(ValidationError):
        Settings.load(toml_path="/nonexistent")
    with pytest.raises(ValidationError):
        Settings.load({"nope": 1}, toml_path="/nonexistent")
