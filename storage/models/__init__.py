"""The database schema, one module per area. Every change here comes with an Alembic
migration (storage/migrations); `alembic revision --autogenerate` reads Base.metadata."""

from __future__ import annotations

from storage.models.base import NAMING, Base, LinkedBy, ReminderStatus, Role, UTCDateTime
from storage.models.comments import (
    CellOpinion,
    CellSubmission,
    ChangeShown,
    Comment,
    CommentPart,
    DocumentStance,
    Progress,
    SentPage,
    WordingProposal,
)
from storage.models.compiling import CommentGroup, Decision, GroupItem
from storage.models.console import AuditEntry, WebSession, WebSignInLink
from storage.models.counters import CellProgress, ConsultationProgress
from storage.models.delivery import (
    DeadLetter,
    HandledUpdate,
    OutboxMessage,
    OutboxStatus,
    OutcomeNotice,
    ReminderSent,
    ZaloInboxEvent,
)
from storage.models.roster import Cell, Identity, LinkAttempt, Member, Organization
from storage.models.rounds import Consultation, DraftVersion, Section

__all__ = [
    "NAMING", "AuditEntry", "Base", "Cell", "CellOpinion", "CellProgress", "CellSubmission",
    "ChangeShown", "Comment", "CommentGroup", "CommentPart", "Consultation",
    "ConsultationProgress", "DeadLetter", "Decision", "DocumentStance", "DraftVersion",
    "GroupItem", "HandledUpdate", "Identity", "LinkAttempt", "LinkedBy", "Member",
    "Organization", "OutboxMessage", "OutboxStatus", "OutcomeNotice", "Progress",
    "ReminderSent", "ReminderStatus", "Role", "Section", "SentPage", "UTCDateTime",
    "WebSession", "WebSignInLink", "WordingProposal", "ZaloInboxEvent",
]
