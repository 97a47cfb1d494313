"""A section page has the document's shape in its styled form; its text, what Zalo and the
terminal show, reads exactly as before."""

from __future__ import annotations

from bot.engine import ConversationEngine
from content import strings
from content.text import shorten
from handlers.styled import Span, Style, plain
from storage.consultations import list_sections
from tests.conftest import Bloc
from tests.support.chat import Chat

COMMENT = "Sửa <5%> & *chỉ tiêu* _x_ </blockquote> 😀"


async def test_page_styles_title_path_and_the_members_answer(
    engine: ConversationEngine, bloc: Bloc
) -> None:
    for channel, code in (("telegram", "11112222"), ("zalo", "33334444")):
        chat = Chat(engine, user_id=f"7{len(channel)}", channel=channel)
        await chat.say(code)
        await chat.press("m:p:3")
        async with engine._factory() as session:
            section = (await list_sections(session, bloc.consultation.id))[2]
        [page] = chat.replies
        context = " › ".join(shorten(p, 50) for p in section.path)
        expected_head = [f"Mục 3/23 · {context}", "━━━━━━━━━━", section.label, ""]
        assert page.text.split("\n")[:4] == expected_head
        assert plain(page.styled) == page.text
        assert Span(section.label, Style.BOLD) in page.styled
        assert Span(context, Style.ITALIC) in page.styled
        assert not [s for s in page.styled if s.style is Style.QUOTE]

        await chat.tap("Không nhất trí")
        await chat.say(COMMENT)
        await chat.press("m:p:3")
        [page] = chat.replies
        answer = strings.SECTION_CURRENT.format(summary=f"«Không nhất trí» — {COMMENT}")
        assert answer in page.text.split("\n")  # a line of its own, as before
        assert [s for s in page.styled if s.style is Style.QUOTE] == [Span(answer, Style.QUOTE)]
