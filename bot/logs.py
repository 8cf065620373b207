"""Logging set-up, called from `main` (never on import), with secrets redacted from every record."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[redacted]"


class RedactSecrets(logging.Filter):
    """Replaces each secret in a record's message and traceback text with [redacted]."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s and len(s) >= 8)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not raise out of the logging call
            message = f"{record.msg!s} {record.args!r}"
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        cleaned = self._clean(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if record.stack_info:
            record.stack_info = self._clean(record.stack_info)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


class OneLineFormatter(logging.Formatter):
    """Every record on one line: an exception is named after the message, its traceback is
    printed only when `tracebacks` (LOG_LEVEL=DEBUG)."""

    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__("%(asctime)s %(levelname)-8s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")
        self.tracebacks = tracebacks

    def format(self, record: logging.LogRecord) -> str:
        if self.tracebacks or not record.exc_info:
            return super().format(record)
        # The traceback's last line ("ValueError: ..."), from the text RedactSecrets cleaned.
        text = record.exc_text or self.formatException(record.exc_info)
        last = text.strip().splitlines()[-1] if text.strip() else ""
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        if last:
            line += f" [{' '.join(last.split())[:300]}]"
        return line


class NoVoiceWarnings(logging.Filter):
    """Drops discord.py's "PyNaCl / davey is not installed" warnings: faqbot has no voice."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in str(record.msg)


# Libraries whose DEBUG records drown the bot's own (markdown-it: about 80 a rendered answer).
QUIET_LIBRARIES = ("markdown_it",)


def configure_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> logging.Handler:
    """Log to stderr at `level`, one line a record (tracebacks only at DEBUG); returns the
    handler (tests and the CLI may remove it)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter(tracebacks=level == "DEBUG"))
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(NoVoiceWarnings())
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    for chatty in QUIET_LIBRARIES:  # their debug lines are about their own parsing, not ours
        logging.getLogger(chatty).setLevel(max(logging.INFO, root.level))
    return handler
