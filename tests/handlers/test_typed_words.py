"""Without buttons (Zalo), every button a member has is a typed number or word away."""

from __future__ import annotations

from sqlalchemy import select

from bot.engine import ConversationEngine
from content import strings
from handlers.conversation import numbered
from storage.models import Comment
from tests.conftest import Bloc
from tests.support.chat import Chat


async def on_zalo(engine: ConversationEngine, code: str = "11112222", user: str = "z1") -> Chat:
    chat = Chat(engine, user_id=user, channel="zalo")
    await chat.say(code)
    assert "Đã xác nhận" in chat.text
    return chat


async def comments(engine: ConversationEngine) -> list[tuple[str | None, str]]:
    async with engine._factory() as s:
        rows = await s.scalars(select(Comment).order_by(Comment.section_id))
        return [(c.choice, c.text) for c in rows]


async def test_a_choice_typed_by_name_answers_the_open_section(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await on_zalo(engine)
    await chat.say("mục 2")
    assert chat.text.startswith("Mục 2/23")
    assert strings.SECTION_ASK_TYPED in chat.text

    await chat.say("Nhất trí, có ý kiến bổ sung!")
    assert "«Nhất trí, có ý kiến bổ sung» cho mục 2" in chat.text
    await chat.say("Bổ sung số liệu.")
    await chat.say("lai")
    await chat.say("KHONG CO Y KIEN")
    assert "«Không có ý kiến» cho mục 1" in chat.text

    assert await comments(engine) == [
        ("Không có ý kiến", ""), ("Nhất trí, có ý kiến bổ sung", "Bổ sung số liệu.")]


async def test_a_choice_name_before_reading_is_not_saved_anywhere(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await on_zalo(engine)

    await chat.say("nhất trí")

    assert "chưa mở mục nào" in chat.text
    assert await comments(engine) == []


async def test_read_on_clear_confirm_and_help_by_word(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await on_zalo(engine)
    await chat.say("muc 5")  # about 13,700 characters: several pages
    assert "(trang 1/" in chat.text
    await chat.say("đọc tiếp")
    assert "(trang 2/" in chat.text

    await chat.say("Ý kiến thứ nhất.")
    await chat.say("xoá")
    assert "Xoá phần ý kiến đã gõ ở mục 5?" in chat.text
    await chat.say(number_of_label(chat, "Đồng ý xoá"))
    assert "Đã xoá phần ý kiến đã gõ ở mục 5" in chat.text

    await chat.say("xong")
    assert "Hoàn thành góp ý" in chat.text
    await chat.say("xac nhan")
    assert "Xin cảm ơn đồng chí đã góp ý" in chat.text

    await chat.say("hướng dẫn")
    assert chat.text == strings.HELP_TYPED
    await chat.command("help")
    assert chat.text == strings.HELP_TYPED


async def test_table_of_contents_numbers_are_section_numbers(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await on_zalo(engine)
    await chat.say("muc luc")
    assert strings.TOC_HINT_TYPED in chat.text
    await chat.say(number_of_label(chat, "Trang sau"))
    assert "Mục 16:" in chat.text

    await chat.say("3")  # listed on the first page only
    assert "Không có lựa chọn số 3" in chat.text
    await chat.say("20")
    assert chat.text.startswith("Mục 20/23")


async def test_one_answer_offers_one_numbered_list(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await on_zalo(engine, code="22223333")  # Trần Thị Bình, cell secretary
    await chat.say("1")  # start reading
    await chat.command("start")  # welcome back (with her own menu) and the section

    assert [bool(r.buttons) for r in chat.replies] == [False, True]
    labels = chat.labels()
    assert labels[0] == "Nhất trí" and strings.BTN_CELL_PROGRESS in labels
    await chat.say(str(labels.index(strings.BTN_CELL_PROGRESS) + 1))
    assert "Tiến độ góp ý" in chat.text


async def test_unsupported_messages_say_to_type(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await on_zalo(engine)

    await chat.sticker()

    assert chat.text == f"{strings.UNSUPPORTED['sticker']} {strings.UNSUPPORTED_HINT_TYPED}"


def number_of_label(chat: Chat, label: str) -> str:
    """The number the renderer would show for a button of the last answer."""
    for reply in chat.replies:
        for n, button in numbered(reply.all_buttons()):
            if label in button.label:
                return str(n)
    raise AssertionError(f"no button {label!r}")
