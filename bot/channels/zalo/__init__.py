"""Zalo Bot Platform: our own client, the channel adapter and its webhook route."""

from bot.channels.zalo.channel import MalformedEvent, ZaloChannel
from bot.channels.zalo.client import ZaloApiError, ZaloClient, ZaloNetworkError
from bot.channels.zalo.webhook import DEFAULT_PATH, SECRET_HEADER, zalo_webhook

__all__ = [
    "DEFAULT_PATH",
    "SECRET_HEADER",
    "MalformedEvent",
    "ZaloApiError",
    "ZaloChannel",
    "ZaloClient",
    "ZaloNetworkError",
    "zalo_webhook",
]
