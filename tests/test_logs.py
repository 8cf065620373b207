"""logs.RedactSecrets removes the token from log messages and tracebacks."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, RedactSecrets, configure_logging

TOKEN = "MTIzNDU2Nzg5.secret-token-value.abcdef"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecrets([TOKEN, "", "short"]))
    logger = logging.getLogger("test_logs.redact")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_message_and_arguments_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("connecting with %s", TOKEN)
    logger.warning(f"raw token {TOKEN} in an f-string")
    logger.error("dict %(t)s", {"t": TOKEN})
    logger.info("nothing secret here: %d", 42)
    text = stream.getvalue()
    assert TOKEN not in text
    assert f"connecting with {REDACTED}" in text
    assert f"raw token {REDACTED} in an f-string" in text
    assert f"dict {REDACTED}" in text
    assert "nothing secret here: 42" in text


def test_tracebacks_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    try:
        try:
            raise ValueError(f"bad token {TOKEN}")
        except ValueError as inner:
            raise RuntimeError("login failed") from inner
    except RuntimeError:
        logger.exception("could not log in")
    text = stream.getvalue()
    assert "Traceback" in text
    assert "ValueError: bad token [redacted]" in text
    assert "RuntimeError: login failed" in text
    assert TOKEN not in text


def test_stack_info_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured

    def frame_with_the_token(secret: str) -> None:
        logger.info("here", stack_info=True)  # the stack text shows this source line only

    frame_with_the_token(TOKEN)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None,
                               sinfo=f"Stack (most recent call last):\n  {TOKEN}")
    RedactSecrets([TOKEN]).filter(record)
    assert record.stack_info is not None
    assert TOKEN not in record.stack_info
    assert "Stack (most recent call last)" in stream.getvalue()


def test_a_bad_format_string_does_not_raise(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, stream = captured
    logger.info("%d items for %s", "not a number", TOKEN)
    text = stream.getvalue()
    assert TOKEN not in text
    assert "items for" in text


def test_short_or_empty_secrets_are_ignored() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a short word", None, None)
    assert RedactSecrets(["", "short"]).filter(record)
    assert record.getMessage() == "a short word"


def test_configure_logging_redacts_every_logger(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    old_level = root.level
    handler = configure_logging("DEBUG", secrets=[TOKEN])
    try:
        logging.getLogger("some.library").debug("header Authorization: Bot %s", TOKEN)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    err = capsys.readouterr().err
    assert "some.library" in err
    assert f"Authorization: Bot {REDACTED}" in err
    assert TOKEN not in err


def test_debug_logs_the_bot_not_the_markdown_parser() -> None:
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("DEBUG")
    try:
        assert logging.getLogger("bot.chat").isEnabledFor(logging.DEBUG)
        assert not logging.getLogger("markdown_it.rules_block").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("markdown_it").isEnabledFor(logging.INFO)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        logging.getLogger("markdown_it").setLevel(logging.NOTSET)
