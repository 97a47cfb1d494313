import re
from pathlib import Path

import pytest

from content import draft_text
from content.draft_parser import DraftParseError, ParsedDraft, parse_draft

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "content" / "drafts" / "du-thao-bao-cao-chinh-tri-lan-4.txt"
FIXTURES = Path(__file__).parent / "drafts"

PART_1 = (
    "Phần thứ nhất: Tình hình và kết quả thực hiện Nghị quyết Đại hội "
    "Đại biểu Đảng bộ Khối Khóa VII, nhiệm kỳ 2015 - 2020"
)
PART_2 = "Phần thứ hai: Phương hướng, nhiệm vụ nhiệm kỳ 2020 - 2025"
LONG_3 = (
    "Lãnh đạo việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh theo Chỉ thị "
    "05-CT/TW, ngày 15/5/2016 của Bộ Chính trị và Nghị quyết Trung ương 4 (Khóa XII) “về tăng "
    "cường xây dựng chính đảng, ngăn chặn đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức "
    "lối sống, “tự diễn biến”, “tự chuyển hóa” trong nội bộ”"
)
SEED_SECTIONS = [
    ("preamble", "", "Phần mở đầu"),
    ("p1.r1", "I", "Đặc điểm tình hình"),
    ("p1.r1.n1", "1", "Thuận lợi"),
    ("p1.r1.n2", "2", "Khó khăn"),
    ("p1.r2.n1", "1", "Lãnh đạo thực hiện nhiệm vụ chính trị, quốc phòng – an ninh"),
    ("p1.r2.n2", "2", "Lãnh đạo công tác chính trị, tư tưởng"),
    ("p1.r2.n3", "3", LONG_3),
    ("p1.r2.n4", "4", "Lãnh đạo các đoàn thể chính trị - xã hội"),
    ("p1.r2.n5", "5", "Xây dựng tổ chức cơ sở Đảng và đảng viên"),
    ("p1.r2.n6", "6", "Nâng cao hiệu quả công tác kiểm tra, giám sát thi hành kỷ luật Đảng"),
    ("p1.r2.n7", "7", "Đổi mới phương thức lãnh đạo của Đảng"),
    ("p1.r3.n1", "1", "Ưu điểm và kết quả nổi bật"),
    ("p1.r3.n2", "2", "Hạn chế"),
    ("p1.r3.n3", "3", "Một số kinh nghiệm rút ra từ thực tiễn"),
    ("p2.r1.n1", "1", "Thuận lợi"),
    ("p2.r1.n2", "2", "Khó khăn"),
    ("p2.r2.n1", "1", "Phương hướng chung"),
    ("p2.r2.n2", "2", "Các chỉ tiêu chủ yếu"),
    ("p2.r3.n1", "1", "Lãnh đạo thực hiện nhiệm vụ chính trị, quốc phòng an ninh"),
    ("p2.r3.n2", "2", "Lãnh đạo công tác chính trị, tư tưởng"),
    (
        "p2.r3.n3",
        "3",
        (
            "Lãnh đạo việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh "
            "và Nghị quyết Trung ương 4 (Khóa XII)"
        ),
    ),
    ("p2.r3.n4", "4", "Lãnh đạo các đoàn thể chính trị - xã hội"),
    ("p2.r3.n5", "5", "Lãnh đạo xây dựng tổ chức đảng và đảng viên"),
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text: str) -> ParsedDraft:
    return parse_draft(seed_text)


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def section(draft: ParsedDraft, key: str):
    return next(s for s in draft.sections if s.key == key)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line that starts with needle, so tests don't hard-code numbers."""
    hits = [no for no, line in enumerate(text.splitlines(), 1) if line.startswith(needle)]
    return hits[occurrence - 1]


def words(text: str) -> str:
    """A line or field reduced to its words, so marks, markers and spacing don't matter."""
    text = draft_text.FOOTNOTE_MARKER.sub(" ", draft_text.clean(text)).casefold()
    return " ".join(re.findall(r"\w+", text))


def assert_no_text_lost(draft: ParsedDraft, source_lines: list[str]) -> None:
    """Every source line is somewhere in the output; long lines exactly as often as in the source."""
    fields = [draft.title]
    fields += sorted({element for s in draft.sections for element in s.path})
    for s in draft.sections:
        fields += [f"{s.number} {s.title}", s.body, *(f.text for f in s.footnotes)]
    haystack = [f" {words(field)} " for field in fields]
    source = [f" {words(line)} " for line in source_lines]
    for line in source_lines:
        needle = f" {words(line)} "
        if not needle.strip():
            continue
        found = sum(field.count(needle) for field in haystack)
        assert found, f"line lost: {line[:80]!r}"
        if len(needle.split()) >= 8:
            expected = sum(other.count(needle) for other in source)
            assert found == expected, (
                f"line placed {found} times, printed {expected}: {line[:80]!r}"
            )


# Seed draft


def test_seed_sections_are_the_numbered_items_under_each_roman(seed: ParsedDraft) -> None:
    assert len(seed.sections) == 23
    assert [(s.key, s.number, s.title) for s in seed.sections] == SEED_SECTIONS


def test_seed_front_matter_and_appendix_boundaries(seed: ParsedDraft) -> None:
    assert seed.title == (
        "Báo cáo chính trị của Ban Chấp hành Đảng bộ Khối khóa VII trình Đại hội đại biểu "
        "Đảng bộ Khối khóa VIII, nhiệm kỳ 2020 - 2025 (dự thảo lần 4)"
    )
    assert seed.cover_letter.startswith("ĐẢNG BỘ TỈNH TRÀ VINH\n")
    assert "Số 307-CV/ĐUK" in seed.cover_letter
    assert "Trương Thanh Long" in seed.cover_letter
    assert seed.preamble.startswith("Đảng bộ Đảng bộ Khối các cơ quan và Doanh nghiệp Khóa VII")
    assert seed.preamble == seed.sections[0].body
    assert seed.appendix.startswith("PHỤ LỤC\nKết thực hiện từ 2015-2019")


def test_seed_paths_name_part_and_roman(seed: ParsedDraft) -> None:
    assert section(seed, "preamble").path == ()
    assert section(seed, "p1.r1").path == (PART_1,)
    assert section(seed, "p1.r2.n5").path == (
        PART_1,
        "II. Kết quả thực hiện nghị quyết đại hội lần thứ VII, nhiệm kỳ 2015 – 2020",
    )
    assert section(seed, "p2.r1.n2").path == (PART_2, "I. Dự báo tình hình")


def test_seed_repeated_numbers_keep_the_structure(seed: ParsedDraft, seed_text: str) -> None:
    # "II." is printed twice in part two: the second one is still the third roman heading.
    assert section(seed, "p2.r2.n2").path[-1] == "II. Phương hướng và các chỉ tiêu chủ yếu"
    assert section(seed, "p2.r3.n1").path[-1] == "II. Nhiệm vụ và giải pháp thực hiện"
    # "4.2.2." twice stays inside item 4, and item 5 still follows.
    body = section(seed, "p1.r2.n4").body
    assert "4.2.2. Lãnh đạo công tác Hội Cựu chiến binh:" in body.split("\n\n")
    assert "4.2.2- Lãnh đạo công tác Công đoàn:" in body.split("\n\n")
    assert section(seed, "p1.r2.n5").body.startswith("5.1. Công tác tổ chức cơ sở Đảng")
    issues = {(issue.line, issue.message) for issue in seed.issues}
    assert issues == {
        (214, "đề mục «4.2.2.» là đề mục đầu tiên dưới «4.2.»: nhảy số"),
        (220, "đề mục «4.2.2.» dưới «4.2.» trùng số với dòng 214"),
        (491, "đề mục «II.» dưới «Phần thứ hai» trùng số với dòng 446"),
        (563, "đề mục «4.2.1.» dưới «4.2.» trùng số với dòng 559"),
        (567, "đề mục «4.2.3.» đứng sau «4.2.1.» dưới «4.2.»: nhảy số"),
    }
    assert seed_text.splitlines()[491 - 1] == "II. NHIỆM VỤ VÀ GIẢI PHÁP THỰC HIỆN"


def test_seed_sub_headings_stay_in_the_body_as_paragraphs(seed: ParsedDraft) -> None:
    paragraphs = section(seed, "p1.r2.n1").body.split("\n\n")
    assert paragraphs[0] == (
        "1.1. Xây dựng và tổ chức thực hiện chương trình, kế hoạch công tác theo chức năng, "
        "nhiệm vụ của Đảng bộ Khối."
    )
    assert "1.1.2- Lãnh đạo nhiệm vụ sản xuất, kinh doanh tại các doanh nghiệp" in paragraphs
    assert any(p.startswith("a)- Các doanh nghiệp hoạt động trên lĩnh vực") for p in paragraphs)
    assert any(p.startswith("b)- Hoạt động của các công ty cổ phần") for p in paragraphs)


def test_seed_page_broken_paragraphs_are_rejoined(seed: ParsedDraft) -> None:
    paragraphs = section(seed, "p1.r2.n1").body.split("\n\n")
    radio = next(p for p in paragraphs if p.startswith("- Đài Phát thanh và Truyền hình"))
    assert "phong cách Hồ Chí Minh”; đổi mới nội dung, nâng cao chất lượng, hiệu quả" in radio
    assert not any(p.startswith("nội dung, nâng cao") for p in paragraphs)
    # Continued after footnotes 10 and 11 were dropped in between.
    union = section(seed, "p1.r2.n4").body
    assert "Công đoàn các cấp làm tốt công tác tham gia xây dựng Đảng, chính quyền." in union
    # Continued after footnotes 6 to 9.
    study = section(seed, "p1.r2.n3").body
    assert "đạo đức lối sống của tập thể và cá nhân. Qua 03 lần nhận diện" in study
    for s in seed.sections:
        broken = [p for p in s.body.split("\n\n") if p[0].islower()]
        assert all(draft_text.LETTERED.match(p) for p in broken), s.key


def test_seed_footnotes_attach_once_to_the_citing_section(seed: ParsedDraft) -> None:
    marks = [f.mark for s in seed.sections for f in s.footnotes]
    assert sorted(marks, key=int) == [str(n) for n in range(1, 19)]
    for s in seed.sections:
        cited = {
            draft_text.mark_digits(m[1:-1]) for m in draft_text.FOOTNOTE_MARKER.findall(s.body)
        }
        assert {f.mark for f in s.footnotes} <= cited, s.key
    # Cited in item 3 of roman II but printed after the heading of item 4.
    assert [f.mark for f in section(seed, "p1.r2.n3").footnotes] == ["5", "6", "7", "8", "9", "10"]
    union = {f.mark: f.text for f in section(seed, "p1.r2.n4").footnotes}
    assert list(union) == ["11", "12", "13"]
    assert union["13"].endswith(
        "(3) “Đồng hành với thanh niên rèn luyện kỹ năng trong cuộc sống, "
        "nâng cao thể chất, đời sống văn hóa tinh thần”"
    )
    assert section(seed, "p1.r1").footnotes[0].text.startswith("Có 38 Đảng bộ cơ sở")
    assert not any(
        "footnote" in issue.message or "marker" in issue.message for issue in seed.issues
    )


def test_seed_has_no_emphasis_marks_left(seed: ParsedDraft) -> None:
    texts = [seed.title, seed.cover_letter, seed.preamble]
    for s in seed.sections:
        texts += [s.title, s.body, *s.path, *(f.text for f in s.footnotes)]
    assert not [t for t in texts if "*" in t or "<i>" in t]
    assert "“Dân vận khéo”" in section(seed, "p1.r2.n1").body
    assert "Nguyên nhân" in section(seed, "p1.r3.n1").body.split("\n\n")


def test_seed_loses_no_text(seed: ParsedDraft, seed_text: str) -> None:
    lines = seed_text.splitlines()
    start = lines.index("(dự thảo lần 4)")
    end = lines.index("PHỤ LỤC")
    assert_no_text_lost(seed, lines[start:end])
    # The signature line is kept at the end of the last section.
    assert section(seed, "p2.r3.n5").body.endswith("\n\nBAN CHẤP HÀNH ĐẢNG BỘ KHÓA VII")
    assert "\n".join(lines[end:]).strip() == seed.appendix
    for line in lines[:start]:
        assert words(line) in words(seed.cover_letter)


def test_seed_appendix_keeps_tab_tables(seed: ParsedDraft) -> None:
    assert "\nPHỤ LỤC 2\n" in seed.appendix
    assert (
        "2016\t300\t390\t130,00%\t<i>(chỉ tiêu nhiệm kỳ là kết nạp 950 đảng viên;" in seed.appendix
    )
    assert "\n2017\t08\t8,99\t38\t42,69\t39\t43,82\t02\t2,24\t02\t2,24\t\n" in seed.appendix
    assert "\n11. Về công tác đảng viên\n" in seed.appendix
    assert not any("Về công tác đảng viên" in s.body for s in seed.sections)


def test_seed_parse_is_deterministic(seed_text: str) -> None:
    assert parse_draft(seed_text) == parse_draft(seed_text)


# Variants


def test_draft_without_cover_letter_with_lowercase_parts_and_dashes() -> None:
    draft = parse_draft(fixture("no_cover_letter.txt"))
    assert draft.cover_letter == ""
    assert draft.title == "Báo cáo kiểm điểm của Chi bộ Văn phòng nhiệm kỳ 2020 - 2025"
    assert draft.preamble == ""
    assert [(s.key, s.number, s.title, s.body) for s in draft.sections] == [
        ("p1.r1.n1", "1", "Ưu điểm", "Chi bộ duy trì sinh hoạt định kỳ đầy đủ, đúng quy định."),
        ("p1.r1.n2", "2", "Hạn chế", "Một số đảng viên chưa tham gia đầy đủ sinh hoạt chi bộ."),
        ("p1.r2", "II", "Nguyên nhân", "Do khối lượng công việc chuyên môn lớn."),
        ("p2.r1.n1", "1", "Mục tiêu chung", "Xây dựng chi bộ trong sạch, vững mạnh."),
    ]
    assert draft.sections[0].path == (
        "Phần thứ nhất: Kết quả thực hiện nhiệm vụ",
        "I. Đánh giá chung",
    )
    assert draft.sections[2].path == ("Phần thứ nhất: Kết quả thực hiện nhiệm vụ",)
    assert draft.sections[3].path == ("Phần thứ hai: Phương hướng nhiệm kỳ tới", "I. Mục tiêu")
    assert draft.issues == ()
    assert_no_text_lost(draft, fixture("no_cover_letter.txt").splitlines())


def test_draft_with_only_numbered_items_and_lettered_sub_items() -> None:
    text = fixture("numbered_only.txt")
    draft = parse_draft(text)
    assert (draft.title, draft.cover_letter) == ("", "")
    assert draft.preamble == (
        "Kính gửi các đồng chí đảng viên,\n\nChi ủy đề nghị các đồng chí góp ý nội dung dưới đây."
    )
    assert [(s.key, s.number, s.title, s.path) for s in draft.sections] == [
        ("preamble", "", "Phần mở đầu", ()),
        ("n1", "1", "Công tác chính trị, tư tưởng", ()),
        ("n2", "2", "Công tác tổ chức", ()),
        ("n3", "3", "Công tác kiểm tra, giám sát", ()),
    ]
    assert draft.sections[1].body.split("\n\n") == [
        "a) Học tập nghị quyết",
        "Tổ chức học tập đầy đủ các nghị quyết mới.",
        "b) Nắm tình hình tư tưởng",
        "Thường xuyên nắm tình hình tư tưởng đảng viên.",
    ]
    # Figures and list lines that start with a number are text, not headings.
    assert draft.sections[3].body.split("\n\n") == [
        "Kiểm tra 100% đảng viên trong năm.",
        "- 100% chi bộ hoàn thành kế hoạch kiểm tra.",
        "2.589 lượt đảng viên được giám sát.",
    ]
    assert draft.issues == ()
    assert_no_text_lost(draft, text.splitlines())


def test_page_break_mid_word_and_footnote_mid_paragraph() -> None:
    text = fixture("page_breaks.txt")
    draft = parse_draft(text)
    assert draft.title == "Báo cáo chính trị (Dự thảo)"
    assert draft.cover_letter == ""
    first, second, roman = draft.sections
    assert first.body == (
        "Chi bộ tổ chức tuyên truyền cho cán bộ, đảng viên và người lao động trong toàn cơ quan⁽¹⁾; "
        "kết quả đạt 98% kế hoạch, vượt chỉ tiêu đề ra từ đầu nhiệm kỳ."
    )
    assert [f.mark for f in first.footnotes] == ["1"]
    # A footnote ending in ";" continues on the next line; an uncited one stays where printed.
    assert [(f.mark, f.text) for f in second.footnotes] == [
        ("2", "Vượt chỉ tiêu 01 đảng viên; (1) kết nạp tháng 3; (2) kết nạp tháng 9."),
        ("3", "Chú thích không được dẫn ở đâu."),
    ]
    assert (roman.key, roman.number, roman.title) == ("r2", "II", "Phương hướng")
    assert {(issue.line, issue.message) for issue in draft.issues} == {
        (line_of(text, "⁽³⁾"), "chú thích ⁽³⁾ không được dẫn ở đâu trong bài"),
        (line_of(text, "2. Công tác tổ chức"), "dấu chú thích ⁽⁴⁾ không có lời chú thích"),
    }


def test_numbering_problems_become_issues_on_the_right_lines() -> None:
    text = fixture("bad_numbers.txt")
    draft = parse_draft(text)
    assert [(s.key, s.number, s.title) for s in draft.sections] == [
        ("p1.r1.n1", "1", "Thuận lợi"),
        ("p1.r1.n2", "1", "Khó khăn"),
        ("p1.r1.n3", "3", "Nguyên nhân"),
        ("p1.r1.n4", "4", "Ghi chú"),
        ("p1.r2.n1", "1", "Đề xuất"),
    ]
    assert draft.sections[2].body.split("\n\n") == [
        "3.1. Chủ quan",
        "Nội dung chủ quan.",
        "3.3. Khách quan",
        "Nội dung khách quan.",
    ]
    assert [(issue.line, issue.message) for issue in draft.issues] == [
        (line_of(text, "1. ", 2), f"đề mục «1.» dưới «I.» trùng số với dòng {line_of(text, '1. ')}"),
        (line_of(text, "3. "), "đề mục «3.» đứng sau «1.» dưới «I.»: nhảy số"),
        (line_of(text, "3.3. "), "đề mục «3.3.» đứng sau «3.1.» dưới «3.»: nhảy số"),
        (line_of(text, "4. "), "mục «4. Ghi chú» không có nội dung"),
        (
            line_of(text, "III. "),
            "đề mục «III.» đứng sau «I.» dưới «Phần thứ nhất»: nhảy số",
        ),
    ]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("", 1),
        ("  \n\n\t\n", 1),
        ("Kính gửi các đồng chí.\n\nVăn bản này không có đề mục nào.\n", 1),
        ("BÁO CÁO TÓM TẮT\n\nChỉ có một đoạn văn.\n\n2.589 đảng viên.\n", 3),
    ],
)
def test_text_without_structure_is_rejected_with_a_line(text: str, line: int) -> None:
    with pytest.raises(DraftParseError) as error:
        parse_draft(text)
    assert error.value.line == line
    assert f"line {line}" in str(error.value)


def test_keys_do_not_depend_on_printed_numbers() -> None:
    text = fixture("no_cover_letter.txt")
    renumbered = text.replace("1- Ưu điểm", "2- Ưu điểm").replace("2- Hạn chế", "3- Hạn chế")
    renumbered = renumbered.replace("II- NGUYÊN NHÂN", "IV- NGUYÊN NHÂN")
    before, after = parse_draft(text), parse_draft(renumbered)
    assert [s.key for s in after.sections] == [s.key for s in before.sections]
    assert [s.number for s in after.sections] == ["2", "3", "IV", "1"]
    assert [s.body for s in after.sections] == [s.body for s in before.sections]
    assert parse_draft(renumbered) == after


def test_windows_line_endings_and_decomposed_accents_parse_the_same() -> None:
    import unicodedata

    text = fixture("no_cover_letter.txt")
    odd = unicodedata.normalize("NFD", text).replace("\n", "\r\n")
    assert parse_draft(odd) == parse_draft(text)
