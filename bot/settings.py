"""One frozen Settings, built once in `main` from the environment and `.env`, then passed down."""

from __future__ import annotations

import io
import math
import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_KNOWLEDGE = PROJECT_ROOT / "knowledge"
DEFAULT_DATABASE = PROJECT_ROOT / "data" / "faqbot.sqlite3"
DEFAULT_SEMANTIC_MODEL = "all-MiniLM-L6-v2"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names it."""


def _dotenv_text(path: Path) -> str:
    """The text of a `.env` file; one it cannot be is a SettingsError naming the line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SettingsError(f"cannot read {path}: {exc.strerror or exc}") from None
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark is fine
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SettingsError(f"{path}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x}); save it "
                            "as UTF-8") from None


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting of the bot. The token is kept out of repr and str."""

    discord_token: str | None = field(default=None, repr=False)
    dev_guild_id: int | None = None
    admin_user_ids: frozenset[int] = frozenset()
    knowledge_dir: Path = SHIPPED_KNOWLEDGE
    log_level: str = "INFO"
    shard_count: int | None = None
    database_path: Path = DEFAULT_DATABASE
    store_user_ids: bool = False
    retention_days: int = 90
    kb_watch: bool = False
    cooldown_rate: int = 5
    cooldown_seconds: float = 30.0
    user_id_salt: str | None = field(default=None, repr=False)
    help_forum_ids: frozenset[int] = frozenset()
    helper_role_id: int | None = None
    solved_tag: str = "Solved"
    forum_read_body: bool = False
    health_port: int | None = None  # None: no health and metrics server
    health_host: str = "127.0.0.1"
    semantic: bool = False
    semantic_model: str = DEFAULT_SEMANTIC_MODEL
    semantic_model_path: Path | None = None
    semantic_model_url: str | None = None

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None,
             dotenv: Path | None = None) -> Settings:
        """Settings from `.env` (if present) overridden by the environment."""
        env_file = dotenv if dotenv is not None else Path.cwd() / ".env"
        values: dict[str, str] = {}
        if env_file.is_file():
            read = dotenv_values(stream=io.StringIO(_dotenv_text(env_file)))
            values.update({k: v for k, v in read.items() if v is not None})
        values.update(os.environ if environ is None else environ)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        level = (get("LOG_LEVEL") or "INFO").upper()
        if level not in LOG_LEVELS:
            raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, "
                                f"not {_shown(level)}")
        return cls(
            discord_token=get("DISCORD_TOKEN"),
            dev_guild_id=_int(get("DEV_GUILD_ID"), "DEV_GUILD_ID"),
            admin_user_ids=_ids(get("ADMIN_USER_IDS"), "ADMIN_USER_IDS"),
            knowledge_dir=Path(get("KNOWLEDGE_DIR") or SHIPPED_KNOWLEDGE).expanduser(),
            log_level=level,
            shard_count=_int(get("SHARD_COUNT"), "SHARD_COUNT", minimum=1),
            database_path=Path(get("DATABASE_PATH") or DEFAULT_DATABASE).expanduser(),
            store_user_ids=_flag(get("STORE_USER_IDS"), "STORE_USER_IDS"),
            retention_days=_int(get("RETENTION_DAYS"), "RETENTION_DAYS", minimum=1) or 90,
            kb_watch=_flag(get("KB_WATCH"), "KB_WATCH"),
            cooldown_rate=_int(get("COOLDOWN_RATE"), "COOLDOWN_RATE", minimum=1) or 5,
            cooldown_seconds=_seconds(get("COOLDOWN_SECONDS"), "COOLDOWN_SECONDS") or 30.0,
            user_id_salt=get("USER_ID_SALT"),
            help_forum_ids=_ids(get("HELP_FORUM_IDS"), "HELP_FORUM_IDS"),
            helper_role_id=_int(get("HELPER_ROLE_ID"), "HELPER_ROLE_ID", minimum=1),
            solved_tag=get("SOLVED_TAG") or "Solved",
            forum_read_body=_flag(get("FORUM_READ_BODY"), "FORUM_READ_BODY"),
            health_port=_port(get("HEALTH_PORT"), "HEALTH_PORT"),
            health_host=get("HEALTH_HOST") or "127.0.0.1",
            semantic=_flag(get("SEMANTIC"), "SEMANTIC"),
            semantic_model=get("SEMANTIC_MODEL") or DEFAULT_SEMANTIC_MODEL,
            semantic_model_path=_path(get("SEMANTIC_MODEL_PATH")),
            semantic_model_url=_url(get("SEMANTIC_MODEL_URL"), "SEMANTIC_MODEL_URL"),
        )


SHOWN_CHARS = 24  # longer than any id or number a setting takes


def _shown(value: str) -> str:
    """A bad value for an error message: quoted when short, else only its length, so that a
    token pasted into the wrong setting is not printed (or logged) again."""
    return repr(value) if len(value) <= SHOWN_CHARS else f"a {len(value)}-character value"


def _int(value: str | None, name: str, minimum: int = 0) -> int | None:
    if value is None:
        return None
    try:
        number = int(value.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {_shown(value)}") from None
    if number < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {number}")
    return number


def _ids(value: str | None, name: str) -> frozenset[int]:
    """Comma- (or semicolon-) separated ids."""
    return frozenset(_int(part, name) or 0 for part in (value or "").replace(";", ",").split(",")
                     if part.strip())
def _port(value: str | None, name: str) -> int | None:
    number = _int(value, name, minimum=1)
    if number is not None and number > 65535:
        raise SettingsError(f"{name} must be a port from 1 to 65535, not {number}")
    return number


def _seconds(value: str | None, name: str, minimum: float = 1.0) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.strip())
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds, not {_shown(value)}") from None
    if not math.isfinite(number) or number < minimum:
        raise SettingsError(f"{name} must be at least {minimum:g} seconds, not {_shown(value)}")
    return number


def _path(value: str | None) -> Path | None:
    return Path(value).expanduser() if value is not None else None


def _url(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    if not value.lower().startswith(("https://", "http://")):  # a scheme has no case
        raise SettingsError(f"{name} must start with https:// or http://, not {_shown(value)}")
    try:
        host = urllib.parse.urlsplit(value).netloc
    except ValueError as exc:  # "http://[::1/": an unclosed IPv6 address
        raise SettingsError(f"{name} is not a URL ({exc}): {_shown(value)}") from exc
    if "@" in host:  # not printed: it may hold a password
        raise SettingsError(f"{name} cannot carry a user name or password (urllib sends "
                            "none); download the files yourself and set SEMANTIC_MODEL_PATH")
    return value


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def _flag(value: str | None, name: str) -> bool:
    if value is None:
        return False
    word = value.strip().lower()
    if not word or word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    raise SettingsError(f"{name} must be one of {', '.join(TRUE_WORDS + FALSE_WORDS)}, "
                        f"not {_shown(value)}")
