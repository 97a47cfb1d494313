"""Vietnamese phone numbers, however they are written, in one form: 0xxxxxxxxx."""

from __future__ import annotations

import re


def normalize_phone(raw: str) -> str | None:
    """'0912 345 678', '+84912345678', '84912345678', '(091) 234-5678' → '0912345678'.

    Returns None when the text is not a plausible Vietnamese mobile or landline number.
    """
    digits = re.sub(r"[\s.\-()]", "", raw.strip())
    digits = digits.removeprefix("+")
    if not digits.isdigit():
        return None
    if digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif not digits.startswith("0") and len(digits) in (9, 10):
        digits = "0" + digits  # leading zero lost in a spreadsheet
    if digits.startswith("0") and len(digits) in (10, 11):
        return digits
    return None
