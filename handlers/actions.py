"""Everything a person can ask the bot to do, as typed values with one codec for button payloads.

A button carries `pack(action)`; a tap, typed word, command or numbered choice arrives as an
action again. The wire format ("m:c:12:3") is kept byte for byte: buttons already sitting in
members' chats must keep working.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import ClassVar, get_type_hints

MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit
# Our payloads carry small numbers (ids, pages); a longer one is forged, and the database
# would refuse it (SQLite: int64 overflow; PostgreSQL: int4 out of range).
NUMBER = re.compile(r"[0-9]{1,9}")
SEPARATOR = ":"


class BadPayload(ValueError):
    """A payload no button of ours carries now: stale (an old bot) or forged."""


@dataclass(frozen=True)
class Action:
    """Something a person asks for; `prefix` names its kind on the wire."""

    prefix: ClassVar[str] = ""
    kinds: ClassVar[dict[str, type[Action]]] = {}

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.prefix:
            return  # a family (MemberAction, …), not an action itself
        if cls.prefix in Action.kinds:
            raise TypeError(f"{cls.__name__} reuses the prefix {cls.prefix!r}")
        Action.kinds[cls.prefix] = cls

    def pack(self) -> str:
        return pack(self)


@dataclass(frozen=True)
class MemberAction(Action):
    """Anyone on the roster may take these: everyone comments as a member."""


@dataclass(frozen=True)
class SecretaryAction(Action):
    """Only a cell secretary, always on their own cell; stale for anyone else."""


@dataclass(frozen=True)
class OfficeAction(Action):
    """Only the Office; stale for anyone else."""


# ---- a member ---------------------------------------------------------------


@dataclass(frozen=True)
class OpenSection(MemberAction):
    prefix = "m:p"
    position: int


@dataclass(frozen=True)
class ShowPage(MemberAction):
    """A later page of a long section («Đọc tiếp»)."""

    prefix = "m:s"
    section_id: int
    page: int


@dataclass(frozen=True)
class Choose(MemberAction):
    """«Nhất trí» and the other choices: the consultation's choice number `index`."""

    prefix = "m:c"
    section_id: int
    index: int


@dataclass(frozen=True)
class NextSection(MemberAction):
    prefix = "m:next"


@dataclass(frozen=True)
class PreviousSection(MemberAction):
    prefix = "m:prev"


@dataclass(frozen=True)
class Contents(MemberAction):
    """A page of the table of contents."""

    prefix = "m:t"
    page: int


@dataclass(frozen=True)
class Review(MemberAction):
    prefix = "m:r"


@dataclass(frozen=True)
class AskClear(MemberAction):
    prefix = "m:x"
    section_id: int


@dataclass(frozen=True)
class Clear(MemberAction):
    prefix = "m:xy"
    section_id: int


@dataclass(frozen=True)
class Finish(MemberAction):
    prefix = "m:f"


@dataclass(frozen=True)
class Confirm(MemberAction):
    prefix = "m:fy"


@dataclass(frozen=True)
class Resume(MemberAction):
    """Start, or continue where the member stopped (reminders and nudges carry it)."""

    prefix = "m:go"


@dataclass(frozen=True)
class NumberParagraphs(MemberAction):
    """A page of a section with its paragraphs numbered («đánh số đoạn»)."""

    prefix = "m:n"
    section_id: int
    page: int


@dataclass(frozen=True)
class ProposeWording(MemberAction):
    """«✏️ Đề xuất sửa câu chữ» under a section: asks for the passage, then the wording."""

    prefix = "m:w"
    section_id: int


@dataclass(frozen=True)
class ChangeProposal(MemberAction):
    prefix = "m:wc"
    proposal_id: int


@dataclass(frozen=True)
class WithdrawProposal(MemberAction):
    prefix = "m:wd"
    proposal_id: int


@dataclass(frozen=True)
class ChooseStance(MemberAction):
    """A stance on the whole document at the finish step: the round's stance number `index`."""

    prefix = "m:d"
    index: int


@dataclass(frozen=True)
class Documents(MemberAction):
    """The round's documents, each with the member's progress, to pick one to read."""

    prefix = "m:ds"


@dataclass(frozen=True)
class OpenDocument(MemberAction):
    """Read this document of the round (from the documents menu)."""

    prefix = "m:o"
    consultation_id: int


# ---- a cell secretary -------------------------------------------------------


@dataclass(frozen=True)
class ProgressPage(SecretaryAction):
    prefix = "s:p"
    page: int


@dataclass(frozen=True)
class SectionsPage(SecretaryAction):
    prefix = "s:t"
    page: int


@dataclass(frozen=True)
class SectionComments(SecretaryAction):
    prefix = "s:c"
    position: int


@dataclass(frozen=True)
class AskOpinion(SecretaryAction):
    prefix = "s:o"
    section_id: int


@dataclass(frozen=True)
class DeleteOpinion(SecretaryAction):
    prefix = "s:od"
    section_id: int


@dataclass(frozen=True)
class AskNudge(SecretaryAction):
    prefix = "s:n"


@dataclass(frozen=True)
class SendNudge(SecretaryAction):
    prefix = "s:ny"


@dataclass(frozen=True)
class AskSubmit(SecretaryAction):
    prefix = "s:f"


@dataclass(frozen=True)
class Submit(SecretaryAction):
    prefix = "s:fy"


@dataclass(frozen=True)
class Reopen(SecretaryAction):
    prefix = "s:r"


@dataclass(frozen=True)
class DownloadCell(SecretaryAction):
    prefix = "s:d"


# ---- the Office -------------------------------------------------------------


@dataclass(frozen=True)
class Overview(OfficeAction):
    prefix = "o:v"
    page: int


@dataclass(frozen=True)
class ExportMenu(OfficeAction):
    prefix = "o:e"


@dataclass(frozen=True)
class ExportCsv(OfficeAction):
    prefix = "o:ec"


@dataclass(frozen=True)
class ExportXlsx(OfficeAction):
    prefix = "o:ex"


# ---- the web console ---------------------------------------------------------


@dataclass(frozen=True)
class ConsoleLink(MemberAction):
    """A one-time sign-in link to the web console; the handler lets only the Office and
    secretaries have one (a member family, since both roles ask for it)."""

    prefix = "w:l"


# ---- the codec --------------------------------------------------------------


_FIELDS: dict[type[Action], tuple[str, ...]] = {}


def _fields(kind: type[Action]) -> tuple[str, ...]:
    """The field names in wire order; every field is a small non-negative int."""
    if kind not in _FIELDS:
        hints = get_type_hints(kind)
        names = tuple(f.name for f in dataclasses.fields(kind))
        if any(hints[name] is not int for name in names):
            raise TypeError(f"{kind.__name__}: only int fields fit the payload format")
        _FIELDS[kind] = names
    return _FIELDS[kind]


def pack(action: Action) -> str:
    """'m:c:12:3': the prefix, then each field in declaration order."""
    values = [getattr(action, name) for name in _fields(type(action))]
    for value in values:
        if not NUMBER.fullmatch(str(value)):
            raise ValueError(f"{action!r}: {value!r} does not fit a payload")
    data = SEPARATOR.join([action.prefix, *map(str, values)])
    if len(data.encode()) > MAX_PAYLOAD_BYTES:
        raise ValueError(f"{action!r} packs to more than {MAX_PAYLOAD_BYTES} bytes")
    return data


def parse(data: str) -> Action:
    """The action a payload stands for; BadPayload for anything we would not have packed."""
    if len(data.encode()) > MAX_PAYLOAD_BYTES:
        raise BadPayload("too long")
    parts = data.split(SEPARATOR)
    kind = Action.kinds.get(SEPARATOR.join(parts[:2]))
    if kind is None:
        raise BadPayload("unknown prefix")
    names, values = _fields(kind), parts[2:]
    if len(values) != len(names) or not all(NUMBER.fullmatch(v) for v in values):
        raise BadPayload(f"{kind.__name__} takes {len(names)} small numbers")
    return kind(**{name: int(value) for name, value in zip(names, values, strict=True)})
