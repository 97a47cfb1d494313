"""Every sentence the bot says, in one place, so wording is reviewed without touching logic.

Register: an official Party document addressing a comrade ("đồng chí"); short lines
for older members on small phones; one clear next step in each message.
"""

from __future__ import annotations

# Buttons: short, a verb or a noun the member recognises at a glance.
BTN_SHARE_PHONE = "📱 Gửi số điện thoại của tôi"
BTN_START = "📖 Bắt đầu đọc dự thảo"
BTN_CONTINUE = "▶️ Đọc tiếp từ chỗ đang dừng"
BTN_READ_ON = "⬇️ Đọc tiếp đoạn sau"
BTN_PREV = "◀️ Mục trước"
BTN_NEXT = "Mục sau ▶️"
BTN_TOC = "📑 Mục lục"
BTN_REVIEW = "📝 Xem ý kiến đã gửi"
BTN_FINISH = "✅ Hoàn thành"
BTN_CONFIRM = "✅ Xác nhận gửi ý kiến"
BTN_BACK_TO_TOC = "📑 Về mục lục"
BTN_CLEAR_TEXT = "🗑 Xoá phần ý kiến đã gõ"
BTN_CLEAR_YES = "🗑 Đồng ý xoá"
BTN_CANCEL = "↩️ Thôi, giữ nguyên"
BTN_SECTION = "Mục {position}"

DEFAULT_CHOICES: list[dict[str, object]] = [
    {"label": "Nhất trí", "asks_text": False},
    {"label": "Nhất trí, có ý kiến bổ sung", "asks_text": True},
    {"label": "Không nhất trí", "asks_text": True},
    {"label": "Không có ý kiến", "asks_text": False},
]

# What the Standing Committee asks, after the cover letter 307-CV/ĐUK.
DEFAULT_ASK = (
    "Ban Thường vụ Đảng ủy Khối đề nghị đồng chí nghiên cứu, cho ý kiến đóng góp "
    "nội dung dự thảo: có cần sửa đổi, bổ sung nội dung gì không?"
)

# ---- Identity -------------------------------------------------------------

WELCOME_UNKNOWN = (
    "Kính chào đồng chí!\n\n"
    "Đây là hệ thống lấy ý kiến đảng viên góp ý dự thảo văn kiện Đại hội.\n\n"
    "Để bắt đầu, xin đồng chí xác nhận danh tính:\n"
    "• bấm nút «{share}» ở cuối màn hình, hoặc\n"
    "• gõ mã cá nhân gồm 8 chữ số do chi bộ cung cấp."
)
WELCOME_UNKNOWN_CODE_ONLY = (
    "Kính chào đồng chí!\n\n"
    "Đây là hệ thống lấy ý kiến đảng viên góp ý dự thảo văn kiện Đại hội.\n\n"
    "Để bắt đầu, xin đồng chí gõ mã cá nhân gồm 8 chữ số do chi bộ cung cấp."
)
CONTACT_NOT_OWN = (
    "Xin đồng chí chỉ gửi số điện thoại của chính mình, bằng nút «{share}» ở cuối màn hình."
)
NOT_ON_ROSTER = (
    "Số điện thoại {phone} chưa có trong danh sách đảng viên được lấy ý kiến.\n\n"
    "Xin đồng chí liên hệ đồng chí bí thư chi bộ hoặc Văn phòng Đảng ủy Khối "
    "để được bổ sung, hoặc gõ mã cá nhân nếu đã được cấp."
)
CODE_WRONG = (
    "Mã «{code}» không đúng. Xin đồng chí kiểm tra lại mã 8 chữ số do chi bộ cung cấp.\n"
    "Nếu chưa có mã, xin liên hệ đồng chí bí thư chi bộ."
)
CODE_USED = (
    "Mã này đã được dùng cho một tài khoản {channel} khác. Nếu đó không phải đồng chí, "
    "xin báo ngay đồng chí bí thư chi bộ hoặc Văn phòng Đảng ủy Khối để cấp mã mới."
)
TOO_MANY_ATTEMPTS = (
    "Đồng chí đã nhập sai mã nhiều lần. Xin thử lại sau một giờ, "
    "hoặc liên hệ đồng chí bí thư chi bộ."
)
ASK_TO_LINK = "Xin đồng chí xác nhận danh tính trước: gửi số điện thoại hoặc gõ mã cá nhân 8 chữ số."
LINKED = "Xin cảm ơn. Đã xác nhận: đồng chí {name}, {cell} ({organization})."
ALREADY_LINKED = "Tài khoản này đã được xác nhận là đồng chí {name}, {cell}."

# ---- Member flow ----------------------------------------------------------

NO_CONSULTATION = "Hiện chưa có dự thảo nào đang lấy ý kiến. Xin cảm ơn đồng chí."
INTRO = (
    "📄 {title}\n\n"
    "{ask}\n\n"
    "• Dự thảo có {count} mục, gửi lần lượt từng mục.\n"
    "• Mỗi mục, đồng chí bấm một lựa chọn; muốn góp ý cụ thể thì gõ ý kiến rồi gửi như tin nhắn thường.\n"
    "• Đồng chí có thể quay lại sửa ý kiến đến hạn chót: {deadline}."
)
WELCOME_BACK = "Chào mừng đồng chí trở lại. Đồng chí đang ở mục {position}/{count}."
SECTION_HEADER = "Mục {position}/{count}"
SECTION_PAGE = "(trang {page}/{pages})"
SECTION_FOOTNOTES = "Chú thích:"
SECTION_CURRENT = "Ý kiến của đồng chí: {summary}"
SECTION_ASK = "Đồng chí bấm một lựa chọn dưới đây; muốn góp ý cụ thể thì gõ ý kiến rồi gửi."

CHOICE_SAVED = "Đã ghi nhận: «{choice}» cho mục {position}."
CHOICE_ASKS_TEXT = (
    "Đã ghi nhận: «{choice}» cho mục {position}.\n\n"
    "✍️ Xin đồng chí gõ ý kiến cụ thể về mục này (nội dung cần sửa đổi, bổ sung) rồi gửi."
)
TEXT_SAVED = (
    "✅ Đã lưu ý kiến của đồng chí về mục {position} ({chars} ký tự).\n"
    "Đồng chí có thể gõ thêm, hoặc bấm «Mục sau»."
)
TEXT_UPDATED = "✅ Đã cập nhật ý kiến mục {position} theo tin nhắn đồng chí vừa sửa."
TEXT_TOO_LONG = (
    "Tin nhắn dài {chars} ký tự, vượt mức {limit} ký tự cho một lần gửi. "
    "Chưa lưu. Xin đồng chí chia thành nhiều tin ngắn hơn."
)
COMMENT_TOO_LONG = (
    "Ý kiến về mục {position} đã đạt giới hạn {limit} ký tự. Chưa lưu phần vừa gửi. "
    "Xin đồng chí rút gọn, hoặc xoá phần đã gõ để viết lại."
)
TEXT_EMPTY = "Tin nhắn không có nội dung. Xin đồng chí gõ ý kiến bằng chữ."
TEXT_BEFORE_START = "Đồng chí chưa mở mục nào của dự thảo. Xin bấm «{start}» để bắt đầu."
TEXT_AT_FINISH = (
    "Đồng chí đang ở bước hoàn thành nên ý kiến vừa gõ chưa được gắn vào mục nào và chưa lưu. "
    "Xin mở «Mục lục», chọn mục cần góp ý rồi gõ lại."
)
CLEAR_ASK = "Xoá phần ý kiến đã gõ ở mục {position}? Lựa chọn đã bấm vẫn giữ nguyên."
CLEARED = "Đã xoá phần ý kiến đã gõ ở mục {position}. Đồng chí có thể gõ lại."
NOTHING_TO_CLEAR = "Mục {position} chưa có ý kiến nào được gõ."

TOC_TITLE = "📑 Mục lục ({answered}/{count} mục đã góp ý)"
TOC_ANSWERED = "✅"
TOC_OPEN = "▫️"
TOC_HINT = "Bấm số mục để mở."
TOC_LINE = "{mark} Mục {position}: {label}"
TOC_NO_HEADING = "Mở đầu"
BTN_TOC_PREV = "◀️ Trang trước"
BTN_TOC_NEXT = "Trang sau ▶️"

REVIEW_TITLE = "📝 Ý kiến đồng chí đã gửi ({answered}/{count} mục)"
REVIEW_EMPTY = "Đồng chí chưa góp ý mục nào."
REVIEW_LINE = "Mục {position}. {title}\n   {summary}"
NO_CHOICE = "(chưa chọn)"

FINISH_TITLE = "✅ Hoàn thành góp ý\n\nĐồng chí đã góp ý {answered}/{count} mục."
FINISH_MISSING = "Các mục chưa góp ý: {positions}."
FINISH_ASK = "Bấm «{confirm}» để gửi. Đồng chí vẫn có thể sửa đến hạn chót: {deadline}."
FINISHED = (
    "Xin cảm ơn đồng chí đã góp ý dự thảo. Ý kiến đã được ghi nhận và chuyển về chi bộ.\n"
    "Đồng chí vẫn có thể sửa đến hạn chót: {deadline}."
)
FINISHED_ALREADY = "Đồng chí đã xác nhận gửi ý kiến lúc {when}. Các sửa đổi sau đó vẫn được lưu."

CLOSED = (
    "Đã hết hạn góp ý ({deadline}). Không thể gửi hoặc sửa ý kiến nữa.\n"
    "Những ý kiến đồng chí gửi trước hạn đã được ghi nhận. Xin cảm ơn đồng chí."
)

# ---- Things the bot cannot use --------------------------------------------

UNSUPPORTED = {
    "sticker": "Hệ thống chưa nhận được nhãn dán (sticker).",
    "photo": "Hệ thống chưa nhận được hình ảnh.",
    "voice": "Hệ thống chưa nhận được tin nhắn thoại.",
    "video": "Hệ thống chưa nhận được video.",
    "document": "Hệ thống chưa nhận được tệp đính kèm.",
}
UNSUPPORTED_OTHER = "Hệ thống chưa nhận được loại tin nhắn này."
UNSUPPORTED_HINT = "Xin đồng chí gõ ý kiến bằng chữ, hoặc bấm các nút lựa chọn."
STALE_BUTTON = "Nút này không còn dùng được (tin nhắn cũ). Xin dùng tin nhắn mới nhất bên dưới."
UNKNOWN_COMMAND = "Không có lệnh «{command}». {hint}"
NUMBER_OUT_OF_RANGE = "Không có lựa chọn số {number}. Xin gõ một số trong danh sách vừa gửi."
CHOOSE_BY_NUMBER = "Gõ số để chọn:"
HELP = (
    "Hướng dẫn:\n"
    "• Bấm lựa chọn dưới mỗi mục; gõ ý kiến rồi gửi để góp ý cụ thể.\n"
    "• «Mục lục»: xem các mục và mở lại mục bất kỳ.\n"
    "• «Xem ý kiến đã gửi»: xem và sửa.\n"
    "• /start: tiếp tục từ chỗ đang dừng."
)
ERROR = (
    "Xin lỗi đồng chí, hệ thống đang gặp sự cố. Tin nhắn vừa rồi CHƯA được lưu; "
    "xin đồng chí gửi lại sau ít phút."
)

DATE_FORMAT = "{hour:02d}:{minute:02d} ngày {day:02d}/{month:02d}/{year}"
