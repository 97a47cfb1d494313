"""Telegram's HTML parse mode as the server applies it: the visible text, its entities, or the
400 "can't parse entities" it answers.

Follows the rules of core.telegram.org/bots/api#html-style as TDLib's parse_html implements
them: only the listed tags; every start tag closed, in order; `<` only ever starts a tag;
entities `&lt;` `&gt;` `&amp;` `&quot;` and numeric ones decoded, any other `&` kept as is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Tag → the MessageEntity type it makes.
ENTITY_TYPES = {
    "b": "bold", "strong": "bold",
    "i": "italic", "em": "italic",
    "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACE = " \t\n\r\f\v"


class MarkupError(ValueError):
    """What Telegram answers after "Bad Request: can't parse entities: "."""


@dataclass
class Parsed:
    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Open:
    tag: str
    offset: int  # UTF-16 units into the visible text
    chars: int  # characters into it
    attributes: dict[str, str]


def parse_html(source: str) -> Parsed:
    """The text and entities Telegram makes of `source`; MarkupError where it refuses it."""
    return _Parser(source).run()


class _Parser:
    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0
        self.out: list[str] = []
        self.units = 0  # UTF-16 length of the visible text so far
        self.chars = 0
        self.open: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def at(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def byte_offset(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def emit(self, text: str) -> None:
        self.out.append(text)
        self.chars += len(text)
        self.units += sum(2 if ord(c) > 0xFFFF else 1 for c in text)

    def run(self) -> Parsed:
        while self.i < len(self.src):
            char = self.src[self.i]
            if char == "&":
                decoded = self.entity()
                if decoded is not None:
                    self.emit(decoded)
                    continue
            if char != "<":
                self.emit(char)
                self.i += 1
                continue
            if self.at(self.i + 1) == "/":
                self.end_tag()
            else:
                self.start_tag()
        if self.open:
            raise MarkupError(
                f'Can\'t find end tag corresponding to start tag "{self.open[-1].tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Parsed("".join(self.out), self.entities)

    def entity(self) -> str | None:
        """`&…;` decoded (the semicolon may be missing), or None to keep the `&` as text."""
        start, end = self.i, self.i + 1
        if self.at(end) == "#":
            end += 1
            hexadecimal = self.at(end) in ("x", "X")
            end += hexadecimal
            digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
            first = end
            while self.at(end) and self.at(end) in digits:
                end += 1
            if end == first:
                return None
            code = int(self.src[first:end], 16 if hexadecimal else 10)
            if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                return None
            decoded = chr(code)
        else:
            while self.at(end).isascii() and self.at(end).isalpha():
                end += 1
            named = _NAMED.get(self.src[start + 1 : end])
            if named is None:
                return None
            decoded = named
        self.i = end + 1 if self.at(end) == ";" else end
        return decoded

    def start_tag(self) -> None:
        begin = self.i
        self.i += 1
        while self.at(self.i) and self.at(self.i) not in _SPACE and self.at(self.i) != ">":
            self.i += 1
        if not self.at(self.i):
            raise MarkupError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        tag = self.src[begin + 1 : self.i].lower()
        if tag not in ENTITY_TYPES:
            raise MarkupError(
                f'Unsupported start tag "{tag}" at byte offset {self.byte_offset(begin)}')
        attributes: dict[str, str] = {}
        while self.at(self.i) != ">":
            while self.at(self.i) and self.at(self.i) in _SPACE:
                self.i += 1
            if self.at(self.i) == ">":
                break
            if not self.at(self.i):
                raise MarkupError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            name_start = self.i
            while self.at(self.i) and self.at(self.i) not in _SPACE + "=>":
                self.i += 1
            name = self.src[name_start : self.i].lower()
            while self.at(self.i) and self.at(self.i) in _SPACE:
                self.i += 1
            if self.at(self.i) != "=":
                if tag == "blockquote" and name == "expandable":
                    attributes[name] = ""
                    continue
                raise MarkupError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.byte_offset(begin)}")
            self.i += 1
            while self.at(self.i) and self.at(self.i) in _SPACE:
                self.i += 1
            attributes[name] = self.attribute_value()
            if not self.at(self.i):
                raise MarkupError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        self.i += 1  # the ">"
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise MarkupError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}')
        self.open.append(_Open(tag, self.units, self.chars, attributes))

    def attribute_value(self) -> str:
        quote = self.at(self.i)
        if quote not in ("'", '"'):
            start = self.i
            while self.at(self.i) and (self.at(self.i).isalnum() or self.at(self.i) in ".-"):
                self.i += 1
            if self.at(self.i) and self.at(self.i) not in _SPACE + ">":
                raise MarkupError(
                    f"Unexpected end of name token at byte offset {self.byte_offset(start)}")
            return self.src[start : self.i].lower()
        self.i += 1
        value: list[str] = []
        while self.at(self.i) and self.at(self.i) != quote:
            decoded = self.entity() if self.at(self.i) == "&" else None
            if decoded is None:
                value.append(self.src[self.i])
                self.i += 1
            else:
                value.append(decoded)
        if self.at(self.i) == quote:
            self.i += 1
        return "".join(value)

    def end_tag(self) -> None:
        begin = self.i
        if not self.open:
            raise MarkupError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        self.i += 2
        while self.at(self.i) and self.at(self.i) not in _SPACE and self.at(self.i) != ">":
            self.i += 1
        name = self.src[begin + 2 : self.i].lower()
        while self.at(self.i) and self.at(self.i) in _SPACE:
            self.i += 1
        if self.at(self.i) != ">":
            raise MarkupError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        self.i += 1
        opened = self.open.pop()
        if name and name != opened.tag:
            raise MarkupError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"')
        if self.units > opened.offset:
            self.entities.append(self.make_entity(opened))

    def make_entity(self, opened: _Open) -> dict[str, Any]:
        kind = ENTITY_TYPES[opened.tag]
        if kind == "blockquote" and "expandable" in opened.attributes:
            kind = "expandable_blockquote"
        entity: dict[str, Any] = {
            "type": kind, "offset": opened.offset, "length": self.units - opened.offset}
        if kind == "text_link":  # without href, the link's own text is where it goes
            entity["url"] = opened.attributes.get("href") or "".join(self.out)[opened.chars:]
        elif kind == "custom_emoji":
            entity["custom_emoji_id"] = opened.attributes.get("emoji-id", "")
        return entity
