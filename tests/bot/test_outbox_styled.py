"""A styled reply survives the outbox: stored as JSON with the event, sent as it was built."""

from __future__ import annotations

import json

from bot.outbox import reply_from_json, reply_to_json
from handlers.conversation import Button, Reply
from handlers.styled import Span, Style


def test_styled_reply_round_trips_through_the_outbox_json() -> None:
    reply = Reply.of(
        (Span("Mục 1/2 · "), Span("Phần <I> & 😀", Style.ITALIC), Span("\n"),
         Span("1. *Tựa*_", Style.BOLD), Span("\n\n"), Span("Ý kiến: «x» — </b>", Style.QUOTE)),
        buttons=((Button("Nhất trí", "m:c:1:0"),),),
    )

    stored = json.loads(json.dumps(reply_to_json(reply)))

    assert reply_from_json(stored) == reply


def test_a_plain_reply_is_stored_as_before() -> None:
    reply = Reply("Đã lưu.")

    assert reply_to_json(reply) == {"text": "Đã lưu."}
    assert reply_from_json(reply_to_json(reply)) == reply
