"""Files the Office uploads: streamed to disk with the size limit enforced as they arrive,
checked against the session's CSRF token, and kept per session between preview and confirm."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import BodyPartReader, web

from content import strings
from web.access import Viewer, csrf_ok
from web.render import Console, error_page

CHUNK = 64 * 1024
MAX_FIELD = 10_000  # characters of one text field of an upload form
_UNSAFE = re.compile(r"[^\w.\- ]+")


class Refused(Exception):
    """An upload the console will not keep: the HTTP status and what to tell the Office."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, message)
        self.status, self.message = status, message


@dataclass
class Upload:
    """One uploaded file, waiting under the session's folder, and the form's other fields."""

    path: Path | None
    fields: dict[str, str] = field(default_factory=dict)


async def receive(
    request: web.Request, viewer: Viewer, purpose: str, *, fallback: str,
    show: Callable[[int, str], Awaitable[web.Response]],
) -> Path | web.Response:
    """The uploaded file, or the page to answer with: the console's 403 for a forged form,
    else `show(status, message)` (the upload form again, with what went wrong)."""
    try:
        upload = await read_upload(request, viewer, purpose, fallback=fallback)
    except Refused as refused:
        if refused.status == 403:
            return error_page(request, 403, refused.message)
        return await show(refused.status, refused.message)
    if upload.path is None:
        return await show(400, strings.WEB_UPLOAD_NO_FILE)
    return upload.path


def waiting_room(viewer: Viewer, purpose: str) -> Path:
    """Where a session's upload for `purpose` ("roster", "draft") waits until confirmed."""
    return Path(tempfile.gettempdir()) / "gopy-uploads" / f"session-{viewer.session_id}" / purpose


def waiting(viewer: Viewer, purpose: str) -> Path | None:
    """The file kept for this session and purpose, if any."""
    folder = waiting_room(viewer, purpose)
    found = sorted(folder.iterdir()) if folder.is_dir() else []
    return found[0] if found else None


def discard(viewer: Viewer, purpose: str) -> None:
    shutil.rmtree(waiting_room(viewer, purpose), ignore_errors=True)


def safe_name(filename: str, fallback: str) -> str:
    """The browser's file name, kept for messages and the audit log, harmless on disk."""
    name = _UNSAFE.sub("", Path(filename.replace("\\", "/")).name).strip(" .")
    return name[:120] or fallback


async def read_upload(
    request: web.Request, viewer: Viewer, purpose: str, *, fallback: str
) -> Upload:
    """Read a multipart form: its file replaces the session's waiting one for `purpose`.

    A body over WEB_UPLOAD_MAX_MB is refused with 413 as soon as it is known to be over,
    and nothing of it is kept; a form without the session's CSRF token with 403."""
    console = Console.of(request)
    limit = int(console.app.settings.web_upload_max_mb * 1024 * 1024)
    too_large = strings.WEB_UPLOAD_TOO_LARGE.format(limit=f"{console.app.settings.web_upload_max_mb:g}")
    if request.content_length is not None and request.content_length > limit + CHUNK:
        raise Refused(413, too_large)
    if not request.content_type.startswith("multipart/"):
        given = (await request.post()).get("csrf")
        if not isinstance(given, str) or not csrf_ok(viewer, given):
            raise Refused(403, strings.WEB_CSRF_FAILED)
        raise Refused(400, strings.WEB_UPLOAD_NO_FILE)
    discard(viewer, purpose)
    folder = waiting_room(viewer, purpose)
    upload = Upload(path=None)
    reader = await request.multipart()
    try:
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is None:
                upload.fields[part.name] = (await part.text())[:MAX_FIELD]
                continue
            if not part.filename:
                continue  # the file input left empty
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / safe_name(part.filename, fallback)
            size = 0
            with path.open("wb") as out:
                while chunk := await part.read_chunk(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise Refused(413, too_large)
                    out.write(chunk)
            upload.path = path
    except Refused:
        discard(viewer, purpose)
        await _drain(request, limit)
        raise
    if not csrf_ok(viewer, upload.fields.get("csrf", "")):
        discard(viewer, purpose)
        raise Refused(403, strings.WEB_CSRF_FAILED)
    return upload


async def _drain(request: web.Request, limit: int) -> None:
    """Read (and drop) the rest of a refused body, up to a bound, so the browser is still
    listening when the 413 page arrives rather than showing a reset connection."""
    left = 4 * limit
    while left > 0 and (chunk := await request.content.readany()):
        left -= len(chunk)
