"""End to end over the fake Telegram: a member comments on lần 4, the Office loads lần 5
while the bot runs, and the member is shown what changed in their section, once."""

from __future__ import annotations

from bot import bootstrap
from bot.config import Settings
from content.draft_parser import parse_draft
from storage import versions
from storage.consultations import current_consultation
from tests.bot.channels.test_telegram_e2e import (
    USER,
    Member_,
    load_sample,
    running_bot,
    settings_for,
)
from tests.fakes.telegram_server import FakeTelegramServer
from tests.storage.test_versions import LAN5


async def load_fifth(settings: Settings) -> None:
    """What `gopy draft load … --next-version` does, from another process's App."""
    app = await bootstrap.build(settings)
    async with app.uow() as uow:
        document = await current_consultation(uow.session)
        assert document is not None
        await versions.load_next_version(uow.session, document,
                                         parse_draft(LAN5.read_text(encoding="utf-8")),
                                         now=app.clock.now(), source_name=LAN5.name)
        await uow.commit()
    await app.close()


async def test_telegram_member_sees_the_change_in_their_section_once(
    fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    server = fake_telegram
    settings = settings_for(server, database_url)
    await load_sample(settings)
    member = Member_(server, USER)
    async with running_bot(settings):
        await member.link_by_contact()
        intro = await member.expect("23 mục")
        member.tap(intro, "Bắt đầu")
        first = await member.expect("Mục 1/23")
        member.tap(first, "Mục lục")
        contents = await member.expect("Mục lục")
        member.tap(contents, "4")
        old_page = await member.expect("Mục 4/23")  # «2. Khó khăn»: lần 5 rewords a sentence
        member.tap(old_page, "Không nhất trí")
        await member.expect("gõ ý kiến")
        server.push_text(USER, "Đề nghị không nêu việc Tỉnh ủy điều động nhân sự.")
        await member.expect("Đã lưu ý kiến của đồng chí về mục 4")

        await load_fifth(settings)

        server.push_command(USER, "/start")
        news = await member.expect("Dự thảo đã có bản mới: Dự thảo lần 5")
        assert "• Mục 4. 2. Khó khăn" in news["text"]
        place = await member.expect("Mục 4/23")  # where they were, in the new version
        assert "việc điều động, luân chuyển nhiều cán bộ chủ chốt" in place["text"]
        assert "(góp vào Dự thảo lần 4): «Không nhất trí»" in place["text"]
        # The change came just before the page, once: struck out, then bold.
        messages = server.sent_messages(USER)
        note = messages[messages.index(place) - 1]
        assert note["text"].startswith("✏️ Mục này đã sửa trong Dự thảo lần 5:")
        assert note["parse_mode"] == "HTML"
        assert ("• «<s>Tỉnh ủy điều động thay đổi nhiều nhân sự của Đảng ủy Khối đặc biệt</s>»"
                " → «<b>việc điều động, luân chuyển nhiều cán bộ chủ chốt của Đảng ủy Khối,"
                " nhất</b>»") in note["text"]
        assert note["text"].count("\n•") == 2  # two changes, a phone screen

        member.tap(place, "Mục lục")
        contents = await member.expect("Mục lục")
        member.tap(contents, "4")
        again = await member.expect("Mục 4/23")
        between = server.sent_messages(USER)
        assert not any("đã sửa trong" in (m.get("text") or "")
                       for m in between[between.index(contents):between.index(again)])

        # A button under lần 4's page: the section it became, nothing saved by the tap.
        member.tap(old_page, "Nhất trí")
        await member.expect("Tin nhắn đó thuộc bản dự thảo trước")
        await member.expect("Mục 4/23")
