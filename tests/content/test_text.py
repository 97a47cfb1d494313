"""Cutting text to fit a message, measured as the platform measures it."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.channels.render import render_pieces
from bot.channels.zalo.channel import TEXT_UNITS
from content.text import split_text, utf16_len
from handlers.conversation import Button

# Vietnamese with its diacritics (precomposed and combining), emoji inside and outside the
# BMP (👍🏽 is two astral characters, ❤️ a BMP one with a selector), joiners and line breaks.
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵĐƯƠ"
EMOJI = ["👍", "👍🏽", "🇻🇳", "❤️", "😀", "🙏", "👨‍👩‍👧", "𝔸", "✔️", "\u0301"]
pieces_of_text = st.lists(
    st.one_of(
        st.text(alphabet=VIETNAMESE, min_size=1, max_size=12),
        st.sampled_from(EMOJI),
        st.sampled_from([" ", " ", " ", "\n", "\n\n", ". ", "; ", "… "]),
    ),
    max_size=1500,
).map("".join)


def squeezed(text: str) -> str:
    """Every character but whitespace, in order: what must survive any cutting."""
    return "".join(text.split())


@settings(max_examples=150, deadline=None)
@given(text=pieces_of_text, limit=st.integers(min_value=2, max_value=2000))
@example(text="😀" * 2000, limit=2000)
@example(text="Đồng chí 👍🏽 " * 400, limit=TEXT_UNITS)
def test_every_piece_fits_in_utf16_units_and_nothing_is_lost(text: str, limit: int) -> None:
    pieces = split_text(text, limit, utf16_len)

    assert all(1 <= utf16_len(piece) <= limit for piece in pieces)
    assert squeezed("".join(pieces)) == squeezed(text)


@settings(max_examples=80, deadline=None)
@given(text=pieces_of_text, labels=st.lists(pieces_of_text.filter(str.strip), max_size=6))
@example(text="🙏" * 1990, labels=["Nhất trí 👍"])
def test_zalo_messages_keep_under_the_limit_with_their_menu(text: str, labels: list[str]) -> None:
    buttons = [Button(label, f"m:c:1:{i}") for i, label in enumerate(labels)]

    pieces = render_pieces(text, buttons, TEXT_UNITS, utf16_len)

    assert all(utf16_len(piece) <= TEXT_UNITS < 2000 for piece in pieces)
    assert squeezed(text) in squeezed("".join(pieces))
    for label in labels:
        assert squeezed(label) in squeezed("".join(pieces))


def test_an_emoji_counts_twice() -> None:
    assert utf16_len("Mục 1 👍") == 8 and utf16_len("ệ") == 1
    assert split_text("😀" * 3, 4, utf16_len) == ["😀😀", "😀"]
