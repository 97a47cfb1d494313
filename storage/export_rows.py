"""The export's rows as the statement that streams them, formatted by the database.

A million rows formatted in Python cost most of an export's time; here the database
writes each row as the text that goes into the file (a CSV line, or a worksheet row's
XML), and Python only joins the lines. What belongs to a section or a cell is formatted
once per section and per cell (materialised), not once per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Subquery,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from content import strings
from storage.comments import said
from storage.consultations import round_of
from storage.models import (
    Cell,
    CellOpinion,
    CellSubmission,
    Comment,
    DocumentStance,
    DraftVersion,
    Member,
    Organization,
    Section,
)
from storage.sql_time import Span, local_iso

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A member's stance on the whole document is a row of its own, sorted before the sections.
STANCE_POSITION = 0


def neutralise(field: str) -> str:
    """A field Excel would run as a formula, made plain text with a leading apostrophe."""
    return "'" + field if field.startswith(FORMULA_STARTS) else field


def cell_text(value: str) -> str:
    """Excel breaks lines in a cell with LF alone; a CR would show as "_x000D_" to some readers."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


class RowFormat(Protocol):
    """How one file format writes a field, a fixed word, and a whole row."""

    def field(self, text: Any) -> ColumnElement[str]: ...

    def constant(self, text: str) -> str: ...

    def row(self, fields: list[ColumnElement[Any]]) -> ColumnElement[str]: ...


@dataclass(frozen=True)
class CsvRow:
    """A CSV line without its end, as csv.writer writes it, formulas neutralised."""

    dialect: str

    def field(self, text: Any) -> ColumnElement[str]:
        return _csv_field(text, self.dialect)

    def constant(self, text: str) -> str:
        return _csv_quoted(text)

    def row(self, fields: list[ColumnElement[Any]]) -> ColumnElement[str]:
        return _printf(",".join(["%s"] * len(fields)), fields, self.dialect)


@dataclass(frozen=True)
class XlsxRow:
    """A worksheet row's cells as inline strings, each with its column's style (`styles`:
    the xf index per column). Cells carry no reference (r="K12"): it is optional in
    OOXML, a cell without one being the next in its row, and leaving it out spares
    writing the row number into every cell."""

    dialect: str
    styles: tuple[int, ...]

    def field(self, text: Any) -> ColumnElement[str]:
        lf = func.replace(func.replace(text, _s("\r\n"), _s("\n")), _s("\r"), _s("\n"))
        escaped = func.replace(func.replace(func.replace(lf, _s("&"), _s("&amp;")),
                                            _s("<"), _s("&lt;")), _s(">"), _s("&gt;"))
        return escaped

    def constant(self, text: str) -> str:
        return cell_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def row(self, fields: list[ColumnElement[Any]]) -> ColumnElement[str]:
        template = "".join(
            f'<c s="{style}" t="inlineStr">'
            '<is><t xml:space="preserve">%s</t></is></c>'
            for i, style in enumerate(self.styles)
        )
        return _printf(template, fields, self.dialect)


def _s(text: str) -> ColumnElement[str]:
    return literal(text, String)


def _printf(template: str, fields: list[ColumnElement[Any]], dialect: str
            ) -> ColumnElement[str]:
    """The fields put into the template in one go (a chain of || copies the row each time):
    SQLite's printf and PostgreSQL's format both read %s and %%."""
    function = func.printf if dialect == "sqlite" else func.format
    return function(_s(template), *fields)  # type: ignore[no-any-return]


def formatted_rows(
    consultation_id: int,
    cell_id: int | None,
    anonymous: bool,
    head: str,
    zone: Sequence[Span],
    fmt: RowFormat,
    dialect: str,
    document: str = "",
) -> Select[Any]:
    """The rows of raw_rows as one string each, written by `fmt`, in the same order;
    `head` (the round's title) and `document` (the document's name) come as `fmt`
    writes a field already, for the first and the last column."""
    safe, quote = fmt.field, fmt.constant
    in_force = and_(CellSubmission.id.is_not(None), CellSubmission.reopened_at.is_(None))
    sections = (
        select(
            Section.id,
            Section.position,
            cast(Section.position, String).label("position_text"),
            safe(Section.number).label("number_text"),
            safe(Section.title).label("title_text"),
            safe(version_label_sql()).label("version_text"),
        )
        .outerjoin(DraftVersion, and_(DraftVersion.consultation_id == Section.consultation_id,
                                      DraftVersion.version == Section.version))
        .where(Section.consultation_id == consultation_id)
        .cte("export_section")
        .prefix_with("MATERIALIZED")
    )
    places = (
        select(
            Cell.id,
            # Rows sort by this number rather than by two strings each.
            func.row_number().over(order_by=(Organization.name, Cell.code)).label("place"),
            safe(Organization.name).label("org_text"),
            safe(Cell.code).label("code_text"),
            safe(Cell.name).label("cell_text"),
            case((in_force, literal(quote(strings.EXPORT_YES), String)),
                 else_=literal(quote(strings.EXPORT_NO), String)).label("submitted_text"),
        )
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, and_(CellSubmission.cell_id == Cell.id,
                                        CellSubmission.consultation_id == round_of(consultation_id)))
    )
    if cell_id is not None:
        places = places.where(Cell.id == cell_id)
    place = places.cte("export_place").prefix_with("MATERIALIZED")
    s, p = sections.c, place.c
    members = (
        select(
            p.place, s.position,
            literal(1).label("kind"),
            (literal("") if anonymous else Member.full_name).label("name"),
            (Comment.id if anonymous else Member.id).label("who"),
            *((Comment.choice.label("choice"), Comment.text.label("text")) if anonymous else ()),
            p.org_text, p.code_text, p.cell_text, s.position_text, s.number_text, s.title_text,
            p.submitted_text,
            literal(quote(strings.EXPORT_KIND_MEMBER), String).label("kind_text"),
            (literal("", String) if anonymous else safe(Member.full_name)).label("name_text"),
            safe(func.coalesce(Comment.choice, literal("", String))).label("choice_text"),
            safe(Comment.text).label("text_text"),
            local_iso(Comment.created_at, dialect, zone).label("created_text"),
            local_iso(Comment.updated_at, dialect, zone).label("updated_text"),
            safe(Comment.passages).label("passages_text"),
            safe(Comment.paragraphs).label("paragraphs_text"),
            safe(Comment.proposals).label("proposals_text"),
            s.version_text,
        )
        .select_from(Comment)
        .join(sections, s.id == Comment.section_id)
        .join(Member, Member.id == Comment.member_id)
        .join(place, p.id == Comment.cell_id)
        .where(
            Comment.consultation_id == consultation_id,
            said(),
        )
    )
    opinions = (
        select(
            p.place, s.position, literal(0), literal(""), CellOpinion.id,
            *((null(), CellOpinion.text) if anonymous else ()),
            p.org_text, p.code_text, p.cell_text, s.position_text, s.number_text, s.title_text,
            p.submitted_text,
            literal(quote(strings.EXPORT_KIND_CELL), String),
            literal("", String),
            literal("", String),
            safe(CellOpinion.text),
            local_iso(CellOpinion.created_at, dialect, zone),
            local_iso(CellOpinion.updated_at, dialect, zone),
            literal("", String),
            literal("", String),
            literal("", String),
            s.version_text,
        )
        .select_from(CellOpinion)
        .join(sections, s.id == CellOpinion.section_id)
        .join(place, p.id == CellOpinion.cell_id)
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.text != "")
    )
    whole = (
        select(
            p.place, literal(STANCE_POSITION), literal(1), literal("") if anonymous else
            Member.full_name, DocumentStance.id if anonymous else Member.id,
            *((DocumentStance.stance, DocumentStance.text) if anonymous else ()),
            p.org_text, p.code_text, p.cell_text, literal("", String), literal("", String),
            literal(quote(strings.STANCE_WHOLE_DOCUMENT), String), p.submitted_text,
            literal(quote(strings.EXPORT_KIND_MEMBER), String),
            literal("", String) if anonymous else safe(Member.full_name),
            safe(DocumentStance.stance), safe(DocumentStance.text),
            local_iso(DocumentStance.created_at, dialect, zone),
            local_iso(DocumentStance.updated_at, dialect, zone),
            literal("", String), literal("", String), literal("", String),
            literal("", String),  # a stance is on the document, not on one version of it
        )
        .select_from(DocumentStance)
        .join(Member, Member.id == DocumentStance.member_id)
        .join(place, p.id == DocumentStance.cell_id)
        .where(DocumentStance.consultation_id == consultation_id)
    )
    if cell_id is not None:
        members = members.where(Comment.cell_id == cell_id)
        opinions = opinions.where(CellOpinion.cell_id == cell_id)
        whole = whole.where(DocumentStance.cell_id == cell_id)
    rows = union_all(members, opinions, whole).subquery()
    c = rows.c
    fields: list[ColumnElement[Any]] = [
        literal(head, String), c.position_text, c.number_text, c.title_text, c.org_text,
        c.code_text, c.cell_text, c.kind_text, c.name_text, c.choice_text, c.text_text,
        c.submitted_text, c.created_text, c.updated_text, c.passages_text, c.paragraphs_text,
        c.proposals_text, literal(document, String), c.version_text,
    ]
    return select(fmt.row(fields)).order_by(c.place, *_order(c, anonymous, place=False))


def version_label_sql() -> ColumnElement[str]:
    """The version a section belongs to, as members read it (joined to its DraftVersion)."""
    fallback = strings.VERSION_FALLBACK.split("{", 1)[0]
    return case(
        (func.coalesce(DraftVersion.label, "") != "", DraftVersion.label),
        else_=literal(fallback, String).op("||")(cast(Section.version, String)),
    )


def _csv_quoted(text: str) -> str:
    """One field as csv.writer writes it (QUOTE_MINIMAL, CRLF lines)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([text, ""])
    return buffer.getvalue()[:-3]  # without the empty second field and the line end


# What the database matches to quote a CSV field, and to neutralise a formula.
_QUOTED = {"sqlite": ('*[,"\r\n]*', "GLOB"), "postgresql": ('[,"\r\n]', "~")}
_FORMULA = {"sqlite": ("[-=+@\t\r]*", "GLOB"), "postgresql": ("^[-=+@\t\r]", "~")}


def _matches(column: ColumnElement[str], dialect: str, patterns: dict[str, tuple[str, str]]
             ) -> ColumnElement[bool]:
    pattern, operator = patterns.get(dialect, patterns["postgresql"])
    return column.op(operator, is_comparison=True)(literal(pattern, String))


def _csv_field(column: ColumnElement[str], dialect: str) -> ColumnElement[str]:
    """_csv_quoted(neutralise(text)), in SQL: quoted when it holds a comma, a quote or a
    line break; a leading apostrophe when it starts like a formula."""

    def neutralised(text: ColumnElement[str]) -> ColumnElement[str]:
        return case((_matches(text, dialect, _FORMULA), literal("'", String).op("||")(text)),
                    else_=text)

    # The apostrophe and the doubled quotes do not change each other: either order works.
    escaped = func.replace(column, literal('"', String), literal('""', String))
    quoted = literal('"', String).op("||")(neutralised(escaped)).op("||")(literal('"', String))
    return case((_matches(column, dialect, _QUOTED), quoted), else_=neutralised(column))


def raw_rows(consultation_id: int, cell_id: int | None, anonymous: bool) -> Select[Any]:
    """Members' comments, cells' opinions and members' stances on the whole document as one
    ordered stream, as stored (unformatted)."""
    rows = _union(consultation_id, cell_id, anonymous)
    return select(rows).order_by(*_order(rows.c, anonymous))


def _order(c: Any, anonymous: bool, *, place: bool = True) -> Sequence[Any]:
    """Organization, cell code, section, the cell's opinion first, then its members."""
    then: Sequence[Any] = (
        (func.coalesce(c.choice, ""), c.text, c.who) if anonymous else (c.name, c.who)
    )
    return (*((c.org, c.code) if place else ()), c.position, c.kind, *then)


def _union(consultation_id: int, cell_id: int | None, anonymous: bool) -> Subquery:
    """Members' comments and cells' opinions, one row each, with what orders them."""
    in_force = and_(CellSubmission.id.is_not(None), CellSubmission.reopened_at.is_(None))
    submitted = case((in_force, 1), else_=0).label("submitted")
    submission = and_(
        CellSubmission.cell_id == Cell.id,
        CellSubmission.consultation_id == round_of(consultation_id),
    )
    place = (Organization.name.label("org"), Cell.code.label("code"), Cell.name.label("cell"))
    members = (
        select(
            *place,
            Section.position.label("position"),
            Section.number.label("number"),
            Section.title.label("title"),
            literal(1).label("kind"),
            (literal("") if anonymous else Member.full_name).label("name"),
            (Comment.id if anonymous else Member.id).label("who"),
            Comment.choice.label("choice"),
            Comment.text.label("text"),
            submitted,
            Comment.created_at.label("created"),
            Comment.updated_at.label("updated"),
            Comment.passages.label("passages"),
            Comment.paragraphs.label("paragraphs"),
            Comment.proposals.label("proposals"),
        )
        .select_from(Comment)
        .join(Section, Section.id == Comment.section_id)
        .join(Member, Member.id == Comment.member_id)
        .join(Cell, Cell.id == Comment.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(
            Comment.consultation_id == consultation_id,
            said(),
        )
    )
    opinions = (
        select(
            *place,
            Section.position,
            Section.number,
            Section.title,
            literal(0),
            literal(""),
            CellOpinion.id,
            null(),
            CellOpinion.text,
            submitted,
            CellOpinion.created_at,
            CellOpinion.updated_at,
            literal(""),
            literal(""),
            literal(""),
        )
        .select_from(CellOpinion)
        .join(Section, Section.id == CellOpinion.section_id)
        .join(Cell, Cell.id == CellOpinion.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(CellOpinion.consultation_id == consultation_id, CellOpinion.text != "")
    )
    whole = (
        select(
            *place, literal(STANCE_POSITION), literal(""), literal(strings.STANCE_WHOLE_DOCUMENT),
            literal(1), literal("") if anonymous else Member.full_name,
            DocumentStance.id if anonymous else Member.id, DocumentStance.stance,
            DocumentStance.text, submitted, DocumentStance.created_at, DocumentStance.updated_at,
            literal(""), literal(""), literal(""),
        )
        .select_from(DocumentStance)
        .join(Member, Member.id == DocumentStance.member_id)
        .join(Cell, Cell.id == DocumentStance.cell_id)
        .join(Organization, Organization.id == Cell.organization_id)
        .outerjoin(CellSubmission, submission)
        .where(DocumentStance.consultation_id == consultation_id)
    )
    if cell_id is not None:
        members = members.where(Comment.cell_id == cell_id)
        opinions = opinions.where(CellOpinion.cell_id == cell_id)
        whole = whole.where(DocumentStance.cell_id == cell_id)
    return union_all(members, opinions, whole).subquery()
