"""Turn chat text into the matcher's tokens: split, respell, stem.

`tokens` gives the lower-case, accent-free words of a text (Discord mentions, custom emoji,
URLs, punctuation, control and zero-width characters dropped) with chat spellings rewritten
("u" → "you", "licence" → "license"). It is the matcher's tokenizer, not a second normaliser:
comparing names and titles is `bot.core.text.fold`'s job. `stem` is a small, deliberately
conservative suffix stripper; it only has to be consistent, because the knowledge base and the
question go through the same function.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.knowledge.models import Lexicon
from bot.core.memo import Memo

MAX_QUESTION_CHARS = 500
STOP_MARK = "~"  # a stop word's matching key is "~word" (see `Tokenizer.key_of`)

_NOISE = re.compile(
    r"<(?:@[!&]?|#)\d+>|<a?:\w+:\d+>|@\w+|(?:https?://|www\.)\S+", re.IGNORECASE
)
# A possessive, or a contracted auxiliary ("I'll", "you'd", "we're", "I've", "I'm"): dropped,
# not joined to its word ("i'd" is not "id", "he'll" not "hell").
_POSSESSIVE = re.compile(r"(?<=\w)'(?:s|ll|d|re|ve|m)\b")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
# A word is letters and digits; "++" or "#" ending it stays part of it, so that C, C++ and C#
# (F#, Notepad++) are three names, not one (a "#" followed by a letter or digit is a break).
WORD_END = r"(?:\+\+|#(?![a-z0-9]))?"
_WORD = re.compile(r"[a-z0-9]+" + WORD_END)
_WORD_OR_BREAK = re.compile(_WORD.pattern + r"|\n")
# Zero-width, bidirectional-override and other format characters (Unicode category Cf).
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")



def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words a member writes in chat, respelled the way the knowledge base writes them (general
# English; a knowledge base adds its own terms in its `lexicon`).
CHAT_SPELLINGS: dict[str, str] = {
    "u": "you", "ur": "your", "r": "are", "y": "why", "pls": "please", "plz": "please",
    "thx": "thanks", "ty": "thanks", "cuz": "because", "coz": "because", "bc": "because",
    "b4": "before", "ppl": "people", "govt": "government", "gov": "government",
    "diff": "difference", "w": "with", "wo": "without", "smth": "something",
    "sth": "something", "abt": "about", "tho": "though", "rn": "now",
    "im": "i", "ive": "i", "whats": "what", "wats": "what", "wat": "what", "hows": "how",
    "wheres": "where", "whos": "who", "thats": "that", "theres": "there", "versus": "vs",
    "licence": "license", "licences": "licenses", "licencing": "licensing",
    "licenced": "licensed", "customisable": "customizable", "customise": "customize",
    "customised": "customized", "customising": "customizing", "customisation": "customization",
    "democratise": "democratize", "democratisation": "democratization", "organisation":
    "organization", "organisations": "organizations", "behaviour": "behavior",
    "cheaper": "cheap", "cheapest": "cheap", "gonna": "going", "wanna": "want",
    "dont": "do", "doesnt": "does", "cant": "can", "wont": "will", "isnt": "is",
    "arent": "are", "didnt": "did", "shouldnt": "should", "wouldnt": "would",
}

# Irregular past forms, read as the verb they are a form of ("i forgot my password" asks
# what "I forget my password" does; "why wasn't it sent" what "send"...). Forms that are
# also common nouns or adjectives ("left", "found", "bit", "stuck", "saw", "led", "rose";
# "built" of "built-in", "given" of "a given list") are left alone.
def _base_forms(table: str) -> dict[str, str]:
    """Each form of a "verb form form; verb form; ..." table, mapped to its verb."""
    return {form: verb for verb, *forms in map(str.split, table.split(";")) for form in forms}


IRREGULAR_VERBS: dict[str, str] = _base_forms("""
    send sent; spend spent; lend lent; bend bent; pay paid; buy bought;
    bring brought; think thought; fight fought; catch caught; teach taught; seek sought;
    sell sold; hold held; keep kept; sleep slept; feel felt; meet met; lose lost;
    feed fed; deal dealt; forget forgot forgotten; forgive forgave forgiven; get gotten;
    give gave; take took taken; break broke broken; choose chose chosen;
    write wrote written; freeze froze frozen; hide hid hidden; steal stole stolen;
    speak spoke spoken; wake woke woken; wear wore worn; tear tore torn; shake shook shaken;
    ride rode ridden; drive drove driven; rise risen; eat ate eaten; fall fallen;
    begin began begun; run ran; win won; sing sang sung; ring rang rung; sink sank sunk;
    drink drank drunk; swim swam swum; draw drew drawn; grow grew grown; throw threw thrown;
    blow blew blown; fly flew flown; show shown; understand understood; hang hung;
    dig dug; spin spun; strike struck; swear swore sworn; tell told
    """)

# Irregular plurals, read as their singular, as a regular plural's stem is its singular's
# ("leaves" and "lives", also verbs, are left alone).
IRREGULAR_PLURALS: dict[str, str] = {
    "children": "child", "men": "man", "women": "woman", "mice": "mouse", "feet": "foot",
    "teeth": "tooth", "geese": "goose", "knives": "knife", "loaves": "loaf", "halves": "half",
    "shelves": "shelf", "wolves": "wolf", "thieves": "thief", "wives": "wife",
    "indices": "index", "matrices": "matrix", "vertices": "vertex", "criteria": "criterion",
    "phenomena": "phenomenon",
}

_RESPELL: dict[str, tuple[str, ...]] = {
    **{form: (verb,) for form, verb in IRREGULAR_VERBS.items()},
    **{plural: (singular,) for plural, singular in IRREGULAR_PLURALS.items()},
    **{word: tuple(again.split()) for word, again in CHAT_SPELLINGS.items()},
}
# Every word general English respells: a lexicon may keep one as written (`sent: sent`).
RESPELLED = frozenset(_RESPELL)

# Words that carry no topic on their own. Interrogatives stay out of this list on purpose
# only where they select a topic ("who" is responsible, "how much" it costs): see WEAK_WORDS.
STOP_WORDS: frozenset[str] = _words("""
a about above after again all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each else even ever few for
from further get got had has have having he her here hers him his how i if in into is it its
itself just let me more most my myself no nor not now of off on once only or other our ours
out over own please same she should so some such than that the their theirs them then there
these they this those through to too under until up us very was we were what when where which
while will with would you your yours yourself like really actually basically anyway ok okay
kind sort lot lots thing things stuff something anything someone anyone one ones way maybe
im gonna want wanna need know tell say said see mean means meant use using used hey hi hello
hiya yo heya howdy thanks thank cheers pls please everyone everybody guys folks
yall people question questions quick again still already much many whether via etc eg ie
without within able
lol lmao haha hahaha ngl tbh imo imho idk btw bruh fyi omg tho wait hmm hm um uh
nah yeah yea yep nope honestly genuinely seriously literally trolling lowkey kinda sorta
""")

# Interrogatives kept as tokens but worth little: they say what kind of answer is wanted, and
# never make an item topical on their own ("who made you"). A knowledge base names its own
# weak words (`lexicon.weak_words`).
ASKING_WORDS: frozenset[str] = frozenset({"who", "why", "which"})

# Everyday words that rarely name a topic ("good idea", "whose job", "a plus"): they count,
# but far less than their IDF says, whether or not the knowledge base happens to use them.
COMMON_WORDS: frozenset[str] = _words("""
good bad better best worse worst idea job work works wise big small large huge tiny new old
real true truly right wrong sure fine okay plus minus point case deal matter matters happen
happens happening make makes made making go goes going went come comes look looks looking think
thinks try trying start help helps helping give gives take takes put keep keeps thing day days
time times year years today currently lately nowadays stuff whole part kind type types sort
exactly basically literally probably possible possibly likely easy easier hard harder different
difference same similar other another every each enough far long short high low great main
major important interesting ask asking answer answers explain explanation mean meaning example
examples reason reasons way ways guy person man available allowed everything anything nothing
""")

# Greetings and pleasantries; a message made only of these (and stop words) is small talk.
SMALL_TALK: frozenset[str] = _words("""
hi hello hey hiya heya yo howdy morning evening afternoon night gm gn good thanks thank cheers
ty thx bye goodbye cya lol lmao haha ok okay cool nice great awesome sup welcome going
""")

# Suffixes stripped by `stem`, longest first, with the shortest stem each may leave behind.
_SUFFIXES: tuple[tuple[str, str, int], ...] = (
    ("izations", "iz", 4), ("ization", "iz", 4), ("isations", "iz", 4), ("isation", "iz", 4),
    ("abilities", "", 4), ("ibilities", "", 4), ("ability", "", 4), ("ibility", "", 4),
    ("ations", "at", 4), ("ation", "at", 4), ("ments", "", 4), ("ment", "", 4), ("ness", "", 4),
    ("ities", "", 4), ("ity", "", 4), ("ably", "", 4), ("ibly", "", 4), ("able", "", 4),
    ("ible", "", 4), ("encies", "", 5), ("ency", "", 5), ("ence", "", 5), ("ancies", "", 5),
    ("ancy", "", 5), ("ance", "", 5), ("ings", "", 3), ("ing", "", 3), ("ies", "y", 3),
    ("ied", "y", 3), ("izes", "iz", 3), ("ized", "iz", 3), ("ize", "iz", 3), ("ises", "iz", 4),
    ("ised", "iz", 4), ("ise", "iz", 4), ("ers", "", 4), ("er", "", 4), ("ed", "", 3),
    ("ly", "", 4), ("ents", "", 5), ("ent", "", 5), ("s", "", 3), ("e", "", 3),
)
# A plural ending stripped, the singular is stemmed in turn ("files" → "file" → "fil", as
# "file" is), so that a word and its plural always share their stem.
_PLURAL = frozenset({"s", "ies"})
_KEEP_S = ("ss", "us", "ias")
# Words whose stem would name something else ("marketing" is not the "market").
_UNSTEMMED = frozenset({"marketing"})
_BY_LAST: dict[str, list[tuple[str, str, int]]] = {}
for _rule in _SUFFIXES:
    _BY_LAST.setdefault(_rule[0][-1], []).append(_rule)


def _words_of(text: str, pattern: re.Pattern[str] | None = None) -> list[str]:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        text = _INVISIBLE.sub("", text)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        text = text.replace("’", "'")
    if "@" in text or "<" in text or "http" in text or "www" in text:
        text = _NOISE.sub(" ", text)
    return (pattern or _WORD).findall(without_apostrophes(text.lower()))


def without_apostrophes(text: str) -> str:
    """Possessives and contracted auxiliaries dropped ("i'd" → "i"), and words joined across
    an apostrophe ("don't" → "dont"), as the matcher reads them (`text` in lower case, its
    apostrophes "'")."""
    return _APOSTROPHE.sub("", _POSSESSIVE.sub("", text)) if "'" in text else text


def one_word(text: str) -> str | None:
    """`text` lower-cased when the matcher reads it as one word ("refund", "v2", "c++"),
    else None."""
    word = text.strip().lower()
    return word if _WORD.fullmatch(word) else None


def tokens_many(texts: list[str]) -> list[list[str]]:
    """`tokens` of each text, in one pass over them all (to build an index quickly)."""
    return [_respelled(words, _RESPELL, RESPELLED) for words in _split_all(texts)]


def _split_many(texts: list[str], memo: Memo[str, tuple[str, ...]] | None) -> list[list[str]]:
    """Each text split into words (not respelled); texts in `memo` are not split again, and
    the new ones are put there."""
    if memo is None:
        return _split_all(texts)
    split = {text: memo.get(text) for text in texts}
    fresh = [text for text, words in split.items() if words is None]
    for text, words in zip(fresh, _split_all(fresh) if fresh else (), strict=True):
        split[text] = memo.put(text, tuple(words))
    return [list(split[text] or ()) for text in texts]


def _split_all(texts: list[str]) -> list[list[str]]:
    joined = "\n".join(text.replace("\n", " ") for text in texts)
    words = _words_of(joined, _WORD_OR_BREAK)
    return [line.split() for line in " ".join(words).split("\n")]


def tokens(text: str) -> list[str]:
    """Words of `text` after cleaning and respelling chat spellings (general English only;
    `Tokenizer.tokens` adds a knowledge base's own respellings)."""
    return _respelled(_words_of(text), _RESPELL, RESPELLED)


def _respelled(words: list[str], respell: dict[str, tuple[str, ...]],
               respelled: frozenset[str]) -> list[str]:
    if respelled.isdisjoint(words):
        return words
    out: list[str] = []
    for word in words:
        again = respell.get(word)
        if again is None:
            out.append(word)
        else:
            out.extend(again)
    return out


class Tokenizer:
    """`tokens` with a knowledge base's lexicon: its respellings, stop words and weak words
    added to general English's."""

    def __init__(self, lexicon: Lexicon | None = None,
                 split: Memo[str, tuple[str, ...]] | None = None) -> None:
        lexicon = lexicon or Lexicon()
        self.lexicon = lexicon
        self._split = split  # a library's memory of split texts (see BuildMemory), or None
        self.respell = {**_RESPELL, **{typed: tuple(written.split())
                                       for typed, written in lexicon.respellings}}
        self._respelled = frozenset(self.respell)
        self.stop_words = STOP_WORDS | lexicon.stop_words
        self.weak_words = ASKING_WORDS | (lexicon.weak_words - self.stop_words)

    def tokens(self, text: str) -> list[str]:
        """Words of `text` after cleaning and respelling."""
        return _respelled(_words_of(text), self.respell, self._respelled)

    def tokens_many(self, texts: list[str]) -> list[list[str]]:
        """`tokens` of each text, in one pass; a text split before is taken from memory."""
        return [_respelled(words, self.respell, self._respelled)
                for words in _split_many(texts, self._split)]

    def key_of(self, word: str) -> str:
        """The matching key of a word: its stem, or "~word" for a stop word."""
        return STOP_MARK + word if word in self.stop_words else stem(word)

    def is_small_talk(self, words: list[str]) -> bool:
        """True when every word is a greeting, pleasantry or stop word (and there is one)."""
        stop = self.stop_words
        return bool(words) and all(w in SMALL_TALK or w in stop for w in words)


def stem(word: str) -> str:
    """A conservative stem: plurals and common derivational suffixes stripped."""
    if len(word) <= 3 or not word.isalpha() or word in _UNSTEMMED:
        return word
    word, stripped = _stripped(word)
    if stripped in _PLURAL and len(word) > 3 and word not in _UNSTEMMED:
        word, _ = _stripped(word)
    if len(word) >= 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    return word


def _stripped(word: str) -> tuple[str, str]:
    """The word with its first matching suffix rule applied, and that suffix ("" if none)."""
    for suffix, replacement, shortest in _BY_LAST.get(word[-1], ()):
        if word.endswith(suffix):
            if suffix == "s" and word.endswith(_KEEP_S):
                continue
            base = word[: len(word) - len(suffix)]
            if len(base) >= shortest:
                return base + replacement, suffix
    return word, ""
