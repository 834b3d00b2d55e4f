"""Everything a report needs besides its blocks: the request, print options and the letterhead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from safetydesk.core.audit.codes import head_code, record_code
from safetydesk.core.domain.company import APPROVAL_DEFAULT
from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _
from safetydesk.core.queries.settings import CompanySettings, StoredImage, load_settings
from safetydesk.core.workspace.workspace import Workspace

PageSize = Literal["A4", "Letter"]
APPROVAL_DEFAULT_EN = ("Prepared", "Reviewed", "Approved")


@dataclass(frozen=True)
class ReportRequest:
    """What to print: one record (``record_id``) or a period (``date_from``..``date_to``) plus filters."""

    record_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    lang: str = "ko"
    filters: dict[str, Any] = field(default_factory=dict)
    today: date | None = None  # "as of" date for ageing and overdue (default: the local date)

    @property
    def as_of(self) -> date:
        return self.today or date.today()


@dataclass(frozen=True)
class ReportOptions:
    page_size: PageSize = "A4"
    grayscale: bool = False  # ink saving: no fills, tones as greys and bold text


@dataclass(frozen=True)
class Letterhead:
    company: str
    address: str
    business_reg_no: str
    representative: str
    approval_titles: tuple[str, ...]
    logo: bytes | None = None
    seal: bytes | None = None
    signature: bytes | None = None


@dataclass(frozen=True)
class Stamp:
    """What ties a printed page to the workspace: record id (if any), the code and the print time."""

    code: str | None
    record_id: str | None
    printed_at: datetime
    register: bool  # True: the code is the chain head's (a document over many records)


def _image(ws: Workspace, image: StoredImage | None) -> bytes | None:
    if image is None:
        return None
    try:
        return ws.attachments.read_bytes(image.sha256)
    except (UserError, OSError):
        return None  # a missing logo must not stop the report; the box prints empty


def letterhead(ws: Workspace, lang: str, company: CompanySettings | None = None) -> Letterhead:
    s = company or load_settings(ws)
    titles = s.approval_titles
    if lang == "en" and titles == APPROVAL_DEFAULT:
        titles = APPROVAL_DEFAULT_EN
    name = s.name_en if lang == "en" and s.name_en else s.name
    return Letterhead(
        company=name or _(N_("(company name not set — see Settings)"), lang),
        address=s.address,
        business_reg_no=s.business_reg_no,
        representative=s.representative,
        approval_titles=titles,
        logo=_image(ws, s.logo),
        seal=_image(ws, s.seal),
        signature=_image(ws, s.signature),
    )


def stamp(ws: Workspace, record: tuple[str, str] | None, printed_at: datetime | None = None) -> Stamp:
    with ws.reader() as conn:
        code = record_code(conn, *record) if record else head_code(conn)
    return Stamp(
        code=code,
        record_id=record[1] if record else None,
        printed_at=printed_at or datetime.now().astimezone(),
        register=record is None,
    )
