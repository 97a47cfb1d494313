"""Styled text as Telegram HTML: whatever a draft or a member wrote, Telegram parses it and
shows exactly the plain text, styled where the spans say."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.caps import TELEGRAM_CAPS
from bot.channels.html import to_html
from content.draft_parser import parse_draft
from content.text import utf16_len
from handlers import views
from handlers.styled import Span, Style, join_lines, merged, plain
from storage.models import Comment, Consultation, Section
from tests.conftest import SEED_DRAFT
from tests.fakes.telegram_html import parse_html
from tests.fakes.telegram_spec import TEXT_LIMITS

ENTITY = {Style.BOLD: "bold", Style.ITALIC: "italic", Style.STRIKE: "strikethrough",
          Style.QUOTE: "blockquote"}
# What a draft or a comment may hold that markup could mistake for its own.
NASTY = st.sampled_from([
    "<", ">", "&", "&amp;", "&lt;", "&#60;", "&#x3c;", "&quot;", "&nbsp;", "*", "_", "**", "__",
    "`", "[", "]", "(", ")", "~", "|", "\\", "/", "<b>", "</b>", "<i>", "</blockquote>",
    "<script>", "<br/>", "a<b", "x > y", "AT&T", "'", '"', "\n", "\n\n", " ", "😀", "👍🏽",
    "🇻🇳", "¹", "²", "⁽³⁾", "Đảng", "ủy", "«", "»", "—", "\u200b", "\t", ";",
])
TEXTS = st.lists(st.one_of(NASTY, st.text(max_size=12)), max_size=8).map("".join)
SPANS = st.lists(st.builds(Span, TEXTS, st.sampled_from(list(Style))), max_size=10)


@settings(max_examples=400, deadline=None)
@given(spans=SPANS)
def test_any_spans_render_to_html_telegram_parses_into_the_plain_text(spans: list[Span]) -> None:
    shown = parse_html(to_html(spans))  # raises MarkupError where Telegram would answer 400

    assert shown.text == plain(spans)  # nothing lost, nothing added
    expected, offset = [], 0
    for span in merged(spans):
        if span.style in ENTITY:
            expected.append((ENTITY[span.style], offset, utf16_len(span.text)))
        offset += utf16_len(span.text)
    got = sorted((e["type"], e["offset"], e["length"]) for e in shown.entities)
    assert got == sorted(expected)  # each styled span is one entity, exactly where it is


def test_text_that_looks_like_markup_is_shown_as_typed() -> None:
    spans = (Span("1. <Kinh tế> & *xã hội*_ "), Span("a<b>c</b>", Style.BOLD),
             Span("\n"), Span("Ý kiến: «x > y» 👍🏽 &amp;", Style.QUOTE))

    markup = to_html(spans)

    assert markup == ("1. &lt;Kinh tế&gt; &amp; *xã hội*_ <b>a&lt;b&gt;c&lt;/b&gt;</b>\n"
                      "<blockquote>Ý kiến: «x &gt; y» 👍🏽 &amp;amp;</blockquote>")
    assert parse_html(markup).text == plain(spans)


def test_empty_spans_make_no_tags() -> None:
    assert to_html((Span("", Style.BOLD), Span("x"), Span("", Style.QUOTE))) == "x"


def test_lines_join_like_plain_lines_and_keep_their_styles() -> None:
    styled = join_lines(["Mục 1/3", (Span("a"), Span("b", Style.ITALIC)), Span("Tựa", Style.BOLD),
                         "", Span("", Style.QUOTE)])

    assert plain(styled) == "Mục 1/3\nab\nTựa\n\n"
    assert styled == (Span("Mục 1/3\na"), Span("b", Style.ITALIC), Span("\n"),
                      Span("Tựa", Style.BOLD), Span("\n\n"))


def test_every_page_of_the_sample_draft_fits_telegram_once_parsed() -> None:
    """Telegram's 4,096 count what is shown: the HTML may be longer, the page may not."""
    draft = parse_draft(SEED_DRAFT.read_text(encoding="utf-8"))
    choices = ["Nhất trí", "Nhất trí, có ý kiến bổ sung", "Không nhất trí", "Không có ý kiến"]
    consultation = Consultation(choices=[{"label": c, "asks_text": False} for c in choices])
    comment = Comment(choice="Không nhất trí", text="Sửa <a> & <b> " * 40)
    _, limit = TEXT_LIMITS[("sendMessage", "text")]
    longest_html = 0
    for position, unit in enumerate(draft.sections, 1):
        section = Section(id=position, position=position, number=unit.number, title=unit.title,
                          path=list(unit.path), body=unit.body,
                          footnotes=[{"mark": f.mark, "text": f.text} for f in unit.footnotes])
        pages = len(views.section_pages(section, TELEGRAM_CAPS))
        for page in range(1, pages + 1):
            reply = views.section_reply(consultation, section, len(draft.sections), page, comment,
                                        TELEGRAM_CAPS)
            markup = to_html(reply.styled)
            assert parse_html(markup).text == reply.text
            assert len(reply.text) <= limit
            longest_html = max(longest_html, len(markup))
    assert longest_html > limit  # the markup alone would have looked too long
