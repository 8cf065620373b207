"""One comparison key for any text (`fold`): two ways of writing a name or a question agree."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case-folded words of any script, single-spaced: width (NFKC), punctuation, symbols,
    hyphens and underscores folded away, so 'Data-Privacy' and 'data privacy' agree.

    The matcher splits text its own way (`matching.text.tokens`: ASCII words, chat mentions and
    links dropped, apostrophes joined, chat spellings respelled): a tokenizer, not a key."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).replace("_", " ").split())
