"""Matching a next version's sections to the one before, and the word-level changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from content import versions
from content.draft_parser import DraftSection, ParsedDraft, parse_draft

DRAFTS = Path(__file__).resolve().parents[2] / "content" / "drafts"


def _draft(name: str) -> ParsedDraft:
    return parse_draft((DRAFTS / name).read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def lan4() -> ParsedDraft:
    return _draft("du-thao-bao-cao-chinh-tri-lan-4.txt")


@pytest.fixture(scope="module")
def lan5() -> ParsedDraft:
    return _draft("du-thao-bao-cao-chinh-tri-lan-5.txt")


def test_the_sample_fifth_draft_continues_every_section_and_changes_three(
    lan4: ParsedDraft, lan5: ParsedDraft
) -> None:
    previous = versions.match(lan4.sections, lan5.sections)
    assert previous == list(range(len(lan4.sections)))
    found = versions.compare(lan4.sections, lan5.sections, previous)
    changed = [lan5.sections[d.new].title for d in found if d.kind == "changed"]  # type: ignore[index]
    assert changed == ["Khó khăn", "Các chỉ tiêu chủ yếu", "Lãnh đạo công tác chính trị, tư tưởng"]
    assert {d.kind for d in found} == {"same", "changed"}


def test_the_figure_changed_is_one_word_and_the_paragraph_added_is_whole(
    lan4: ParsedDraft, lan5: ParsedDraft
) -> None:
    [figure] = versions.section_hunks(lan4.sections[17], lan5.sections[17])
    assert (figure.removed, figure.added) == ("90%", "95%")
    assert figure.after.startswith("trở lên")
    [paragraph] = versions.section_hunks(lan4.sections[19], lan5.sections[19])
    assert paragraph.removed == ""
    assert paragraph.added.startswith("Đẩy mạnh ứng dụng công nghệ thông tin")
    assert paragraph.added.endswith("sai trái, thù địch.")


def test_a_reworded_sentence_reads_as_whole_vietnamese_words(
    lan4: ParsedDraft, lan5: ParsedDraft
) -> None:
    hunks = versions.section_hunks(lan4.sections[3], lan5.sections[3])
    assert 1 <= len(hunks) <= 2  # changes a few words apart read as one
    removed = " ".join(h.removed for h in hunks).split()
    added = " ".join(h.added for h in hunks).split()
    old_words = set(lan4.sections[3].body.split())
    new_words = set(lan5.sections[3].body.split())
    assert set(removed) <= old_words and set(added) <= new_words  # never half a syllable
    assert "luân" in added and "chuyển" in added and "Tỉnh" in removed


def test_moved_removed_and_added_sections_are_told_apart(lan4: ParsedDraft) -> None:
    old = list(lan4.sections)
    new = list(old)
    gone = new.pop(5)  # removed
    new.insert(2, new.pop(10))  # moved forward
    extra = DraftSection("p9.n1", "9", "Nhiệm vụ mới về chuyển đổi số", ("Phần thứ ba",),
                         "Ứng dụng nền tảng số trong sinh hoạt chi bộ, họp trực tuyến.", ())
    new.append(extra)
    previous = versions.match(old, new)
    assert previous[2] == 11 and previous[-1] is None
    assert 5 not in previous
    kinds = [(d.kind, d.old, d.new) for d in versions.compare(old, new, previous)
             if d.kind != "same"]
    assert kinds == [("removed", 5, None), ("added", None, len(new) - 1)]
    assert gone not in new


def test_a_repeated_heading_elsewhere_is_not_a_match(lan4: ParsedDraft) -> None:
    """Both parts have «1. Thuận lợi»: with part one's text gone, part two's is no heir."""
    old = list(lan4.sections)
    first = next(i for i, s in enumerate(old) if s.title == "Thuận lợi")
    new = [s for i, s in enumerate(old) if i != first]
    previous = versions.match(old, new)
    assert first not in previous


def test_a_section_rewritten_in_place_under_its_heading_still_continues(
    lan4: ParsedDraft,
) -> None:
    old = list(lan4.sections)
    new = list(old)
    new[3] = replace(old[3], body="Nội dung được viết lại hoàn toàn, ngắn gọn hơn bản trước.")
    assert versions.match(old, new)[3] == 3


def test_changes_a_few_words_apart_are_one_and_context_is_kept() -> None:
    [hunk] = versions.hunks("a b c d e f g", "a b X d Y f g")
    assert (hunk.before, hunk.removed, hunk.added, hunk.after) == ("a b", "c d e", "X d Y", "f g")
    far = versions.hunks("một hai ba bốn năm sáu bảy tám chín mười",
                         "một HAI ba bốn năm sáu bảy tám chín MƯỜI")
    assert [(h.removed, h.added) for h in far] == [("hai", "HAI"), ("mười", "MƯỜI")]
    assert versions.hunk_text(far[0]) == "… một [-hai-] {+HAI+} ba bốn năm sáu …"


def test_spacing_alone_is_no_change() -> None:
    @dataclass(frozen=True)
    class S:
        key: str
        number: str
        title: str
        body: str

    assert not versions.changed(S("k", "1", "Tên", "a  b\nc"), S("k", "1", "Tên", "a b c"))
    assert versions.changed(S("k", "1", "Tên", "a b"), S("k", "2", "Tên", "a b"))


def test_the_version_label_comes_from_the_title() -> None:
    assert versions.label_from_title("Báo cáo chính trị … (dự thảo lần 5)") == "Dự thảo lần 5"
    assert versions.label_from_title("Báo cáo chính trị") == ""


def test_the_title_moves_on_to_the_version_it_names_and_the_offices_own_is_kept() -> None:
    title = "Báo cáo chính trị … nhiệm kỳ 2020 - 2025 (dự thảo lần 4)"
    assert versions.retitled(title, "Dự thảo lần 4", "Dự thảo lần 5") == (
        "Báo cáo chính trị … nhiệm kỳ 2020 - 2025 (dự thảo lần 5)")
    assert versions.retitled("Báo cáo chính trị Đại hội VIII", "Dự thảo lần 4",
                             "Dự thảo lần 5") == "Báo cáo chính trị Đại hội VIII"
    assert versions.retitled(title, "Phiên bản 1", "Dự thảo lần 5") == title
    assert versions.retitled(title, "Dự thảo lần 4", "") == title
    assert versions.retitled("Dự thảo Báo cáo chính trị (lần 4)", "Dự thảo lần 4",
                             "Dự thảo lần 5") == "Dự thảo Báo cáo chính trị (lần 5)"
