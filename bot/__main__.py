"""`python -m bot` is the `faqbot` command."""

from __future__ import annotations

import sys


def run() -> int:
    """The command line; Ctrl-C while it is still starting (importing the matcher, reading
    settings) is a quiet exit 130, as it is later."""
    try:
        from bot.cli import main

        return main()
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(run())
