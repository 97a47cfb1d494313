"""End to end over the fake Telegram: a section page reads like the document (bold number and
title, italic heading path) and a member's comment comes back as a quote, however much of the
draft and the comment looks like markup; every request passes the Bot API spec checks."""

from __future__ import annotations

from typing import Any

from aiogram import Bot

from bot.channels.telegram import TelegramChannel
from handlers.conversation import Reply
from handlers.styled import Span, Style
from tests.bot.channels.test_telegram_e2e import USER, Member_, load_sample, settings_for
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_spec import visible_text
from tests.support.running import running

# Text converted from Word keeps what looks like markup; emphasis marks the parser drops.
DRAFT = """Kính gửi các đồng chí đảng viên <chi bộ> & "các tổ".

PHẦN I. KINH TẾ <SỐ> & XÃ HỘI

1. Tăng trưởng <5%> & bền vững 📈

Giữ tốc độ tăng trưởng > 5% & thu nhập bình quân tăng__ 10%⁽¹⁾; ký hiệu `mã` và _nghiêng_ 😀.

⁽¹⁾. Số liệu của Cục Thống kê <2019> & ước 2020.

2. Chuyển đổi số

Đẩy mạnh chuyển đổi số trong cơ quan đảng.
"""
COMMENT = "Đề nghị sửa <5%> thành ≥ 6% & thêm *chỉ tiêu* </blockquote><b>_x_</b> 👍"
LABEL = "1. Tăng trưởng <5%> & bền vững 📈"
PATH = "Phần I: Kinh tế <số> & xã hội"


def styled(message: dict[str, Any]) -> dict[str, list[str]]:
    """The text under each entity of a message as Telegram keeps it (offsets in UTF-16)."""
    units = message["text"].encode("utf-16-le")
    found: dict[str, list[str]] = {}
    for entity in message.get("entities", []):
        start, end = 2 * entity["offset"], 2 * (entity["offset"] + entity["length"])
        found.setdefault(entity["type"], []).append(units[start:end].decode("utf-16-le"))
    return found


def shown(server: FakeTelegramServer, sent: dict[str, Any]) -> dict[str, Any]:
    """The message in the chat for what the bot sent: visible text and entities."""
    text = visible_text(sent["text"], sent.get("parse_mode"))
    return next(m for m in server.chat_history(USER) if m.get("text") == text)


async def test_section_page_is_styled_and_the_comment_quoted_back(
    fake_telegram: FakeTelegramServer, database_url: str
) -> None:
    server = fake_telegram
    settings = settings_for(server, database_url)
    await load_sample(settings, DRAFT, title="Dự thảo <thử> & mẫu")
    member = Member_(server, USER)

    async with running(settings):
        server.push_contact(USER, "0912 345 678", contact_user_id=USER)
        intro = await member.expect("3 mục")
        member.tap(intro, "Bắt đầu")
        preamble = await member.expect("Mục 1/3")
        member.tap(preamble, "Mục sau")
        section = await member.expect("Mục 2/3")
        member.tap(section, "Không nhất trí")
        await member.expect("Xin đồng chí gõ ý kiến")
        server.push_text(USER, COMMENT)
        saved = await member.expect("Đã lưu ý kiến")
        member.tap(saved, "Mục sau")
        following = await member.expect("Mục 3/3")
        member.tap(following, "Mục trước")
        again = await member.expect("Mục 2/3")

    assert server.violations == []
    assert section["parse_mode"] == again["parse_mode"] == "HTML"
    assert "&lt;5%&gt; &amp; bền vững" in again["text"]  # the draft's text escaped, not markup
    page = shown(server, again)
    assert styled(page) == {
        "bold": [LABEL],
        "italic": [PATH],
        "blockquote": [f"Ý kiến của đồng chí: «Không nhất trí» — {COMMENT}"],
    }
    lines = page["text"].split("\n")
    assert lines[:3] == [f"Mục 2/3 · {PATH}", "━━━━━━━━━━", LABEL]
    assert "Giữ tốc độ tăng trưởng > 5% & thu nhập bình quân tăng__ 10%⁽¹⁾" in page["text"]
    assert "(1) Số liệu của Cục Thống kê <2019> & ước 2020." in lines
    first_visit = shown(server, section)
    assert "blockquote" not in styled(first_visit)  # nothing answered yet: nothing to quote


async def test_markup_telegram_refuses_still_brings_the_words(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    channel = TelegramChannel(fake_telegram_bot)
    fake_telegram.fail_next("sendMessage", error_code=400, description=(
        "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0"))

    await channel.send(str(USER), Reply.of((Span("1. Tựa <x>", Style.BOLD), Span("\nnội dung"))))

    [sent] = fake_telegram.sent_messages(USER)
    assert sent["text"] == "1. Tựa <x>\nnội dung" and "parse_mode" not in sent
