"""Replies as numbered text: every piece fits the channel, no word is ever cut, no choice lost."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.render import menu_lines, render, render_pieces
from content import strings
from handlers.conversation import Button, Reply, menu_payloads, numbered

ZALO_LIMIT = 2000
VIETNAMESE = (
    "Đảng bộ Khối lãnh đạo thực hiện nhiệm vụ chính trị quốc phòng an ninh "
    "kinh tế xã hội phát triển bền vững nghị quyết đại hội nhiệm kỳ đồng chí "
    "chi bộ cơ sở ủy ban nhân dân tỉnh Trà Vinh năm 2020 2025 «dự thảo» (lần 4)"
)
SYLLABLES = st.sampled_from(VIETNAMESE.split(" "))
WORDS = st.lists(SYLLABLES, min_size=1, max_size=40).map(" ".join)
SENTENCES = st.tuples(WORDS, st.sampled_from([".", "!", "?", ";", ":", "…", ",", ""])).map("".join)
PARAGRAPHS = st.lists(SENTENCES, min_size=1, max_size=30).map(" ".join)
TEXTS = st.lists(PARAGRAPHS, min_size=1, max_size=12).map("\n\n".join)
LABELS = st.lists(WORDS.map(lambda w: w[:60].strip()), max_size=12)


@settings(max_examples=200, deadline=None)
@given(text=TEXTS, labels=LABELS, limit=st.sampled_from([80, 300, 1000, ZALO_LIMIT]))
def test_pieces_fit_keep_every_word_whole_and_end_with_the_choices(
    text: str, labels: list[str], limit: int
) -> None:
    buttons = [Button(label, f"m:c:1:{i}") for i, label in enumerate(labels)]

    pieces = render_pieces(text, buttons, limit)

    assert all(0 < len(piece) <= limit for piece in pieces)
    menu = "\n".join(menu_lines(buttons)).split()
    assert " ".join(pieces).split() == text.split() + menu  # nothing cut inside a word or lost
    if buttons and len("\n".join(menu_lines(buttons))) <= limit:
        assert pieces[-1].endswith(f"{len(buttons)} – {labels[-1]}".strip())


def test_the_choices_join_the_last_piece_when_they_fit() -> None:
    buttons = [Button("Nhất trí", "a"), Button("Không nhất trí", "b")]

    [piece] = render_pieces("Mục 1/23\n\nNội dung.", buttons, ZALO_LIMIT)

    assert piece == "Mục 1/23\n\nNội dung.\n\nGõ số để chọn:\n1 – Nhất trí\n2 – Không nhất trí"


def test_the_choices_go_alone_when_the_last_piece_is_full() -> None:
    text = "Câu văn. " * 222  # 1,998 characters once stripped

    pieces = render_pieces(text, [Button("Nhất trí", "a")], ZALO_LIMIT)

    assert pieces[-1] == f"{strings.CHOOSE_BY_NUMBER}\n1 – Nhất trí"


def test_section_numbers_are_typed_as_themselves_and_the_rest_count_on() -> None:
    buttons = [Button(str(n), f"m:p:{n}") for n in range(16, 24)]
    buttons += [Button("◀️ Trang trước", "m:t:1"), Button("✅ Hoàn thành", "m:f")]

    assert [n for n, _ in numbered(buttons)] == [*range(16, 24), 24, 25]
    menu = menu_payloads(buttons)
    assert menu[:15] == [None] * 15 and menu[15] == "m:p:16" and menu[24] == "m:f"
    assert menu_lines(buttons) == [
        strings.CHOOSE_BY_NUMBER,
        "16 · 17 · 18 · 19 · 20 · 21 · 22 · 23",
        "24 – ◀️ Trang trước",
        "25 – ✅ Hoàn thành",
    ]


def test_console_render_shows_the_same_numbers() -> None:
    reply = Reply("Mục lục", buttons=((Button("1", "m:p:1"), Button("2", "m:p:2")),
                                      (Button("📝 Xem ý kiến đã gửi", "m:r"),)))

    assert render(reply).splitlines()[-2:] == ["1 · 2", "3 – 📝 Xem ý kiến đã gửi"]
