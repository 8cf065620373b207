"""Settings: the environment overrides .env; bad values are clear errors; the token stays hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE, SHIPPED_KNOWLEDGE, Settings, SettingsError

TOKEN = "MTIzNDU2Nzg5.secret-token-value.abcdef"


def load(tmp_path: Path, environ: dict[str, str], dotenv: str | None = None) -> Settings:
    env_file = tmp_path / ".env"
    if dotenv is not None:
        env_file.write_text(dotenv, encoding="utf-8")
    return Settings.load(environ=environ, dotenv=env_file)


def test_defaults(tmp_path: Path) -> None:
    settings = load(tmp_path, {})
    assert settings == Settings()
    assert settings.discord_token is None
    assert settings.knowledge_dir == SHIPPED_KNOWLEDGE
    assert settings.database_path == DEFAULT_DATABASE
    assert settings.log_level == "INFO"
    assert settings.dev_guild_id is None
    assert settings.admin_user_ids == frozenset()
    assert settings.cooldown_rate == 5
    assert settings.cooldown_seconds == 30.0
    assert settings.retention_days == 90
    assert settings.kb_watch is False
    assert settings.store_user_ids is False
    assert (settings.health_port, settings.health_host) == (None, "127.0.0.1")
    assert settings.semantic is False
    assert settings.semantic_model == "all-MiniLM-L6-v2"
    assert settings.semantic_model_path is None
    assert settings.semantic_model_url is None


def test_the_health_server_setting(tmp_path: Path) -> None:
    settings = load(tmp_path, {"HEALTH_PORT": " 8080 ", "HEALTH_HOST": "0.0.0.0"})
    assert (settings.health_port, settings.health_host) == (8080, "0.0.0.0")


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = (f"DISCORD_TOKEN={TOKEN}\nKNOWLEDGE_DIR=/from/dotenv\nLOG_LEVEL=debug\n"
              "DEV_GUILD_ID=111\n")
    settings = load(tmp_path, {}, dotenv)
    assert settings.discord_token == TOKEN
    assert settings.knowledge_dir == Path("/from/dotenv")
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 111

    settings = load(tmp_path, {"KNOWLEDGE_DIR": "/from/env", "DEV_GUILD_ID": "222"}, dotenv)
    assert settings.knowledge_dir == Path("/from/env")
    assert settings.dev_guild_id == 222
    assert settings.discord_token == TOKEN  # not overridden: still from .env


def test_load_reads_the_process_environment(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(tmp_path / "kb"))
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("KNOWLEDGE_DIR=/ignored\nRETENTION_DAYS=7\n",
                                   encoding="utf-8")
    settings = Settings.load()
    assert settings.knowledge_dir == tmp_path / "kb"
    assert settings.retention_days == 7


def test_values_are_parsed(tmp_path: Path) -> None:
    settings = load(tmp_path, {
        "ADMIN_USER_IDS": " 1, 2;3 ,",
        "SHARD_COUNT": "2",
        "DATABASE_PATH": "~/faq.sqlite3",
        "STORE_USER_IDS": "Yes",
        "KB_WATCH": "on",
        "COOLDOWN_RATE": "3",
        "COOLDOWN_SECONDS": "2.5",
        "USER_ID_SALT": "pepper-pepper",
        "KNOWLEDGE_DIR": "  ",
    })
    assert settings.admin_user_ids == frozenset({1, 2, 3})
    assert settings.shard_count == 2
    assert settings.database_path == Path("~/faq.sqlite3").expanduser()
    assert settings.store_user_ids is True
    assert settings.kb_watch is True
    assert settings.cooldown_rate == 3
    assert settings.cooldown_seconds == 2.5
    assert settings.knowledge_dir == SHIPPED_KNOWLEDGE  # blank means unset
    assert load(tmp_path, {"KB_WATCH": "off", "STORE_USER_IDS": "0"}).kb_watch is False


def test_help_forum_settings(tmp_path: Path) -> None:
    default = load(tmp_path, {})
    assert default.help_forum_ids == frozenset()
    assert default.helper_role_id is None
    assert default.solved_tag == "Solved"
    assert default.forum_read_body is False
    settings = load(tmp_path, {"HELP_FORUM_IDS": "11, 12", "HELPER_ROLE_ID": "13",
                               "SOLVED_TAG": " Answered ", "FORUM_READ_BODY": "1"})
    assert settings.help_forum_ids == frozenset({11, 12})
    assert settings.helper_role_id == 13
    assert settings.solved_tag == "Answered"
    assert settings.forum_read_body is True


def test_semantic_settings_are_parsed(tmp_path: Path) -> None:
    settings = load(tmp_path, {"SEMANTIC": "1", "SEMANTIC_MODEL": "all-MiniLM-L12-v2",
                               "SEMANTIC_MODEL_PATH": "~/models/minilm",
                               "SEMANTIC_MODEL_URL": "http://127.0.0.1:8000/mirror/"})
    assert settings.semantic is True
    assert settings.semantic_model == "all-MiniLM-L12-v2"
    assert settings.semantic_model_path == Path("~/models/minilm").expanduser()
    assert settings.semantic_model_url == "http://127.0.0.1:8000/mirror/"
    # A URL's scheme has no case (RFC 3986), and urllib fetches it so.
    upper = load(tmp_path, {"SEMANTIC_MODEL_URL": "HTTPS://mirror.example/models/"})
    assert upper.semantic_model_url == "HTTPS://mirror.example/models/"


def test_a_mirror_url_with_a_password_is_refused_without_printing_it(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, {"SEMANTIC_MODEL_URL": "https://admin:hunter2@mirror.example/models/"})
    message = str(caught.value)
    assert "SEMANTIC_MODEL_URL" in message and "password" in message
    assert "hunter2" not in message and "admin" not in message


@pytest.mark.parametrize(("name", "value"), [
    ("DEV_GUILD_ID", "abc"),
    ("DEV_GUILD_ID", "-5"),
    ("DEV_GUILD_ID", "1.5"),
    ("ADMIN_USER_IDS", "1,two"),
    ("SHARD_COUNT", "0"),
    ("RETENTION_DAYS", "soon"),
    ("COOLDOWN_RATE", "0"),
    ("COOLDOWN_SECONDS", "fast"),
    ("COOLDOWN_SECONDS", "nan"),
    ("COOLDOWN_SECONDS", "0"),
    ("LOG_LEVEL", "LOUD"),
    ("KB_WATCH", "maybe"),
    ("STORE_USER_IDS", "sure"),
    ("HELP_FORUM_IDS", "12,general"),
    ("HELPER_ROLE_ID", "helpers"),
    ("HELPER_ROLE_ID", "0"),
    ("FORUM_READ_BODY", "please"),
    ("HEALTH_PORT", "http"),
    ("HEALTH_PORT", "0"),
    ("HEALTH_PORT", "70000"),
    ("SEMANTIC", "please"),
    ("SEMANTIC_MODEL_URL", "ftp://mirror.example/models"),
    ("SEMANTIC_MODEL_URL", "http://[::1/models"),
])
def test_bad_values_are_clear_errors(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load(tmp_path, {name: value, "DISCORD_TOKEN": TOKEN})
    message = str(caught.value)
    assert name in message
    assert TOKEN not in message


def test_bad_value_in_dotenv_is_an_error_too(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DEV_GUILD_ID must be a whole number, not 'abc'"):
        load(tmp_path, {}, "DEV_GUILD_ID=abc\n")


def test_the_token_never_appears_in_repr_or_str(tmp_path: Path) -> None:
    settings = load(tmp_path, {"DISCORD_TOKEN": TOKEN, "USER_ID_SALT": "salty-secret-salt"})
    assert settings.discord_token == TOKEN
    for text in (repr(settings), str(settings), f"{settings}", f"{settings!r}"):
        assert TOKEN not in text
        assert "secret-token" not in text
        assert "salty-secret-salt" not in text
        assert "knowledge_dir" in text  # the rest is still shown


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load(tmp_path, {})
    with pytest.raises(AttributeError):
        settings.log_level = "DEBUG"  # type: ignore[misc]


def test_every_setting_is_documented_in_env_example() -> None:
    from dataclasses import fields

    from bot.settings import PROJECT_ROOT

    example = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    documented = {line.split("=", 1)[0] for line in example.splitlines()
                  if "=" in line and not line.startswith("#")}
    assert {f.name.upper() for f in fields(Settings)} <= documented


def test_a_dotenv_that_cannot_be_read_is_one_clear_error(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_bytes(b"LOG_LEVEL=INFO\n\xff\xfe junk\n")
    with pytest.raises(SettingsError, match=r"\.env:2: not UTF-8 \(byte 0xff\); save it as "
                                            r"UTF-8$"):
        Settings.load(environ={}, dotenv=env_file)
    env_file.write_bytes(b"\xef\xbb\xbfLOG_LEVEL=DEBUG\n")  # a byte-order mark is fine
    assert Settings.load(environ={}, dotenv=env_file).log_level == "DEBUG"
    env_file.write_bytes(b"\xef\xbb\xbfLOG_LEVEL=DEBUG\nX=caf\xe9\n")  # and counts no line
    with pytest.raises(SettingsError, match=r"\.env:2: not UTF-8 \(byte 0xe9\)"):
        Settings.load(environ={}, dotenv=env_file)
