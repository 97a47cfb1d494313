"""A member reads the draft section by section and comments with taps and text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.engine import ConversationEngine
from content import strings
from storage.models import Comment, Progress
from tests.conftest import Bloc
from tests.support.chat import Chat
from tests.support.clock import FakeClock


async def linked(engine: ConversationEngine, user: str = "1001", channel: str = "telegram") -> Chat:
    chat = Chat(engine, user_id=user, channel=channel)
    await chat.say("11112222")  # Nguyễn Văn An, cell GD1
    assert "Nguyễn Văn An" in chat.text
    return chat


async def saved(engine: ConversationEngine) -> list[Comment]:
    async with engine._factory() as s:
        result = await s.execute(select(Comment).order_by(Comment.section_id).options(selectinload(Comment.parts)))
        return list(result.scalars())


async def test_intro_then_sections_in_order_with_choices(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.command("start")
    assert "23 mục" in chat.text and "15/12/2026" in chat.text
    await chat.tap("Bắt đầu")
    assert chat.text.startswith("Mục 1/23")
    assert ["Nhất trí", "Nhất trí, có ý kiến bổ sung", "Không nhất trí", "Không có ý kiến"] == [
        label for label in chat.labels() if "trí" in label or "ý kiến" in label
    ][:4]
    await chat.tap("Nhất trí")
    assert "Đã ghi nhận: «Nhất trí» cho mục 1" in chat.text
    assert chat.replies[-1].text.startswith("Mục 2/23")


async def test_disagree_asks_for_text_and_messages_add_up(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.tap("Không nhất trí")
    assert "Xin đồng chí gõ ý kiến" in chat.text
    await chat.say("Đề nghị bổ sung số liệu năm 2019.")
    assert "Đã lưu ý kiến của đồng chí về mục 2" in chat.text
    await chat.say("Và sửa lỗi chính tả «chính đản».")
    [comment] = await saved(engine)
    assert comment.choice == "Không nhất trí"
    assert comment.text == "Đề nghị bổ sung số liệu năm 2019.\nVà sửa lỗi chính tả «chính đản»."
    assert comment.cell_id == bloc.members["an"].cell_id
    assert comment.section_id == bloc.section_ids[1]


async def test_long_section_is_paged_with_read_on(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:5")  # p1.r2.n1: about 13,700 characters
    assert "(trang 1/" in chat.text
    pages = int(chat.text.split("(trang 1/")[1].split(")")[0])
    assert pages >= 4
    seen = [chat.text]
    for _ in range(pages - 1):
        await chat.tap("Đọc tiếp")
        seen.append(chat.text)
    assert f"(trang {pages}/{pages})" in seen[-1]
    assert all(len(text) <= 4096 for text in seen)
    assert "Đọc tiếp" not in " ".join(chat.labels())


async def test_every_screen_fits_telegram_and_zalo(engine: ConversationEngine, bloc: Bloc) -> None:
    for channel, limit in (("telegram", 4096), ("zalo", 2000)):
        chat = await linked(engine, user=f"{channel}-1", channel=channel)
        for position in range(1, 24):
            await chat.press(f"m:p:{position}")
            while True:
                assert all(len(r.text) <= limit for r in chat.replies), (channel, position)
                assert all(len(b.data.encode()) <= 64 for r in chat.replies for b in r.all_buttons())
                if not any("Đọc tiếp" in label for label in chat.labels()):
                    break
                await chat.tap("Đọc tiếp")


async def test_toc_review_finish_and_confirm(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:1")
    await chat.tap("Nhất trí")
    await chat.tap("Mục lục")
    assert "(1/23 mục đã góp ý)" in chat.text
    assert "✅ Mục 1:" in chat.text and "▫️ Mục 2:" in chat.text
    await chat.tap("3")
    assert chat.text.startswith("Mục 3/23")
    await chat.say("Ý kiến riêng cho mục 3")
    await chat.tap("Mục lục")
    await chat.tap("Xem ý kiến")
    assert "Ý kiến riêng cho mục 3" in chat.text and "«Nhất trí»" in chat.text
    await chat.tap("Hoàn thành")
    assert "2/23 mục" in chat.text and "Các mục chưa góp ý: 2, 4" in chat.text
    await chat.tap("Xác nhận")
    assert "Xin cảm ơn đồng chí" in chat.text
    async with engine._factory() as s:
        progress = (await s.execute(select(Progress))).scalar_one()
    assert progress.finished_at is not None


async def test_resumes_where_it_stopped_after_a_restart(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:7")
    restarted = ConversationEngine(
        engine._factory, clock=engine._clock, tz=engine._tz, limits=engine._limits,
        caps={"telegram": engine.caps("telegram")},
    )
    chat.engine = restarted
    await chat.command("start")
    assert "Đồng chí đang ở mục 7/23" in chat.text
    assert chat.replies[-1].text.startswith("Mục 7/23")


async def test_repeated_update_is_handled_once(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.say("Một ý kiến", update_key="telegram:777")
    await chat.say("Một ý kiến", update_key="telegram:777")
    assert chat.replies == []
    [comment] = await saved(engine)
    assert comment.text == "Một ý kiến"


async def test_edited_message_updates_the_saved_comment(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.say("Dòng thứ nhất")  # message 2 of this chat (1 was the code)
    await chat.say("Dòng thứ hai")
    await chat.edit(2, "Dòng thứ nhất, đã sửa")
    assert "Đã cập nhật ý kiến mục 2" in chat.text
    [comment] = await saved(engine)
    assert comment.text == "Dòng thứ nhất, đã sửa\nDòng thứ hai"


async def test_clear_text_keeps_the_choice(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.tap("bổ sung")
    await chat.say("Viết nhầm")
    await chat.press("m:p:2")
    await chat.tap("Xoá phần ý kiến")
    await chat.tap("Đồng ý xoá")
    assert "Đã xoá" in chat.text
    [comment] = await saved(engine)
    assert (comment.choice, comment.text, comment.parts) == ("Nhất trí, có ý kiến bổ sung", "", [])


async def test_bad_input_is_answered_and_changes_nothing(engine: ConversationEngine, bloc: Bloc) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.say("Ý kiến đã lưu")
    before = [(c.choice, c.text) for c in await saved(engine)]

    await chat.sticker()
    assert "nhãn dán" in chat.text
    await chat.say("x" * 20_000)
    assert "vượt mức 4000 ký tự" in chat.text
    for forged in ["m:c:999999:0", f"m:c:{bloc.section_ids[1]}:9", "m:c:abc:0", "zzz", "m", "",
                   "s:progress:GD2", "m:xy:999999"]:
        await chat.press(forged)
        assert chat.text == strings.STALE_BUTTON, forged
    await chat.command("xoahet")
    assert "Không có lệnh" in chat.text
    await chat.contact("0912345678")
    assert "đã được xác nhận" in chat.text
    assert [(c.choice, c.text) for c in await saved(engine)] == before


async def test_after_the_deadline_nothing_changes(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    chat = await linked(engine)
    await chat.press("m:p:2")
    await chat.tap("Nhất trí, có ý kiến bổ sung")
    await chat.say("Trước hạn")
    clock.set(bloc.consultation.deadline + timedelta(minutes=1))
    await chat.press("m:p:2")
    await chat.tap("Không nhất trí")
    assert "Đã hết hạn góp ý" in chat.text
    await chat.say("Sau hạn")
    assert "Đã hết hạn góp ý" in chat.text
    [comment] = await saved(engine)
    assert (comment.choice, comment.text) == ("Nhất trí, có ý kiến bổ sung", "Trước hạn")


async def test_buttonless_channel_answers_by_number_and_words(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    chat = await linked(engine, user="z1", channel="zalo")
    await chat.command("start")
    await chat.say("1")  # the only choice offered: start reading
    assert chat.text.startswith("Mục 1/23")
    await chat.say("1")  # first button of section 1: Nhất trí
    assert "«Nhất trí» cho mục 1" in chat.text
    await chat.say("muc luc")
    assert "Mục lục" in chat.text
    await chat.say("99")
    assert "Không có lựa chọn số 99" in chat.text
    [comment] = await saved(engine)
    assert comment.choice == "Nhất trí"
