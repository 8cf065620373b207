"""The matcher's tokenizer: what is dropped, chat spellings, stemming, stop words, small talk."""

from __future__ import annotations

import pytest

from bot.core.knowledge.models import Lexicon
from bot.core.matching.text import Tokenizer, stem, tokens, tokens_many
from bot.core.memo import Memo


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("Hello WORLD", "hello world"),
    ("ﬁne-tuning", "fine tuning"),                      # NFKC ligature, hyphen
    ("Café naïve résumé", "cafe naive resume"),          # accents
    ("what's the cost?!", "what the cost"),              # possessive/contraction, punctuation
    ("don't", "do"),                                     # joined, then respelled
    ("i'd like the id", "i like the id"),                # a contracted auxiliary goes
    ("she'll see, we're in, i've won, i'm ok", "she see we in i win i ok"),
    ("O'Reilly", "oreilly"),                             # a name stays one word
    ("Claude’s weights", "claude weights"),              # curly apostrophe
    ("<@123456> <@!42> <#99> <@&7> hi", "hi"),           # Discord mentions
    ("@faqbot @everyone cost", "cost"),
    ("<:pepe:123456> <a:dance:42> ok", "ok"),            # custom emoji
    ("see https://example.com/x?y=1 and www.foo.org now", "see and now"),
    ("🤖🚀 cost 🔥", "cost"),                             # emoji
    ("co\u200bst", "cost"),                              # zero-width space inside a word
    ("\u202ecost\u202c", "cost"),                        # bidirectional override
    ("tab\tand\nnewline\x00nul", "tab and newline nul"),  # control characters
    ("", ""),
    ("   ", ""),
])
def test_tokens_drop_what_is_not_a_word(raw: str, cleaned: str) -> None:
    assert " ".join(tokens(raw)) == cleaned


@pytest.mark.parametrize(("raw", "words"), [
    ("C, C++ and C#", ["c", "c++", "and", "c#"]),
    ("F# or Notepad++?", ["f#", "or", "notepad++"]),
    ("c++17 is out", ["c++", "17", "is", "out"]),
    ("issue#123 in #help", ["issue", "123", "in", "help"]),  # a "#" before a word breaks
    ("a+b", ["a", "b"]),
])
def test_a_name_ending_in_plus_plus_or_hash_is_its_own_word(raw: str, words: list[str]) -> None:
    assert tokens(raw) == words
    assert tokens_many([raw]) == [words]


def test_irregular_past_forms_are_read_as_their_verb() -> None:
    assert tokens("I forgot it, then they sent and paid") == [
        "i", "forget", "it", "then", "they", "send", "and", "pay"]
    assert tokens_many(["it was never sent"]) == [["it", "was", "never", "send"]]
    assert tokens("left the server, found a bit") == ["left", "the", "server", "found", "a", "bit"]


def test_a_lexicon_keeps_an_irregular_form_as_written() -> None:
    assert Tokenizer(Lexicon(respellings=(("sent", "sent"),))).tokens("never sent") == [
        "never", "sent"]


def test_irregular_plurals_are_read_as_their_singular() -> None:
    assert tokens("two loaves for the children") == ["two", "loaf", "for", "the", "child"]
    assert tokens_many(["sparse matrices"]) == [["sparse", "matrix"]]


def test_chat_spellings_are_respelled() -> None:
    assert tokens("can u run it on prem") == ["can", "you", "run", "it", "on", "prem"]
    assert tokens("opensource licence") == ["opensource", "license"]
    assert tokens("ur llms") == ["your", "llms"]


def test_a_lexicon_adds_its_own_respellings_and_words() -> None:
    lexicon = Lexicon(respellings=(("prem", "premises"), ("opensource", "open source")),
                      stop_words=frozenset({"bot"}), weak_words=frozenset({"model", "bot"}))
    tokenizer = Tokenizer(lexicon)
    assert tokenizer.tokens("can u run it on prem") == ["can", "you", "run", "it", "on",
                                                         "premises"]
    assert tokenizer.tokens_many(["opensource licence", "prem"]) == [
        ["open", "source", "license"], ["premises"]]
    assert tokens_many(["opensource licence"]) == [["opensource", "license"]]
    assert tokenizer.key_of("bot") == "~bot" and Tokenizer().key_of("bot") == "bot"
    assert tokenizer.weak_words == {"who", "why", "which", "model"}  # a stop word stays one
    assert tokenizer.is_small_talk(["hi", "bot"]) and not Tokenizer().is_small_talk(["hi", "bot"])


@pytest.mark.parametrize("words", [
    ("model", "models"),
    ("price", "pricing", "priced", "prices"),
    ("customize", "customizable", "customization", "customized"),
    ("host", "hosting", "hosted", "hosts"),
    ("transparency", "transparent"),
    ("license", "licenses", "licensing"),
    ("run", "running"),
    ("company", "companies", "companys"),
    ("deploy", "deployment", "deploying"),
    # A plural is stemmed as its singular is: the singular's own suffix goes too.
    ("file", "files"), ("name", "names"), ("type", "types"), ("rule", "rules"),
    ("variable", "variables"), ("iterable", "iterables"), ("difference", "differences"),
    ("supply", "supplies"), ("alias", "aliases"), ("box", "boxes"), ("class", "classes"),
    ("repo", "repos"), ("video", "videos"), ("api", "apis"), ("emoji", "emojis"),
])
def test_stem_joins_word_families(words: tuple[str, ...]) -> None:
    assert len({stem(word) for word in words}) == 1, {w: stem(w) for w in words}


def test_stem_keeps_short_words_and_numbers() -> None:
    assert stem("gpt") == "gpt"
    assert stem("4o") == "4o"
    assert stem("bias") == stem("biases") == "bias"  # not "bia"


@pytest.mark.parametrize(("text", "small"), [
    ("hi there", True),
    ("good morning everyone!", True),
    ("thanks!", True),
    ("hey guys how's it going", True),
    ("hi, is llama open?", False),
    ("is competition good for everyone?", False),
    ("", False),
])
def test_small_talk(text: str, small: bool) -> None:
    assert Tokenizer().is_small_talk(tokens(text)) is small


def test_long_text_is_cleaned_in_bounded_time() -> None:
    words = tokens("cost " * 20_000)
    assert words[:2] == ["cost", "cost"]


def test_common_english_words_are_known_through_their_stems() -> None:
    from bot.core.matching.english import EVERYDAY, FAMILIAR, is_english, is_everyday
    assert len(EVERYDAY) + len(FAMILIAR) >= 2000
    assert is_everyday("the") and is_everyday("founded") and is_everyday("friends")
    assert is_english("reaction") and not is_everyday("reaction")
    assert not is_english("mdoels") and not is_english("llama") and not is_english("gpu")


def test_tokens_many_equals_tokens_whether_split_before_or_not() -> None:
    texts = ["Is LLaMA open-source?", "u can self-host it tbh", "", "Is LLaMA open-source?",
             "line\nbreak inside"]
    assert tokens_many(texts) == [tokens(text) for text in texts]
    remembering = Tokenizer(split=Memo(100))
    first = remembering.tokens_many(texts)
    first[0].append("mutated")  # a caller's list is its own
    assert remembering.tokens_many(texts) == [tokens(text) for text in texts]


def test_marketing_is_not_the_market() -> None:
    assert stem("marketing") != stem("market")
