"""Paragraph numbers, quotes found in a section, and the word-level difference of a proposal."""

from __future__ import annotations

from content.passages import (
    Change,
    diff_text,
    numbered,
    paragraph_of,
    paragraphs,
    paragraphs_in,
    quoted_in,
    word_diff,
)

BODY = (
    "Đảng bộ Khối hiện có 83 tổ chức cơ sở đảng.\n\n"
    "Ban Chấp hành có 25 đồng chí,\nchuyên trách 12 đồng chí.\n\n"
    "**Công tác** kiểm tra được tăng cường."
)


def test_paragraphs_are_numbered_in_order() -> None:
    assert paragraphs(BODY)[1] == "Ban Chấp hành có 25 đồng chí,\nchuyên trách 12 đồng chí."
    assert len(paragraphs(BODY)) == 3
    assert numbered(BODY).startswith("[1] Đảng bộ Khối") and "\n\n[3] **Công tác**" in numbered(BODY)


def test_a_quote_is_found_across_line_breaks_and_marks_but_not_invented() -> None:
    assert quoted_in("25 đồng chí, chuyên trách", BODY)
    assert quoted_in("Công tác kiểm tra", BODY)
    assert not quoted_in("26 đồng chí", BODY)
    assert not quoted_in("   ", BODY)
    assert paragraph_of("chuyên trách 12", BODY) == 2
    assert paragraph_of("83 tổ chức cơ sở đảng. Ban Chấp hành", BODY) is None


def test_paragraphs_shown_on_a_page() -> None:
    page = "Ban Chấp hành có 25 đồng chí,\nchuyên trách 12 đồng chí.\n\n**Công tác** kiểm tra"
    assert paragraphs_in(page, BODY) == [2, 3]


def test_the_difference_is_in_whole_words_never_letters() -> None:
    changes = word_diff("tăng cường công tác quản lý cán bộ", "tăng cường công tác quản trị cán bộ")
    assert changes == [
        Change("keep", "tăng cường công tác quản"),
        Change("remove", "lý"),
        Change("add", "trị"),
        Change("keep", "cán bộ"),
    ]
    assert diff_text("nâng cao chất lượng", "nâng cao hơn nữa chất lượng") == (
        "nâng cao {+hơn nữa+} chất lượng"
    )
    assert diff_text("đổi mới", "") == "[-đổi mới-]"
