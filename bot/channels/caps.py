"""What each messenger can show, without importing the messenger's library.

`gopy draft show` and the terminal trial need Telegram's limits, but only the code that
talks to Telegram may import aiogram (8-9 s and 170 MB on a small server): its limits live
here, and each channel class takes its own from here.
"""

from __future__ import annotations

from handlers.conversation import ChannelCaps

TELEGRAM_CAPS = ChannelCaps(max_text=4096, buttons=True, contact=True)
ZALO_CAPS = ChannelCaps(max_text=2000, buttons=False)
