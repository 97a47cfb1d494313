"""Ý kiến: every row of the export, filtered and paged, so the count is the export's count;
one document of the round at a time (the first, unless another is picked), so a section
number means one section."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from aiohttp import web

from content.text import fold
from storage import exports, versions
from storage.consultations import current_consultation, current_round, lineage, list_sections
from web.access import Viewer, Who, page
from web.render import Console, render

PAGE_SIZE = 50
# Columns of storage.exports rows.
POSITION, ORGANIZATION, CODE, CHOICE, TEXT, PASSAGES, PROPOSALS = 1, 4, 5, 9, 10, 14, 16
VERSION = 18


@dataclass(frozen=True)
class Filters:
    section: str = ""  # reading position
    organization: str = ""
    cell: str = ""
    choice: str = ""
    q: str = ""
    document: str = ""  # a document of the round, by id; "": the first

    @classmethod
    def of(cls, request: web.Request, viewer: Viewer) -> Filters:
        query = request.query
        cell = query.get("cell", "") if viewer.is_office else viewer.cell_code
        return cls(query.get("section", ""), query.get("organization", "") if viewer.is_office
                   else "", cell, query.get("choice", ""), query.get("q", "").strip()[:200],
                   query.get("document", ""))

    def keep(self, row: list[str], folded_q: str, places: set[tuple[str, str]]) -> bool:
        """`places`: the chosen section's (version, position) in every version of it (a
        row's position is on the version its comment was made on)."""
        if self.section and (row[VERSION], row[POSITION]) not in places:
            return False
        if self.organization and row[ORGANIZATION] != self.organization:
            return False
        if self.choice and row[CHOICE] != self.choice:
            return False
        return not folded_q or any(folded_q in fold(row[column])
                                   for column in (TEXT, PASSAGES, PROPOSALS))

    def query(self, **change: str | int) -> str:
        values = {k: v for k, v in vars(self).items() if v} | {k: v for k, v in change.items() if v}
        return "?" + urlencode(values)


@page(Who.CONSOLE)
async def comments(request: web.Request, viewer: Viewer) -> web.StreamResponse:
    console = Console.of(request)
    filters = Filters.of(request, viewer)
    try:
        wanted = max(1, int(request.query.get("page", "1")))
    except ValueError:
        wanted = 1
    folded_q = fold(filters.q)
    shown: list[list[str]] = []
    count = 0
    organizations: set[str] = set()
    cells: set[str] = set()
    async with console.app.uow(write=False) as uow:
        consultation = await current_consultation(uow.session)
        documents = await current_round(uow.session)
        document = next((d for d in documents if str(d.id) == filters.document), consultation)
        sections = await list_sections(uow.session, document.id) if document else []
        places: set[tuple[str, str]] = set()
        chosen = next((s for s in sections if str(s.position) == filters.section), None)
        if document is not None and chosen is not None:
            named = await versions.labels(uow.session, document.id)
            places = {(versions.label_for(named, s.version), str(s.position))
                      for s in await lineage(uow.session, document.id, chosen)}
        if consultation is not None and document is not None:
            try:
                rows = exports.rows(uow.session, consultation.id, filters.cell or None,
                                    tz=console.app.settings.tz, document_id=document.id)
                async for row in rows:
                    organizations.add(row[ORGANIZATION])
                    cells.add(row[CODE])
                    if filters.keep(row, folded_q, places):
                        count += 1
                        if (wanted - 1) * PAGE_SIZE < count <= wanted * PAGE_SIZE:
                            shown.append(row)
            except LookupError:
                count = 0  # an unknown cell code: nothing matches
    pages = max(1, -(-count // PAGE_SIZE))
    choices = [c["label"] for c in consultation.choices] if consultation else []
    return render(
        request, "comments.html", viewer=viewer, active="comments", consultation=consultation,
        rows=shown, count=count, page=min(wanted, pages), pages=pages, filters=filters,
        sections=sections, choices=choices, organizations=sorted(organizations),
        cells=sorted(cells), documents=documents if len(documents) > 1 else [], document=document,
    )
