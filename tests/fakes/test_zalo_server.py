"""The fake answers our Zalo client as the platform is documented to, and refuses what it refuses."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.zalo import ZaloApiError, ZaloClient
from tests.fakes.zalo_server import FakeZaloServer

USER = "6ede9afa66b88fe6d6a9"


async def test_get_me_describes_the_bot(fake_zalo_client: ZaloClient) -> None:
    me = await fake_zalo_client.get_me()

    assert me["account_name"] == "bot.gopy" and me["id"] == "2718281828459"


async def test_wrong_token_is_unauthorized(fake_zalo: FakeZaloServer) -> None:
    client = ZaloClient("1:wrong", fake_zalo.url)
    try:
        with pytest.raises(ZaloApiError) as caught:
            await client.get_me()
    finally:
        await client.close()

    assert caught.value.error_code == 401


async def test_send_message_is_recorded_with_a_message_id(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    result = await fake_zalo_client.send_message(USER, "Xin chào đồng chí")

    assert result["message_id"] and result["date"] > 0
    assert fake_zalo.texts(USER) == ["Xin chào đồng chí"]
    assert fake_zalo.violations == []


@pytest.mark.parametrize("text", ["", "ý" * 2001, "😀" * 1001])  # 1,001 emoji: 2,002 units
async def test_text_outside_1_to_2000_utf16_units_is_refused(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient, text: str
) -> None:
    await fake_zalo_client.send_message(USER, "ý" * 2000)

    with pytest.raises(ZaloApiError) as caught:
        await fake_zalo_client.send_message(USER, text)

    assert caught.value.error_code == 400
    assert len(fake_zalo.violations) == 1 and "1-2000 UTF-16 units" in fake_zalo.violations[0]
    assert len(fake_zalo.sent_messages(USER)) == 1


async def test_send_message_without_chat_id_is_refused(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    with pytest.raises(ZaloApiError):
        await fake_zalo_client.call("sendMessage", {"text": "ai nhận?"})

    assert fake_zalo.violations == ["sendMessage: chat_id is required"]


async def test_a_blocked_user_answers_403(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    fake_zalo.block_user(USER)

    with pytest.raises(ZaloApiError) as caught:
        await fake_zalo_client.send_message(USER, "Nhắc góp ý")

    assert caught.value.error_code == 403
    assert fake_zalo.sent_messages(USER) == []


async def test_get_updates_answers_one_event_at_a_time(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    fake_zalo.push_text(USER, "một")
    fake_zalo.push_text(USER, "hai")

    first = await fake_zalo_client.get_updates(timeout=1)
    second = await fake_zalo_client.get_updates(timeout=1)

    assert [e["message"]["text"] for e in first + second] == ["một", "hai"]
    assert first[0]["event_name"] == "message.text.received"
    assert first[0]["message"]["chat"] == {"id": USER, "chat_type": "PRIVATE"}
    assert fake_zalo.pending == 0


async def test_get_updates_with_nothing_new_is_408_and_means_no_events(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    assert await fake_zalo_client.get_updates(timeout=0) == []

    assert fake_zalo.calls_to("getUpdates")[0].error_code == 408


async def test_long_poll_waits_for_an_event(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    poll = asyncio.create_task(fake_zalo_client.get_updates(timeout=5))
    await fake_zalo.wait_until(lambda: fake_zalo.long_polls_waiting == 1)
    fake_zalo.push_sticker(USER)

    [event] = await asyncio.wait_for(poll, timeout=5)

    assert event["event_name"] == "message.sticker.received"


@pytest.mark.parametrize("shape", ["array", "bare"])
async def test_other_answer_shapes_reach_the_client_as_events(shape: str) -> None:
    async with FakeZaloServer(shape=shape) as server:  # type: ignore[arg-type]
        client = ZaloClient(server.token, server.url)
        server.push_text(USER, "một")
        server.push_image(USER)
        try:
            events = await client.get_updates(timeout=1)
            if shape == "bare":
                events += await client.get_updates(timeout=1)
        finally:
            await client.close()

    assert [e["event_name"] for e in events] == ["message.text.received", "message.image.received"]


async def test_webhook_set_info_delete_and_polling_refused_meanwhile(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    await fake_zalo_client.set_webhook("https://gopy.example.vn/zalo/webhook", "a-secret-token")

    assert (await fake_zalo_client.get_webhook_info())["url"] == "https://gopy.example.vn/zalo/webhook"
    with pytest.raises(ZaloApiError):
        await fake_zalo_client.get_updates(timeout=0)
    assert fake_zalo.violations == ["getUpdates: called while a webhook is set"]

    await fake_zalo_client.delete_webhook()
    assert (await fake_zalo_client.get_webhook_info())["url"] == ""


@pytest.mark.parametrize(
    ("url", "secret"),
    [("http://gopy.example.vn/hook", "a-secret-token"), ("https://gopy.example.vn/hook", "short")],
)
async def test_set_webhook_needs_https_and_an_8_to_256_character_secret(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient, url: str, secret: str
) -> None:
    with pytest.raises(ZaloApiError):
        await fake_zalo_client.set_webhook(url, secret)

    assert fake_zalo.webhook["url"] == "" and len(fake_zalo.violations) == 1


async def test_chat_action_typing(fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient) -> None:
    await fake_zalo_client.send_chat_action(USER)

    assert fake_zalo.calls_to("sendChatAction")[0].params == {"chat_id": USER, "action": "typing"}


async def test_scripted_failures_come_first(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    fake_zalo.fail_next("sendMessage", error_code=502, times=1)

    with pytest.raises(ZaloApiError) as caught:
        await fake_zalo_client.send_message(USER, "một")
    await fake_zalo_client.send_message(USER, "hai")

    assert caught.value.retryable
    assert fake_zalo.texts(USER) == ["hai"]


async def test_wait_for_messages_names_what_arrived_when_it_times_out(
    fake_zalo: FakeZaloServer, fake_zalo_client: ZaloClient
) -> None:
    await fake_zalo_client.send_message(USER, "một")

    with pytest.raises(TimeoutError, match="một"):
        await fake_zalo.wait_for_messages(USER, 2, timeout=0.2)


async def test_closing_answers_a_waiting_long_poll() -> None:
    server = await FakeZaloServer().start()
    client = ZaloClient(server.token, server.url)
    poll = asyncio.create_task(client.get_updates(timeout=30))
    await server.wait_until(lambda: server.long_polls_waiting == 1)

    await server.close()

    assert await asyncio.wait_for(poll, timeout=5) == []
    await client.close()
