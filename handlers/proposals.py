"""Proposed wording («✏️ Đề xuất sửa câu chữ») and the stance on the whole document.

Both ask for text in steps; the step waited for is kept on the identity (`awaiting`),
like a secretary's opinion, and any tap or command cancels it.
"""

from __future__ import annotations

from datetime import timedelta

from content import strings
from content.passages import diff_text, paragraphs, quoted_in
from content.text import shorten
from handlers import documents, member, precise, secretary, typed
from handlers.actions import (
    ChangeProposal,
    ChooseStance,
    Confirm,
    OpenSection,
    ProposeWording,
    WithdrawProposal,
)
from handlers.context import Context
from handlers.conversation import Button, Outgoing, Reply
from handlers.dispatch import handles
from handlers.precise_views import proposal_rows
from storage import pages_sent, stances
from storage import proposals as store
from storage.consultations import section_by_id
from storage.models import Consultation

WAIT = timedelta(hours=1)  # a step left unanswered this long lapses
PASSAGE = "reword-at:"  # + section id: the passage to reword comes next
WORDING = "reword:"  # + proposal id: the new wording comes next
STANCE_TEXT = "stance"  # an optional comment on the whole document comes next


def _round(ctx: Context) -> Consultation:
    if ctx.consultation is None:
        raise RuntimeError("proposal handler reached without a consultation")
    return ctx.consultation


def _wait_for(ctx: Context, what: str) -> None:
    assert ctx.identity is not None
    ctx.identity.awaiting, ctx.identity.awaiting_since = what, ctx.now


@handles(ProposeWording)
async def propose(ctx: Context, action: ProposeWording) -> list[Outgoing]:
    section = await documents.section_of_round(ctx, action.section_id)
    if section is None:
        return await member.stale(ctx, action.section_id)
    if refusal := await member.refuse_writes(ctx):
        return refusal
    _wait_for(ctx, f"{PASSAGE}{section.id}")
    ask = strings.PROPOSE_ASK_PASSAGE if ctx.caps.buttons else strings.PROPOSE_ASK_PASSAGE_TYPED
    return [Reply(ask.format(position=section.position))]


async def pending(ctx: Context) -> list[Outgoing] | None:
    """The answer to a step this member was asked for, or None when the text is not one."""
    identity = ctx.identity
    waiting = (identity.awaiting or "") if identity is not None else ""
    if not waiting.startswith((PASSAGE, WORDING, STANCE_TEXT)):
        return None
    if identity is None or identity.awaiting_since is None or ctx.now - identity.awaiting_since > WAIT:
        secretary.forget_pending(ctx)
        return None
    said = ctx.inbound.text.strip()
    word = typed.plain(said)
    if waiting == STANCE_TEXT:
        if ctx.inbound.reply_to_message_id or (said.isdigit() and len(said) <= 3) or (
                await typed.action(ctx, word) is not None):
            return None  # a reply to a page, a numbered choice or a typed word: not the comment
        return await _stance_text(ctx, said)
    if word in strings.CANCEL_WORDS:
        secretary.forget_pending(ctx)
        return [Reply(strings.PROPOSE_CANCELLED)]
    if waiting.startswith(PASSAGE):
        return await _passage(ctx, int(waiting.removeprefix(PASSAGE)), said)
    return await _wording(ctx, int(waiting.removeprefix(WORDING)), said)


async def _passage(ctx: Context, section_id: int, said: str) -> list[Outgoing]:
    """Step 1: a paragraph number, or (Telegram) a quote from a page of the section."""
    consultation = _round(ctx)
    section = await section_by_id(ctx.session, consultation.id, section_id)
    if section is None:
        secretary.forget_pending(ctx)
        return [Reply(strings.STALE_BUTTON)]
    quote, paragraph = ctx.inbound.quote.strip(), None
    if quote:
        inbound = ctx.inbound
        found = await pages_sent.page_of(ctx.session, consultation.round_id, inbound.channel,
                                         inbound.chat_id, inbound.reply_to_message_id)
        # The wording that follows is asked for on this document: a page of another one
        # of the round is no passage of it.
        if found is not None and found[0].consultation_id == consultation.id:
            section = found[0]
        if not quoted_in(quote, precise.section_text(section, ctx)):
            return [Reply(strings.QUOTE_NOT_IN_SECTION.format(position=section.position))]
        original = quote
    elif said.isdigit():
        found_paragraphs = paragraphs(section.body)
        paragraph = int(said)
        if not 1 <= paragraph <= len(found_paragraphs):
            return [Reply(strings.PARAGRAPH_OUT_OF_RANGE.format(
                position=section.position, count=len(found_paragraphs), paragraph=paragraph))]
        original = found_paragraphs[paragraph - 1]
    else:
        return [Reply(strings.PROPOSE_NEED_PASSAGE)]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    proposal = await store.start(ctx.session, ctx.member, section, original, paragraph, ctx.now)
    _wait_for(ctx, f"{WORDING}{proposal.id}")
    return [Reply(strings.PROPOSE_ASK_TEXT.format(original=shorten(original, 1500)))]


async def _wording(ctx: Context, proposal_id: int, said: str) -> list[Outgoing]:
    """Step 2: the new wording; too long or unchanged is refused and asked again."""
    proposal = await store.mine(ctx.session, ctx.member.id, proposal_id)
    section = await section_by_id(ctx.session, _round(ctx).id, proposal.section_id) if proposal else None
    if proposal is None or section is None:
        secretary.forget_pending(ctx)
        return [Reply(strings.PROPOSAL_GONE)]
    if not said:
        return [Reply(strings.PROPOSE_EMPTY)]
    if len(said) > ctx.limits.max_comment_chars:
        return [Reply(strings.PROPOSE_TOO_LONG.format(chars=len(said),
                                                      limit=ctx.limits.max_comment_chars))]
    if " ".join(said.split()) == " ".join(proposal.original.split()):
        return [Reply(strings.PROPOSE_SAME)]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    await store.set_wording(ctx.session, proposal, ctx.member, section, said, ctx.now)
    secretary.forget_pending(ctx)
    diff = shorten(diff_text(proposal.original, said), 1500)
    text = strings.PROPOSE_SAVED.format(position=section.position, diff=diff)
    return [Reply(text, buttons=(*proposal_rows(proposal, 1),
                                 (Button.to(strings.BTN_SECTION.format(position=section.position),
                                            OpenSection(section.position)),)))]


@handles(ChangeProposal)
async def change(ctx: Context, action: ChangeProposal) -> list[Outgoing]:
    proposal = await store.mine(ctx.session, ctx.member.id, action.proposal_id)
    if proposal is None:
        return [Reply(strings.PROPOSAL_GONE)]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    _wait_for(ctx, f"{WORDING}{proposal.id}")
    return [Reply(strings.PROPOSE_ASK_TEXT.format(original=shorten(proposal.original, 1500)))]


@handles(WithdrawProposal)
async def withdraw(ctx: Context, action: WithdrawProposal) -> list[Outgoing]:
    proposal = await store.mine(ctx.session, ctx.member.id, action.proposal_id)
    section = await section_by_id(ctx.session, _round(ctx).id, proposal.section_id) if proposal else None
    if proposal is None or section is None:
        return [Reply(strings.PROPOSAL_GONE)]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    await store.withdraw(ctx.session, proposal, ctx.member, section, ctx.now)
    return [Reply(strings.PROPOSAL_WITHDRAWN.format(position=section.position))]


# ---- the whole document --------------------------------------------------------------


@handles(ChooseStance)
async def choose_stance(ctx: Context, action: ChooseStance) -> list[Outgoing]:
    consultation = _round(ctx)
    labels = stances.labels(consultation)
    if not labels:
        return [Reply(strings.STANCE_OFF)]
    if not 0 <= action.index < len(labels):
        return [Reply(strings.STALE_BUTTON)]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    label = labels[action.index]
    await stances.set_stance(ctx.session, ctx.member, consultation, label, ctx.now)
    _wait_for(ctx, STANCE_TEXT)
    text = strings.STANCE_SAVED.format(stance=label, confirm=strings.BTN_CONFIRM)
    return [Reply(text, buttons=((Button.to(strings.BTN_CONFIRM, Confirm()),),))]


async def _stance_text(ctx: Context, said: str) -> list[Outgoing]:
    consultation = _round(ctx)
    current = await stances.stance_of(ctx.session, ctx.member.id, consultation.id)
    if current is None or not said:
        secretary.forget_pending(ctx)
        return await member.comment_text(ctx)
    if len(said) > ctx.limits.max_comment_chars:
        return [Reply(strings.PROPOSE_TOO_LONG.format(chars=len(said),
                                                      limit=ctx.limits.max_comment_chars))]
    if refusal := await member.refuse_writes(ctx):
        return refusal
    current.text, current.updated_at = said, ctx.now
    secretary.forget_pending(ctx)
    return [Reply(strings.STANCE_TEXT_SAVED,
                  buttons=((Button.to(strings.BTN_CONFIRM, Confirm()),),))]

