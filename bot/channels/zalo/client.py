"""Our own thin client for the Zalo Bot API: a handful of JSON POSTs, the token kept out of logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
REQUEST_TIMEOUT = 30.0  # seconds for every call but the long poll
POLL_MARGIN = 10.0  # the long poll's own timeout plus this, so Zalo answers before we give up
NOTHING_NEW = 408  # getUpdates: the long poll ended with no event

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
        except (aiohttp.ClientError, TimeoutError) as error:
            # The URL holds the token and some aiohttp errors print it: name the method only.
            detail = str(error).replace(self._token, "<token>")
            raise ZaloNetworkError(f"{method}: {type(error).__name__} {detail}") from None
        log.debug("zalo %s → HTTP %d", method, status)
        body = _decode(raw)
        if isinstance(body, dict) and body.get("ok") is False:
            code = body.get("error_code")
            raise ZaloApiError(
                method, status, code if isinstance(code, int) else status,
                str(body.get("description", "")), _retry_after(body),
            )
        if status >= 400 or body is None:
            raise ZaloApiError(method, status, status, "no JSON answer" if body is None else "")
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        return body  # the bare shapes some deployments answer with

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
    parameters = body.get("parameters")
    seconds = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else None


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return None

