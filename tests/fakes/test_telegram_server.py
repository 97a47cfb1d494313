"""The fake answers a real aiogram Bot as Telegram would, and refuses what Telegram refuses."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMessage
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)
from aiohttp import ClientSession

from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_spec import SPEC_ENV, spec_path

pytest_plugins = ["tests.fakes.fixtures"]

USER = 1001
OTHER_USER = 1002


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=f"Nút {d}", callback_data=d)] for d in data]
    )


async def test_get_me_describes_the_bot(fake_telegram_bot: Bot) -> None:
    me = await fake_telegram_bot.get_me()

    assert (me.id, me.is_bot, me.username) == (123456, True, "gopy_test_bot")


async def test_inline_keyboard_round_trips_and_is_recorded_decoded(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    sent = await fake_telegram_bot.send_message(USER, "Mục 1", reply_markup=keyboard("agree"))

    assert sent.reply_markup and sent.reply_markup.model_dump() == keyboard("agree").model_dump()
    assert sent.chat.type == "private" and sent.from_user and sent.from_user.is_bot
    params = fake_telegram.sent_messages(USER)[0]
    assert params["chat_id"] == USER
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Nút agree", "callback_data": "agree"}]]
    }
    assert fake_telegram.violations == []


async def test_message_ids_count_per_chat(fake_telegram_bot: Bot) -> None:
    first = await fake_telegram_bot.send_message(USER, "một")
    second = await fake_telegram_bot.send_message(USER, "hai")
    elsewhere = await fake_telegram_bot.send_message(OTHER_USER, "một")

    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)


async def test_text_over_4096_characters_is_refused(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    await fake_telegram_bot.send_message(USER, "ý" * 4096)

    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.send_message(USER, "ý" * 4097)

    assert len(fake_telegram.violations) == 1
    assert "4097 characters" in fake_telegram.violations[0]
    assert len(fake_telegram.sent_messages(USER)) == 1


async def test_html_markup_does_not_count_toward_the_limit(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    sent = await fake_telegram_bot.send_message(USER, f"<b>{'a' * 4096}</b>", parse_mode="HTML")

    assert sent.text == "a" * 4096
    assert fake_telegram.violations == []


async def test_empty_text_is_refused_because_aiogram_drops_it(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.send_message(USER, "")

    assert fake_telegram.violations == ["sendMessage: text: required field is missing"]


async def test_callback_data_over_64_bytes_is_refused(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    await fake_telegram_bot.send_message(USER, "ok", reply_markup=keyboard("ý" * 32))

    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await fake_telegram_bot.send_message(USER, "dài", reply_markup=keyboard("ý" * 32 + "a"))

    (violation,) = fake_telegram.violations
    assert violation.startswith("sendMessage: reply_markup.inline_keyboard[0][0].callback_data")
    assert "65 bytes" in violation


async def test_reply_keyboard_buttons_ask_for_one_thing(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    share = KeyboardButton(text="Chia sẻ số điện thoại", request_contact=True)
    await fake_telegram_bot.send_message(
        USER, "Số điện thoại?", reply_markup=ReplyKeyboardMarkup(keyboard=[[share]])
    )
    both = KeyboardButton(text="?", request_contact=True, request_location=True)

    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.send_message(
            USER, "?", reply_markup=ReplyKeyboardMarkup(keyboard=[[both]])
        )

    assert len(fake_telegram.violations) == 1
    assert "reply_markup.keyboard[0][0]" in fake_telegram.violations[0]


async def test_unknown_field_is_a_violation(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot(SendMessage(chat_id=USER, text="x", colour="red"))
    # aiogram still offers fields the current spec has dropped.
    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.send_message(USER, "x", reply_to_message_id=1)

    assert fake_telegram.violations == [
        "sendMessage: colour: unknown field (not in the spec)",
        "sendMessage: reply_to_message_id: unknown field (not in the spec)",
    ]


async def test_wrong_token_is_unauthorized(fake_telegram: FakeTelegramServer) -> None:
    api = TelegramAPIServer.from_base(fake_telegram.url)
    bot = Bot("654321:WRONG-token", session=AiohttpSession(api=api))
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await bot.get_me()
    finally:
        await bot.session.close()


async def test_raw_http_json_body_unknown_method_and_form_encoding(
    fake_telegram: FakeTelegramServer,
) -> None:
    base = f"{fake_telegram.url}/bot{fake_telegram.token}"
    async with ClientSession() as http:
        async with http.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "hi"}) as ok:
            assert (ok.status, (await ok.json())["result"]["text"]) == (200, "hi")
        async with http.post(f"{base}/SENDMESSAGE", data={"chat_id": "7", "text": "1"}) as form:
            assert form.status == 200
        async with http.post(f"{base}/sendTelepathy", json={}) as missing:
            assert missing.status == 404
            assert await missing.json() == {
                "ok": False, "error_code": 404, "description": "Not Found"
            }

    assert fake_telegram.sent_messages(7) == [{"chat_id": 7, "text": "1"}]
    assert fake_telegram.violations == ["sendTelepathy: method not in the Bot API spec"]


async def test_callback_can_be_answered_but_not_at_length(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    await fake_telegram_bot.send_message(USER, "Mục 1", reply_markup=keyboard("agree"))
    fake_telegram.push_callback(USER, "agree")
    (update,) = await fake_telegram_bot.get_updates()
    assert update.callback_query

    assert await fake_telegram_bot.answer_callback_query(update.callback_query.id, "Đã ghi")
    with pytest.raises(TelegramBadRequest):
        await fake_telegram_bot.answer_callback_query(update.callback_query.id, "x" * 201)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await fake_telegram_bot.answer_callback_query("no-such-query")
    assert len(fake_telegram.violations) == 2


async def test_edits_behave_like_telegram(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    sent = await fake_telegram_bot.send_message(USER, "Mục 1", reply_markup=keyboard("agree"))

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await fake_telegram_bot.edit_message_text(
            "Mục 1", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard("agree")
        )
    edited = await fake_telegram_bot.edit_message_text(
        "Mục 1 ✓", chat_id=USER, message_id=sent.message_id
    )
    assert isinstance(edited, Message) and edited.reply_markup is None
    assert fake_telegram.last_text(USER) == "Mục 1 ✓"
    assert await fake_telegram_bot.delete_message(USER, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await fake_telegram_bot.delete_message(USER, sent.message_id)


async def test_injected_429_carries_retry_after(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    fake_telegram.fail_next("sendMessage", USER, retry_after=7)

    with pytest.raises(TelegramRetryAfter) as refused:
        await fake_telegram_bot.send_message(USER, "một")
    await fake_telegram_bot.send_message(USER, "một")

    assert refused.value.retry_after == 7
    assert [call.error_code for call in fake_telegram.calls] == [429, None]
    assert fake_telegram.violations == []


async def test_rate_limit_refuses_a_second_message_to_a_chat_within_a_second(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    fake_telegram.rate_limit(per_second_global=2, per_chat_per_second=1)
    await fake_telegram_bot.send_message(USER, "một")

    with pytest.raises(TelegramRetryAfter) as per_chat:
        await fake_telegram_bot.send_message(USER, "hai")
    await fake_telegram_bot.send_message(OTHER_USER, "một")
    with pytest.raises(TelegramRetryAfter):
        await fake_telegram_bot.send_message(3003, "một")

    assert per_chat.value.retry_after == 1
    assert len(fake_telegram.sent_messages()) == 2


async def test_blocked_user_is_forbidden(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    fake_telegram.block_user(USER)

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await fake_telegram_bot.send_message(USER, "nhắc nhở")
    await fake_telegram_bot.send_message(OTHER_USER, "nhắc nhở")


async def test_send_document_stores_the_upload(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    upload = BufferedInputFile("Chi bộ,Ý kiến\n".encode(), filename="gop-y.csv")

    sent = await fake_telegram_bot.send_document(USER, upload, caption="Tổng hợp")

    assert sent.document and sent.document.file_name == "gop-y.csv"
    (call,) = fake_telegram.documents(USER)
    assert call.files["document"] == ("gop-y.csv", "Chi bộ,Ý kiến\n".encode())
    assert call.params["caption"] == "Tổng hợp"
    assert fake_telegram.violations == []


async def test_wait_for_messages_says_what_arrived(
    fake_telegram: FakeTelegramServer, fake_telegram_bot: Bot
) -> None:
    await fake_telegram_bot.send_message(USER, "chỉ một")

    with pytest.raises(TimeoutError, match="chỉ một"):
        await fake_telegram.wait_for_messages(USER, 2, timeout=0.1)


def test_spec_location_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    assert spec_path().name == "telegram-bot-api.json" and spec_path().exists()
    monkeypatch.setenv(SPEC_ENV, "/elsewhere/spec.json")
    assert str(spec_path()) == "/elsewhere/spec.json"
