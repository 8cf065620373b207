"""Write imported entries as a knowledge file, or merge them into one, keeping its curation.

A merge goes through ruamel.yaml's round trip, so comments and layout stay. An entry is the
same section when its `source` names the same document and section: its `answer` and
`source` follow the docs, everything a curator added (questions, keywords, related, matcher,
a new title or group) stays. Sections new to the docs become entries; entries whose section is
gone from an imported document are listed, never deleted.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)
from ruamel.yaml.util import load_yaml_guess_indent

from bot.core.importing.build import ImportedEntry, unique_id

_WIDTH = 1_000_000_000  # never wrap a line
NAMED_SOURCES = 3  # the header names this many sources, then counts the rest
HEADER = (
    "# Made by `faqbot kb import` from {sources}.\n"
    "# Curate freely: `faqbot kb import --update` keeps each entry's questions, keywords,\n"
    "# related and matcher; answers and sources follow the docs.\n"
)


class MergeError(Exception):
    """The existing file cannot be merged into safely; it is left as it is."""


@dataclass(slots=True)
class Merge:
    """The merged file's text and what changed: ids made, updated, unchanged, and gone."""

    text: str
    made: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)


class _Dumper(yaml.CSafeDumper):
    """libyaml's emitter (a 10 MB import is written in a second), answers as literal blocks."""


def _text(dumper: _Dumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def new_file(entries: Sequence[ImportedEntry], sources: Sequence[str]) -> str:
    """A whole knowledge file holding `entries`."""
    return new_files(entries, sources)[0].text


def new_files(entries: Sequence[ImportedEntry], sources: Sequence[str],
              limit: int | None = None) -> list[Merge]:
    """Knowledge files holding `entries` in order, each at most `limit` bytes (UTF-8), and
    the ids each holds (as made)."""
    named = ", ".join(sources[:NAMED_SOURCES]) or "documents"
    if len(sources) > NAMED_SOURCES:
        named += f" and {len(sources) - NAMED_SOURCES} more"
    head = HEADER.format(sources=named) + "entries:\n"
    files: list[Merge] = []
    items: list[str] = []
    ids: list[str] = []
    size = len(head.encode("utf-8"))
    for entry in entries:
        item = yaml.dump([entry.fields()], Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, width=_WIDTH, indent=2)
        length = len(item.encode("utf-8"))
        if items and limit is not None and size + length > limit:
            files.append(Merge(head + "".join(items), made=ids))
            items, ids, size = [], [], len(head.encode("utf-8"))
        items.append(item)
        ids.append(entry.id)
        size += length
    text = head + "".join(items) if items else head.removesuffix("\n") + " []\n"
    files.append(Merge(text, made=ids))
    return files


def keys_and_ids(existing: str) -> tuple[set[tuple[str, str | None]], set[str]]:
    """The (document, section) sources and the ids of a knowledge file's entries."""
    try:
        data = yaml.load(existing, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        raise MergeError(f"the file does not parse: {exc}") from exc
    keys: set[tuple[str, str | None]] = set()
    ids: set[str] = set()
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        return keys, ids
    for item in data["entries"]:
        if isinstance(item, dict):
            ids.add(str(item.get("id")))
            key = _key(item, data.get("document"))
            if key is not None:
                keys.add(key)
    return keys, ids


def merge(existing: str, entries: Sequence[ImportedEntry], *,
          documents: Iterable[str] | None = None, taken: Iterable[str] = ()) -> Merge:
    """`existing` (a knowledge file's text) with `entries` merged in. An entry whose section
    is not among `entries` is gone when its document is among `documents` (default: those of
    `entries`); new entries' ids avoid `taken` (ids of the knowledge base's other files)."""
    try:
        document = _round_trip().load(existing)
        _, indent, dash = load_yaml_guess_indent(existing)
    except RuamelError as exc:
        raise MergeError(f"the file does not parse: {exc}") from exc
    if document is None:
        document = CommentedMap()
    if not isinstance(document, CommentedMap):
        raise MergeError("the file is not a mapping of fields")
    items = document.get("entries")
    if items is None:
        items = CommentedSeq()
        document["entries"] = items
    if not isinstance(items, CommentedSeq):
        raise MergeError("'entries' is not a list")
    default_document = document.get("document")
    # A heading written twice in one document gives two entries with the same key: the n-th
    # section with a key updates the n-th entry with it, never one entry twice.
    by_key: dict[tuple[str, str | None], list[CommentedMap]] = {}
    ids: set[str] = set(taken)
    for existing_item in _entries(items):
        ids.add(str(existing_item.get("id")))
        found = _key(existing_item, default_document)
        if found is not None:
            by_key.setdefault(found, []).append(existing_item)
    result = Merge(text="")
    for entry in entries:
        key = (entry.document, entry.section)
        waiting = by_key.get(key)
        item = waiting.pop(0) if waiting else None
        if item is None:
            fields = entry.fields()
            fields["id"] = entry.id if entry.id not in ids else unique_id(entry.title, ids)
            ids.add(str(fields["id"]))
            items.append(_mapping(fields))
            result.made.append(str(fields["id"]))
        elif _update(item, entry):
            result.updated.append(str(item.get("id")))
        else:
            result.unchanged.append(str(item.get("id")))
    imported = set(documents) if documents is not None else {e.document for e in entries}
    for key, unmatched in by_key.items():
        if key[0] in imported:
            result.gone.extend(f"{item.get('id')} ({item.get('title')})" for item in unmatched)
    mapping = indent if not dash else max((indent or 2) - dash, 2)
    result.text = _dump(document, mapping or 2, indent or 2, dash or 0,
                        explicit_start=existing.lstrip().startswith("---"))
    return result


def _entries(items: CommentedSeq) -> Iterator[CommentedMap]:
    return (item for item in items if isinstance(item, CommentedMap))


def _key(item: dict[str, Any], default_document: Any) -> tuple[str, str | None] | None:
    """(document, section) of an entry's `source`, as the loader reads it."""
    source = item.get("source")
    if isinstance(source, str) and isinstance(default_document, str):
        return default_document.strip(), source.strip()
    if isinstance(source, dict):
        document = source.get("document", default_document)
        section = source.get("section")
        if isinstance(document, str):
            return document.strip(), section.strip() if isinstance(section, str) else None
    return None


def _update(item: CommentedMap, entry: ImportedEntry) -> bool:
    """Set the entry's answer and source from the docs; whether either changed."""
    changed = False
    if item.get("answer") != entry.answer:
        item["answer"] = _scalar(entry.answer)
        changed = True
    wanted = entry.source()
    source = item.get("source")
    if isinstance(source, CommentedMap):
        flow = bool(source.fa.flow_style())
        for key in ("document", "section", "url"):
            if key in wanted and source.get(key) != wanted[key]:
                source[key] = _scalar(wanted[key], flow=flow)
                changed = True
            elif key not in wanted and key in source and key != "document":
                del source[key]
                changed = True
    else:
        item["source"] = _mapping(wanted)
        changed = True
    return changed


def _mapping(fields: dict[str, Any]) -> CommentedMap:
    out = CommentedMap()
    for key, value in fields.items():
        if isinstance(value, dict):
            out[key] = _mapping(value)
        elif isinstance(value, list):
            out[key] = CommentedSeq(_scalar(str(v)) for v in value)
        else:
            out[key] = _scalar(str(value))
    return out


def _scalar(text: str, *, flow: bool = False) -> Any:
    """Text as YAML that every reader reads back the same: a literal block when it has lines,
    else quoted exactly when PyYAML (YAML 1.1, as the loader reads) would quote it, in a flow
    mapping (`{a: b}`) as in a block."""
    if "\n" in text and not flow:
        return LiteralScalarString(text)
    dumped = yaml.safe_dump([text] if flow else text, allow_unicode=True, width=_WIDTH,
                            default_flow_style=flow).removeprefix("[")
    if dumped.startswith("'"):
        return SingleQuotedScalarString(text)
    if dumped.startswith('"'):
        return DoubleQuotedScalarString(text)
    return text


def _round_trip() -> YAML:
    loader = YAML(typ="rt")
    loader.preserve_quotes = True
    loader.width = _WIDTH
    return loader


def _dump(document: Any, mapping: int, sequence: int, offset: int, *,
          explicit_start: bool = False) -> str:
    dumper = _round_trip()
    dumper.indent(mapping=mapping, sequence=sequence, offset=offset)
    dumper.explicit_start = explicit_start
    buffer = io.StringIO()
    dumper.dump(document, buffer)
    return buffer.getvalue()
