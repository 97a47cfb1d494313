"""Shared by every table: the naming rule, aware UTC datetimes, the declarative base and
the enums stored as strings."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    MetaData,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so migrations read the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every engine (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON
    }


class Role(enum.StrEnum):
    MEMBER = "member"
    SECRETARY = "secretary"
    OFFICE = "office"


class LinkedBy(enum.StrEnum):
    """How a chat account proved whose it is (Identity.linked_by, a plain string column)."""

    CONTACT = "contact"  # shared its own phone number
    CODE = "code"  # typed the member's 8-digit access code


class ReminderStatus(enum.StrEnum):
    """Where one planned reminder is (ReminderSent.status, a plain string column)."""

    PENDING = "pending"  # planned, nobody is sending it
    SENDING = "sending"  # claimed by a sender
    SENT = "sent"
    UNREACHABLE = "unreachable"  # every chat of the person blocked the bot
    SKIPPED = "skipped"  # no longer needed when its turn came
    UNCONFIRMED = "unconfirmed"  # the sender stopped mid-way: may or may not have arrived


def role_type() -> Enum:
    return Enum(Role, name="role", native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
