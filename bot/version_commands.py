"""`gopy draft load --next-version` and `gopy draft diff`: a document's versions, on the terminal."""

from __future__ import annotations

from bot.bootstrap import App
from content import strings
from content.draft_parser import ParsedDraft
from content.versions import hunk_text, section_hunks
from storage import versions
from storage.versions import VersionDiff, VersionError


class CommandError(Exception):
    """A problem the person at the terminal can fix; the message says how."""


async def load_next(
    instance: App, parsed: ParsedDraft, document_id: int | None, label: str, source_name: str
) -> list[str]:
    async with instance.uow() as uow:
        document = await versions.document_for(uow.session, document_id)
        if document is None:
            raise CommandError(strings.CLI_NO_DOCUMENT.format(id=document_id)
                               if document_id is not None else strings.CLI_NO_CONSULTATION)
        try:
            diff = await versions.load_next_version(
                uow.session, document, parsed, now=instance.clock.now(), label=label,
                source_name=source_name)
        except VersionError as error:
            raise CommandError(str(error)) from None
        await uow.commit()
        head = strings.CLI_VERSION_LOADED.format(
            label=diff.new_label, name=document.name, version=document.version,
            count=len(diff.new))
    return [head, *diff_lines(diff)]


async def diff(
    instance: App, document_id: int | None, from_version: int | None, to_version: int | None
) -> list[str]:
    async with instance.uow(write=False) as uow:
        document = await versions.document_for(uow.session, document_id)
        if document is None:
            raise CommandError(strings.CLI_NO_DOCUMENT.format(id=document_id)
                               if document_id is not None else strings.CLI_NO_CONSULTATION)
        if document.version == 1 and from_version is None and to_version is None:
            raise CommandError(strings.VERSION_ONLY_ONE.format(name=document.name))
        try:
            found = await versions.compare(uow.session, document, from_version, to_version)
        except VersionError as error:
            raise CommandError(str(error)) from None
    return diff_lines(found)


def diff_lines(found: VersionDiff) -> list[str]:
    """Each section that differs, with its word-level changes; the rest counted."""
    counts = found.counts()
    lines = [strings.DIFF_HEAD.format(old=found.old_label, new=found.new_label, **counts)]
    for item in found.sections:
        if item.kind == "changed":
            assert item.old is not None and item.new is not None
            old, new = found.old[item.old], found.new[item.new]
            lines.append(strings.DIFF_CHANGED.format(position=new.position, label=new.label))
            lines += [f"    {hunk_text(h)}" for h in section_hunks(old, new)]
        elif item.kind == "added":
            assert item.new is not None
            new = found.new[item.new]
            lines.append(strings.DIFF_ADDED.format(position=new.position, label=new.label))
        elif item.kind == "removed":
            assert item.old is not None
            old = found.old[item.old]
            lines.append(strings.DIFF_REMOVED.format(label=old.label, position=old.position,
                                                     old=found.old_label))
    if counts["changed"]:
        lines.append(strings.DIFF_LEGEND)
    return lines
