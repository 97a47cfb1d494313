"""The fake reads parse_mode HTML as Telegram does: the allowed tags become entities, anything
else is refused with 400 "can't parse entities", and lengths count what the user sees."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from tests.fakes.telegram_html import MarkupError, parse_html
from tests.fakes.telegram_server import FakeTelegramServer

pytest_plugins = ["tests.fakes.fixtures"]

USER = 4242


@pytest.mark.parametrize("markup", [
    "<b>a</b>", "<strong>a</strong>", "<i>a</i>", "<em>a</em>", "<u>a</u>", "<ins>a</ins>",
    "<s>a</s>", "<strike>a</strike>", "<del>a</del>", "<tg-spoiler>a</tg-spoiler>",
    '<span class="tg-spoiler">a</span>', '<a href="https://t.me/x">a</a>', "<code>a</code>",
    "<pre>a</pre>", '<pre><code class="language-python">a</code></pre>',
    "<blockquote>a</blockquote>", "<blockquote expandable>a</blockquote>",
    '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "<B>a</B>", "<b>a</>",
    "a > b", "AT&T &nbsp; & ;", "<b><i>a</i></b>",
])
def test_telegram_accepts_its_tags(markup: str) -> None:
    parse_html(markup)


@pytest.mark.parametrize(("markup", "why"), [
    ("<p>a</p>", 'Unsupported start tag "p"'),
    ("a<br/>b", 'Unsupported start tag "br/"'),
    ("1 < 2", 'Unsupported start tag ""'),
    ("a <b", "Unclosed start tag"),
    ("<b>a", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>a</b></i>", 'expected "</i>", found "</b>"'),
    ("a</b>", "Unexpected end tag"),
    ("<span>a</span>", 'Tag "span" must have class "tg-spoiler"'),
    ("<b class>a</b>", "Expected equal sign"),
])
def test_telegram_refuses_anything_else(markup: str, why: str) -> None:
    with pytest.raises(MarkupError, match=why.replace("(", r"\(")):
        parse_html(markup)


def test_entities_are_measured_in_utf16_units_over_the_visible_text() -> None:
    shown = parse_html("😀 &lt;<b>Đảng &amp; 👍</b>\n<blockquote>«x»</blockquote>")

    assert shown.text == "😀 <Đảng & 👍\n«x»"
    assert shown.entities == [
        {"type": "bold", "offset": 4, "length": 9},
        {"type": "blockquote", "offset": 14, "length": 3},
    ]


async def test_refused_markup_is_a_400_and_a_violation(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await fake_telegram_bot.send_message(USER, "Mục <1> <b>x</b>", parse_mode="HTML")

    assert fake_telegram.violations == [
        "sendMessage: text: can't parse entities: Unsupported start tag \"1\" at byte offset 6"]
    assert fake_telegram.sent_messages(USER) == []


async def test_the_chat_keeps_the_visible_text_and_its_entities(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    sent = await fake_telegram_bot.send_message(
        USER, "<b>1. Tựa &amp; đề</b>\n<i>Phần I</i>", parse_mode="HTML")

    assert sent.text == "1. Tựa & đề\nPhần I"
    assert [(e.type, e.offset, e.length) for e in sent.entities or []] == [
        ("bold", 0, 11), ("italic", 12, 6)]
    assert fake_telegram.chat_history(USER)[-1]["entities"][0]["type"] == "bold"
    assert fake_telegram.violations == []


async def test_length_counts_characters_after_parsing_not_markup(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    escaped = "&lt;" * 4096  # 16,384 characters of markup, 4,096 on screen
    await fake_telegram_bot.send_message(USER, f"<b>{escaped}</b>", parse_mode="HTML")

    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.send_message(USER, f"<b>{escaped}&amp;</b>", parse_mode="HTML")

    assert fake_telegram.violations == [
        "sendMessage: text: 4097 characters after parsing, Telegram allows 1-4096"]
