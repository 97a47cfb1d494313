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

MEMBER_LOCKED = (
    "Chi bộ đã chốt ý kiến lúc {when} nên ý kiến không sửa được nữa. "
    "Đồng chí vẫn xem được ý kiến đã gửi.\n"
    "Nếu cần sửa, xin liên hệ đồng chí bí thư chi bộ để mở lại (trước hạn chót)."
)

ROLE_MENU = "Đồng chí xem tiến độ và tổng hợp ý kiến bằng nút dưới đây."

# A round of several documents (the political report, the review report, …): the menu.
DOCUMENTS_INTRO = (
    "📚 Đợt lấy ý kiến này gồm {count} văn bản. Xin đồng chí chọn văn bản để đọc và góp ý; "
    "góp ý xong văn bản nào thì bấm «Hoàn thành» cho văn bản đó.\n"
    "Hạn chót: {deadline}."
)
DOCUMENTS_LEFT = "📚 Đồng chí còn {left}/{count} văn bản chưa hoàn thành. Xin chọn văn bản để góp ý tiếp:"
DOCUMENTS_ALL_DONE = (
    "🎉 Đồng chí đã hoàn thành góp ý cả {count} văn bản của đợt này. Xin cảm ơn đồng chí."
)
DOCUMENT_NOT_IN_ROUND = (
    "Văn bản này không thuộc đợt lấy ý kiến hiện nay (tin nhắn cũ). "
    "Xin chọn một văn bản trong danh sách dưới đây."
)
BTN_DOCUMENT = "📄 {name} — {answered}/{count} mục"
BTN_DOCUMENT_DONE = "✅ {name} — đã xong"
BTN_DOCUMENTS = "📚 Chọn văn bản khác"
ROUND_CLOSED_NO_ADD = "Đợt lấy ý kiến đã kết thúc, không thêm văn bản được nữa."
TRIAL_DOCUMENT_POLITICAL = "Báo cáo chính trị"
TRIAL_DOCUMENT_REVIEW = "Báo cáo kiểm điểm của Ban Chấp hành"
ROUND_DOCUMENT_LINE = "📄 {name}: {finished}/{members} đã hoàn thành ({percent}%), {started} đang góp ý"
ROUND_OVERALL_LINE = (
    "📚 Cả đợt ({count} văn bản): {finished}/{members} đồng chí đã hoàn thành mọi văn bản "
    "({percent}%)"
)

# ---- Cell secretary -------------------------------------------------------

BTN_CELL_PROGRESS = "👥 Tiến độ chi bộ"
BTN_CELL_SECTIONS = "📖 Xem ý kiến theo mục"
BTN_NUDGE = "🔔 Nhắc đồng chí chưa hoàn thành"
BTN_NUDGE_SEND = "🔔 Gửi lời nhắc"
BTN_DOWNLOAD_CSV = "📥 Tải tệp CSV"
BTN_DOWNLOAD_XLSX = "📥 Tải tệp Excel (XLSX)"
BTN_SUBMIT = "✅ Chốt ý kiến chi bộ"
BTN_SUBMIT_YES = "✅ Chốt và gửi Văn phòng"
BTN_REOPEN = "🔓 Mở lại để sửa"
BTN_OPINION = "🗣 Ý kiến chung của chi bộ"
BTN_OPINION_DELETE = "🗑 Xoá ý kiến chung"
BTN_MY_COMMENTS = "📖 Góp ý của tôi"
BTN_SECTIONS = "📑 Các mục"
BTN_PAGE_PREV = "◀️"
BTN_PAGE_NEXT = "▶️"

DEADLINE_LINE = "Hạn chót: {deadline} ({left})."
TIME_LEFT_DAYS = "còn {days} ngày {hours} giờ"
TIME_LEFT_HOURS = "còn {hours} giờ {minutes} phút"
TIME_UP = "đã hết hạn"
PAGE_MARK = "(trang {page}/{pages})"

PROGRESS_TITLE = "👥 Tiến độ góp ý · {cell} ({code})"
PROGRESS_COUNTS = (
    "Đã hoàn thành: {finished}/{total} · Đang góp ý: {started} · Chưa bắt đầu: {idle}"
)
PROGRESS_SUBMITTED = "🔒 Chi bộ đã chốt ý kiến lúc {when} (đồng chí {name})."
PROGRESS_NOT_SUBMITTED = "Chi bộ chưa chốt ý kiến."
PROGRESS_GROUP = "{mark} {label} ({count}): {names}"
GROUP_FINISHED = ("✅", "Đã hoàn thành")
GROUP_STARTED = ("✍️", "Đang góp ý")
GROUP_IDLE = ("⏳", "Chưa bắt đầu")
NAMES_NONE = "không có"
PROGRESS_SECTIONS = "📊 Theo mục (số đồng chí đã góp ý; các lựa chọn):"
PROGRESS_SECTION_LINE = "Mục {position} · {title}: {answered}"
SPREAD_TEXT_ONLY = "chỉ ghi ý kiến"
SPREAD_WITH_TEXT = "✍️ {count} có nội dung"
SPREAD_OPINION = "🗣 có ý kiến chung"

CELL_SECTIONS_TITLE = "📖 Ý kiến của chi bộ theo mục ({cell})"
CELL_SECTIONS_LINE = "{position}. {title} — {answered} ý kiến"
CELL_SECTIONS_HINT = "Bấm số mục để xem ý kiến."
CELL_SECTION_TITLE = "📖 Mục {position}/{count} · {label}"
CELL_SECTION_COUNTS = "{cell}: {answered}/{total} đồng chí đã góp ý."
CELL_SECTION_OPINION = "🗣 Ý kiến chung của chi bộ:\n{text}"
CELL_SECTION_NO_OPINION = "🗣 Ý kiến chung của chi bộ: (chưa có)"
CELL_SECTION_EMPTY = "Chưa có đồng chí nào góp ý mục này."
CELL_SECTION_ENTRY = "• {name} — {choice}"

OPINION_ASK = (
    "🗣 Ý kiến chung của chi bộ về mục {position}. {title}\n\n"
    "Xin đồng chí gõ ý kiến chung của chi bộ rồi gửi. Ý kiến này được lưu riêng, "
    "không lẫn với góp ý cá nhân của đồng chí; gửi lại thì thay ý kiến cũ."
)
OPINION_CURRENT = "Ý kiến chung hiện tại:\n{text}"
OPINION_SAVED = "✅ Đã lưu ý kiến chung của chi bộ về mục {position} ({chars} ký tự)."
OPINION_DELETED = "Đã xoá ý kiến chung của chi bộ về mục {position}."
OPINION_NONE = "Mục {position} chưa có ý kiến chung của chi bộ."

NUDGE_ASK = "Gửi lời nhắc ngay tới {count} đồng chí chưa hoàn thành góp ý:\n{names}"
NUDGE_UNREACHABLE = "Chưa kết nối với hệ thống, xin đồng chí nhắc trực tiếp:\n{names}"
NUDGE_NOBODY = "Tất cả đảng viên của chi bộ đã hoàn thành góp ý. Không cần nhắc."
NUDGE_TOO_SOON = (
    "Chi bộ đã gửi lời nhắc lúc {when}. Mỗi giờ chỉ nhắc một lần; "
    "đồng chí có thể nhắc lại từ {next}."
)
NUDGE_SENT = "🔔 Đã gửi lời nhắc tới {count} đồng chí."
NUDGE_TEXT = (
    "🔔 Đồng chí {secretary}, bí thư {cell}, nhắc đồng chí hoàn thành góp ý dự thảo "
    "trước hạn chót: {deadline} ({left}).\n"
    "Bấm nút dưới đây (hoặc gõ /start) để tiếp tục từ chỗ đang dừng."
)
CELL_CLOSED = "Đã hết hạn góp ý ({deadline}); không thể thay đổi nữa."
CELL_LOCKED = "Chi bộ đã chốt ý kiến lúc {when}. Muốn thay đổi, đồng chí bấm «{reopen}» trước."

SUBMIT_ASK = (
    "✅ Chốt ý kiến {cell}\n\n"
    "Sẽ gửi Văn phòng Đảng ủy Khối:\n"
    "• {finished}/{total} đồng chí đã hoàn thành; {started} đang góp ý; {idle} chưa bắt đầu.\n"
    "• {comments} lượt góp ý trên {sections}/{count} mục.\n"
    "• {opinions} ý kiến chung của chi bộ.\n\n"
    "Sau khi chốt, đảng viên của chi bộ vẫn xem được nhưng không sửa được ý kiến, "
    "trừ khi đồng chí mở lại (trước hạn chót: {deadline})."
)
SUBMITTED = "🔒 Đã chốt ý kiến chi bộ lúc {when} và báo Văn phòng Đảng ủy Khối."
SUBMITTED_ALREADY = "Chi bộ đã chốt ý kiến lúc {when} (đồng chí {name})."
NOT_SUBMITTED = "Chi bộ chưa chốt ý kiến nên không cần mở lại."
REOPENED = (
    "🔓 Đã mở lại. Đảng viên của chi bộ có thể sửa ý kiến đến hạn chót: {deadline}.\n"
    "Xin đồng chí nhớ chốt lại khi xong."
)
REOPEN_CLOSED = "Đã hết hạn góp ý ({deadline}) nên không mở lại được."
DOWNLOAD_READY = "📥 Ý kiến của {scope}: {rows} dòng."
EXPORT_PREPARING = "⏳ Đang chuẩn bị tệp, xin đồng chí chờ trong giây lát…"

OFFICE_SUBMITTED = (
    "📥 {cell} ({organization}) đã chốt ý kiến lúc {when} (đồng chí {name}).\n"
    "{finished}/{total} đồng chí hoàn thành; {comments} lượt góp ý; {opinions} ý kiến chung."
)
OFFICE_REOPENED = "🔓 {cell} ({organization}) đã mở lại để sửa ý kiến (đồng chí {name}, {when})."

# ---- Office ---------------------------------------------------------------

BTN_OVERVIEW = "📊 Tổng hợp toàn Khối"
OVERVIEW_TITLE = "📊 Tổng hợp góp ý · {title}"
OVERVIEW_TOTALS = (
    "Toàn Khối: {finished}/{members} đảng viên hoàn thành ({percent}%), {started} đang góp ý; "
    "{submitted}/{cells} chi bộ đã chốt."
)
OVERVIEW_PAGE = "Chi bộ cần chú ý trước {page}:"
# A round of several documents: the figures and the cells' table that follow are one document's.
FIGURES_OF_DOCUMENT = "Số liệu theo chi bộ dưới đây là của văn bản «{name}»."
OVERVIEW_LINE = "{mark} {code} · {cell} ({organization}): {finished}/{total} hoàn thành, {started} đang góp ý"
OVERVIEW_SUBMITTED = " · đã chốt {when}"
OVERVIEW_MARK_SUBMITTED = "✅"
OVERVIEW_MARK_OPEN = "⏳"
EXPORT_ASK = "Chọn định dạng tệp ý kiến toàn Khối:"
EXPORT_SCOPE_ALL = "toàn Khối"

# ---- Export file ------------------------------------------------------------

EXPORT_COLUMNS = (
    "Đợt lấy ý kiến",
    "Thứ tự mục",
    "Mục số",
    "Tên mục",
    "Tổ chức cơ sở đảng",
    "Mã chi bộ",
    "Chi bộ",
    "Loại",
    "Họ và tên",
    "Lựa chọn",
    "Nội dung góp ý",
    "Chi bộ đã chốt",
    "Thời điểm gửi",
    "Thời điểm sửa",
)
EXPORT_KIND_MEMBER = "đảng viên"
EXPORT_KIND_CELL = "chi bộ"
EXPORT_YES = "có"
EXPORT_NO = "không"
EXPORT_SHEET = "Góp ý"
EXPORT_SUMMARY_SHEET = "Tổng hợp theo mục"
EXPORT_SUMMARY_HEAD = ("Thứ tự mục", "Mục số", "Tên mục")
EXPORT_SUMMARY_TAIL = (
    "Chỉ ghi ý kiến (không chọn)",
    "Có nội dung góp ý",
    "Tổng số đảng viên góp ý",
    "Ý kiến chung của chi bộ",
)

# ---- Command line help (gopy --help, gopy COMMAND --help) --------------------

HELP_GOPY = "Góp ý: lấy ý kiến đảng viên góp ý dự thảo qua Telegram và Zalo."
HELP_DRAFT = "Dự thảo: nạp và xem."
HELP_ROSTER = "Danh sách đảng viên."
HELP_REMINDERS = "Lịch nhắc trước hạn chót."
HELP_CHAT_PHONE = "Vào thẳng với tư cách đảng viên có số này."
HELP_DRAFT_DEADLINE = 'Hạn chót, giờ địa phương: "YYYY-MM-DD HH:MM".'
HELP_DRAFT_TITLE = "Tên đợt lấy ý kiến."
HELP_DOCUMENT_NUMBER = "Chỉ văn bản số N của đợt (1 = văn bản nạp đầu tiên); mặc định: mọi văn bản."
HELP_DRAFT_ADD = "Thêm văn bản vào đợt đang chạy (chung hạn chót, lịch nhắc) thay vì mở đợt mới."
HELP_DRAFT_NAME = 'Tên ngắn của văn bản trong danh sách đảng viên chọn, ví dụ "Báo cáo kiểm điểm".'
HELP_DRAFT_REMINDERS = (
    'Lịch nhắc: "3d@08:00,1d@08:00,0d@08:00" (ngày trước hạn @ giờ); "none": không nhắc.'
)
HELP_SHOW_CHANNEL = "telegram hoặc zalo: cắt trang theo kênh."
HELP_CODES_CELL = "Chỉ in mã của chi bộ này."
HELP_CODES_RENEW = "Cấp mã mới (mã cũ hết hiệu lực)."
HELP_REMIND_DRY_RUN = "Chỉ liệt kê, không gửi."
HELP_REMINDERS_POLICY = 'Ví dụ "3d@08:00,1d@08:00,0d@08:00"; "none": không nhắc.'
HELP_PROGRESS_CELL = "Chỉ chi bộ có mã này (kèm danh sách đảng viên)."
HELP_EXPORT_OUT = "Tệp sẽ ghi."
HELP_EXPORT_FORMAT = "csv hoặc xlsx."
HELP_EXPORT_CELL = "Chỉ chi bộ có mã này."
HELP_EXPORT_ANONYMOUS = "Không ghi họ tên."
HELP_RUN = "Chạy bot: Telegram nếu có TELEGRAM_BOT_TOKEN, nếu không thì trò chuyện thử trên máy."
HELP_CHAT = "Trò chuyện với bot ngay trong cửa sổ dòng lệnh (thử nghiệm)."
HELP_DRAFT_LOAD = "Nạp dự thảo và mở đợt lấy ý kiến mới."
HELP_DRAFT_SHOW = "In các mục của dự thảo đúng như đảng viên sẽ thấy."
HELP_ROSTER_IMPORT = "Nạp danh sách đảng viên (CSV hoặc XLSX); chạy lại nhiều lần không sinh trùng."
HELP_CODES = "In mã cá nhân 8 chữ số để đảng viên xác nhận danh tính trong bot."
HELP_BACKUP = "Sao lưu cơ sở dữ liệu SQLite ra tệp TARGET, ngay cả khi bot đang chạy."
HELP_REMIND = "Gửi ngay các lời nhắc đến hạn (và thông báo hết hạn), hoặc liệt kê với --dry-run."
HELP_REMINDERS_SHOW = "Lịch nhắc của đợt hiện tại, theo giờ địa phương, và các lần đã gửi."
HELP_REMINDERS_SET = "Đặt lịch nhắc cho đợt hiện tại."
HELP_PROGRESS = "Tiến độ góp ý của mọi chi bộ, chi bộ cần chú ý trước; tổng toàn Khối."
HELP_EXPORT = "Xuất toàn bộ ý kiến ra CSV (mở bằng Excel) hoặc XLSX, ghi dần nên không tốn bộ nhớ."

# ---- Command line (gopy progress / gopy export) -----------------------------

CLI_NO_CONSULTATION = "Chưa có dự thảo nào. Dùng: gopy draft load PATH --deadline ..."
CLI_UNKNOWN_CELL = 'Không có chi bộ nào mang mã "{code}".'
CLI_PROGRESS_HEAD = ("Tổ chức cơ sở", "Mã", "Chi bộ", "Hoàn thành", "Đang góp ý", "Đã chốt")
CLI_PROGRESS_TOTALS = (
    "Toàn Khối: {finished}/{members} đảng viên hoàn thành ({percent}%), {started} đang góp ý; "
    "{submitted}/{cells} chi bộ đã chốt."
)
CLI_EXPORTED = "Đã xuất {rows} dòng vào {path}."
CLI_CANNOT_WRITE = "Không ghi được {path}: {error}"

# ---- Command line (gopy draft / roster / backup) ----------------------------

CLI_BAD_DEADLINE = 'Hạn chót "{deadline}" không đúng dạng "YYYY-MM-DD HH:MM".'
CLI_DEADLINE_PASSED = "Hạn chót đã qua."
CLI_CANNOT_READ = "Không đọc được {path}: {error}"
CLI_DRAFT_ERROR = "{path}, dòng {line}: {error}"
CLI_DRAFT_OPENED = "Đã mở đợt lấy ý kiến #{id}: {title}"
CLI_UNKNOWN_DOCUMENT = "Đợt hiện tại không có văn bản số {number}. Các văn bản: {documents}."
CLI_DOCUMENT_HEAD = "═══ {name} ═══"
CLI_DOCUMENT_LINE = "{name}: {line}"
CLI_DRAFT_ADDED = "Đã thêm văn bản #{id} vào đợt lấy ý kiến #{round}: {title}"
CLI_ADD_SHARES_ROUND = (
    "Văn bản thêm vào đợt đang chạy dùng chung hạn chót và lịch nhắc của đợt: "
    "bỏ --deadline và --reminders."
)
CLI_DEADLINE_NEEDED = (
    "Mở đợt lấy ý kiến mới cần --deadline \"YYYY-MM-DD HH:MM\" (hoặc --add để thêm văn bản "
    "vào đợt đang chạy, --next-version để nạp phiên bản mới của một văn bản)."
)
CLI_DRAFT_DEADLINE = "Hạn chót: {when:%H:%M %d/%m/%Y} · {count} mục:"
CLI_DRAFT_SECTION = "  {position:>3}. [{number}] {title}  ({chars:,} ký tự)"
CLI_DRAFT_ISSUE = "  ! {name}, dòng {line}: {message}"
CLI_DRAFT_PAGE_END = "──────────────────── ({chars} ký tự)"
CLI_ROSTER_NOT_LOADED = "Chưa nạp gì. Lỗi trong tệp:\n{errors}"
CLI_ROSTER_LOADED = (
    "Đã nạp {name}: thêm {added} đảng viên, cập nhật {updated}, giữ nguyên {unchanged}; "
    "thêm {cells} chi bộ, {organizations} tổ chức cơ sở."
)
CLI_ROSTER_NOT_IN_FILE = "{count} đảng viên đã có nhưng không có trong tệp (giữ nguyên)."
CLI_BACKUP_NOT_SQLITE = "DATABASE_URL không phải SQLite: với PostgreSQL, dùng pg_dump."
CLI_BACKUP_FAILED = "Chưa sao lưu được: {error}"
CLI_BACKUP_DONE = "Đã sao lưu {source} → {target} ({size:,} byte)."

# ---- The trial chat in the terminal (gopy run without tokens, gopy chat) ------

TRIAL_NO_TOKEN = (
    "Chưa cấu hình TELEGRAM_BOT_TOKEN hay ZALO_BOT_TOKEN: chạy thử ngay trên máy với dự thảo mẫu."
)
TRIAL_HOW_TO = (
    "Gõ như trong Telegram/Zalo; gõ số để bấm nút; [sticker] để thử nhãn dán; Ctrl-D để thoát."
)
TRIAL_DRAFT_TITLE = "Dự thảo Báo cáo chính trị"
TRIAL_SAMPLE_MEMBER = "Dữ liệu mẫu: thử với số điện thoại {phone} hoặc mã {code} ({name}, {cell})."
TRIAL_CONTACT_HINT = "  (thử nghiệm: gõ số điện thoại để gửi như nút «Gửi số điện thoại»)"
TRIAL_PROMPT = "đồng chí › "
RENDER_DOCUMENT = "[tệp đính kèm: {name}, {size} byte]"

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
# Channels without buttons (Zalo): the same steps, typed.
SECTION_ASK_TYPED = (
    "Đồng chí gõ số của một lựa chọn dưới đây (hoặc gõ đúng tên lựa chọn, ví dụ «nhất trí»); "
    "muốn góp ý cụ thể thì gõ ý kiến rồi gửi."
)
TOC_HINT_TYPED = "Gõ số mục để mở (ví dụ: 5)."
UNSUPPORTED_HINT_TYPED = "Xin đồng chí gõ ý kiến bằng chữ, hoặc gõ số của lựa chọn."
HELP_TYPED = (
    "Hướng dẫn:\n"
    "• Gõ số của lựa chọn dưới mỗi mục, hoặc gõ tên lựa chọn (ví dụ «nhất trí»); "
    "gõ ý kiến rồi gửi để góp ý cụ thể.\n"
    "• «tiếp» / «lại»: mục sau / mục trước; «đọc tiếp»: đoạn sau của mục dài.\n"
    "• «mục 5»: mở mục 5; «mục lục»: xem các mục.\n"
    "• «xem lại»: xem ý kiến đã gửi; «xoá»: xoá phần ý kiến đã gõ ở mục đang mở.\n"
    "• «xong»: hoàn thành; «xác nhận»: gửi ý kiến.\n"
    "• «đánh số đoạn»: xem số các đoạn; «đoạn 3: …»: góp ý đoạn 3; "
    "«đề xuất sửa»: đề nghị sửa câu chữ.\n"
    "• Gõ không dấu cũng được (muc luc, tiep, xong)."
)
DOCUMENT_NOT_ON_TEXT_CHANNEL = (
    "📎 Tệp «{filename}» chưa gửi được qua Zalo. Xin đồng chí nhận tệp qua Telegram, "
    "hoặc đề nghị Văn phòng Đảng ủy Khối xuất tệp bằng lệnh «gopy export»."
)
HELP = (
    "Hướng dẫn:\n"
    "• Bấm lựa chọn dưới mỗi mục; gõ ý kiến rồi gửi để góp ý cụ thể.\n"
    "• «Mục lục»: xem các mục và mở lại mục bất kỳ.\n"
    "• «Xem ý kiến đã gửi»: xem và sửa.\n"
    "• Góp ý một câu: vuốt để trả lời trang của mục (có thể trích câu), rồi gõ ý kiến.\n"
    "• /start: tiếp tục từ chỗ đang dừng."
)
ERROR = (
    "Xin lỗi đồng chí, hệ thống đang gặp sự cố. Tin nhắn vừa rồi CHƯA được lưu; "
    "xin đồng chí gửi lại sau ít phút."
)

DATE_FORMAT = "{hour:02d}:{minute:02d} ngày {day:02d}/{month:02d}/{year}"

# ---- Reminders and the deadline (sent by the scheduler) ---------------------

BTN_REMIND_CONTINUE = "▶️ Tiếp tục góp ý"
BTN_REMIND_MISSING = "👥 Xem ai chưa góp ý"
REMIND_GREETING = "🔔 Kính gửi đồng chí {name},"
REMIND_OWN = (
    "Dự thảo «{title}» còn {remaining}/{count} mục đồng chí chưa góp ý. "
    "Xin đồng chí dành ít phút hoàn thành, tiếp tục từ chỗ đang dừng."
)
REMIND_OWN_CONFIRM = (
    "Đồng chí đã góp ý đủ {count} mục dự thảo «{title}» nhưng chưa bấm «{confirm}». "
    "Xin đồng chí xem lại và xác nhận."
)
REMIND_CELL = (
    "📊 {cell}: {finished}/{total} đồng chí đã hoàn thành, {not_started} chưa bắt đầu"
    "{unreachable}; chi bộ chưa chốt ý kiến."
)
REMIND_CELL_UNREACHABLE = ", {count} không liên lạc được"
REMIND_DEADLINE = "⏰ Hạn chót: {deadline}."
REMIND_DOCUMENTS = (
    "Đồng chí còn {count} văn bản chưa hoàn thành góp ý:\n{names}\n"
    "Xin đồng chí dành ít phút hoàn thành, tiếp tục từ chỗ đang dừng."
)
REMIND_DOCUMENT = "• {name}"

CLOSED_NOTICE = (
    "⏰ Đã hết hạn góp ý dự thảo «{title}» ({deadline}).\n"
    "Những ý kiến đồng chí gửi trước hạn đã được ghi nhận đầy đủ. Xin cảm ơn đồng chí."
)
DEADLINE_SUMMARY = (
    "📋 Tổng hợp khi hết hạn góp ý\n"
    "«{title}» · hạn chót {deadline}\n\n"
    "• Chi bộ đã chốt: {submitted}/{cells}; chưa chốt: {not_submitted}.\n"
    "• Đảng viên đã hoàn thành: {finished}/{members}; đang góp ý dở: {started}.\n"
    "• Lượt góp ý: {comments}, trong đó {with_text} có nội dung cụ thể.\n\n"
    "{documents}"
    "Tệp CSV toàn bộ ý kiến gửi kèm."
)
DEADLINE_FILE = "gop-y-toan-khoi-{stamp}.csv"

# ---- Command line (gopy remind / gopy reminders) ----------------------------

CLI_REMIND_POLICY = "Lịch nhắc: {policy} (giờ {timezone}; không gửi từ 21:00 đến 07:00)"
CLI_REMIND_SLOT = "  • {when} ({days} ngày trước hạn)"
CLI_REMIND_NO_SLOT = "  • (không có lần nhắc nào trước hạn chót)"
CLI_REMIND_DEADLINE = "  • {when}: hết hạn, báo Văn phòng và đảng viên đang góp ý dở"
CLI_REMIND_ROUND = "Đợt #{id}: {title}"
CLI_REMIND_DONE_TITLE = "Đã chạy:"
CLI_REMIND_DONE = "  • {slot}: {detail}"
CLI_REMIND_UPDATED = "Đã cập nhật."
CLI_REMIND_NO_CHANNEL = "Chưa cấu hình kênh nhắn tin nào (TELEGRAM_BOT_TOKEN): không gửi được."
CLI_REMIND_NOTHING_DUE = "Lúc này không có lần nhắc nào đến hạn. Lần tới: {next}."
CLI_REMIND_NO_NEXT = "không còn"
CLI_REMIND_PREVIEW = "Lần nhắc {slot}: {count} người (chạy thử, chưa gửi):"
CLI_REMIND_PREVIEW_LINE = "  • {cell} · {name} ({why})"
CLI_REMIND_NOTHING_RUN = "Lúc này không có lần nhắc nào đến hạn (hoặc đang trong giờ nghỉ 21:00–07:00)."
CLI_REMIND_RESULT = "Lần nhắc {slot}: lập danh sách {planned} người; {detail}"
CLI_REMIND_RESULT_EMPTY = "không còn ai cần gửi"
CLI_REMIND_BAD_POLICY = "Lịch nhắc không hợp lệ: {error}"
CLI_REMIND_WHY_OWN = "chưa hoàn thành"
CLI_REMIND_WHY_SECRETARY = "bí thư: tiến độ chi bộ"
CLI_REMIND_WHY_MIDWAY = "đang góp ý dở"
CLI_REMIND_WHY_OFFICE = "Văn phòng: tổng hợp + CSV"
CLI_REMIND_STATUS = {
    "pending": "chờ gửi",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "unreachable": "không liên lạc được",
    "skipped": "không cần nữa",
    "unconfirmed": "chưa xác nhận (tiến trình dừng giữa chừng)",
    "later": "để lần sau",
    "failed": "lỗi, sẽ thử lại",
}
POLICY_BAD_RULE = "«{rule}»: cần dạng «3d@08:00» (số ngày trước hạn @ giờ:phút), cách nhau bằng dấu phẩy"
POLICY_BAD_TIME = "«{rule}»: giờ không hợp lệ"
NAME_UNREACHABLE = "{name} (không liên lạc được)"  # blocked the bot: the secretary calls them

# ---- Loading a roster (gopy roster import): for the Office, with line and column ----

ROSTER_AT_LINE = "dòng {line}"
ROSTER_AT_COLUMN = "cột {column}"
ROSTER_ERRORS_HEAD = "Tệp {name} có {count} lỗi, chưa nhập dòng nào. Xin sửa rồi nhập lại:"
ROSTER_ERRORS_MORE = "… và {count} lỗi khác."
ROSTER_NOT_UTF8 = 'tệp không phải UTF-8; trong Excel hãy chọn "Lưu thành" → "CSV UTF-8"'
ROSTER_BAD_CSV = "không đọc được dòng này ({detail})"
ROSTER_BAD_XLSX = "không mở được tệp Excel ({detail})"
ROSTER_OLD_XLS = "không đọc được tệp .xls; hãy lưu lại thành .xlsx hoặc CSV UTF-8"
ROSTER_EMPTY_FILE = "tệp trống; dòng đầu phải là tiêu đề: {columns}"
ROSTER_NO_MEMBERS = "không có dòng đảng viên nào sau dòng tiêu đề"
ROSTER_MISSING_COLUMN = "thiếu cột này ở dòng tiêu đề"
ROSTER_UNKNOWN_COLUMN = "cột lạ; tiêu đề chỉ gồm các cột: {columns}"
ROSTER_UNNAMED_COLUMN = "cột không có tên ở dòng tiêu đề"
ROSTER_REPEATED_COLUMN = "cột này có hai lần ở dòng tiêu đề"
ROSTER_FIELD_COUNT = "dòng có {found} giá trị, trong khi tiêu đề có {expected} cột"
ROSTER_EMPTY_FIELD = "chưa điền"
ROSTER_TOO_LONG = "dài {length} ký tự, tối đa {limit}"
ROSTER_BAD_PHONE = 'số điện thoại "{value}" không hợp lệ'
ROSTER_BAD_ROLE = (
    'vai trò "{value}" không hợp lệ; dùng member (đảng viên), '
    "secretary (bí thư) hoặc office (văn phòng)"
)
ROSTER_REPEATED_PHONE = "số điện thoại {phone} đã có ở dòng {line}"
ROSTER_CELL_NAME_CONFLICT = 'chi bộ {code} đã mang tên "{other}" ở dòng {line}'
ROSTER_CELL_ORG_CONFLICT = 'chi bộ {code} đã thuộc "{other}" ở dòng {line}'
ROSTER_UNKNOWN_CELL = 'không có chi bộ nào mang mã "{code}"'

# ---- Loading a draft (gopy draft load): for the Office, with the line number ----

PARSE_EMPTY = "dự thảo trống"
PARSE_NO_HEADINGS = "không tìm thấy đề mục nào (PHẦN…, I., 1.) từ dòng {first} đến dòng {last}"
PARSE_AT_TOP = "ở cấp ngoài cùng"
PARSE_UNDER = "dưới «{parent}»"
PARSE_NOT_UNDER = "đề mục «{number}» không nằm dưới đề mục «{prefix}»"
PARSE_REPEATS = "đề mục «{printed}» {where} trùng số với dòng {line}"
PARSE_FIRST_SKIPS = "đề mục «{printed}» là đề mục đầu tiên {where}: nhảy số"
PARSE_SKIPS = "đề mục «{printed}» đứng sau {before} {where}: nhảy số"
PARSE_GOES_BACK = "đề mục «{printed}» đứng sau {before} {where}: số bị lùi"
PARSE_NO_TEXT = "mục «{label}» không có nội dung"
PARSE_NOTE_UNCITED = "chú thích ⁽{mark}⁾ không được dẫn ở đâu trong bài"
PARSE_NOTE_TWICE = "chú thích ⁽{mark}⁾ bị in hai lần"
PARSE_MARK_NO_NOTE = "dấu chú thích ⁽{mark}⁾ không có lời chú thích"

# ---- gopy deadletters ---------------------------------------------------------------
HELP_DEADLETTERS = (
    "Tin bị treo: không đọc được, hoặc lỗi mỗi lần xử lý (người gửi đã được báo là chưa "
    "lưu). Không có lệnh con: liệt kê."
)
HELP_DEAD_ALL = "Cả những tin đã xử lý lại."
HELP_DEAD_REPLAY = "Xử lý lại một tin bị treo, sau khi đã sửa lỗi; trả lời gửi qua bot đang chạy."
HELP_DEAD_ID = "Số của tin, như trong danh sách."
HELP_DEAD_FORCE = "Xử lý lại cả tin đã xử lý lại trước đó."
CLI_NEED_TELEGRAM_SECRET = "Có TELEGRAM_WEBHOOK_URL thì phải đặt cả TELEGRAM_WEBHOOK_SECRET."
CLI_NEED_ZALO_SECRET = "Có ZALO_WEBHOOK_URL thì phải đặt cả ZALO_WEBHOOK_SECRET (8–256 ký tự)."
CLI_DEAD_NONE = "Không có tin nào bị treo."
CLI_DEAD_LINE = "#{id}  {when}  {channel}  {key}  [{stage}, {attempts} lần]  {error}"
CLI_DEAD_STAGE = {"read": "không đọc được", "handle": "lỗi khi xử lý"}
CLI_DEAD_REPLAYED = " (đã xử lý lại {when})"
CLI_DEAD_UNKNOWN = "Không có tin treo #{id}."
CLI_DEAD_ALREADY = "Tin #{id} đã được xử lý lại lúc {when}; thêm --force để xử lý lần nữa."
CLI_DEAD_UNREADABLE = "Tin #{id} vẫn chưa đọc được: {error}"
CLI_DEAD_IGNORED = "Tin #{id} không phải loại bot xử lý (đã đánh dấu xong)."
CLI_DEAD_FAILED = "Xử lý lại tin #{id} vẫn lỗi ({error}); chưa lưu gì, tin vẫn được giữ."
CLI_DEAD_DONE = (
    "Đã xử lý lại tin #{id}: {replies} trả lời đã lưu, bot đang chạy sẽ gửi đi "
    "(hoặc gửi khi bot khởi động)."
)

# ---- Compiling (gopy compile / gopy report): tổng hợp, tiếp thu, giải trình ----------
OUTCOMES = {  # storage.decisions.Outcome value → how the report and the Office name it
    "tiep-thu": "Tiếp thu",
    "tiep-thu-mot-phan": "Tiếp thu một phần",
    "giai-trinh": "Giải trình",
    "khong-tiep-thu": "Không tiếp thu",
    "ghi-nhan": "Ghi nhận",
}
HELP_COMPILE = "Tổng hợp ý kiến: nhóm các ý kiến giống nhau, sửa nhóm, ghi quyết định tiếp thu, giải trình."
HELP_COMPILE_GROUP = (
    "Nhóm lại các ý kiến của từng mục (giữ nguyên những ý kiến Văn phòng đã tự xếp và "
    "những nhóm đã có quyết định)."
)
HELP_COMPILE_LIST = "Danh sách nhóm ý kiến: mỗi nhóm một số, kèm số hiệu từng ý kiến để chuyển, tách."
HELP_COMPILE_SECTION = "Chỉ mục có thứ tự này (như trong gopy draft show)."
HELP_COMPILE_UNDECIDED = "Chỉ những nhóm chưa có quyết định."
HELP_COMPILE_FULL = "In cả nội dung từng ý kiến."
HELP_COMPILE_MOVE = "Chuyển một ý kiến sang nhóm khác (cùng mục); lần nhóm lại sau giữ nguyên."
HELP_COMPILE_ITEM = "Số hiệu ý kiến (cột # trong gopy compile list --full)."
HELP_COMPILE_TO = "Số nhóm nhận ý kiến."
HELP_COMPILE_SPLIT = "Tách một số ý kiến ra khỏi nhóm thành nhóm mới."
HELP_COMPILE_SPLIT_ITEMS = "Số hiệu các ý kiến tách ra."
HELP_COMPILE_MERGE = "Gộp nhóm thứ hai vào nhóm thứ nhất."
HELP_COMPILE_DECIDE = "Ghi (hoặc sửa) quyết định về một nhóm ý kiến, kèm giải thích."
HELP_COMPILE_GROUP_ID = "Số nhóm."
HELP_COMPILE_OUTCOME = "tiep-thu | tiep-thu-mot-phan | giai-trinh | khong-tiep-thu | ghi-nhan"
HELP_COMPILE_EXPLANATION = "Nội dung tiếp thu hoặc lý do giải trình (bắt buộc)."
HELP_COMPILE_BY = "Số điện thoại của cán bộ Văn phòng quyết định (ghi vào nhật ký)."
HELP_COMPILE_PROGRESS = "Mỗi mục còn bao nhiêu nhóm ý kiến chưa có quyết định."
HELP_REPORT = "Báo cáo tổng hợp ý kiến đóng góp (.docx để trình, .xlsx mỗi nhóm một dòng)."
HELP_REPORT_FORMAT = "docx hoặc xlsx."
HELP_REPORT_NAMED = "Ghi cả họ tên đảng viên nêu ý kiến (mặc định chỉ ghi chi bộ, đảng bộ)."
CLI_COMPILE_GROUPED = (
    "Đã nhóm {items} ý kiến của {sections} mục thành {groups} nhóm "
    "({kept} ý kiến giữ nguyên chỗ do Văn phòng đã xếp hoặc nhóm đã có quyết định)."
)
CLI_COMPILE_SECTION_HEAD = "\n== Mục {number} {title} — {groups} nhóm, {undecided} chưa quyết định"
CLI_COMPILE_GROUP_LINE = "  [{id}] {kind} · {people} ý kiến · {decision}\n      {text}"
CLI_COMPILE_GROUP_PLACES = "      Nơi nêu: {places}"
CLI_COMPILE_GROUP_CHOICES = "      Lựa chọn: {choices}"
CLI_COMPILE_ITEM_LINE = "      #{id} {cell}{member}: {text}"
CLI_COMPILE_KIND = {"member": "đảng viên", "cell": "ý kiến chi bộ"}
CLI_COMPILE_UNDECIDED = "chưa quyết định"
CLI_COMPILE_DECISION = "{outcome} (lần sửa {version}, {by})"
CLI_COMPILE_NONE = "Chưa có nhóm nào: chạy gopy compile group trước."
CLI_COMPILE_MOVED = "Đã chuyển ý kiến #{item} sang nhóm [{group}]."
CLI_COMPILE_SPLITTED = "Đã tách {count} ý kiến khỏi nhóm [{group}] thành nhóm mới [{new}]."
CLI_COMPILE_MERGED = "Đã gộp nhóm [{other}] vào nhóm [{group}]."
CLI_COMPILE_DECIDED = "Nhóm [{group}]: {outcome} (lần {version})."
CLI_COMPILE_PROGRESS_LINE = "{number:>8} {title:<60} {decided:>4}/{groups:<4} còn {undecided}"
CLI_COMPILE_PROGRESS_TOTAL = "Toàn bộ: {decided}/{groups} nhóm đã có quyết định, còn {undecided}."
CLI_COMPILE_NO_GROUP = "Không có nhóm [{0}]."
CLI_COMPILE_NO_ITEM = "Không có ý kiến #{0}."
CLI_COMPILE_NOT_IN_GROUP = "Có ý kiến không thuộc nhóm [{0}]; xem gopy compile list --full."
CLI_COMPILE_SPLIT_ALL = "Không thể tách hết ý kiến khỏi nhóm [{0}]: hãy để lại ít nhất một."
CLI_COMPILE_SAME_GROUP = "Hai số nhóm trùng nhau [{0}]."
CLI_COMPILE_BOTH_DECIDED = (
    "Cả hai nhóm đều đã có quyết định; sửa cho thống nhất rồi gộp, hoặc chuyển từng ý kiến "
    "(nhóm [{0}])."
)
CLI_COMPILE_OTHER_SECTION = "Nhóm [{0}] thuộc mục khác hoặc loại khác (đảng viên / chi bộ)."
CLI_COMPILE_NOT_OFFICE = "Đồng chí {0} không thuộc Văn phòng: chỉ Văn phòng ghi quyết định."
CLI_COMPILE_NO_EXPLANATION = "Cần ghi nội dung tiếp thu hoặc lý do giải trình cho nhóm [{0}]."
CLI_COMPILE_BAD_OUTCOME = "Quyết định không hợp lệ: {value}. Chọn một trong: {choices}."
CLI_COMPILE_UNKNOWN_PHONE = "Không có ai số điện thoại {phone} trong danh sách."
CLI_REPORT_WRITTEN = "Đã ghi báo cáo vào {path} ({groups} nhóm ý kiến, {sections} mục)."

# ---- The compiled report (.docx / .xlsx) ---------------------------------------------
REPORT_PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
REPORT_NUMBER = "Số       -BC/{short}"
REPORT_PLACE_DATE = "{place}, ngày {day} tháng {month} năm {year}"
REPORT_KIND = "BÁO CÁO"
REPORT_TITLE = "Tổng hợp ý kiến đóng góp dự thảo {title}"
REPORT_INTRO = (
    "Thực hiện Công văn số 307-CV/ĐUK của Ban Thường vụ Đảng ủy Khối về việc lấy ý kiến "
    "đóng góp dự thảo, Văn phòng tổng hợp ý kiến đóng góp của các chi bộ, đảng bộ cơ sở "
    "và đảng viên, đề xuất tiếp thu, giải trình như sau:"
)
# A round of several documents: a part per document, each with its I. and II.
REPORT_DOCUMENT_PART = "{letter}. VỀ DỰ THẢO {name}"
REPORT_PART_FIGURES = "I. TÌNH HÌNH GÓP Ý"
REPORT_FIGURES = (
    "{organizations} đảng bộ, chi bộ cơ sở với {cells}/{cells_total} chi bộ có ý kiến "
    "đóng góp; {submitted}/{cells_total} chi bộ đã chốt gửi ý kiến; {members}/{members_total} "
    "đảng viên tham gia góp ý."
)
REPORT_FIGURES_TABLE_HEAD = ("Mục", "Số ý kiến", "Có nội dung", "Ý kiến chi bộ")
REPORT_PART_SECTIONS = "II. Ý KIẾN ĐÓNG GÓP VÀ ĐỀ XUẤT TIẾP THU, GIẢI TRÌNH THEO TỪNG MỤC"
REPORT_SECTION = "{index}. Mục {number} {title}"
REPORT_SECTION_FIGURES = (
    "{answers} đảng viên cho ý kiến ({choices}); {with_text} ý kiến có nội dung; "
    "{opinions} ý kiến của chi bộ."
)
REPORT_SECTION_EMPTY = "Không có ý kiến bằng văn bản về mục này."
REPORT_MEMBERS_HEAD = "a) Ý kiến của đảng viên"
REPORT_CELLS_HEAD = "b) Ý kiến tập thể của chi bộ"
REPORT_GROUP = "{index}) {text}"
REPORT_GROUP_WHO = "{count} ý kiến: {places}."
REPORT_GROUP_WHO_CELLS = "{count} chi bộ: {places}."
REPORT_GROUP_NAMES = "Đảng viên: {names}."
REPORT_GROUP_CHOICES = "Lựa chọn của các đồng chí này: {choices}."
REPORT_DECISION = "Đề xuất: {outcome}. {explanation}"
REPORT_UNDECIDED = "Đề xuất: chưa có."
REPORT_NO_CHOICE = "không chọn"
REPORT_APPENDIX = "PHỤ LỤC"
REPORT_APPENDIX_TITLE = "Các chi bộ chưa chốt gửi ý kiến"
REPORT_APPENDIX_NONE = "Tất cả các chi bộ đã chốt gửi ý kiến."
REPORT_APPENDIX_HEAD = ("STT", "Đảng bộ, chi bộ cơ sở", "Mã chi bộ", "Chi bộ")
REPORT_RECIPIENTS = ("Nơi nhận:", "- Ban Thường vụ Đảng ủy Khối,", "- Lưu Văn phòng.")
REPORT_SIGNATURE = ("VĂN PHÒNG ĐẢNG ỦY KHỐI",)
REPORT_XLSX_SHEET = "Nhóm ý kiến"
REPORT_XLSX_COLUMNS = (
    "Thứ tự mục", "Mục số", "Tên mục", "Nhóm", "Loại", "Nội dung tiêu biểu", "Số ý kiến",
    "Đảng bộ, chi bộ nêu", "Đảng viên nêu", "Lựa chọn", "Đề xuất", "Giải thích",
    "Người quyết định", "Lúc quyết định", "Lần sửa", "Đoạn được góp ý", "Đề xuất sửa câu chữ",
    "Văn bản",
)
REPORT_XLSX_PROPOSAL_KIND = "đề xuất sửa câu chữ"  # a proposal whose comment is in no group

# ---- the web console: the link the bot sends ---------------------------------------------

CONSOLE_LINK = (
    "🔐 Đường dẫn đăng nhập trang quản trị (chỉ dùng được một lần, trong {minutes} phút, "
    "chỉ cho đồng chí):\n{url}\n\nKhông chuyển tiếp đường dẫn này cho người khác."
)
CLI_WEB_LINK = "Đường dẫn đăng nhập cho đồng chí {name} ({minutes} phút, dùng một lần):\n{url}"
CLI_WEB_NO_MEMBER = "Không có ai số điện thoại {phone} trong danh sách."
CLI_WEB_NOT_ALLOWED = "Đồng chí {name} không phải Văn phòng hay bí thư chi bộ: không có trang quản trị."
HELP_WEB = "Trang quản trị trên trình duyệt (Văn phòng, bí thư chi bộ)."
HELP_WEB_LINK = "In đường dẫn đăng nhập dùng một lần cho một đồng chí Văn phòng hoặc bí thư."
HELP_WEB_PHONE = "Số điện thoại trong danh sách đảng viên."
TRIAL_CONSOLE = (
    "🖥  Trang quản trị: mở đường dẫn này trong trình duyệt để vào với tư cách "
    "đồng chí {name} (Văn phòng; dùng một lần, trong 10 phút):\n{url}"
)

# ---- the web console: pages ---------------------------------------------------------------

WEB_TITLE = "Góp ý dự thảo — Trang quản trị"
WEB_SKIP = "Bỏ qua, đến nội dung chính"
WEB_NAV = "Các trang"
WEB_NAV_OVERVIEW = "Tổng quan"
WEB_NAV_CELLS = "Tổ chức và chi bộ"
WEB_NAV_CELL = "Chi bộ của tôi"
WEB_NAV_COMMENTS = "Ý kiến"
WEB_NAV_DOWNLOADS = "Tải về"
WEB_NAV_DRAFT = "Dự thảo"
WEB_NAV_ROSTER = "Danh sách đảng viên"
WEB_NAV_AUDIT = "Nhật ký"
WEB_SIGN_OUT = "Đăng xuất"
WEB_SIGNED_IN_AS = "Đồng chí {name} · {cell}"
WEB_ROLE_OFFICE = "Văn phòng"
WEB_ROLE_SECRETARY = "Bí thư chi bộ"

WEB_HOW_TO_SIGN_IN = (
    "Để vào trang quản trị, đồng chí Văn phòng hoặc bí thư chi bộ nhắn cho bot Góp ý "
    "(Telegram hoặc Zalo) lệnh /web hoặc dòng chữ «trang quản trị», rồi mở đường dẫn bot "
    "gửi lại. Mỗi đường dẫn chỉ dùng được một lần, trong 10 phút."
)
WEB_SIGN_IN_NEEDED = "Đồng chí chưa đăng nhập, hoặc phiên làm việc đã hết hạn."
WEB_LINK_INVALID = "Đường dẫn đăng nhập không dùng được: đã hết hạn, đã được dùng, hoặc không đúng."
WEB_FORBIDDEN = "Trang này không dành cho tài khoản của đồng chí."
WEB_CSRF_FAILED = "Biểu mẫu đã cũ hoặc không hợp lệ. Đồng chí tải lại trang rồi làm lại."
WEB_NOT_FOUND = "Không có trang này."
WEB_ERROR_TITLE = {401: "Cần đăng nhập", 403: "Không có quyền", 404: "Không tìm thấy",
                   405: "Không tìm thấy", 413: "Tệp quá lớn", 400: "Yêu cầu không hợp lệ"}
WEB_SIGNED_OUT = "Đồng chí đã đăng xuất. Cảm ơn đồng chí."

WEB_NO_ROUND = "Chưa có đợt lấy ý kiến nào đang chạy."
WEB_DEADLINE = "Hạn chót: {deadline} ({left})"
WEB_MEMBERS_FINISHED = "Đã hoàn thành"
WEB_MEMBERS_STARTED = "Đang góp ý"
WEB_MEMBERS_NOT_STARTED = "Chưa bắt đầu"
WEB_CELLS_SUBMITTED = "Chi bộ đã chốt"
WEB_OF_MEMBERS = "trên {total} đảng viên"
WEB_OF_CELLS = "trên {total} chi bộ"
WEB_ATTENTION = "Chi bộ cần quan tâm"
WEB_ATTENTION_NONE = "Mọi chi bộ đã chốt ý kiến."
WEB_SUBMITTED_CELLS = "Chi bộ đã chốt ý kiến"
WEB_SUBMITTED_NONE = "Chưa chi bộ nào chốt ý kiến."
WEB_CHARTS = "Biểu đồ"
WEB_CHART_ORGS = "Tiến độ theo tổ chức cơ sở đảng"
WEB_CHART_ORGS_DESC = "Tỷ lệ đảng viên đã hoàn thành, đang góp ý, chưa bắt đầu ở mỗi tổ chức cơ sở đảng."
WEB_CHART_SECTIONS = "Ý kiến theo mục của dự thảo"
WEB_CHART_SECTIONS_DESC = "Số đảng viên trả lời mỗi mục, chia theo lựa chọn."
WEB_CHART_DAYS = "Số ý kiến nhận được mỗi ngày"
WEB_CHART_DAYS_DESC = "Số ý kiến gửi lần đầu trong từng ngày."
WEB_CHART_EMPTY = "Chưa có số liệu."
WEB_STATUS_FINISHED = "Hoàn thành"
WEB_STATUS_STARTED = "Đang góp ý"
WEB_STATUS_NOT_STARTED = "Chưa bắt đầu"
WEB_STATUS_UNREACHABLE = "Không liên lạc được"
WEB_TEXT_ONLY = "Chỉ có ý kiến viết"

WEB_COL_ORGANIZATION = "Tổ chức cơ sở đảng"
WEB_COL_CELL = "Chi bộ"
WEB_COL_CODE = "Mã"
WEB_COL_MEMBERS = "Đảng viên"
WEB_COL_FINISHED = "Hoàn thành"
WEB_COL_STARTED = "Đang góp ý"
WEB_COL_NOT_STARTED = "Chưa bắt đầu"
WEB_COL_SUBMITTED = "Đã chốt"
WEB_COL_NAME = "Họ và tên"
WEB_COL_STATUS = "Tình trạng"
WEB_COL_SECTION = "Mục"
WEB_COL_CHOICE = "Lựa chọn"
WEB_COL_TEXT = "Nội dung góp ý"
WEB_COL_KIND = "Loại"
WEB_COL_WHEN = "Thời điểm"
WEB_COL_WHO = "Người thực hiện"
WEB_COL_WHAT = "Việc"
WEB_COL_DETAIL = "Chi tiết"
WEB_YES = "Đã chốt"
WEB_NO = "Chưa chốt"
WEB_SUBMITTED_AT = "Đã chốt ý kiến lúc {when}."
WEB_NOT_SUBMITTED = "Chi bộ chưa chốt ý kiến."
WEB_CELL_MEMBERS = "Đảng viên trong chi bộ"
WEB_CELL_COMMENTS = "Ý kiến theo từng mục"
WEB_CELL_OPINION = "Ý kiến chung của chi bộ"
WEB_CELL_NO_COMMENTS = "Chưa có ý kiến nào."
WEB_ANSWERED = "{answered} đảng viên trả lời"

WEB_FILTER = "Lọc ý kiến"
WEB_FILTER_ALL = "Tất cả"
WEB_FILTER_SEARCH = "Tìm trong nội dung (gõ có dấu hoặc không dấu)"
WEB_FILTER_APPLY = "Lọc"
WEB_FILTER_CLEAR = "Bỏ lọc"
WEB_COMMENTS_COUNT = "{count} dòng, như trong tệp tải về cùng phạm vi."
WEB_PAGE = "Trang {page}/{pages}"
WEB_PREVIOUS = "← Trang trước"
WEB_NEXT = "Trang sau →"

WEB_DOWNLOAD_INTRO = (
    "Tệp có một dòng cho mỗi ý kiến của một đảng viên về một mục, và một dòng cho mỗi ý kiến "
    "chung của chi bộ. CSV mở được bằng Excel; XLSX có thêm trang tổng hợp theo mục."
)
WEB_DOWNLOAD_SCOPE = "Phạm vi"
WEB_DOWNLOAD_ALL = "Toàn Khối"
WEB_DOWNLOAD_FORMAT = "Định dạng"
WEB_DOWNLOAD_DOCUMENT = "Văn bản"
WEB_DOWNLOAD_ALL_DOCUMENTS = "Mọi văn bản của đợt"
WEB_DOWNLOAD_ANONYMOUS = "Ẩn danh (không ghi họ tên đảng viên)"
WEB_DOWNLOAD_BUTTON = "Tải về"

WEB_AUDIT_INTRO = "Mọi thay đổi về đợt lấy ý kiến, danh sách, hạn chót, nhắc nhở và việc chốt ý kiến của chi bộ."
WEB_AUDIT_NONE = "Chưa có thay đổi nào."
WEB_AUDIT_ACTIONS = {
    "round_opened": "Mở đợt lấy ý kiến",
    "draft_version_loaded": "Nạp phiên bản mới của dự thảo",
    "roster_imported": "Nhập danh sách đảng viên",
    "deadline_changed": "Đổi hạn chót",
    "reminders_changed": "Đổi lịch nhắc",
    "cell_submitted": "Chi bộ chốt ý kiến",
    "cell_reopened": "Chi bộ mở lại",
    "decision_recorded": "Ghi nhận quyết định",
    "grouping_changed": "Đổi nhóm ý kiến",
    "dead_letter_replayed": "Xử lý lại tin bị treo",
}

# ---- Telling members what became of their comments (gopy compile notify) -------------
OUTCOME_TITLE = (
    "📋 Văn phòng Đảng ủy Khối thông báo kết quả tiếp thu, giải trình ý kiến đồng chí "
    "đã góp vào dự thảo:"
)
OUTCOME_TITLE_MORE = "📋 Kết quả tiếp thu, giải trình (tiếp theo):"
OUTCOME_LINE = "• Mục {position} ({section}): «{comment}»\n  → {outcome}. {explanation}"
HELP_COMPILE_NOTIFY = (
    "Gửi cho mỗi đảng viên kết quả tiếp thu, giải trình từng ý kiến của mình (mỗi ý kiến "
    "một lần; bot đang chạy sẽ gửi đi)."
)
HELP_COMPILE_NOTIFY_DRY = "Chỉ đếm, không gửi."
CLI_OUTCOMES_PREVIEW = (
    "Chưa báo: {comments} ý kiến của {members} đảng viên ({reached} người nhận được tin qua bot)."
)
CLI_OUTCOMES_DONE = (
    "Đã xếp gửi kết quả cho {told} ý kiến; {unreachable} ý kiến của người không liên lạc được "
    "qua bot (không gửi lại)."
)

# ---- Console: roster, codes, draft, the running round, a secretary's cell, compilation ----
WEB_CANCEL = "Hủy"
WEB_ROLE_MEMBER = "Đảng viên"
WEB_UPLOAD_TOO_LARGE = "Tệp lớn hơn {limit} MB nên không được nhận. Đồng chí chọn tệp nhỏ hơn."
WEB_UPLOAD_NO_FILE = "Đồng chí chưa chọn tệp."
WEB_UPLOAD_GONE = "Tệp đã xem trước không còn, hoặc đã được nhập. Đồng chí tải tệp lên lại."
WEB_NAV_CODES = "Mã cá nhân"
WEB_ROSTER_INTRO = (
    "Tải lên danh sách đảng viên (CSV hoặc Excel XLSX). Hệ thống kiểm tra toàn bộ tệp trước: "
    "có lỗi thì không nhập gì; không có lỗi thì cho xem trước những gì sẽ thay đổi, "
    "đồng chí bấm «Xác nhận nhập» thì mới nhập. Đảng viên không có trong tệp được giữ nguyên."
)
WEB_ROSTER_UPLOAD = "Tải lên danh sách"
WEB_ROSTER_FILE = "Tệp CSV hoặc XLSX (tối đa {limit} MB)"
WEB_ROSTER_COLUMNS = (
    "Dòng đầu là tên cột: cell_code, cell_name, organization, full_name, phone, role "
    "(role: member / secretary / office, hoặc đảng viên / bí thư / văn phòng)."
)
WEB_ROSTER_CHECK = "Kiểm tra và xem trước"
WEB_ROSTER_ERRORS = "Tệp {name} có {count} lỗi"
WEB_ROSTER_NOTHING_IMPORTED = "Chưa nhập gì. Đồng chí sửa các ô dưới đây trong tệp rồi tải lên lại."
WEB_ROSTER_MORE_ERRORS = "… và {count} lỗi nữa."
WEB_COL_ROW = "Dòng"
WEB_COL_COLUMN = "Cột"
WEB_COL_PROBLEM = "Lỗi"
WEB_COL_ROLE = "Vai trò"
WEB_COL_ACCESS_CODE = "Mã cá nhân"
WEB_ROSTER_PREVIEW = "Xem trước: nhập tệp {name} sẽ thay đổi như sau"
WEB_ROSTER_IMPORTED = "Đã nhập tệp {name}"
WEB_ROSTER_ADDED = "đảng viên thêm mới"
WEB_ROSTER_UPDATED = "đảng viên cập nhật"
WEB_ROSTER_UNCHANGED = "đảng viên không đổi"
WEB_ROSTER_CELLS = "Tổ chức cơ sở đảng thêm mới: {organizations}. Chi bộ thêm mới: {cells}; chi bộ đổi tên hoặc đổi tổ chức: {updated}."
WEB_ROSTER_NOT_IN_FILE = "{count} đảng viên đang có nhưng không có trong tệp: được giữ nguyên, ý kiến của họ không mất."
WEB_ROSTER_CONFIRM = "Xác nhận nhập"
WEB_CODES_LINK = "Mã cá nhân của đảng viên (in, hoặc tải Excel)"
WEB_CODES_TITLE = "Mã cá nhân của đảng viên"
WEB_CODES_INTRO = (
    "Mỗi đảng viên dùng mã cá nhân 8 chữ số để bot nhận ra mình lần đầu. "
    "Khi in, mỗi chi bộ nằm trên một trang để gửi bí thư chi bộ."
)
WEB_CODES_PRINT_HINT = "Để in: dùng lệnh In của trình duyệt (Ctrl+P); phần đầu trang và các nút không được in."
WEB_CODES_XLSX = "Tải tệp Excel (XLSX)"
WEB_CODES_HOW = (
    "Cách bắt đầu: mở bot Góp ý trên Telegram hoặc Zalo, bấm Bắt đầu, rồi gõ mã cá nhân "
    "của mình (hoặc chia sẻ số điện thoại). Mã chỉ dùng cho riêng mỗi đồng chí, không đưa người khác."
)
WEB_CODES_NONE = "Chưa có đảng viên nào trong danh sách."
WEB_CODES_SHEET = "Mã cá nhân"
WEB_CODES_COLUMNS = ("Tổ chức cơ sở đảng", "Mã chi bộ", "Chi bộ", "Họ và tên", "Điện thoại",
                     "Vai trò", "Mã cá nhân")
WEB_NAV_COMPILE = "Tổng hợp ý kiến"
ROUND_CLOSED_NO_MOVE = "Đợt lấy ý kiến đã kết thúc, không đổi được hạn chót."
DEADLINE_IN_PAST = "Hạn chót mới phải sau thời điểm hiện tại."
DEADLINE_MOVED_NOTICE = (
    "📢 Văn phòng Đảng ủy Khối thông báo: hạn chót góp ý dự thảo «{title}» đã đổi thành "
    "{deadline} (trước đây: {before}). Đồng chí chưa hoàn thành góp ý, xin tiếp tục trước hạn mới."
)
WEB_DRAFT_INTRO = (
    "Tải lên dự thảo dạng Word (.docx) hoặc văn bản (.txt, mã UTF-8). Hệ thống chia dự thảo "
    "thành các mục như đảng viên sẽ thấy trong bot; đồng chí xem lại rồi mới mở đợt lấy ý kiến."
)
WEB_DRAFT_UPLOAD = "Tải lên dự thảo"
WEB_DRAFT_FILE = "Tệp .docx hoặc .txt (tối đa {limit} MB)"
WEB_DRAFT_CHECK = "Xem trước các mục"
WEB_DRAFT_BAD_FILE = "Không đọc được tệp: chỉ nhận .docx (Word 2007 trở lên) hoặc .txt mã UTF-8."
WEB_DRAFT_NOT_SPLIT = "Không chia được dự thảo thành mục (dòng {line}): {message}"
WEB_DRAFT_PREVIEW = "Xem trước: {count} mục từ tệp {name}"
WEB_DRAFT_PREVIEW_NOTE = "Mỗi mục dưới đây là đúng tin nhắn đảng viên nhận trên Telegram (mục dài được chia trang)."
WEB_DRAFT_ISSUES = "Cần kiểm tra trong tệp gốc"
WEB_DRAFT_ISSUE = "Dòng {line}: {message}"
WEB_DRAFT_OPEN = "Mở đợt lấy ý kiến"
WEB_DRAFT_TITLE = "Tên đợt lấy ý kiến"
WEB_DRAFT_DEADLINE = "Hạn chót (giờ {timezone})"
WEB_DRAFT_REMINDERS = "Lịch nhắc"
WEB_DRAFT_REMINDERS_HINT = (
    "Dạng 3d@08:00,1d@08:00,0d@08:00: nhắc 3 ngày, 1 ngày trước và sáng ngày hạn chót, lúc 8 giờ. "
    "Để trống hoặc «không» nếu không nhắc. Không nhắc từ 21 giờ đến 7 giờ sáng."
)
WEB_DOCUMENT_ADDED = "Đã thêm văn bản «{name}» ({count} mục) vào đợt lấy ý kiến."
WEB_ROUND_DOCUMENTS = "Các văn bản của đợt"
WEB_ROUND_OVERALL = "Cả đợt (hoàn thành mọi văn bản)"
WEB_ROUND_DOCUMENT = "{name} ({count} mục)"
WEB_DRAFT_ADD = "Thêm vào đợt đang chạy"
WEB_DRAFT_ADD_HINT = (
    "Hoặc thêm dự thảo này vào đợt «{title}» (đang có {count} văn bản) như một văn bản nữa: "
    "dùng chung hạn chót và lịch nhắc của đợt; đảng viên chọn văn bản để góp ý."
)
WEB_DRAFT_DOCUMENT = "Tên ngắn của văn bản"
WEB_DRAFT_DOCUMENT_HINT = "Đảng viên thấy tên này trên nút chọn văn bản, ví dụ «Báo cáo kiểm điểm»."
WEB_DRAFT_DOCUMENT_TITLE = "Tên đầy đủ của văn bản"
WEB_DRAFT_DOCUMENT_NEEDED = "Xin ghi tên ngắn của văn bản để đảng viên chọn."
WEB_DRAFT_REPLACES = "Đang có đợt «{title}»: mở đợt mới thì đợt này không còn là đợt hiện tại."
WEB_DEADLINE_BAD = "Hạn chót không đúng dạng ngày giờ."
WEB_ROUND_TITLE = "Đợt lấy ý kiến đang chạy"
WEB_ROUND_OPENED = "Đã mở đợt lấy ý kiến «{title}» với {count} mục."
WEB_ROUND_DEADLINE_CHANGE = "Đổi hạn chót"
WEB_ROUND_DEADLINE_NEW = "Hạn chót mới (giờ {timezone})"
WEB_ROUND_DEADLINE_HINT = "Đảng viên chưa hoàn thành góp ý sẽ được báo hạn chót mới qua bot."
WEB_ROUND_DEADLINE_MOVED = "Đã đổi hạn chót thành {deadline}; {count} đảng viên chưa hoàn thành được báo qua bot."
WEB_ROUND_REMINDERS_CHANGE = "Đổi lịch nhắc"
WEB_ROUND_REMINDERS_SAVED = "Đã lưu lịch nhắc mới."
WEB_ROUND_SLOTS = "Các lần nhắc theo lịch"
WEB_ROUND_NO_SLOTS = "Không còn lần nhắc nào trước hạn chót."
WEB_ROUND_SLOT = "{when} ({days} ngày trước hạn chót)"
WEB_SAVE = "Lưu"
WEB_NAV_ROUND = "Đợt lấy ý kiến"
WEB_STEPS = "Việc của bí thư chi bộ"
WEB_STEPS_HINT = "Như trong bot: nhắc đảng viên chưa hoàn thành (mỗi giờ một lần), chốt ý kiến chi bộ gửi Văn phòng, hoặc mở lại để sửa trước hạn chót."
WEB_STEP_ANSWER = "Kết quả"
WEB_STEP_UNKNOWN = "Thao tác không hợp lệ hoặc đã cũ. Đồng chí tải lại trang rồi làm lại."
WEB_COMPILE_INTRO = (
    "Ý kiến của từng mục được nhóm theo nội dung gần nhau; ý kiến của đảng viên và ý kiến chung "
    "của chi bộ tách riêng. Đồng chí chỉnh nhóm (chuyển, tách, gộp) và ghi quyết định cho mỗi nhóm; "
    "mọi thay đổi được ghi vào Nhật ký."
)
WEB_COMPILE_REGROUP = "Nhóm lại ý kiến"
WEB_COMPILE_REGROUP_HINT = "Nhóm lại mọi mục với ý kiến mới nhất; nhóm đã chỉnh tay hoặc đã có quyết định được giữ nguyên."
WEB_COMPILE_REGROUPED = "Đã nhóm lại ý kiến."
WEB_COMPILE_TOTAL = "{groups} nhóm, còn {undecided} nhóm chưa có quyết định."
WEB_COMPILE_COL_GROUPS = "Số nhóm"
WEB_COMPILE_COL_UNDECIDED = "Chưa quyết định"
WEB_COMPILE_NO_GROUPS = "Chưa có nhóm nào: bấm «Nhóm lại ý kiến»."
WEB_COMPILE_REPORT = "Tải báo cáo tổng hợp"
WEB_COMPILE_NAMED = "Ghi họ tên người góp ý (bản nội bộ)"
WEB_COMPILE_MEMBERS = "Ý kiến của đảng viên"
WEB_COMPILE_CELLS = "Ý kiến chung của chi bộ"
WEB_COMPILE_GROUP = "Nhóm [{id}] · {people} ý kiến"
WEB_COMPILE_PLACES = "Nơi nêu"
WEB_COMPILE_CHOICES = "Lựa chọn"
WEB_COMPILE_UNDECIDED = "Chưa có quyết định"
WEB_COMPILE_DECISION = "{outcome} — {explanation} ({by}, {when}, lần {version})"
WEB_COMPILE_DECIDE = "Ghi quyết định"
WEB_COMPILE_OUTCOME = "Quyết định"
WEB_COMPILE_EXPLANATION = "Nội dung tiếp thu hoặc lý do giải trình"
WEB_COMPILE_MOVE = "Chuyển sang nhóm"
WEB_COMPILE_SPLIT = "Tách các ý kiến đã đánh dấu thành nhóm mới"
WEB_COMPILE_MERGE = "Gộp nhóm khác vào nhóm này"
WEB_COMPILE_MERGE_OTHER = "Số nhóm cần gộp vào"
WEB_COMPILE_ITEMS = "Các ý kiến trong nhóm"
WEB_COMPILE_BACK = "← Các mục"
WEB_COMPILE_NUMBER_NEEDED = "Cần ghi số nhóm hoặc số ý kiến."
WEB_COMPILE_OUTCOME_NEEDED = "Đồng chí chọn một quyết định."
WEB_COMPILE_PICK_ITEMS = "Đồng chí đánh dấu ít nhất một ý kiến để tách."
WEB_COMPILE_NOTHING = "Mục này chưa có ý kiến nào được nhóm."


# ---- góp ý chính xác: trích dẫn, đoạn số, đề xuất sửa câu chữ, ý kiến chung ----------

PASSAGE_QUOTED = "«{quote}»"
PASSAGE_PARAGRAPH_QUOTED = "Đoạn {paragraph}: «{quote}»"
PASSAGE_PARAGRAPH = "Đoạn {paragraph}"
PASSAGE_PAGE = "Trang {page}"
PASSAGE_SAVED = "✅ Đã lưu ý kiến về mục {position}, {where}."
PASSAGE_OTHER_DOCUMENT = (
    "Lưu ý: tin đồng chí trả lời thuộc văn bản «{name}», nên ý kiến được ghi vào mục "
    "{{position}} của văn bản đó."
)
PASSAGE_OTHER_SECTION = (
    "Lưu ý: tin đồng chí trả lời thuộc mục {position}, nên ý kiến được ghi vào mục {position} "
    "(không phải mục {current} đang mở)."
)
QUOTE_NOT_IN_SECTION = (
    "Đoạn trích không có trong nội dung mục {position}. Chưa lưu. "
    "Xin đồng chí trích đúng câu chữ của mục, rồi gửi lại."
)
REPLY_NOT_A_PAGE = (
    "Tin đồng chí trả lời không phải trang nội dung của một mục, "
    "nên ý kiến được ghi như ý kiến chung về mục {position} đang mở."
)
PARAGRAPHS_TITLE = "Mục {position} — các đoạn được đánh số:"
PARAGRAPHS_HINT = "Để góp ý một đoạn, gõ: đoạn 3: nội dung góp ý"
PARAGRAPH_OUT_OF_RANGE = (
    "Mục {position} chỉ có {count} đoạn, không có đoạn {paragraph}. Chưa lưu. "
    "Gõ «đánh số đoạn» để xem số các đoạn."
)
PARAGRAPH_EMPTY = "Xin đồng chí gõ nội dung góp ý sau số đoạn, ví dụ: đoạn 3: nội dung góp ý"
PARAGRAPHS_NOT_READING = "Đồng chí chưa mở mục nào. Gõ «mục lục» để chọn mục."
PASSAGES_IN_REVIEW = "   Đoạn được góp ý: {passages}"

BTN_PROPOSE = "✏️ Đề xuất sửa câu chữ"
BTN_PROPOSAL_CHANGE = "✏️ Sửa đề xuất {number}"
BTN_PROPOSAL_WITHDRAW = "🗑 Rút đề xuất {number}"
PROPOSE_ASK_PASSAGE = (
    "✏️ Đề xuất sửa câu chữ — mục {position}\n\n"
    "Bước 1: chọn câu chữ cần sửa. Gõ số đoạn (ví dụ: 3), "
    "hoặc trả lời vào trang của mục và trích câu cần sửa.\n"
    "Gõ «hủy» để thôi."
)
PROPOSE_ASK_PASSAGE_TYPED = (
    "✏️ Đề xuất sửa câu chữ — mục {position}\n\n"
    "Bước 1: gõ số đoạn cần sửa (ví dụ: 3). Gõ «hủy» để thôi."
)
PROPOSE_ASK_TEXT = (
    "Bước 2: gõ câu chữ đồng chí đề nghị thay cho:\n«{original}»\n\nGõ «hủy» để thôi."
)
PROPOSE_NEED_PASSAGE = "Xin đồng chí gõ số đoạn (ví dụ: 3), hoặc gõ «hủy» để thôi."
PROPOSE_TOO_LONG = (
    "Đề xuất dài {chars} ký tự, vượt mức {limit} ký tự. Chưa lưu. "
    "Xin đồng chí gõ lại ngắn hơn, hoặc gõ «hủy» để thôi."
)
PROPOSE_EMPTY = "Xin đồng chí gõ câu chữ đề nghị, hoặc gõ «hủy» để thôi."
PROPOSE_SAME = "Câu chữ đề nghị giống hệt nguyên văn. Chưa lưu. Xin gõ câu chữ khác, hoặc gõ «hủy»."
PROPOSE_CANCELLED = "Đã thôi, không lưu đề xuất."
PROPOSE_SAVED = "✅ Đã lưu đề xuất sửa câu chữ ở mục {position}.\nThay đổi: {diff}"
PROPOSAL_WITHDRAWN = "Đã rút đề xuất sửa câu chữ ở mục {position}."
PROPOSAL_GONE = "Đề xuất này không còn (đã rút). Không có gì thay đổi."
PROPOSALS_TITLE = "Đề xuất sửa câu chữ của đồng chí:"
PROPOSAL_LINE = "{number}. Mục {position}: «{original}» → «{proposed}»"
PROPOSAL_EXPORT = "«{original}» → «{proposed}» (thay đổi: {diff})"
CANCEL_WORDS = ("huy", "thoi", "khong")

STANCE_LABELS = ["Tán thành", "Tán thành một phần", "Không tán thành"]
STANCE_ASK = "Ý kiến chung của đồng chí về toàn văn dự thảo (bấm một lựa chọn):"
STANCE_CURRENT = "Ý kiến chung về toàn văn dự thảo: «{stance}»"
STANCE_SAVED = (
    "Đã ghi ý kiến chung về toàn văn dự thảo: «{stance}».\n"
    "Đồng chí có thể gõ thêm vài dòng về toàn văn (không bắt buộc), hoặc bấm «{confirm}»."
)
STANCE_TEXT_SAVED = "✅ Đã lưu ý kiến chung về toàn văn dự thảo."
STANCE_OFF = "Đợt này không lấy ý kiến chung về toàn văn. Không có gì thay đổi."
STANCE_TALLY = "Ý kiến chung về toàn văn dự thảo: {counts}"
STANCE_TALLY_OF = "Ý kiến chung về toàn văn «{name}»: {counts}"  # a round of several documents
STANCE_NOT_GIVEN = "Chưa cho ý kiến"
STANCE_WHOLE_DOCUMENT = "Toàn bộ dự thảo"  # the export's «section» of a stance row
REPORT_PART_STANCES = "III. Ý KIẾN CHUNG VỀ TOÀN VĂN DỰ THẢO"
REPORT_STANCES_TABLE_HEAD = ("Ý kiến chung", "Số đảng viên", "Tỷ lệ")
REPORT_STANCES_NONE = "Chưa có đảng viên nào cho ý kiến chung về toàn văn dự thảo."
REPORT_STANCE_COMMENTS_HEAD = "Ý kiến cụ thể kèm theo:"
REPORT_STANCE_COMMENT = "- {place} ({stance}): {text}"
REPORT_XLSX_STANCES_SHEET = "Ý kiến chung"
REPORT_XLSX_STANCES_COLUMNS = ("Ý kiến chung", "Số đảng viên", "Đảng bộ", "Chi bộ", "Đảng viên",
                               "Nội dung")
EXPORT_PRECISE_COLUMNS = ("Đoạn trích dẫn", "Đoạn số", "Đề xuất sửa câu chữ")
EXPORT_DOCUMENT_COLUMN = "Văn bản"
REPORT_PROPOSALS_HEAD = "c) Đề xuất sửa câu chữ (không kèm ý kiến bằng văn bản)"
REPORT_GROUP_PASSAGES = "Đoạn được góp ý: {passages}."
REPORT_GROUP_PROPOSAL = "Đề xuất sửa câu chữ: {proposal}"
REPORT_PROPOSAL = "{index}. Nguyên văn: «{original}». Đề nghị sửa: «{proposed}». Thay đổi: {diff}"

# ---- The next version of a draft (lần 5 after lần 4) ---------------------------------
VERSION_FALLBACK = "Phiên bản {version}"
VERSION_ROUND_CLOSED = (
    "Đợt lấy ý kiến về «{name}» đã kết thúc: không nạp phiên bản mới. Không có gì thay đổi."
)
VERSION_NO_SECTIONS = "Tệp không có mục nào để lấy ý kiến: không nạp. Không có gì thay đổi."
VERSION_BAD_RANGE = "«{name}» có các phiên bản 1 đến {newest}: --from phải nhỏ hơn --to, trong khoảng đó."
VERSION_ONLY_ONE = "«{name}» mới có một phiên bản: chưa có gì để so sánh."
# What a member is told once, at their next visit, after a next version is loaded.
VERSION_NEWS = "📄 Dự thảo đã có bản mới: {label}."
VERSION_NEWS_CHANGED = "Những mục đồng chí đã góp ý có sửa đổi:\n{lines}\nKhi mở mục, đồng chí sẽ thấy chỗ đã sửa."
VERSION_NEWS_LINE = "• Mục {position}. {title}"
VERSION_NEWS_REMOVED_LINE = "• «{title}»: không còn trong bản mới"
VERSION_NEWS_UNCHANGED = "Các mục đồng chí đã góp ý không thay đổi."
VERSION_NEWS_KEPT = "Ý kiến đồng chí đã gửi vẫn được giữ, ghi là góp ý vào bản đồng chí đã đọc."
VERSION_NEWS_FINISHED = (
    "Đồng chí đã hoàn thành góp ý. Nếu muốn, đồng chí xem lại các mục đã sửa và góp ý thêm "
    "trước {deadline}."
)
# Shown once, the first time the member opens a section changed since they commented on it.
CHANGE_NOTE_HEAD = "✏️ Mục này đã sửa trong {label}:"
CHANGE_NOTE_MORE = "… và {count} chỗ sửa khác."
CHANGE_ADDED = "thêm: "
CHANGE_REMOVED = "bỏ: "
CHANGE_ARROW = " → "
SECTION_CURRENT_EARLIER = "Ý kiến của đồng chí (góp vào {label}): {summary}"
VERSION_BUTTON_MOVED = "Tin nhắn đó thuộc bản dự thảo trước. Mục này trong {label}:"
VERSION_BUTTON_REMOVED = (
    "Tin nhắn đó thuộc bản dự thảo trước; mục «{title}» không còn trong {label}. "
    "Không có gì thay đổi."
)
HELP_DRAFT_NEXT_VERSION = "Nạp tệp làm phiên bản mới của một văn bản đang lấy ý kiến (ví dụ dự thảo lần 5 sau lần 4)."
HELP_DRAFT_DOCUMENT = "Số thứ tự của văn bản trong đợt (1: văn bản nạp đầu tiên; mặc định: 1)."
HELP_DRAFT_LABEL = "Tên phiên bản, ví dụ «Dự thảo lần 5» (mặc định: lấy từ dòng «(dự thảo lần …)» của tệp)."
HELP_DRAFT_DIFF = "In chỗ khác nhau giữa hai phiên bản của dự thảo, từng mục."
HELP_DIFF_FROM = "Phiên bản cũ (mặc định: phiên bản ngay trước phiên bản mới)."
HELP_DIFF_TO = "Phiên bản mới (mặc định: phiên bản mới nhất)."
CLI_NO_DOCUMENT = "Đợt hiện tại không có văn bản số {id}."
CLI_VERSION_LOADED = "Đã nạp {label} của «{name}» (phiên bản {version}, {count} mục)."
DIFF_HEAD = "{old} → {new}: {changed} mục sửa, {added} mục thêm, {removed} mục bỏ, {same} mục giữ nguyên."
DIFF_CHANGED = "~ Mục {position}. {label}: đã sửa"
DIFF_ADDED = "+ Mục {position}. {label}: mục mới"
DIFF_REMOVED = "- {label} (mục {position} của {old}): đã bỏ"
DIFF_LEGEND = "  ([-…-]: chữ bỏ, {+…+}: chữ thêm)"
EXPORT_VERSION_COLUMNS = ("Góp vào bản",)
REPORT_VERSIONS = "Góp vào: {versions}."
REPORT_XLSX_VERSION_COLUMNS = ("Góp vào bản",)
WEB_VERSION_UPLOAD = "Tải lên phiên bản mới của dự thảo"
WEB_VERSION_OF = "Nạp tệp này làm phiên bản {version} của «{name}»: ý kiến đã góp giữ nguyên trên bản cũ, đảng viên được báo mục nào đã sửa."
WEB_VERSION_LABEL = "Tên phiên bản"
WEB_VERSION_WHICH = "Phiên bản mới của văn bản"
WEB_VERSION_NEXT = "phiên bản {version}"
WEB_VERSION_LABEL_HINT = "ví dụ: Dự thảo lần 5 (để trống: lấy từ tệp)"
WEB_VERSION_HINT = "Có dự thảo lần sau của văn bản đang lấy ý kiến? Tải tệp lên như trên, rồi chọn «Tải lên phiên bản mới của dự thảo»."
WEB_VERSION_CHANGES = "Những chỗ phiên bản mới nhất đã sửa"
WEB_VERSION_NONE = "Dự thảo mới có một phiên bản: chưa có gì để so sánh."
