"""Only people on the roster get in, by their own phone number or their personal code."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.engine import ConversationEngine
from content import strings
from storage.models import Comment, Identity
from tests.conftest import Bloc
from tests.support.chat import Chat


async def identities(engine: ConversationEngine) -> int:
    async with engine._factory() as s:
        return (await s.execute(select(func.count()).select_from(Identity))).scalar_one()


async def test_unknown_person_is_asked_to_identify_and_can_do_nothing_else(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = Chat(engine)
    await chat.command("start")
    assert "xác nhận danh tính" in chat.text
    assert chat.replies[0].ask_contact
    await chat.say("Tôi nhất trí với dự thảo")
    assert "xác nhận danh tính" in chat.text
    await chat.press(f"m:c:{bloc.section_ids[0]}:0")
    assert "xác nhận danh tính" in chat.text
    async with engine._factory() as s:
        assert (await s.execute(select(func.count()).select_from(Comment))).scalar_one() == 0


async def test_contact_links_whatever_way_the_number_is_written(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    for user, phone in [("1", "+84912345678"), ("2", "84 987 654 321"), ("3", "0909 000 111")]:
        chat = Chat(engine, user_id=user)
        await chat.contact(phone)
        assert "Đã xác nhận" in chat.text, chat.text
        assert chat.replies[0].clear_keyboard
    assert await identities(engine) == 3


async def test_someone_elses_contact_is_refused(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = Chat(engine)
    await chat.contact("0912345678", own=False)
    assert "chính mình" in chat.text
    assert await identities(engine) == 0


async def test_number_not_on_roster_is_told_whom_to_ask(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = Chat(engine)
    await chat.contact("0900000000")
    assert "chưa có trong danh sách" in chat.text
    assert "bí thư chi bộ" in chat.text
    assert await identities(engine) == 0


async def test_code_links_typed_or_as_start_argument(engine: ConversationEngine, bloc: Bloc) -> None:
    typed = Chat(engine, user_id="10")
    await typed.say("1111 2222")
    assert "Nguyễn Văn An" in typed.text
    deep_link = Chat(engine, user_id="11", channel="zalo")
    await deep_link.command("start", "22223333")
    assert "Trần Thị Bình" in deep_link.text


async def test_code_links_one_account_per_channel(engine: ConversationEngine, bloc: Bloc) -> None:
    await Chat(engine, user_id="10").say("11112222")
    thief = Chat(engine, user_id="66")
    await thief.say("11112222")
    assert "đã được dùng" in thief.text
    assert await identities(engine) == 1
    on_zalo = Chat(engine, user_id="z-10", channel="zalo")
    await on_zalo.say("11112222")
    assert "Nguyễn Văn An" in on_zalo.text


async def test_guessing_codes_is_stopped(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = Chat(engine)
    for guess in range(5):
        await chat.say(f"0000000{guess}")
        assert "không đúng" in chat.text
    await chat.say("11112222")  # even the right code is refused for an hour now
    assert chat.text == strings.TOO_MANY_ATTEMPTS
    assert await identities(engine) == 0
