"""Line-level reading of draft text converted from Word/PDF, kept apart so the parser reads as structure.

Word/PDF conversion leaves bold/italic marks (``**``, ``*``, sometimes unbalanced), stray HTML
tags, superscript footnote markers (``⁽¹²⁾``) and paragraphs cut by page breaks. Everything
here works on one line or one pair of paragraphs and knows nothing about the draft's tree.
"""

import re
import unicodedata

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # ¹²³ live in Latin-1, so no character range covers them
FOOTNOTE_MARKER = re.compile(f"⁽[{SUPERSCRIPT_DIGITS}]+⁾")
FOOTNOTE_LINE = re.compile(f"^⁽(?P<mark>[{SUPERSCRIPT_DIGITS}]+)⁾\\s*[.:)]?\\s*(?P<text>.*)$")
PART = re.compile(
    r"^(?P<label>phần\s+(?:thứ\s+)?(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười|[ivx]+|\d+))"
    r"(?:\s*[.:–-]\s*(?P<title>\S.*))?$",
    re.IGNORECASE,
)
ROMAN = re.compile(r"^(?P<number>[IVXL]{1,7})\s*[.\-–]\s*(?P<title>\S.*)$")
NUMBERED = re.compile(
    r"^(?P<number>\d{1,2}(?:\.\d{1,2}){0,4})(?P<sep>\s*[.\-–]+\s*|\s+)(?P<title>\S.*)$"
)
LETTERED = re.compile(r"^[a-zđ]\)")  # "a)", "b)-": sub-items, never page-break continuations
DRAFT_VERSION = re.compile(r"^\(\s*dự\s+thảo\b[^()]*\)$", re.IGNORECASE)
DOCUMENT_TYPE = re.compile(
    r"^(?:BÁO CÁO|NGHỊ QUYẾT|ĐỀ ÁN|CHƯƠNG TRÌNH|KẾ HOẠCH|TỜ TRÌNH|QUY CHẾ|QUY ĐỊNH|ĐIỀU LỆ"
    r"|DỰ THẢO|CHIẾN LƯỢC|CƯƠNG LĨNH|VĂN KIỆN)\b"
)
APPENDIX = re.compile(r"^phụ\s+lục\b", re.IGNORECASE)

_MARKS = re.compile(r"\*+|</?(?:i|b|u|em|strong)>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_OPENERS = "“\"'‘(«["
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
# Words after which an all-caps token such as "VII" is a numeral, not the Vietnamese word "vi".
_NUMERAL_CONTEXT = {"khóa", "khoá", "thứ", "lần", "phần", "chương", "mục", "hội"}
_SYLLABLE = re.compile(r"[bcdghklmnpqrstvx]*[aeiouy]+(?:ch|c|m|ng|nh|n|p|t)?")


def clean(line: str) -> str:
    """Drop emphasis marks and tags, which Word/PDF export leaves unbalanced, and tidy spaces."""
    return _SPACES.sub(" ", _MARKS.sub("", line)).strip()


def looks_structural(text: str) -> bool:
    """Heading or footnote shape, enough to end a title block; the tree builder checks closer."""
    return any(pattern.match(text) for pattern in (PART, ROMAN, NUMBERED, FOOTNOTE_LINE))


def mark_digits(superscript: str) -> str:
    """Footnote marks are stored as plain digits so the app can print them any way it likes."""
    return superscript.translate(str.maketrans(SUPERSCRIPT_DIGITS, "0123456789"))


def roman_value(numeral: str) -> int | None:
    """Value of a canonical roman numeral, None for look-alikes such as "IIV"."""
    if not numeral or any(letter not in _ROMAN_VALUES for letter in numeral):
        return None
    total = 0
    for letter, following in zip(numeral, numeral[1:] + " "):
        value = _ROMAN_VALUES[letter]
        total += -value if _ROMAN_VALUES.get(following, 0) > value else value
    return total if 0 < total < 90 and to_roman(total) == numeral else None


def to_roman(value: int) -> str:
    """Print a number the way the draft would, for messages about expected headings."""
    out = ""
    for amount, letters in (
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, amount)
        out += letters * count
    return out


def starts_upper(text: str) -> bool:
    """Headings start with a capital; numbered list lines ("2.589 đoàn viên") do not."""
    stripped = text.lstrip(_OPENERS)
    return bool(stripped) and stripped[0].isupper()


def is_all_caps(text: str) -> bool:
    """All-caps lines are titles in these drafts; they are shown in sentence case on phones."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def sentence_case(text: str) -> str:
    """Turn an all-caps title into sentence case, keeping "Đảng" and numerals like "khóa VII"."""
    if not is_all_caps(text):
        return text
    words = text.split(" ")
    out: list[str] = []
    for word in words:
        bare = word.strip(".,:;()–-")
        previous = out[-1].strip(".,:;()").lower() if out else ""
        if roman_value(bare) and previous in _NUMERAL_CONTEXT:
            out.append(word)
        elif bare == "ĐẢNG":
            out.append(word.replace("ĐẢNG", "Đảng"))
        else:
            out.append(word.lower())
    result = " ".join(out)
    return result[:1].upper() + result[1:]


def join_broken(head: str, tail: str) -> str:
    """Rejoin a paragraph cut by a page break; glue without a space only when a syllable was cut."""
    last = head.rsplit(" ", 1)[-1]
    first = re.match(r"\w*", tail)
    fragment = first.group() if first else ""
    cut_syllable = (
        fragment and not _has_vowel(fragment) and _SYLLABLE.fullmatch(_bare(last + fragment))
    )
    if head[-1:].isalpha() and cut_syllable:
        return head + tail
    return f"{head} {tail}"


def _bare(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _has_vowel(word: str) -> bool:
    return any(c in "aeiouy" for c in _bare(word))
