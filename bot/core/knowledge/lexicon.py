"""The `lexicon` block of knowledge files, merged across files and checked for contradictions.

Respellings are applied once, to members' questions and to the knowledge base's own text alike:
a respelling whose words are themselves respelled (`pm: dm` beside `dm: direct message`, or a
loop `colour: color` beside `color: colour`) would turn the knowledge base's word into another,
so that members' word never meets it. A word set twice, or both a stop word (ignored) and a weak
word (counted less), is a contradiction too, and a respelling to itself changes nothing unless
it keeps a word general English respells as written (`r: r` in an R users' FAQ). Each
is reported where it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.knowledge.fields import FieldReader, written_fields
from bot.core.knowledge.models import Lexicon, Location
from bot.core.knowledge.nodes import Node
from bot.core.matching.text import RESPELLED, one_word

LEXICON_FIELDS = written_fields(Lexicon)
WORD_FORM = "letters and digits, as in 'refund', 'v2' or 'c++'"  # a word, as the matcher reads it


@dataclass(slots=True)
class _Words:
    respellings: dict[str, tuple[str, Location]] = field(default_factory=dict)
    stop_words: dict[str, Location] = field(default_factory=dict)
    weak_words: dict[str, Location] = field(default_factory=dict)


class LexiconReader(FieldReader):
    """Reads `lexicon` blocks into one Lexicon, reporting every problem."""

    def __init__(self) -> None:
        super().__init__()
        self.words = _Words()

    def lexicon(self, fields: dict[str, Node]) -> None:
        """One file's lexicon: `respellings` maps one word as members type it to the words the
        knowledge base writes; `stop_words` and `weak_words` list single words."""
        block = self.block(fields, "lexicon", LEXICON_FIELDS)
        if block is None:
            return
        _, parts = block
        respellings = parts.get("respellings")
        if respellings is not None:
            pairs = self.mapping(respellings, "'respellings'")
            for typed, written in (pairs or {}).items():
                self._respelling(typed, written, respellings.key_locations[typed])
        for key, into in (("stop_words", self.words.stop_words),
                          ("weak_words", self.words.weak_words)):
            words, places = self.text_list(parts, key)
            for text, where in zip(words, places, strict=True):
                word = one_word(text)
                if word is None:
                    self.problem(where, f"'{key}' lists single words ({WORD_FORM}), "
                                        f"not '{text}'")
                else:
                    into.setdefault(word, where)

    def _respelling(self, typed: str, written: Node, where: Location) -> None:
        word = one_word(typed)
        if word is None:
            self.problem(where, f"respelling '{typed}' must be one word ({WORD_FORM})")
        elif not isinstance(written.value, str) or not _words_only(written.value):
            self.problem(written.location, f"respelling of '{typed}' must be words ({WORD_FORM})")
        elif word in self.words.respellings:
            first = self.words.respellings[word][1]
            self.problem(where, f"respelling of '{typed}' is already set at {first}; set it "
                                "once")
        elif (again := " ".join(written.value.lower().split())) == word \
                and word not in RESPELLED:
            self.problem(where, f"respelling of '{typed}' to itself changes nothing (only a "
                                "word general English respells, such as 'u' or 'sent', is "
                                "kept as written that way)")
        else:
            self.words.respellings[word] = (again, where)

    def lexicon_checks(self) -> Lexicon:
        """Report the contradictions between files' lexicons; the merged Lexicon."""
        respellings = self.words.respellings
        for typed, (written, where) in respellings.items():
            for word in written.split():
                if word != typed and word in respellings:
                    again, at = respellings[word]
                    self.problem(where, f"respelling of '{typed}' gives '{word}', which is "
                                        f"respelled too (to '{again}', at {at}); respellings "
                                        f"apply once, so members' '{typed}' would never meet "
                                        f"the knowledge base's '{word}'")
                    break
        for word, where in self.words.weak_words.items():
            if word in self.words.stop_words:
                self.problem(where, f"'{word}' is in both 'stop_words' (at "
                                    f"{self.words.stop_words[word]}) and 'weak_words'; a word "
                                    "is ignored or weak, not both")
        return Lexicon(respellings=tuple(sorted((typed, written) for typed, (written, _)
                                                in respellings.items())),
                       stop_words=frozenset(self.words.stop_words),
                       weak_words=frozenset(self.words.weak_words))


def _words_only(text: str) -> bool:
    """Words as the matcher reads them, at least one."""
    return bool(text.split()) and all(one_word(w) for w in text.split())
