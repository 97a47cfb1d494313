"""Bad input everywhere: whatever anyone sends, a sensible answer, and only typed comments saved.

Hypothesis throws arbitrary text (huge, control characters, RTL marks, emoji, NUL), forged
button payloads, strangers, garbage commands, and updates repeated or out of order at the
conversation core (Telegram and Zalo) and at the Telegram webhook endpoint.

Settings: the "gopy-bad-input" profile below; GOPY_HYPOTHESIS_EXAMPLES overrides max_examples.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import ClientSession
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.telegram import SECRET_HEADER, TelegramChannel, make_bot
from bot.engine import ConversationEngine
from bot.outbox import reply_from_json
from bot.webhook import WebhookServer
from content import strings
from handlers.conversation import ChannelCaps, Inbound, Kind, Notify, Outgoing, Reply
from handlers.onboarding import looks_like_code
from storage.models import (
    CellOpinion,
    CellSubmission,
    Comment,
    CommentPart,
    HandledUpdate,
    Identity,
    LinkAttempt,
    LinkedBy,
    OutboxMessage,
    OutboxStatus,
    Progress,
    ReminderSent,
    Section,
)
from storage.phones import normalize_phone
from storage.uow import UnitOfWork
from tests.conftest import Bloc
from tests.fakes.telegram_server import FakeTelegramServer
from tests.support.clock import FakeClock

settings.register_profile(
    "gopy-bad-input",
    max_examples=int(os.environ.get("GOPY_HYPOTHESIS_EXAMPLES", "200")),
    deadline=None,  # one example is several database transactions; timing varies on CI
    derandomize=False,
    print_blob=True,  # a failure prints the @reproduce_failure line to replay it
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],  # "explain" costs minutes
    # The database and engine are built once per test and reset between examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
BAD_INPUT = settings.get_profile("gopy-bad-input")

TELEGRAM_BUTTON_BYTES = 64
SMALLEST_TEXT = 2000  # a Notify may reach its member on any channel: Zalo's limit is the least
WEBHOOK_SECRET = "hypothesis-webhook-secret"


# ---- who talks --------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    channel: str
    user_id: str
    member: str | None  # short name in the bloc fixture; None for a stranger


LINKED = (
    Account("telegram", "1001", "an"),
    Account("telegram", "1002", "binh"),  # secretary of GD1
    Account("telegram", "1005", "office"),
    Account("zalo", "z-chi-1", "chi"),
    Account("zalo", "z-dung-1", "dung"),  # secretary of GD2
)
ROSTER_PHONES = ("0912345678", "+84912345679", "0987 654 321", "84987654322", "0909000111")

strangers = st.one_of(
    st.integers(1, 2**52).map(lambda n: Account("telegram", str(n), None)),
    st.text("0123456789abcdef", min_size=1, max_size=40).map(lambda s: Account("zalo", s, None)),
)
accounts = st.one_of(st.sampled_from(LINKED), st.sampled_from(LINKED), strangers)  # mostly members


# ---- what they send ---------------------------------------------------------


def _repeat(unit: str, length: int) -> str:
    return (unit * (length // len(unit) + 1))[:length]


huge_texts = st.builds(_repeat, st.text(min_size=1, max_size=12), st.integers(3_900, 30_000))
odd_characters = st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So", "Sk"])
special_texts = st.sampled_from([
    "", " ", "\n\t ", "\x00", "abc\x00def", "\u202egóp ý\u202c", "\u200f\u0645\u0631\u062d\u0628",
    "👍🏽👨‍👩‍👧", "\ufeff", "\u0301", "0", "1", "7", "999", "1000", "-1", "٣", "tiếp", "TIEP",
    "xong",
    "mục lục", "xem lại", "hoàn thành", "tiến độ", "tổng hợp", "/start", "12345678", "1111 2222",
    "0912345678", "m:c:1:0", "<b>bold</b>", "*đậm*", "'; DROP TABLE comment; --",
])
texts = st.one_of(
    st.text(max_size=300),
    st.text(odd_characters, max_size=100),
    special_texts,
    huge_texts,
)
numbers = st.one_of(
    st.integers(-3, 40),
    st.integers(),
    # Just inside and outside PostgreSQL's INTEGER and SQLite's 64-bit integers.
    st.sampled_from([999_999_999, 2**31 - 1, 2**31, -(2**31) - 1, 2**63, -(2**63) - 1, 10**30]),
).map(str)
odd_numbers = st.sampled_from(
    ["", " 1", "1.5", "1e3", "0x10", "٣", "1_0", "+2", "-0", "NaN", "9" * 5000]
)
prefixes = st.sampled_from(["m", "s", "o", "x", "", "M", "m "])
actions = st.sampled_from([
    "p", "s", "c", "t", "x", "xy", "next", "prev", "r", "f", "fy", "go",  # member
    "o", "od", "n", "ny", "d",  # secretary
    "v", "e", "ec", "ex",  # office
    "", "zz", "p:p",
])
structured_payloads = st.builds(
    lambda prefix, action, args: ":".join([prefix, action, *args]),
    prefixes, actions, st.lists(st.one_of(numbers, odd_numbers), max_size=3),
)
# Real payload shapes with numbers that no button of ours carries.
near_misses = st.builds(
    lambda template, a, b: template.format(a, b),
    st.sampled_from(["m:p:{}", "m:s:{}:{}", "m:c:{}:{}", "m:t:{}", "m:x:{}", "m:xy:{}", "s:p:{}",
                     "s:t:{}", "s:c:{}", "s:o:{}", "s:od:{}", "o:v:{}", "m:c:{}:{}:0"]),
    st.one_of(numbers, odd_numbers), st.one_of(numbers, odd_numbers),
)
payloads = st.one_of(
    near_misses,
    structured_payloads,
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("utf-8", errors="replace")),
    st.builds(_repeat, st.text(min_size=1, max_size=10), st.integers(65, 5000)),
)
commands = st.one_of(
    st.sampled_from(["start", "help", "huongdan", "mucluc", "xemlai", "hoanthanh", "tiendo",
                     "xuat", "tonghop", "START", "start@gopy_test_bot"]),
    st.text(max_size=60),
)
media = st.one_of(st.sampled_from(["sticker", "photo", "voice", "video", "other"]),
                  st.text(max_size=20))


@dataclass(frozen=True)
class Event:
    """One thing an account does; turned into an Inbound with a message id when played."""

    account: Account
    kind: Kind
    update: int | None  # the platform's update number; None where the platform gives none
    text: str = ""
    command: str = ""
    data: str = ""
    edits: int = 0  # EDITED_TEXT: the message id it edits
    phone: str = ""
    own_contact: bool = True
    chat: str | None = None  # a chat id other than the account's own


def _what(kind: Kind, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"kind": st.just(kind), **fields})


_SAID_ANYWHERE = [
    _what(Kind.TEXT, text=texts),
    _what(Kind.TEXT, text=texts),
    _what(Kind.COMMAND, command=commands, text=st.one_of(texts, st.just(""))),
    _what(Kind.UNSUPPORTED, data=media),
]
SAID_ON_ZALO = st.one_of(*_SAID_ANYWHERE)  # Zalo has no buttons, contacts or edits
SAID_ON_TELEGRAM = st.one_of(
    *_SAID_ANYWHERE,
    _what(Kind.BUTTON, data=payloads),
    _what(Kind.BUTTON, data=near_misses),
    _what(Kind.EDITED_TEXT, text=texts, edits=st.integers(1, 12)),
    # A roster member's number, but on someone else's contact card (a forwarded contact).
    _what(Kind.CONTACT, phone=st.sampled_from(ROSTER_PHONES), own_contact=st.just(False)),
    _what(Kind.CONTACT, phone=st.text(max_size=30), own_contact=st.booleans()),
)
update_numbers = st.integers(1, 30)  # few, so repeats are common; drawn in any order
other_chats = st.one_of(st.none(), st.none(), st.none(), st.integers(-(2**40), 2**40).map(str))


@st.composite
def events(draw: st.DrawFn, who: st.SearchStrategy[Account] = accounts) -> Event:
    account = draw(who)
    if account.channel == "zalo":  # a Zalo message without an id has no update key
        what, update = draw(SAID_ON_ZALO), draw(st.one_of(update_numbers, st.none()))
    else:
        what, update = draw(SAID_ON_TELEGRAM), draw(update_numbers)
    return Event(account=account, update=update, chat=draw(other_chats), **what)


conversations = st.lists(events(), min_size=1, max_size=8)


# ---- the checks -------------------------------------------------------------


@dataclass
class Record:
    """What was sent during one example, and by whom, to hold the database to it."""

    bloc: Bloc
    said: set[tuple[int, str]] = field(default_factory=set)  # (member id, stripped text)
    members: set[int] = field(default_factory=set)  # members whose linked account did something
    proved: set[tuple[str, str]] = field(default_factory=set)  # accounts with a real credential
    handled: set[str] = field(default_factory=set)  # update keys already answered
    linked: dict[tuple[str, str], int] = field(default_factory=dict)  # account → member id

    def __post_init__(self) -> None:
        self.linked = {(a.channel, a.user_id): self.bloc.members[a.member].id
                       for a in LINKED if a.member}

    def sending(self, event: Event) -> None:
        """Note what the event says and who says it, as the database knows them right now."""
        account = event.account
        member_id = self.linked.get((account.channel, account.user_id))
        if member_id is not None:
            self.members.add(member_id)
            if event.kind in (Kind.TEXT, Kind.EDITED_TEXT):  # NUL is dropped: see engine.handle
                self.said.add((member_id, event.text.replace("\x00", "").strip()))
        elif self._proves_identity(event):
            # Hypothesis also draws literals from the code (the bloc's codes and phones):
            # whoever has the code, or shares their own roster phone, is let in by design.
            self.proved.add((account.channel, account.user_id))

    async def sent(self, sessions: async_sessionmaker[AsyncSession], event: Event) -> None:
        """Only an account not yet linked can change who is linked: then ask the database."""
        if (event.account.channel, event.account.user_id) in self.linked:
            return
        async with sessions() as session:
            rows = await session.execute(
                select(Identity.channel, Identity.user_id, Identity.member_id)
            )
        self.linked = {(channel, user): member for channel, user, member in rows}

    def _proves_identity(self, event: Event) -> bool:
        people = self.bloc.members.values()
        if event.kind is Kind.CONTACT:
            return event.own_contact and normalize_phone(event.phone) in {m.phone for m in people}
        if event.kind in (Kind.TEXT, Kind.COMMAND):
            return looks_like_code(event.text) in {m.access_code for m in people}
        return False


def check_reply(reply: Reply, max_text: int) -> None:
    """Shows in the chat: some text, within the limit; buttons with labels and short payloads."""
    where = f"reply {reply.text[:120]!r}"
    if reply.document is None:
        assert reply.text.strip(), f"empty reply: {reply!r}"[:300]
    assert len(reply.text) <= max_text, f"{where}: {len(reply.text)} > {max_text} characters"
    for button in reply.all_buttons():
        assert button.label.strip(), f"{where}: a button without a label"
        size = len(button.data.encode("utf-8"))
        assert size <= TELEGRAM_BUTTON_BYTES, f"{where}: payload {button.data!r} is {size} bytes"
    assert reply.text != strings.ERROR, "a handler failed (the engine answered with its apology)"


def check_answer(out: Iterable[Outgoing], caps: ChannelCaps) -> None:
    for item in out:
        if isinstance(item, Notify):
            check_reply(item.reply, min(SMALLEST_TEXT, caps.max_text))
        else:
            check_reply(item, caps.max_text)


async def check_database(sessions: async_sessionmaker[AsyncSession], record: Record) -> None:
    """Every saved comment is text its member typed; nobody outside the roster got in."""
    async with sessions() as session:
        parts = (await session.execute(
            select(Comment.member_id, CommentPart.text).join(Comment)
        )).all()
        comments = (await session.execute(select(Comment))).scalars().all()
        sections = set((await session.execute(select(Section.id))).scalars().all())
        opinions = (await session.execute(select(CellOpinion.author_id, CellOpinion.text))).all()
        identities = (await session.execute(select(Identity.channel, Identity.user_id))).all()
        by_comment: dict[int, list[str]] = {}
        for part in (await session.execute(select(CommentPart).order_by(CommentPart.id))).scalars():
            by_comment.setdefault(part.comment_id, []).append(part.text)
    for member_id, text in [*parts, *opinions]:
        assert (member_id, text) in record.said, f"member {member_id} never sent {text[:200]!r}"
    for comment in comments:
        assert comment.section_id in sections
        assert comment.member_id in record.members, "a comment by someone who never wrote"
        assert comment.text == "\n".join(by_comment.get(comment.id, []))
    allowed = {(a.channel, a.user_id) for a in LINKED} | record.proved
    let_in = {(c, u) for c, u in identities} - allowed
    assert not let_in, f"linked without the code or their own phone: {let_in}"


async def reset(sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock) -> None:
    """Each example starts from the bloc with its five accounts linked and nothing said."""
    async with UnitOfWork(sessions) as uow:
        for table in (CommentPart, Comment, CellOpinion, CellSubmission, ReminderSent, Progress,
                      HandledUpdate, LinkAttempt, Identity):
            await uow.session.execute(delete(table))
        for account in LINKED:
            assert account.member is not None
            uow.session.add(Identity(
                channel=account.channel, user_id=account.user_id, chat_id=account.user_id,
                member_id=bloc.members[account.member].id, linked_by=LinkedBy.CODE,
                linked_at=clock.now(), last_seen_at=clock.now(), last_menu=None,
            ))
        await uow.commit()


def to_inbound(event: Event, message_id: int) -> Inbound:
    account = event.account
    key = f"{account.channel}:{event.update}" if event.update is not None else ""
    fields: dict[str, str] = {}
    if event.kind in (Kind.TEXT, Kind.COMMAND):
        fields = {"text": event.text, "command": event.command, "message_id": str(message_id)}
    elif event.kind is Kind.EDITED_TEXT:
        fields = {"text": event.text, "message_id": str(event.edits)}
    elif event.kind is Kind.BUTTON:
        fields = {"data": event.data, "message_id": str(message_id)}
    elif event.kind is Kind.CONTACT:
        owner = account.user_id if event.own_contact else str(int(account.user_id) + 1)
        fields = {"contact_phone": event.phone, "contact_user_id": owner,
                  "message_id": str(message_id)}
    elif event.kind is Kind.UNSUPPORTED:
        fields = {"media": event.data, "message_id": str(message_id)}
    return Inbound(channel=account.channel, user_id=account.user_id,
                   chat_id=event.chat or account.user_id, kind=event.kind, update_key=key,
                   **fields)


# ---- the conversation core --------------------------------------------------


AN = Account("telegram", "1001", "an")


@BAD_INPUT
@given(conversation=conversations)
@example(conversation=[  # found by this test: the database refused the number (now a stale button)
    Event(AN, Kind.BUTTON, 1, data="m:c:99999999999999999999:0"),
    Event(AN, Kind.BUTTON, 2, data="m:s:2147483648:1"),
])
@example(conversation=[  # found by this test on PostgreSQL: NUL in a comment could not be saved
    Event(AN, Kind.BUTTON, 1, data="m:p:1"),
    Event(AN, Kind.TEXT, 2, text="abc\x00def"),
])
async def test_core_answers_anything_and_saves_only_what_members_typed(
    conversation: list[Event], engine: ConversationEngine,
    sessions: async_sessionmaker[AsyncSession], bloc: Bloc, clock: FakeClock,
) -> None:
    """Strangers, garbage, forged taps and repeats: a valid answer each time, no stray comment."""
    await reset(sessions, bloc, clock)
    record = Record(bloc)
    message_ids = itertools.count(1)  # a platform's message ids are unique in a chat
    for event in conversation:
        inbound = to_inbound(event, next(message_ids))
        record.sending(event)
        out = await engine.handle(inbound)
        await record.sent(sessions, event)
        if inbound.update_key in record.handled:
            assert out == [], f"{inbound.update_key} delivered again was not dropped"
        if inbound.update_key:
            record.handled.add(inbound.update_key)
        check_answer(out, engine.caps(inbound.channel))
    await check_database(sessions, record)


# ---- the Telegram webhook ---------------------------------------------------


@dataclass
class Webhook:
    url: str
    http: ClientSession
    sessions: async_sessionmaker[AsyncSession]

    async def answers(self) -> list[tuple[str, list[Outgoing]]]:
        """The replies the webhook's updates queued in the outbox, by chat; taken off it."""
        async with self.sessions() as session:
            rows = (await session.execute(select(OutboxMessage).where(
                OutboxMessage.status == OutboxStatus.PENDING).order_by(OutboxMessage.id))).scalars()
            found: dict[str, list[Outgoing]] = {}
            for row in rows:
                found.setdefault(row.chat_id, []).append(reply_from_json(row.reply))
                row.status = OutboxStatus.SENT
            await session.commit()
        return list(found.items())

    async def post(self, body: bytes) -> int:
        headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
        async with self.http.post(self.url, data=body, headers=headers) as response:
            return response.status


@pytest.fixture
async def webhook(
    fake_telegram: FakeTelegramServer, engine: ConversationEngine,
    sessions: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Webhook]:
    """The webhook route as `gopy run` serves it; replies are read off the outbox."""
    channel = TelegramChannel(make_bot(fake_telegram.token, fake_telegram.url),
                              webhook_secret=WEBHOOK_SECRET)
    server = WebhookServer("127.0.0.1", 0)
    server.add_route("/tg", channel.webhook(engine))
    await server.start()
    async with ClientSession() as http:
        yield Webhook(f"http://127.0.0.1:{server.port}/tg", http, sessions)
    await server.stop()
    await channel.close()


# A well-formed update whose text is half a UTF-16 pair, as a JSON escape.
LONE_SURROGATE_TEXT = json.dumps({"update_id": 7, "message": {
    "message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
    "from": {"id": 5, "is_bot": False, "first_name": "x"}, "text": "\ud800"}}).encode()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: (st.lists(children, max_size=5)
                      | st.dictionaries(st.text(max_size=20), children, max_size=5)),
    max_leaves=25,
)
bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.dictionaries(st.sampled_from(["update_id", "message", "callback_query", "edited_message",
                                     "poll", "chat_member"]), json_values, max_size=4)
    .map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=300),
    st.sampled_from([b"", b"{", b"null", b"[]", b'{"update_id": 1e400}', b'{"update_id": "1"}',
                     b'{"update_id": 1, "message": null}', b'\xff\xfe{"update_id": 1}',
                     '{"update_id": 1, "message": "\ud800"}'.encode("utf-8", "surrogatepass"),
                     LONE_SURROGATE_TEXT]),
)


@BAD_INPUT
@given(body=bodies)
async def test_webhook_never_fails_on_any_body(
    body: bytes, webhook: Webhook, sessions: async_sessionmaker[AsyncSession], bloc: Bloc
) -> None:
    """Any body with the right secret gets 200 or 400, never a server error; no comment is saved."""
    status = await webhook.post(body)
    assert status in (200, 400), f"{status} for {body[:200]!r}"
    try:
        parsed = json.loads(body)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or "update_id" not in parsed:
        assert status == 400, f"{body[:200]!r} is not an update but was accepted"
    async with sessions() as session:
        assert (await session.execute(select(CommentPart))).first() is None


MEMBER_USER = 1001  # linked to "an" by reset(); the other senders are strangers


def telegram_update(event: Event, update_id: int, message_id: int) -> dict[str, Any]:
    """The update Telegram would post for an event (commands keep their leading slash)."""
    user_id = int(event.account.user_id)
    user = {"id": user_id, "is_bot": False, "first_name": "Người gửi"}
    chat_id = int(event.chat) if event.chat else user_id
    chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group", "first_name": "Người gửi"}
    base = {"message_id": message_id, "date": 1764547200, "chat": chat, "from": user}
    if event.kind is Kind.BUTTON:
        return {"update_id": update_id, "callback_query": {
            "id": f"q{update_id}", "from": user, "chat_instance": "ci", "data": event.data,
            "message": {**base, "from": {"id": 123456, "is_bot": True, "first_name": "Góp ý"},
                        "text": "…"}}}
    if event.kind is Kind.CONTACT:
        owner = user_id if event.own_contact else user_id + 1
        return {"update_id": update_id, "message": {**base, "contact": {
            "phone_number": event.phone, "first_name": "Người gửi", "user_id": owner}}}
    if event.kind is Kind.EDITED_TEXT:
        return {"update_id": update_id, "edited_message": {
            **base, "message_id": event.edits, "edit_date": 1764547300, "text": event.text}}
    if event.kind is Kind.COMMAND:
        command = f"/{event.command} {event.text}"
        return {"update_id": update_id, "message": {**base, "text": command}}
    if event.kind is Kind.UNSUPPORTED:
        return {"update_id": update_id, "message": {**base, "dice": {"emoji": "🎲", "value": 3}}}
    return {"update_id": update_id, "message": {**base, "text": event.text}}


telegram_accounts = st.one_of(
    st.just(Account("telegram", str(MEMBER_USER), "an")),
    st.integers(1, 2**40).map(lambda n: Account("telegram", str(n), None)),
)
telegram_events = st.lists(st.tuples(events(telegram_accounts), st.integers(1, 20)),
                          min_size=1, max_size=8)


# Half the examples: the same core behind HTTP; the core test above goes deeper, faster.
@settings(BAD_INPUT, max_examples=max(1, BAD_INPUT.max_examples // 2))
@given(events=telegram_events)
async def test_webhook_saves_only_what_the_member_typed(
    events: list[tuple[Event, int]], webhook: Webhook, sessions: async_sessionmaker[AsyncSession],
    bloc: Bloc, clock: FakeClock, engine: ConversationEngine,
) -> None:
    """Real-shaped updates, repeated and out of order, from the member and from strangers."""
    await reset(sessions, bloc, clock)
    await webhook.answers()
    record = Record(bloc)
    message_ids = itertools.count(1)
    for event, update_id in events:
        record.sending(event)
        body = json.dumps(telegram_update(event, update_id, next(message_ids))).encode()
        assert await webhook.post(body) == 200, body[:300]
        await record.sent(sessions, event)
    for _chat, out in await webhook.answers():
        check_answer(out, engine.caps("telegram"))
    await check_database(sessions, record)
