"""`gopy compile …` and `gopy report`: the Office's tổng hợp, tiếp thu, giải trình on the terminal.

Thin: each command opens a unit of work, calls storage.grouping / storage.decisions /
storage.compilation / storage.report_* (the same services the web console calls), and
turns their answers and errors into lines of text.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import App
from bot.office_commands import CommandError, _consultation, chosen_documents
from content import strings
from content.text import shorten
from storage import compilation, decisions, grouping
from storage.consultations import current_consultation, current_round
from storage.decisions import DecisionError, Outcome
from storage.grouping import GroupingError
from storage.identities import member_by_phone
from storage.models import Member
from storage.phones import normalize_phone

if TYPE_CHECKING:
    from storage.report_docx import ReportHeader


class ReportFormat(enum.StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"


def _error(error: GroupingError | DecisionError) -> CommandError:
    key, *args = error.args
    return CommandError(getattr(strings, key).format(*args))


async def _office(instance: App, phone: str | None) -> Member | None:
    if phone is None:
        return None
    async with instance.uow(write=False) as uow:
        member = await member_by_phone(uow.session, normalize_phone(phone) or phone)
    if member is None:
        raise CommandError(strings.CLI_COMPILE_UNKNOWN_PHONE.format(phone=phone))
    return member


async def group(instance: App) -> list[str]:
    """Group the comments of every document of the round."""
    lines = []
    async with instance.uow() as uow:
        _consultation(await current_consultation(uow.session))
        documents = await current_round(uow.session)
        for document in documents:
            report = await grouping.regroup(uow.session, document.id, instance.clock.now())
            lines.append(strings.CLI_COMPILE_GROUPED.format(
                items=report.items, sections=report.sections, groups=report.groups,
                kept=report.kept))
        await uow.commit()
    if len(documents) > 1:
        return [strings.CLI_DOCUMENT_LINE.format(name=d.name, line=line)
                for d, line in zip(documents, lines, strict=True)]
    return lines


async def list_groups(
    instance: App, section: int | None, undecided: bool, full: bool
) -> list[str]:
    lines: list[str] = []
    async with instance.uow(write=False) as uow:
        s = uow.session
        _consultation(await current_consultation(s))
        documents = await current_round(s)
        for document in documents:
            found = await _document_groups(s, document.id, section, undecided, full)
            if found and len(documents) > 1:
                lines.append(strings.CLI_DOCUMENT_HEAD.format(name=document.name))
            lines += found
    return lines or [strings.CLI_COMPILE_NONE]


async def _document_groups(
    s: AsyncSession, consultation_id: int, section: int | None, undecided: bool, full: bool
) -> list[str]:
    """One document's groups, section by section (`section`: that position only)."""
    lines: list[str] = []
    async for figures, groups in compilation.sections_with_groups(s, consultation_id,
                                                                  named=True):
        if not groups or (section is not None and figures.position != section):
            continue
        lines.append(strings.CLI_COMPILE_SECTION_HEAD.format(
            number=figures.number or figures.position, title=figures.title,
            groups=len(groups), undecided=sum(1 for g in groups if g.decision is None)))
        for g in groups:
            if undecided and g.decision is not None:
                continue
            lines += _group_lines(g, full)
    return lines


def _group_lines(g: compilation.GroupView, full: bool) -> list[str]:
    d = g.decision
    state = strings.CLI_COMPILE_UNDECIDED if d is None else strings.CLI_COMPILE_DECISION.format(
        outcome=strings.OUTCOMES.get(d.outcome, d.outcome), version=d.version, by=d.decided_by)
    places = "; ".join(f"{org}: {', '.join(cells)}" for org, cells in g.places())
    lines = [
        strings.CLI_COMPILE_GROUP_LINE.format(
            id=g.id, kind=strings.CLI_COMPILE_KIND.get(g.kind, g.kind), people=g.people,
            decision=state, text=shorten(g.representative, 160)),
        strings.CLI_COMPILE_GROUP_PLACES.format(places=shorten(places, 200)),
    ]
    if g.kind == "member":
        lines.append(strings.CLI_COMPILE_GROUP_CHOICES.format(
            choices="; ".join(f"{c}: {n}" for c, n in g.choices().items()) or "—"))
    if full:
        lines += [strings.CLI_COMPILE_ITEM_LINE.format(
            id=i.item_id, cell=i.cell, member=f" · {i.member}" if i.member else "",
            text=shorten(i.text, 160)) for i in g.items]
    return lines


async def move(instance: App, item: int, to: int) -> list[str]:
    async with instance.uow() as uow:
        try:
            await grouping.move(uow.session, item, to, instance.clock.now())
        except GroupingError as error:
            raise _error(error) from None
        await uow.commit()
    return [strings.CLI_COMPILE_MOVED.format(item=item, group=to)]


async def split(instance: App, group_id: int, items: Sequence[int]) -> list[str]:
    async with instance.uow() as uow:
        try:
            new = await grouping.split(uow.session, group_id, items, instance.clock.now())
        except GroupingError as error:
            raise _error(error) from None
        await uow.commit()
    return [strings.CLI_COMPILE_SPLITTED.format(count=len(set(items)), group=group_id, new=new)]


async def merge(instance: App, group_id: int, other: int) -> list[str]:
    async with instance.uow() as uow:
        try:
            await grouping.merge(uow.session, group_id, other, instance.clock.now())
        except GroupingError as error:
            raise _error(error) from None
        await uow.commit()
    return [strings.CLI_COMPILE_MERGED.format(group=group_id, other=other)]


def parse_outcome(value: str) -> Outcome:
    try:
        return Outcome(value.strip().lower())
    except ValueError:
        raise CommandError(strings.CLI_COMPILE_BAD_OUTCOME.format(
            value=value, choices=", ".join(o.value for o in Outcome))) from None


async def decide(
    instance: App, group_id: int, outcome: Outcome, explanation: str, by: str | None
) -> list[str]:
    member = await _office(instance, by)
    async with instance.uow() as uow:
        try:
            decision = await decisions.decide(uow.session, group_id, outcome, explanation,
                                              instance.clock.now(), by=member)
        except DecisionError as error:
            raise _error(error) from None
        await uow.commit()
    return [strings.CLI_COMPILE_DECIDED.format(
        group=group_id, outcome=strings.OUTCOMES[outcome], version=decision.version)]


async def progress(instance: App) -> list[str]:
    async with instance.uow(write=False) as uow:
        _consultation(await current_consultation(uow.session))
        documents = await current_round(uow.session)
        parts = [(d, await decisions.progress(uow.session, d.id)) for d in documents]
    rows = [row for _, of_document in parts for row in of_document]
    if not rows:
        return [strings.CLI_COMPILE_NONE]
    lines = []
    for document, of_document in parts:
        if len(parts) > 1 and of_document:
            lines.append(strings.CLI_DOCUMENT_HEAD.format(name=document.name))
        lines += [strings.CLI_COMPILE_PROGRESS_LINE.format(
            number=r.number or r.position, title=shorten(r.title, 60), decided=r.decided,
            groups=r.groups, undecided=r.undecided) for r in of_document]
    groups, decided = sum(r.groups for r in rows), sum(r.decided for r in rows)
    lines.append(strings.CLI_COMPILE_PROGRESS_TOTAL.format(
        decided=decided, groups=groups, undecided=groups - decided))
    return lines


def header(instance: App) -> ReportHeader:
    from storage.report_docx import ReportHeader

    settings = instance.settings
    return ReportHeader(settings.report_issuer_parent, settings.report_issuer,
                        settings.report_issuer_short, settings.report_place,
                        instance.clock.now().astimezone(settings.tz).date())


async def report(
    instance: App, fmt: ReportFormat, out: Path, named: bool, document: int | None = None
) -> list[str]:
    """Write the report next to `out` and move it into place only once complete: a part
    per document of the round, or the one numbered `document`."""
    # Imported here: python-docx and its XML library are for this command only.
    from storage.report_docx import write_docx
    from storage.report_xlsx import write_xlsx

    partial = out.with_name(out.name + ".part")
    try:
        async with instance.uow(write=False) as uow:
            consultation = _consultation(await current_consultation(uow.session))
            parts = [(d.id, d.name) for d in await chosen_documents(uow.session, document)]
            with partial.open("wb") as handle:
                if fmt is ReportFormat.DOCX:
                    count = await write_docx(uow.session, handle, consultation.id,
                                             header(instance), named=named, documents=parts)
                    groups, sections = count.groups, count.sections
                else:
                    groups = await write_xlsx(uow.session, handle, consultation.id, named=named,
                                              tz=instance.settings.tz, documents=parts)
                    sections = sum([len(await decisions.progress(uow.session, part))
                                    for part, _ in parts])
        partial.replace(out)
    except OSError as error:
        raise CommandError(strings.CLI_CANNOT_WRITE.format(path=out, error=error.strerror)) from None
    finally:
        partial.unlink(missing_ok=True)
    return [strings.CLI_REPORT_WRITTEN.format(path=out, groups=groups, sections=sections)]
