"""PyYAML's pure-Python composer, reading a file as libyaml does, with a depth limit.

`parse` composes a file with libyaml when it can, and with this loader when libyaml is missing
or finds a syntax error (this one words every error and recovers past it). Both must read a
file alike, or a file would load on one machine and fail on another, or a file with one real
mistake would get false ones at every line libyaml reads and PyYAML's scanner refuses. Where
PyYAML 6's scanner is stricter than libyaml 0.2.5, it follows libyaml's rules here:

- a tab separates tokens inside a flow collection, and in a block wherever a key cannot
  start (`a:<tab>b`, `b<tab># note`); at the start of a line, or after "-", it is an error;
- a tab inside a plain value, between its words or after it, is part of the line
  (`Press Ctrl+C<tab>to copy`), and may indent its next line past its indentation;
- a plain value inside a flow collection may hold "?" (`questions: [is it free?, how?]`);
- tabs may follow a block scalar's "|" or ">" (and its indicators), or a directive, before
  a comment or the end of the line.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from yaml.tokens import ScalarToken

_BREAKS = "\r\n\x85\u2028\u2029"
_END = "\0 \t" + _BREAKS  # what ends a plain value's word
_FLOW_END = ",[]{}"  # what ends a plain value inside a flow collection (libyaml: no "?")


class TooDeep(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        super().__init__("nested too deeply")
        self.mark = mark


ALIAS_OF = "faqbot_alias_of"  # on a node composed for an alias `*x`: the anchored node


class PureLoader(yaml.SafeLoader):
    """PyYAML's safe composer with libyaml's scanning rules (above) and a depth limit (its
    composer recurses once per level)."""

    def __init__(self, stream: str, max_depth: int) -> None:
        super().__init__(stream)
        self.depth = 0
        self.max_depth = max_depth

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        if self.depth >= self.max_depth:
            raise TooDeep(self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        alias = (self.peek_event() if self.check_event(yaml.AliasEvent)  # type: ignore[no-untyped-call]
                 else None)
        self.depth += 1
        try:
            node = super().compose_node(parent, index)
        finally:
            self.depth -= 1
        if alias is None or node is None:
            return node
        # The anchored node again, but where the alias is written: a problem in it is
        # reported there (the copy shares the anchored node's value, so nothing is built twice
        # at composition; `nodes.NodeBuilder` knows it for a repeat by `ALIAS_OF`).
        seen = copy.copy(node)
        seen.start_mark, seen.end_mark = alias.start_mark, alias.end_mark
        setattr(seen, ALIAS_OF, node)
        return seen

    def scan_to_next_token(self) -> None:
        """PyYAML's, skipping tabs where libyaml does."""
        if self.index == 0 and self.peek() == "\uFEFF":
            self.forward()
        while True:
            while (char := self.peek()) == " " or (
                    char == "\t" and (self.flow_level or not self.allow_simple_key)):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0" + _BREAKS:
                    self.forward()
            if not self.scan_line_break():  # type: ignore[no-untyped-call]
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def scan_plain(self) -> ScalarToken:
        """PyYAML's, with libyaml's end of a plain value in a flow collection (no "?")."""
        chunks: list[str] = []
        start_mark = self.get_mark()
        end_mark = start_mark
        indent = self.indent + 1
        spaces: list[str] | None = []
        while True:
            length = 0
            if self.peek() == "#":
                break
            while True:
                char = self.peek(length)
                if char in _END or (char == ":" and self.peek(length + 1) in _END + (
                        _FLOW_END if self.flow_level else "")) or (
                        self.flow_level and char in _FLOW_END):
                    break
                length += 1
            if length == 0:
                break
            self.allow_simple_key = False
            chunks.extend(spaces or ())
            chunks.append(self.prefix(length))
            self.forward(length)
            end_mark = self.get_mark()
            spaces = self.scan_plain_spaces(indent, start_mark)
            if not spaces or self.peek() == "#" or (
                    not self.flow_level and self.column < indent):
                break
        return ScalarToken("".join(chunks), True, start_mark, end_mark)

    def scan_plain_spaces(self, indent: int, start_mark: yaml.Mark) -> list[str] | None:
        """PyYAML's, taking tabs between a plain value's words as libyaml does."""
        chunks: list[str] = []
        length = 0
        while self.peek(length) in " \t":
            length += 1
        whitespaces = self.prefix(length)
        self.forward(length)
        if self.peek() in _BREAKS:
            line_break = self.scan_line_break()  # type: ignore[no-untyped-call]
            self.allow_simple_key = True
            if self._document_boundary():
                return None
            breaks = []
            while (char := self.peek()) in " " + _BREAKS or (
                    char == "\t" and self.column >= indent):  # a tab past the indentation
                if char in " \t":
                    self.forward()
                else:
                    breaks.append(self.scan_line_break())  # type: ignore[no-untyped-call]
                    if self._document_boundary():
                        return None
            if line_break != "\n":
                chunks.append(line_break)
            elif not breaks:
                chunks.append(" ")
            chunks.extend(breaks)
        elif whitespaces:
            chunks.append(whitespaces)
        return chunks

    def scan_block_scalar_indicators(self, start_mark: yaml.Mark
                                     ) -> tuple[bool | None, int | None]:
        """PyYAML's, letting a tab follow the indicators (`|<tab># note`) as libyaml does."""
        try:
            found: tuple[bool | None, int | None] = \
                super().scan_block_scalar_indicators(start_mark)
        except yaml.scanner.ScannerError:
            if self.peek() != "\t":
                raise
            written = self.buffer[start_mark.index + 1:self.pointer]  # after "|" or ">"
            chomping = {"+": True, "-": False}
            found = (next((chomping[c] for c in written if c in chomping), None),
                     next((int(c) for c in written if c.isdigit()), None))
        return found

    def scan_block_scalar_ignored_line(self, start_mark: yaml.Mark) -> None:
        """PyYAML's, taking tabs after a block scalar's "|" or ">" as libyaml does."""
        self._rest_of_line("while scanning a block scalar", start_mark)

    def scan_directive_ignored_line(self, start_mark: yaml.Mark) -> None:
        """PyYAML's, taking tabs after a directive as libyaml does."""
        self._rest_of_line("while scanning a directive", start_mark)

    def _rest_of_line(self, context: str, start_mark: yaml.Mark) -> None:
        """Blanks and a comment up to the line break, which is read; anything else is an
        error."""
        while self.peek() in " \t":
            self.forward()
        if self.peek() == "#":
            while self.peek() not in "\0" + _BREAKS:
                self.forward()
        if self.peek() not in "\0" + _BREAKS:
            raise yaml.scanner.ScannerError(
                context, start_mark,
                f"expected a comment or a line break, but found {self.peek()!r}",
                self.get_mark())
        self.scan_line_break()  # type: ignore[no-untyped-call]

    def _document_boundary(self) -> bool:
        """Whether a "---" or "..." line starts here."""
        return self.prefix(3) in ("---", "...") and self.peek(3) in _END
