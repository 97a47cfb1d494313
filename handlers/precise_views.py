"""What the review and the finish step show of a member's proposals and whole-document stance."""

from __future__ import annotations

from content import strings
from content.text import shorten
from handlers.actions import ChangeProposal, ChooseStance, WithdrawProposal
from handlers.context import Context
from handlers.conversation import Button, Outgoing, Reply
from storage import proposals as store
from storage import stances
from storage.models import WordingProposal


def proposal_rows(proposal: WordingProposal, number: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button.to(strings.BTN_PROPOSAL_CHANGE.format(number=number),
                       ChangeProposal(proposal.id)),
             Button.to(strings.BTN_PROPOSAL_WITHDRAW.format(number=number),
                       WithdrawProposal(proposal.id))),)


async def review_reply(ctx: Context) -> list[Outgoing]:
    """The member's proposals, each with its change and withdraw buttons (in the review)."""
    assert ctx.consultation is not None
    mine = await store.of_member(ctx.session, ctx.member.id, ctx.consultation.id)
    if not mine:
        return []
    lines = [strings.PROPOSALS_TITLE]
    rows: list[tuple[Button, ...]] = []
    for number, (proposal, position) in enumerate(mine, start=1):
        lines.append(strings.PROPOSAL_LINE.format(
            number=number, position=position, original=shorten(proposal.original, 120),
            proposed=shorten(proposal.proposed, 120)))
        rows += proposal_rows(proposal, number)
    text = "\n\n".join(lines)
    if len(text) > ctx.caps.max_text:
        text = text[: ctx.caps.max_text - 1] + "…"
    return [Reply(text, buttons=tuple(rows))]


async def stance_lines(ctx: Context) -> tuple[list[str], list[tuple[Button, ...]]]:
    """What the finish step shows about the whole document: the question or the answer,
    and a button per stance (empty when the round does not ask)."""
    consultation = ctx.consultation
    assert consultation is not None
    labels = stances.labels(consultation)
    if not labels:
        return [], []
    current = await stances.stance_of(ctx.session, ctx.member.id, consultation.id)
    chosen = current.stance if current else None
    line = strings.STANCE_CURRENT.format(stance=chosen) if chosen else strings.STANCE_ASK
    buttons = [Button.to(("✔️ " if label == chosen else "") + label, ChooseStance(index))
               for index, label in enumerate(labels)]
    return [line], [(button,) for button in buttons]
