"""`gopy compile notify`: tell each member what became of their comments, once.

Each comment's notice row and the message that tells it are written in one transaction
(the outbox), so a restart or a second worker never tells anyone twice; the running
bot's sender delivers them at the platform's pace. Members with no reachable chat are
counted and recorded, never retried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from bot import runner
from bot.bootstrap import App
from bot.office_commands import CommandError
from bot.outbox import Target, post
from content import strings
from content.text import shorten
from handlers.conversation import Notify, Outgoing, Reply
from storage import outcomes
from storage.consultations import current_consultation
from storage.outcomes import Outcome

MESSAGE_CHARS = 3500  # under Telegram's 4096; Zalo's channel cuts further at 2,000


async def tell_members(app: App, *, dry_run: bool = False) -> list[str]:
    caps = {name: runner.channel_caps(name) for name in ("telegram", "zalo")}
    async with app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        if consultation is None:
            raise CommandError(strings.CLI_NO_CONSULTATION)
        if dry_run:
            pending = await outcomes.untold(uow.session, consultation.id, limit=10**9)
            members = {o.member_id for o in pending}
            reached = await outcomes.reachable(uow.session, members) if members else set()
            return [strings.CLI_OUTCOMES_PREVIEW.format(
                comments=len(pending), members=len(members), reached=len(reached))]
    while True:
        async with app.uow() as uow:
            batch = await outcomes.untold(uow.session, consultation.id)
            if not batch:
                break
            now = app.clock.now()
            reached = await outcomes.reachable(uow.session, {o.member_id for o in batch})
            mine = await outcomes.record(uow.session, batch, reached, now)
            told = [o for o in batch if o.comment_id in mine and o.member_id in reached]
            await post(uow.session, Target("", ""), notices(told), caps, now)
            await uow.commit()
    async with app.uow(write=False) as uow:
        sent, away = await outcomes.counts(uow.session, consultation.id)
    return [strings.CLI_OUTCOMES_DONE.format(told=sent, unreachable=away)]


def notices(told: Sequence[Outcome]) -> list[Outgoing]:
    """One message per member (more when they wrote a lot), their comments in draft order."""
    by_member: dict[int, list[str]] = defaultdict(list)
    for o in told:
        by_member[o.member_id].append(strings.OUTCOME_LINE.format(
            position=o.position, section=shorten(o.section, 60), comment=shorten(o.comment, 300),
            outcome=strings.OUTCOMES.get(o.outcome, o.outcome),
            explanation=shorten(o.explanation, 600)))
    out: list[Outgoing] = []
    for member_id, lines in by_member.items():
        text = strings.OUTCOME_TITLE
        for line in lines:
            if len(text) + 2 + len(line) > MESSAGE_CHARS:
                out.append(Notify(member_id, Reply(text)))
                text = strings.OUTCOME_TITLE_MORE
            text = f"{text}\n\n{line}"
        out.append(Notify(member_id, Reply(text)))
    return out
