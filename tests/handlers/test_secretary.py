"""A cell secretary watches the cell, nudges, writes its opinion, submits and reopens it."""

from __future__ import annotations

import codecs
import csv
import io

from sqlalchemy import select

from bot.engine import ConversationEngine
from content import strings
from handlers.conversation import Notify
from storage.models import CellOpinion, CellSubmission, Comment, ReminderSent
from storage.uow import UnitOfWork
from tests.conftest import DEADLINE, Bloc
from tests.support import fill
from tests.support.chat import Chat
from tests.support.clock import FakeClock

CODES = {
    "an": "11112222",
    "binh": "22223333",
    "chi": "33334444",
    "dung": "44445555",
    "office": "55556666",
}
SECRETARY_PAYLOADS = [
    "s:p:1",
    "s:t:1",
    "s:c:1",
    "s:o:1",
    "s:od:1",
    "s:n",
    "s:ny",
    "s:f",
    "s:fy",
    "s:r",
    "s:d",
]
SECRETARY_COMMANDS = ["tiendo", "xuat"]


async def person(engine: ConversationEngine, who: str, channel: str = "telegram") -> Chat:
    chat = Chat(engine, user_id=f"{channel}-{who}", channel=channel)
    await chat.say(CODES[who])
    assert "Đã xác nhận" in chat.text
    return chat


async def seed(engine: ConversationEngine, bloc: Bloc, clock: FakeClock) -> None:
    """an finished with two answers; chi (other cell) commented on section 1."""
    m, cid, s = bloc.members, bloc.consultation.id, bloc.section_ids
    async with UnitOfWork(engine._factory) as uow:
        fill.progress(uow.session, m["an"], cid, clock.now(), finished=True)
        fill.comment(
            uow.session, m["an"], s[0], cid, clock.now(), choice="Nhất trí", text="Rất đồng tình"
        )
        fill.comment(uow.session, m["an"], s[1], cid, clock.now(), choice="Không nhất trí")
        fill.comment(uow.session, m["chi"], s[0], cid, clock.now(), text="Bí mật của chi bộ GD2")
        await uow.commit()


async def test_start_offers_the_cell_menu_to_secretaries_only(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    binh = await person(engine, "binh")
    await binh.command("start")
    assert strings.BTN_CELL_PROGRESS in binh.labels()
    an = await person(engine, "an")
    await an.command("start")
    assert strings.BTN_CELL_PROGRESS not in an.labels()
    await binh.tap("Bắt đầu")  # a secretary comments like any member, and keeps the menu
    await binh.command("start")
    assert strings.BTN_CELL_PROGRESS in binh.labels() and "Mục 1/23" in binh.text


async def test_progress_shows_own_cell_with_names_and_sections(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    await seed(engine, bloc, clock)
    binh = await person(engine, "binh")
    await binh.command("start")
    await binh.tap(strings.BTN_CELL_PROGRESS)
    text = binh.text
    assert "Chi bộ Văn phòng Sở (GD1)" in text
    assert "Đã hoàn thành: 1/2" in text and "Chưa bắt đầu: 1" in text
    assert "✅ Đã hoàn thành (1): Nguyễn Văn An" in text
    assert "⏳ Chưa bắt đầu (1): Trần Thị Bình" in text
    assert "15/12/2026" in text and "còn 14 ngày 8 giờ" in text
    assert "Mục 1 · Phần mở đầu: 1 — Nhất trí 1 · ✍️ 1 có nội dung" in text
    assert "Lê Minh Chí" not in text and "GD2" not in text
    await binh.command("tiendo")
    assert binh.text == text
    zalo = await person(engine, "binh", channel="zalo")
    await zalo.say("tiến độ")
    assert "Đã hoàn thành: 1/2" in zalo.text and all(len(r.text) <= 2000 for r in zalo.replies)


async def test_large_cell_progress_is_paged_to_fit(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    from storage.models import Member, Role

    async with UnitOfWork(engine._factory) as uow:
        uow.session.add_all(
            Member(
                full_name=f"Đảng viên thứ {i:03d} có tên khá dài",
                phone=f"0930{i:06d}",
                cell_id=bloc.members["an"].cell_id,
                role=Role.MEMBER,
                access_code=f"7{i:07d}",
            )
            for i in range(300)
        )
        await uow.commit()
    binh = await person(engine, "binh", channel="zalo")
    await binh.press("s:p:1")
    assert "(trang 1/" in binh.text and all(len(r.text) <= 2000 for r in binh.replies)
    pages = int(binh.text.split("(trang 1/")[1].split(")")[0])
    seen = 1
    while "▶️" in binh.labels():
        await binh.tap("▶️")
        seen += 1
        assert all(len(r.text) <= 2000 for r in binh.replies)
    assert seen == pages and "Theo mục" in binh.text


async def test_members_cannot_see_or_use_secretary_commands(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    an = await person(engine, "an")
    for payload in [*SECRETARY_PAYLOADS, "o:v:1", "o:e", "o:ec", "o:ex"]:
        await an.press(payload)
        assert an.text == strings.STALE_BUTTON, payload
        assert all(r.document is None and r.export is None for r in an.replies)
    for name in [*SECRETARY_COMMANDS, "tonghop"]:
        await an.command(name)
        assert an.text.startswith(strings.UNKNOWN_COMMAND.split("«")[0]), name
    await an.say("tiến độ")  # just text to a member: not a report
    assert "Tiến độ góp ý" not in an.text


async def test_unknown_user_gets_only_the_welcome(engine: ConversationEngine, bloc: Bloc) -> None:
    stranger = Chat(engine, user_id="stranger")
    for payload in ["s:p:1", "o:v:1", "s:d"]:
        await stranger.press(payload)
        assert "xác nhận danh tính" in stranger.text and not stranger.notices
    await stranger.command("tiendo")
    assert "Tiến độ" not in stranger.text


async def test_secretary_sees_only_own_cell_even_with_forged_data(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock
) -> None:
    await seed(engine, bloc, clock)
    gd2 = bloc.members["chi"].cell_id
    binh = await person(engine, "binh")
    for forged in [
        f"s:p:1:{gd2}",
        f"s:c:1:{gd2}",
        f"s:t:1:{gd2}",
        f"s:d:{gd2}",
        f"s:f:{gd2}",
        f"s:n:{gd2}",
        "s:p:GD2",
        "s:c:x",
    ]:
        await binh.press(forged)
        assert binh.text == strings.STALE_BUTTON, forged
    await binh.command("tiendo", "GD2")  # an argument naming another cell is ignored
    assert "GD1" in binh.text and "Lê Minh Chí" not in binh.text
    await binh.press("s:c:1")
    assert "Nguyễn Văn An" in binh.text and "Rất đồng tình" in binh.text
    assert "Bí mật của chi bộ GD2" not in binh.text and "Lê Minh Chí" not in binh.text
    await binh.press("s:d")
    document = await binh.document()
    assert document.filename.endswith(".csv")
    assert document.content.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"), newline="")))
    assert {row[5] for row in rows[1:]} == {"GD1"} and len(rows) == 3
    office = await person(engine, "office")  # the Office is not a secretary either
    await office.press("s:p:1")
    assert office.text == strings.STALE_BUTTON
    await binh.press("o:v:1")
    assert binh.text == strings.STALE_BUTTON


async def test_nudge_asks_first_notifies_unfinished_and_waits_an_hour(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock, later
) -> None:
    binh = await person(engine, "binh")
    await binh.press("s:n")
    assert "Nguyễn Văn An" in binh.text and "nhắc trực tiếp" in binh.text  # an has no chat yet
    assert strings.BTN_NUDGE_SEND not in binh.labels()
    an = await person(engine, "an")
    await binh.press("s:n")
    assert "Gửi lời nhắc ngay tới 1 đồng chí" in binh.text and not binh.notices
    await binh.tap(strings.BTN_NUDGE_SEND)
    [notice] = binh.notices
    assert isinstance(notice, Notify) and notice.member_id == bloc.members["an"].id
    assert "Trần Thị Bình" in notice.reply.text and [
        b.data for b in notice.reply.all_buttons()
    ] == ["m:go"]
    assert "Đã gửi lời nhắc tới 1 đồng chí" in binh.text
    async with engine._factory() as s:
        [sent] = (await s.execute(select(ReminderSent))).scalars()
    assert sent.slot == "nudge:2026-12-01T09:00" and sent.member_id == bloc.members["an"].id
    later(minutes=59)
    await binh.press("s:ny")  # a replayed confirmation is refused too
    assert "Mỗi giờ chỉ nhắc một lần" in binh.text and not binh.notices
    later(minutes=1)
    await binh.press("s:ny")
    assert len(binh.notices) == 1
    await an.press("m:p:1")
    await an.tap("Nhất trí")
    await an.press("m:f")
    await an.tap("Xác nhận")
    later(hours=2)
    await binh.press("s:n")
    assert binh.text == strings.NUDGE_NOBODY


async def test_cell_opinion_is_kept_apart_from_own_comment(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    binh = await person(engine, "binh")
    await binh.press("s:c:2")
    await binh.tap(strings.BTN_OPINION)
    assert "ý kiến chung của chi bộ" in binh.text
    await binh.say('Chi bộ đề nghị, bổ sung "kinh tế số"')
    assert "Đã lưu ý kiến chung của chi bộ về mục 2" in binh.text
    await binh.press("m:p:2")
    await binh.say("Ý kiến riêng của tôi")  # the opinion mode ended with the saved message
    assert "Đã lưu ý kiến của đồng chí về mục 2" in binh.text
    await binh.press(f"s:o:{bloc.section_ids[2]}")
    await binh.press("m:p:3")  # any tap cancels the pending opinion
    await binh.say("Riêng mục 3")
    assert "Đã lưu ý kiến của đồng chí về mục 3" in binh.text
    async with engine._factory() as s:
        [opinion] = (await s.execute(select(CellOpinion))).scalars()
        comments = {c.section_id: c.text for c in (await s.execute(select(Comment))).scalars()}
    assert (
        opinion.text == 'Chi bộ đề nghị, bổ sung "kinh tế số"'
        and opinion.section_id == bloc.section_ids[1]
    )
    assert comments == {
        bloc.section_ids[1]: "Ý kiến riêng của tôi",
        bloc.section_ids[2]: "Riêng mục 3",
    }
    await binh.press("s:c:2")
    assert "kinh tế số" in binh.text
    await binh.tap(strings.BTN_OPINION_DELETE)
    assert "Đã xoá ý kiến chung" in binh.text


async def test_submit_confirms_notifies_office_locks_members_and_reopens(
    engine: ConversationEngine, bloc: Bloc, clock: FakeClock, later
) -> None:
    await seed(engine, bloc, clock)
    an = await person(engine, "an")
    binh = await person(engine, "binh")
    await binh.press("s:p:1")
    await binh.tap(strings.BTN_SUBMIT)
    assert "1/2 đồng chí đã hoàn thành" in binh.text and "2 lượt góp ý trên 2/23 mục" in binh.text
    assert not binh.notices
    await binh.tap(strings.BTN_SUBMIT_YES)
    assert "Đã chốt ý kiến chi bộ" in binh.text
    [notice] = binh.notices
    assert notice.member_id == bloc.members["office"].id
    assert "Chi bộ Văn phòng Sở" in notice.reply.text and "Trần Thị Bình" in notice.reply.text
    async with engine._factory() as s:
        [sub] = (await s.execute(select(CellSubmission))).scalars()
    assert sub.submitted_by == bloc.members["binh"].id and sub.submitted_at == clock.now()

    await an.press("m:p:1")  # members still read
    assert an.text.startswith("Mục 1/23") and "Rất đồng tình" in an.text
    await an.tap("Không nhất trí")
    assert "đã chốt ý kiến" in an.text
    await an.say("Sửa lại")
    assert "đã chốt ý kiến" in an.text
    await an.press("m:r")
    assert "Rất đồng tình" in an.text
    await binh.press(f"s:o:{bloc.section_ids[0]}")
    assert "Mở lại để sửa" in binh.text
    await binh.press("s:fy")  # a second confirmation does not submit twice
    assert "đã chốt ý kiến lúc" in binh.text and not binh.notices

    later(hours=1)
    await binh.press("s:p:1")
    await binh.tap(strings.BTN_REOPEN)
    assert "Đã mở lại" in binh.text
    assert [n.member_id for n in binh.notices] == [bloc.members["office"].id]
    await an.press("m:p:1")
    await an.tap("Không nhất trí")
    assert "Đã ghi nhận" in an.text

    clock.set(DEADLINE)
    await binh.press("s:f")
    await binh.tap(strings.BTN_SUBMIT_YES)  # handing up is still possible after the deadline
    assert "Đã chốt" in binh.text
    await binh.press("s:r")
    assert "không mở lại được" in binh.text
