"""Fixtures: the real FaqBot against the loopback stand-in (see tests/faqbot_harness.py)."""

from __future__ import annotations

from faqbot_harness import Harness, harness, knowledge_dir, settings_changes

__all__ = ["Harness", "harness", "knowledge_dir", "settings_changes"]
