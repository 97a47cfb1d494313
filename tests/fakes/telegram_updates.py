"""The pending-update queue behind getUpdates: at-least-once delivery confirmed by offset."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count
from typing import Any

JsonObject = dict[str, Any]
# What getUpdates delivers when allowed_updates is empty or was never given.
DEFAULT_KINDS_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class _Pending:
    update: JsonObject
    redelivery: bool  # a forced repeat: delivered once even below the confirmed offset


def update_kind(update: JsonObject) -> str:
    """The name of the one optional field an Update carries: message, callback_query…"""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Updates wait here until a getUpdates call confirms them with a higher offset."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._ids = count(first_update_id)
        self._pending: list[_Pending] = []
        self._history: dict[int, JsonObject] = {}
        self._allowed: frozenset[str] | None = None
        self.acknowledged_offset = 0
        self.filtered: list[JsonObject] = []

    def __len__(self) -> int:
        return len(self._pending)

    def push(self, update: JsonObject) -> int:
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update = {"update_id": next(self._ids), **update}
        else:
            self._ids = count(max(update["update_id"] + 1, next(self._ids)))
        update_id: int = update["update_id"]
        self._history[update_id] = update
        self._pending.append(_Pending(update, redelivery=False))
        return update_id

    def redeliver(self, update_id: int) -> int:
        """Queue an already delivered update again, as Telegram may after a timeout."""
        if update_id not in self._history:
            raise KeyError(f"update {update_id} was never pushed")
        self._pending.append(_Pending(copy.deepcopy(self._history[update_id]), redelivery=True))
        return update_id

    def allow(self, kinds: Iterable[str] | None) -> None:
        """allowed_updates: an empty list means the default set; a later call replaces it."""
        kinds = list(kinds or [])
        self._allowed = frozenset(kinds) if kinds else None

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' offset: positive forgets older updates, negative keeps the tail."""
        if offset > 0:
            self.acknowledged_offset = max(self.acknowledged_offset, offset)
            self._pending = [
                p for p in self._pending if p.redelivery or p.update["update_id"] >= offset
            ]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def take(self, limit: int) -> list[JsonObject]:
        """Up to `limit` deliverable updates; they stay queued until confirmed."""
        deliverable = []
        for pending in self._pending:
            if self._allows(update_kind(pending.update)):
                deliverable.append(pending)
            else:
                self.filtered.append(pending.update)
        batch = deliverable[:limit]
        delivered = {id(p) for p in batch}
        self._pending = [p for p in deliverable if not (p.redelivery and id(p) in delivered)]
        return [copy.deepcopy(p.update) for p in batch]

    def clear(self) -> None:
        self._pending.clear()

    def _allows(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in DEFAULT_KINDS_EXCLUDED
        return kind in self._allowed
