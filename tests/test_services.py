"""The salt for user-id hashes: from USER_ID_SALT, else created once beside the database."""

from __future__ import annotations

import stat
from pathlib import Path

from faqbot_harness import make_settings

from bot.services import _create_salt, user_id_salt


def test_a_salt_is_created_once_private_and_then_reused(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, user_id_salt=None,
                             database_path=tmp_path / "data" / "log.sqlite3")
    salt = user_id_salt(settings)
    path = tmp_path / "data" / "log.sqlite3.salt"
    assert len(salt) == 64 and path.read_text(encoding="ascii") == salt
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert user_id_salt(settings) == salt
    assert sorted(p.name for p in path.parent.iterdir()) == ["log.sqlite3.salt"]  # no temp left


def test_a_salt_created_meanwhile_by_another_process_wins(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3.salt"
    path.write_text("theirs", encoding="ascii")
    assert _create_salt(path) == "theirs"
    assert path.read_text(encoding="ascii") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_the_setting_wins(tmp_path: Path) -> None:
    assert user_id_salt(make_settings(tmp_path, user_id_salt="configured")) == "configured"
    assert not (tmp_path / "faq.sqlite3.salt").exists()
