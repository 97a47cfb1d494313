"""`gopy`: run the bot and do the Office's chores from the command line."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from bot import (
    bootstrap,
    compile_commands,
    deadletter_commands,
    office_commands,
    outcome_commands,
    reminder_commands,
    runner,
    version_commands,
)
from bot.bootstrap import App
from bot.channels.render import render
from bot.config import Settings
from bot.reminder_policy import PolicyError, format_policy, parse_policy
from content import strings
from content.draft_parser import DraftParseError, ParsedDraft, parse_draft
from handlers import views
from handlers.console_link import sign_in_url
from storage import roster, web_access
from storage.backup import backup_sqlite
from storage.consultations import create_consultation, current_consultation, list_sections
from storage.phones import normalize_phone

app = typer.Typer(help=strings.HELP_GOPY, no_args_is_help=True)
draft_app = typer.Typer(help=strings.HELP_DRAFT, no_args_is_help=True)
roster_app = typer.Typer(help=strings.HELP_ROSTER, no_args_is_help=True)
app.add_typer(draft_app, name="draft")
app.add_typer(roster_app, name="roster")
reminders_app = typer.Typer(help=strings.HELP_REMINDERS, no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")
dead_app = typer.Typer(help=strings.HELP_DEADLETTERS, invoke_without_command=True)
app.add_typer(dead_app, name="deadletters")
compile_app = typer.Typer(help=strings.HELP_COMPILE, no_args_is_help=True)
app.add_typer(compile_app, name="compile")

web_app = typer.Typer(help=strings.HELP_WEB, no_args_is_help=True)
app.add_typer(web_app, name="web")

T = TypeVar("T")


def _run(job: Callable[[App], Awaitable[T]]) -> T:
    """Build the app, run one job in it, close it."""

    async def main() -> T:
        instance = await bootstrap.build(Settings())
        try:
            return await job(instance)
        finally:
            await instance.close()

    return asyncio.run(main())


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command(help=strings.HELP_RUN)
def run() -> None:
    from web.app import add_console  # the console's templates: only for the running bot

    settings = Settings()
    asyncio.run(runner.run(settings, pages=add_console))


@app.command(help=strings.HELP_CHAT)
def chat(
    phone: Annotated[str | None, typer.Option(help=strings.HELP_CHAT_PHONE)] = None,
) -> None:
    asyncio.run(runner.run_console(Settings(), phone=phone))


@draft_app.command("load", help=strings.HELP_DRAFT_LOAD)
def draft_load(
    path: Path,
    deadline: Annotated[str | None, typer.Option(help=strings.HELP_DRAFT_DEADLINE)] = None,
    title: Annotated[str | None, typer.Option(help=strings.HELP_DRAFT_TITLE)] = None,
    reminders: Annotated[str | None, typer.Option(help=strings.HELP_DRAFT_REMINDERS)] = None,
    add: Annotated[bool, typer.Option("--add", help=strings.HELP_DRAFT_ADD)] = False,
    name: Annotated[str, typer.Option(help=strings.HELP_DRAFT_NAME)] = "",
    next_version: Annotated[
        bool, typer.Option("--next-version", help=strings.HELP_DRAFT_NEXT_VERSION)] = False,
    document: Annotated[int | None, typer.Option(help=strings.HELP_DRAFT_DOCUMENT)] = None,
    label: Annotated[str, typer.Option(help=strings.HELP_DRAFT_LABEL)] = "",
) -> None:
    if next_version:
        parsed = _parsed(path)
        _version_lines(lambda i: version_commands.load_next(i, parsed, document, label, path.name))
        return
    settings = Settings()
    if add and (deadline is not None or reminders is not None):
        raise _fail(strings.CLI_ADD_SHARES_ROUND)
    if not add and deadline is None:
        raise _fail(strings.CLI_DEADLINE_NEEDED)
    try:
        rules = parse_policy(reminders) if reminders is not None else None
    except PolicyError as error:
        raise _fail(strings.CLI_REMIND_BAD_POLICY.format(error=error)) from None
    try:
        when = (datetime.strptime(deadline, "%Y-%m-%d %H:%M").replace(tzinfo=settings.tz)
                if deadline is not None else None)
    except ValueError:
        raise _fail(strings.CLI_BAD_DEADLINE.format(deadline=deadline)) from None
    parsed = _parsed(path)

    async def job(instance: App) -> None:
        now = instance.clock.now()
        if when is not None and when <= now:
            raise _fail(strings.CLI_DEADLINE_PASSED)
        async with instance.uow() as uow:
            joins = await current_consultation(uow.session) if add else None
            if add and joins is None:
                raise _fail(strings.CLI_NO_CONSULTATION)
            try:
                consultation = await create_consultation(
                    uow.session, parsed, title=title or parsed.title or path.stem,
                    deadline=when or now, now=now, source_name=path.name, reminders=rules,
                    joins=joins, document=name,
                )
            except ValueError as error:
                raise _fail(str(error)) from None
            await uow.commit()
        opened = strings.CLI_DRAFT_ADDED if add else strings.CLI_DRAFT_OPENED
        typer.echo(opened.format(id=consultation.id, title=consultation.title,
                                 round=consultation.round_id))
        typer.echo(strings.CLI_DRAFT_DEADLINE.format(
            when=consultation.deadline.astimezone(settings.tz), count=len(parsed.sections)))
        for n, s in enumerate(parsed.sections, start=1):
            typer.echo(strings.CLI_DRAFT_SECTION.format(
                position=n, number=s.number or "-", title=s.title, chars=len(s.body)))
        for issue in parsed.issues:
            typer.secho(strings.CLI_DRAFT_ISSUE.format(
                name=path.name, line=issue.line, message=issue.message), fg=typer.colors.YELLOW)
        for line in reminder_commands.slot_lines(instance, consultation.deadline,
                                                 consultation.reminders):
            typer.echo(line)

    _run(job)


def _parsed(path: Path) -> ParsedDraft:
    try:
        return parse_draft(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise _fail(strings.CLI_CANNOT_READ.format(path=path, error=error.strerror)) from None
    except DraftParseError as error:
        raise _fail(strings.CLI_DRAFT_ERROR.format(path=path, line=error.line, error=error)) from None


def _version_lines(job: Callable[[App], Awaitable[list[str]]]) -> None:
    try:
        lines = _run(job)
    except version_commands.CommandError as error:
        raise _fail(str(error)) from None
    for line in lines:
        typer.echo(line)


@draft_app.command("diff", help=strings.HELP_DRAFT_DIFF)
def draft_diff(
    document: Annotated[int | None, typer.Option(help=strings.HELP_DRAFT_DOCUMENT)] = None,
    from_version: Annotated[int | None, typer.Option("--from", help=strings.HELP_DIFF_FROM)] = None,
    to_version: Annotated[int | None, typer.Option("--to", help=strings.HELP_DIFF_TO)] = None,
) -> None:
    _version_lines(lambda i: version_commands.diff(i, document, from_version, to_version))


@draft_app.command("show", help=strings.HELP_DRAFT_SHOW)
def draft_show(
    channel: Annotated[str, typer.Option(help=strings.HELP_SHOW_CHANNEL)] = "telegram",
) -> None:
    caps = runner.channel_caps(channel)

    async def job(instance: App) -> None:
        async with instance.uow(write=False) as uow:
            consultation = await current_consultation(uow.session)
            if consultation is None:
                raise _fail(strings.CLI_NO_CONSULTATION)
            sections = await list_sections(uow.session, consultation.id)
            for section in sections:
                pages = views.section_pages(section, caps)
                for page in range(1, len(pages) + 1):
                    reply = views.section_reply(consultation, section, len(sections), page, None, caps)
                    typer.echo(render(reply))
                    typer.echo(strings.CLI_DRAFT_PAGE_END.format(chars=len(reply.text)))

    _run(job)


@roster_app.command("import", help=strings.HELP_ROSTER_IMPORT)
def roster_import(path: Path) -> None:

    async def job(instance: App) -> roster.ImportReport:
        async with instance.uow() as uow:
            report = await roster.import_roster(uow.session, path, now=instance.clock.now())
            await uow.commit()
            return report

    try:
        report = _run(job)
    except roster.RosterErrors as error:
        raise _fail(strings.CLI_ROSTER_NOT_LOADED.format(errors=error)) from None
    except OSError as error:
        raise _fail(strings.CLI_CANNOT_READ.format(path=path, error=error.strerror)) from None
    typer.echo(strings.CLI_ROSTER_LOADED.format(
        name=path.name, added=report.members_added, updated=report.members_updated,
        unchanged=report.members_unchanged, cells=report.cells_added,
        organizations=report.organizations_added,
    ))
    if report.members_not_in_file:
        typer.echo(strings.CLI_ROSTER_NOT_IN_FILE.format(count=report.members_not_in_file))


@app.command(help=strings.HELP_CODES)
def codes(
    cell: Annotated[str | None, typer.Option(help=strings.HELP_CODES_CELL)] = None,
    renew: Annotated[bool, typer.Option(help=strings.HELP_CODES_RENEW)] = False,
) -> None:

    async def job(instance: App) -> list[roster.CodeRow]:
        async with instance.uow() as uow:
            if renew:
                await roster.renew_codes(uow.session, cell)
            rows = await roster.access_codes(uow.session, cell)
            await uow.commit()
            return rows

    try:
        rows = _run(job)
    except LookupError as error:
        raise _fail(str(error.args[0])) from None
    current = None
    for row in rows:
        if row.cell_code != current:
            current = row.cell_code
            typer.echo(f"\n{row.organization} · {row.cell_code} {row.cell_name}")
        typer.echo(f"  {row.access_code[:4]} {row.access_code[4:]}  {row.full_name} ({row.role})")


@app.command(help=strings.HELP_BACKUP)
def backup(target: Path) -> None:
    settings = Settings()
    source = settings.sqlite_path()
    if source is None:
        raise _fail(strings.CLI_BACKUP_NOT_SQLITE)
    try:
        size = backup_sqlite(source, target)
    except (OSError, ValueError, RuntimeError, sqlite3.Error) as error:
        raise _fail(strings.CLI_BACKUP_FAILED.format(error=error)) from None
    typer.echo(strings.CLI_BACKUP_DONE.format(source=source, target=target, size=size))


@app.command(help=strings.HELP_REMIND)
def remind(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=strings.HELP_REMIND_DRY_RUN)] = False,
) -> None:
    _print_lines(lambda instance: reminder_commands.remind(instance, dry_run=dry_run))


@reminders_app.command("show", help=strings.HELP_REMINDERS_SHOW)
def reminders_show() -> None:
    _print_lines(reminder_commands.show)


@reminders_app.command("set", help=strings.HELP_REMINDERS_SET)
def reminders_set(
    policy: Annotated[str, typer.Argument(help=strings.HELP_REMINDERS_POLICY)],
) -> None:
    try:
        format_policy(parse_policy(policy))
    except PolicyError as error:
        raise _fail(strings.CLI_REMIND_BAD_POLICY.format(error=error)) from None
    _print_lines(lambda instance: reminder_commands.set_policy(instance, policy))


def _print_lines(job: Callable[[App], Awaitable[list[str]]]) -> None:
    try:
        lines = _run(job)
    except reminder_commands.CommandError as error:
        raise _fail(str(error)) from None
    for line in lines:
        typer.echo(line)


@app.command(help=strings.HELP_PROGRESS)
def progress(
    cell: Annotated[str | None, typer.Option(help=strings.HELP_PROGRESS_CELL)] = None,
) -> None:
    try:
        lines = _run(lambda instance: office_commands.progress_lines(instance, cell))
    except office_commands.CommandError as error:
        raise _fail(str(error)) from None
    for line in lines:
        typer.echo(line)


@app.command(help=strings.HELP_EXPORT)
def export(
    out: Annotated[Path, typer.Option("--out", help=strings.HELP_EXPORT_OUT)],
    fmt: Annotated[
        office_commands.ExportFormat, typer.Option("--format", help=strings.HELP_EXPORT_FORMAT)
    ] = (
        office_commands.ExportFormat.CSV
    ),
    cell: Annotated[str | None, typer.Option(help=strings.HELP_EXPORT_CELL)] = None,
    anonymous: Annotated[bool, typer.Option("--anonymous", help=strings.HELP_EXPORT_ANONYMOUS)] = False,
    document: Annotated[int | None, typer.Option(help=strings.HELP_DOCUMENT_NUMBER)] = None,
) -> None:
    try:
        rows = _run(lambda instance: office_commands.export(
            instance, fmt, out, cell, anonymous, document))
    except office_commands.CommandError as error:
        raise _fail(str(error)) from None
    typer.echo(strings.CLI_EXPORTED.format(rows=rows, path=out))


@dead_app.callback()
def deadletters(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help=strings.HELP_DEAD_ALL)] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        _print_lines(lambda instance: deadletter_commands.list_lines(instance, include_replayed=all_))


@dead_app.command("replay", help=strings.HELP_DEAD_REPLAY)
def deadletters_replay(
    letter_id: Annotated[int, typer.Argument(help=strings.HELP_DEAD_ID)],
    force: Annotated[bool, typer.Option(help=strings.HELP_DEAD_FORCE)] = False,
) -> None:
    typer.echo(_run(lambda instance: deadletter_commands.replay(instance, letter_id, force=force)))


def _office_lines(job: Callable[[App], Awaitable[list[str]]]) -> None:
    try:
        lines = _run(job)
    except office_commands.CommandError as error:
        raise _fail(str(error)) from None
    for line in lines:
        typer.echo(line)


@compile_app.command("group", help=strings.HELP_COMPILE_GROUP)
def compile_group() -> None:
    _office_lines(compile_commands.group)


@compile_app.command("list", help=strings.HELP_COMPILE_LIST)
def compile_list(
    section: Annotated[int | None, typer.Option(help=strings.HELP_COMPILE_SECTION)] = None,
    undecided: Annotated[bool, typer.Option("--undecided", help=strings.HELP_COMPILE_UNDECIDED)] = False,
    full: Annotated[bool, typer.Option("--full", help=strings.HELP_COMPILE_FULL)] = False,
) -> None:
    _office_lines(lambda i: compile_commands.list_groups(i, section, undecided, full))


@compile_app.command("move", help=strings.HELP_COMPILE_MOVE)
def compile_move(
    item: Annotated[int, typer.Argument(help=strings.HELP_COMPILE_ITEM)],
    to: Annotated[int, typer.Option("--to", help=strings.HELP_COMPILE_TO)],
) -> None:
    _office_lines(lambda i: compile_commands.move(i, item, to))


@compile_app.command("split", help=strings.HELP_COMPILE_SPLIT)
def compile_split(
    group: Annotated[int, typer.Argument(help=strings.HELP_COMPILE_GROUP_ID)],
    items: Annotated[list[int], typer.Argument(help=strings.HELP_COMPILE_SPLIT_ITEMS)],
) -> None:
    _office_lines(lambda i: compile_commands.split(i, group, items))


@compile_app.command("merge", help=strings.HELP_COMPILE_MERGE)
def compile_merge(
    group: Annotated[int, typer.Argument(help=strings.HELP_COMPILE_GROUP_ID)],
    other: Annotated[int, typer.Argument(help=strings.HELP_COMPILE_GROUP_ID)],
) -> None:
    _office_lines(lambda i: compile_commands.merge(i, group, other))


@compile_app.command("decide", help=strings.HELP_COMPILE_DECIDE)
def compile_decide(
    group: Annotated[int, typer.Argument(help=strings.HELP_COMPILE_GROUP_ID)],
    outcome: Annotated[str, typer.Argument(help=strings.HELP_COMPILE_OUTCOME)],
    explanation: Annotated[str, typer.Argument(help=strings.HELP_COMPILE_EXPLANATION)],
    by: Annotated[str | None, typer.Option(help=strings.HELP_COMPILE_BY)] = None,
) -> None:
    try:
        chosen = compile_commands.parse_outcome(outcome)
    except office_commands.CommandError as error:
        raise _fail(str(error)) from None
    _office_lines(lambda i: compile_commands.decide(i, group, chosen, explanation, by))


@compile_app.command("notify", help=strings.HELP_COMPILE_NOTIFY)
def compile_notify(
    dry_run: Annotated[bool, typer.Option("--dry-run", help=strings.HELP_COMPILE_NOTIFY_DRY)] = False,
) -> None:
    _office_lines(lambda i: outcome_commands.tell_members(i, dry_run=dry_run))


@compile_app.command("progress", help=strings.HELP_COMPILE_PROGRESS)
def compile_progress() -> None:
    _office_lines(compile_commands.progress)


@app.command(help=strings.HELP_REPORT)
def report(
    out: Annotated[Path, typer.Option("--out", help=strings.HELP_EXPORT_OUT)],
    fmt: Annotated[
        compile_commands.ReportFormat, typer.Option("--format", help=strings.HELP_REPORT_FORMAT)
    ] = compile_commands.ReportFormat.DOCX,
    named: Annotated[bool, typer.Option("--named", help=strings.HELP_REPORT_NAMED)] = False,
    document: Annotated[int | None, typer.Option(help=strings.HELP_DOCUMENT_NUMBER)] = None,
) -> None:
    _office_lines(lambda i: compile_commands.report(i, fmt, out, named, document))

@web_app.command("link", help=strings.HELP_WEB_LINK)
def web_link(phone: Annotated[str, typer.Option(help=strings.HELP_WEB_PHONE)]) -> None:
    async def job(instance: App) -> str:
        number = normalize_phone(phone) or phone
        async with instance.uow() as uow:
            member = await web_access.member_by_phone(uow.session, number)
            if member is None:
                raise _fail(strings.CLI_WEB_NO_MEMBER.format(phone=phone))
            if not web_access.may_use_console(member):
                raise _fail(strings.CLI_WEB_NOT_ALLOWED.format(name=member.full_name))
            token = web_access.issue_link(uow.session, member, instance.clock.now())
            await uow.commit()
        minutes = int(web_access.LINK_LIFETIME.total_seconds() // 60)
        return strings.CLI_WEB_LINK.format(
            name=member.full_name, minutes=minutes,
            url=sign_in_url(instance.settings.console_url, token))

    typer.echo(_run(job))


def main() -> None:
    app()

