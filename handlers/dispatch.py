"""Which handler takes an action: each handler registers beside its own code with @handles."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from handlers import fallback
from handlers.actions import Action, OfficeAction, SecretaryAction
from handlers.context import Context
from handlers.conversation import Outgoing
from handlers.roles import has_role
from storage.models import Role

Handler = Callable[[Context, Any], Awaitable[list[Outgoing]]]
H = TypeVar("H", bound=Handler)

HANDLERS: dict[type[Action], Handler] = {}
# A family of actions only its role may take; anyone else gets the stale-button answer.
ROLES: dict[type[Action], Role] = {SecretaryAction: Role.SECRETARY, OfficeAction: Role.OFFICE}


def handles(*kinds: type[Action]) -> Callable[[H], H]:
    """Register the decorated function as the handler of these action types."""

    def register(handler: H) -> H:
        for kind in kinds:
            if kind in HANDLERS:
                raise TypeError(f"{kind.__name__} already handled by {HANDLERS[kind].__name__}")
            HANDLERS[kind] = handler
        return handler

    return register


async def dispatch(ctx: Context, action: Action) -> list[Outgoing]:
    """Run the action's handler; errors inside it are ours and reach the engine (rollback)."""
    for family, role in ROLES.items():
        if isinstance(action, family) and not has_role(ctx, role):
            return fallback.stale_button()
    return await HANDLERS[type(action)](ctx, action)
