"""Our own thin client for the Zalo Bot API: a handful of JSON POSTs, the token kept out of logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
REQUEST_TIMEOUT = 30.0  # seconds for every call but the long poll
POLL_MARGIN = 10.0  # the long poll's own timeout plus this, so Zalo answers before we give up
NOTHING_NEW = 408  # getUpdates: the long poll ended with no event
# Codes the bot has an answer for; any other is logged once per code and description, so a
# code Zalo starts using shows up in the log without flooding it.
KNOWN_CODES = frozenset({400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 3600.0  # seconds: a longer wait asked for is capped (a typo, a bad clock)

JsonObject = dict[str, Any]


class ZaloApiError(Exception):
    """Zalo answered `ok: false` (or an HTTP error): `error_code` says which."""

    def __init__(
        self, method: str, status: int, error_code: int, description: str,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{method}: {error_code} {description}")
        self.method = method
        self.status = status
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after  # seconds, if the answer said (Telegram-style parameters)

    @property
    def retryable(self) -> bool:
        """Too many requests or a server-side failure: the same call may work later."""
        return self.error_code == 429 or self.error_code >= 500 or self.status >= 500


class ZaloNetworkError(Exception):
    """Zalo could not be reached or did not answer in time."""


class ZaloClient:
    """POST `{api_url}/bot{token}/{method}` with a JSON body; returns the answer's `result`."""

    def __init__(self, token: str, api_url: str = DEFAULT_API_URL) -> None:
        self._token = token
        self._base = f"{api_url.rstrip('/')}/bot{token}/"
        self._session: aiohttp.ClientSession | None = None
        self._unknown_seen: set[tuple[str, int, str]] = set()

    async def call(
        self, method: str, params: Mapping[str, Any] | None = None, *, timeout: float = REQUEST_TIMEOUT
    ) -> Any:
        """The `result` of an `ok: true` answer; a body that is the event itself is returned whole."""
        try:
            async with self._http().post(
                self._base + method,
                json=dict(params or {}),
                timeout=aiohttp.ClientTimeout(total=timeout),
            ) as response:
                status = response.status
                raw = await response.read()
                retry_header = response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as error:
            # The URL holds the token and some aiohttp errors print it: name the method only.
            detail = str(error).replace(self._token, "<token>")
            raise ZaloNetworkError(f"{method}: {type(error).__name__} {detail}") from None
        log.debug("zalo %s → HTTP %d", method, status)
        body = _decode(raw)
        if isinstance(body, dict) and body.get("ok") is False:
            code = body.get("error_code")
            raise self._error(
                method, status, code if isinstance(code, int) else status,
                str(body.get("description", "")),
                _retry_after(body) or retry_after_header(retry_header),
            )
        if status >= 400 or body is None:
            raise self._error(method, status, status, "no JSON answer" if body is None else "",
                              retry_after_header(retry_header))
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        return body  # the bare shapes some deployments answer with

    def _error(self, method: str, status: int, code: int, description: str,
               retry_after: float | None) -> ZaloApiError:
        description = description.replace(self._token, "<token>")[:300]
        kind = (method, code, description)
        if code not in KNOWN_CODES and status not in KNOWN_CODES and kind not in self._unknown_seen:
            self._unknown_seen.add(kind)
            log.warning("zalo %s: unknown error_code %d (HTTP %d): %r", method, code, status,
                        description)
        return ZaloApiError(method, status, code, description, retry_after)

    async def get_me(self) -> JsonObject:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int) -> list[JsonObject]:
        """Events waiting for the bot: usually one, none when the long poll ran out (HTTP 408)."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": timeout}, timeout=timeout + POLL_MARGIN
            )
        except ZaloApiError as error:
            if NOTHING_NEW in (error.status, error.error_code):
                return []
            raise
        return events_in(result)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> JsonObject:
        result = await self.call("getWebhookInfo")
        return result if isinstance(result, dict) else {}

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session


def events_in(payload: Any) -> list[JsonObject]:
    """The events in any shape Zalo is reported to use: one event, an array of them,
    or either wrapped in `{"ok": true, "result": …}`."""
    if isinstance(payload, list):
        return [event for item in payload for event in events_in(item)]
    if not isinstance(payload, dict):
        return []
    if "event_name" in payload or "message" in payload:
        return [payload]
    if "result" in payload:
        return events_in(payload["result"])
    return []


def _retry_after(body: JsonObject) -> float | None:
    """Telegram-style `parameters.retry_after`, or a top-level `retry_after`."""
    parameters = body.get("parameters")
    seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
    if seconds is None:
        seconds = body.get("retry_after")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
        return None
    return min(float(seconds), MAX_RETRY_AFTER)


def retry_after_header(value: str | None, now: datetime | None = None) -> float | None:
    """HTTP's Retry-After (RFC 9110): delay-seconds or an HTTP-date; None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(seconds, MAX_RETRY_AFTER) if seconds > 0 else None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None

