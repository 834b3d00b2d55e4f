"""The risk assessment (위험성평가표) as printed: the KRAS table, or the sheet of the assessment's method.

The layout follows the method of the scale the assessment was scored on (its stored code and version,
DOMAIN.md §2.4–2.6): likelihood × severity scales print the KRAS 11-column table, the three-level method
prints 상/중/하 instead of F×S, the checklist method prints the check items with one tick column per
result, and OPS prints one sheet per hazard. Every layout has the same header (Rule Art. 37-4①: who,
when, which workers took part), the band legend of the scale and the signatures. Rows are toned by the
scale's own bands, never by a fixed score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from safetydesk.core.db.tables import (
    areas,
    attachment_links,
    attachments,
    risk_assessments,
    risk_items,
    sites,
)
from safetydesk.core.domain.risk import RiskBand, RiskResult, RiskScale, ScaleLevel, ScaleMethod
from safetydesk.core.domain.risk_assessment import RiskItemData, safe_rate
from safetydesk.core.i18n import N_
from safetydesk.core.labels import (
    ASSESSMENT_TYPE_LABELS,
    DISCOVERY_LABELS,
    HAZARD_CLASS_LABELS,
    ROLE_LABELS,
    label,
)
from safetydesk.core.queries.risk import AssessmentDetail, assessment_detail
from safetydesk.core.queries.settings import load_settings
from safetydesk.core.reports import fmt
from safetydesk.core.reports.context import ReportRequest
from safetydesk.core.reports.kind import ReportKind
from safetydesk.core.reports.model import (
    Block,
    Cell,
    CellValue,
    Fields,
    Heading,
    PageBreak,
    Para,
    PhotoRef,
    Photos,
    Report,
    Signatures,
    Spacer,
    Table,
    Tone,
)
from safetydesk.core.workspace.workspace import Workspace

Translate = Callable[[str], str]

TITLES = {
    ScaleMethod.MATRIX: N_("Risk assessment table"),
    ScaleMethod.LEVELS: N_("Risk assessment table (three-level method)"),
    ScaleMethod.CHECKLIST: N_("Risk assessment checklist"),
    ScaleMethod.OPS: N_("Risk assessment — One Point Sheets"),
}
PHOTO_ROLES = {"before": N_("Before"), "after": N_("After")}
PHOTO_ORDER = {"before": 0, "after": 2}
MAX_PHOTOS = 24  # in the table layouts; the rest stay in the workspace
MAX_PHOTOS_PER_SHEET = 4  # an OPS sheet stays one page
TABLE_FONT = 7.5


# -- what the builder reads ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    sha256: str
    role: str
    caption: str


@dataclass(frozen=True)
class Rated:
    """One item with its current and residual risk scored on the assessment's scale."""

    number: int
    item: RiskItemData
    current: RiskResult | None
    residual: RiskResult | None

    @property
    def unacceptable(self) -> bool:
        return self.current is not None and not self.current.acceptable

    @property
    def unacceptable_after(self) -> bool:
        """Still unacceptable after improvement: re-decided as unacceptable, or not re-decided at all."""
        if not self.unacceptable:
            return False
        return self.residual is None or not self.residual.acceptable


@dataclass(frozen=True)
class Sheet:
    """Everything the layouts print, read once."""

    detail: AssessmentDetail
    rows: tuple[Rated, ...]
    site_name: str
    area_name: str
    approver: str
    photos: dict[str, tuple[Photo, ...]]  # item id → photos of the item and of its corrective action
    lang: str

    @property
    def scale(self) -> RiskScale:
        return self.detail.scale


def _pick(lang: str, ko: str | None, en: str | None) -> str:
    """The English text of a bilingual pair when printing in English and it exists, else the Korean."""
    return (en or ko or "") if lang == "en" else (ko or en or "")


def _photo_query(assessment_id: str, entity: str) -> Select[Any]:
    """Images linked to the assessment's live items, or to the corrective actions made from them."""
    on = risk_items.c.id if entity == "risk_items" else risk_items.c.action_id
    return (
        select(
            risk_items.c.id.label("item_id"),
            attachment_links.c.sha256,
            attachment_links.c.role,
            attachment_links.c.caption,
            attachment_links.c.created_at,
        )
        .select_from(
            attachment_links.join(risk_items, on == attachment_links.c.record_id).join(
                attachments, attachments.c.sha256 == attachment_links.c.sha256
            )
        )
        .where(
            risk_items.c.assessment_id == assessment_id,
            risk_items.c.deleted_at.is_(None),
            attachment_links.c.entity == entity,
            attachment_links.c.deleted_at.is_(None),
            attachments.c.mime.like("image/%"),
        )
    )


def _load(ws: Workspace, assessment_id: str, lang: str) -> Sheet:
    detail = assessment_detail(ws, assessment_id)
    scale = detail.scale
    rows = tuple(
        Rated(
            number,
            item,
            safe_rate(scale, item.likelihood, item.severity, item.level),
            safe_rate(scale, item.residual_likelihood, item.residual_severity, item.residual_level),
        )
        for number, item in enumerate(detail.items, start=1)
    )
    with ws.reader() as conn:
        place = conn.execute(
            select(sites.c.name, sites.c.name_en, areas.c.name, areas.c.name_en)
            .select_from(
                risk_assessments.outerjoin(sites, sites.c.id == risk_assessments.c.site_id).outerjoin(
                    areas, areas.c.id == risk_assessments.c.area_id
                )
            )
            .where(risk_assessments.c.id == assessment_id)
        ).one()
        links = [
            *conn.execute(_photo_query(assessment_id, "risk_items")),
            *conn.execute(_photo_query(assessment_id, "corrective_actions")),
        ]
    photos: dict[str, list[Photo]] = {}
    links.sort(
        key=lambda link: (PHOTO_ORDER.get(str(link.role), 1), str(link.created_at))
    )  # before, …, after
    for link in links:
        photos.setdefault(str(link.item_id), []).append(
            Photo(str(link.sha256), str(link.role or ""), str(link.caption or ""))
        )
    return Sheet(
        detail=detail,
        rows=rows,
        site_name=_pick(lang, place[0], place[1]),
        area_name=_pick(lang, place[2], place[3]),
        approver=load_settings(ws).representative,
        photos={k: tuple(v) for k, v in photos.items()},
        lang=lang,
    )


# -- scale text ----------------------------------------------------------------------------------------


def band_tone(scale: RiskScale, band_code: str | None) -> Tone:
    """Acceptable bands: no tone. Unacceptable: "bad"; the lowest of several unacceptable bands "warn".

    Driven by the scale's own bands and its acceptable level (notice §9②), so a site's changed
    criteria change the colours too.
    """
    unacceptable = [b.code for b in scale.bands if not b.acceptable]
    if band_code is None or band_code not in unacceptable:
        return None
    if len(unacceptable) > 1 and band_code == unacceptable[0]:
        return "warn"
    return "bad"


def _band_label(result: RiskResult, lang: str) -> str:
    return _pick(lang, result.label_ko, result.label_en)


def _score_text(scale: RiskScale, result: RiskResult | None, lang: str) -> str:
    """``12`` newline ``약간높음`` for a matrix, ``상`` for a level scale; empty when not rated."""
    if result is None:
        return ""
    name = _band_label(result, lang)
    if result.score is None or scale.method is not ScaleMethod.MATRIX:
        return name
    return f"{result.score}\n{name}"


def _residual_text(scale: RiskScale, rated: Rated, lang: str) -> str:
    result = rated.residual
    if result is None:
        return ""
    item = rated.item
    name = _band_label(result, lang)
    if scale.method is ScaleMethod.MATRIX and result.score is not None:
        return f"{item.residual_likelihood}×{item.residual_severity}={result.score}\n{name}"
    return name


def _risk_cell(scale: RiskScale, result: RiskResult | None, text: str) -> Cell:
    tone = band_tone(scale, result.band_code) if result else None
    unacceptable = result is not None and not result.acceptable
    return Cell(text, tone=tone, bold=unacceptable, align="centre")


def _range(band: RiskBand) -> str:
    return str(band.min_score) if band.min_score == band.max_score else f"{band.min_score}–{band.max_score}"


def _levels_line(scale: RiskScale, lang: str, t: Translate) -> str:
    def axis(levels: tuple[ScaleLevel, ...], name: str) -> str:
        parts = [f"{lv.value} {_pick(lang, lv.label_ko, lv.label_en)}" for lv in reversed(levels)]
        return f"{name}: " + " · ".join(parts)

    return (
        axis(scale.likelihood, t(N_("Likelihood"))) + "\n" + axis(scale.severity, t(N_("Severity of harm")))
    )


def legend(scale: RiskScale, lang: str) -> list[Block]:
    """The bands of the scale with their actions and whether they are acceptable (a short key)."""
    t = fmt.translator(lang)
    matrix = scale.method is ScaleMethod.MATRIX
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for band in scale.bands:
        cells: list[CellValue] = [Cell(_pick(lang, band.label_ko, band.label_en), bold=True, align="centre")]
        if matrix:
            cells.append(Cell(_range(band), align="centre"))
        cells.append(_pick(lang, band.action_ko, band.action_en))
        cells.append(Cell(t(N_("acceptable") if band.acceptable else N_("not acceptable")), align="centre"))
        rows.append(tuple(cells))
        tones.append(band_tone(scale, band.code))
    headers: tuple[str, ...] = (
        (t(N_("Risk level")), t(N_("Score")), t(N_("Required action")), t(N_("Acceptable")))
        if matrix
        else (t(N_("Risk level")), t(N_("Required action")), t(N_("Acceptable")))
    )
    widths = (1.4, 0.8, 6.0, 1.4) if matrix else (1.8, 6.0, 1.4)
    blocks: list[Block] = [
        Heading(t(N_("Risk levels of the scale")) + ": " + _pick(lang, scale.label_ko, scale.label_en), 2),
        Table(headers=headers, rows=tuple(rows), widths=widths, tones=tuple(tones), font_size=7.5),
    ]
    if matrix:
        blocks.append(
            Para(_levels_line(scale, lang, t) + "\n" + t(N_("Risk = likelihood × severity.")), "small")
        )
    rationale = _pick(lang, scale.rationale_ko, scale.rationale_en)
    if rationale:
        blocks.append(Para(t(N_("Acceptable level and why")) + ": " + rationale, "note"))
    return blocks


# -- shared blocks -------------------------------------------------------------------------------------


def _participants(sheet: Sheet) -> str:
    lang = sheet.lang
    return fmt.names(
        f"{p.name} ({label(p.role, lang, ROLE_LABELS)})" if p.role else p.name
        for p in sheet.detail.header.participants
    )


def _worker_rep(sheet: Sheet) -> str:
    return next((p.name for p in sheet.detail.header.participants if p.role == "worker_rep"), "")


def header_blocks(sheet: Sheet, columns: int) -> list[Block]:
    lang = sheet.lang
    t = fmt.translator(lang)
    detail = sheet.detail
    h = detail.header
    scale = sheet.scale
    blocks: list[Block] = []
    if not detail.locked:
        blocks.append(Para(t(N_("DRAFT — this record is not completed and may still change.")), "bad"))
    kind = label(h.assessment_type, lang, ASSESSMENT_TYPE_LABELS)
    items: list[tuple[str, str]] = [
        (t(N_("Site")), sheet.site_name or "—"),
        (t(N_("Process (task)")), h.title),
        (t(N_("Area")), sheet.area_name or t(N_("Whole site"))),
        (t(N_("Assessed on")), fmt.day(h.assessed_on)),
        (t(N_("Type")), kind),
        (t(N_("Method and scale")), _pick(lang, scale.label_ko, scale.label_en)),
        (t(N_("Scale version")), f"{scale.code} v{scale.version}"),
        (t(N_("Lead assessor")), h.lead_assessor or "—"),
        (t(N_("Worker representative took part")), fmt.yes_no(h.worker_rep_participated, lang)),
    ]
    if h.trigger:
        items.append((t(N_("Reason for the assessment")), h.trigger))
    if h.discovery_methods:
        items.append(
            (
                t(N_("How hazards were found")),
                fmt.names(label(m, lang, DISCOVERY_LABELS) for m in h.discovery_methods),
            )
        )
    status = label(detail.status, lang)
    if detail.completed_at:
        status += f" · {fmt.moment(detail.completed_at)}"
    if detail.revision_of:
        status += " · " + t(N_("Revision")) + f" {detail.revision_no}"
    items.append((t(N_("Status")), status))
    if h.reported_to_owner_on:
        items.append((t(N_("Reported to owner")), fmt.day(h.reported_to_owner_on)))
    if h.shared_how:
        items.append((t(N_("How the results were shared")), h.shared_how))
    blocks.append(Fields(tuple(items), columns=columns))
    blocks.append(
        Fields(((t(N_("Assessors and participating workers")), _participants(sheet) or "—"),), columns=1)
    )
    return blocks


def summary_line(sheet: Sheet) -> Para:
    t = fmt.translator(sheet.lang)
    rows = sheet.rows
    text = t(
        N_("Items: {n} · unacceptable before improvement: {before} · still unacceptable after: {after}")
    ).format(
        n=len(rows),
        before=sum(r.unacceptable for r in rows),
        after=sum(r.unacceptable_after for r in rows),
    )
    not_rated = sum(r.current is None for r in rows)
    if not_rated:
        text += " · " + t(N_("not rated: {n}")).format(n=not_rated)
    return Para(text, "body")


def signatures(sheet: Sheet) -> list[Block]:
    t = fmt.translator(sheet.lang)
    return [
        Spacer(4),
        Signatures(
            (
                (t(N_("Assessor")), sheet.detail.header.lead_assessor),
                (t(N_("Worker representative")), _worker_rep(sheet)),
                (t(N_("Approved by")), sheet.approver),
            )
        ),
    ]


def _measure_text(item: RiskItemData, lang: str) -> str:
    text = item.reduction_measures
    if item.hierarchy and text:
        text += f"\n[{label(item.hierarchy, lang)}]"
    return text


def _done_text(item: RiskItemData, lang: str) -> str:
    """The completion date, or the state of the linked corrective action while it is not done."""
    if item.completed_on:
        return fmt.day(item.completed_on)
    if item.action_status:
        return label(item.action_status, lang)
    return ""


def _photo_caption(sheet: Sheet, rated: Rated, photo: Photo) -> str:
    t = fmt.translator(sheet.lang)
    parts = [f"{rated.number}. {rated.item.task}"]
    if photo.role in PHOTO_ROLES:
        parts.append(t(PHOTO_ROLES[photo.role]))
    if photo.caption:
        parts.append(photo.caption)
    return " · ".join(parts)


def photo_blocks(sheet: Sheet) -> list[Block]:
    t = fmt.translator(sheet.lang)
    refs = [
        PhotoRef(p.sha256, _photo_caption(sheet, r, p))
        for r in sheet.rows
        for p in sheet.photos.get(r.item.id or "", ())
    ]
    if not refs:
        return []
    shown = refs[:MAX_PHOTOS]
    blocks: list[Block] = [Heading(t(N_("Photos")), 2), Photos(tuple(shown), columns=3, max_height_mm=55)]
    if len(refs) > len(shown):
        blocks.append(
            Para(
                t(N_("{n} more photos are kept with the record in the workspace.")).format(
                    n=len(refs) - len(shown)
                ),
                "note",
            )
        )
    return blocks


# -- the table layouts ---------------------------------------------------------------------------------

FRAME_MM = 269.0  # A4 landscape less the margins; widths are relative, so Letter scales the same way
PAD_MM = 2.2  # cell padding left + right
MAX_WORD_MM = 22.0  # a column widens for its longest word up to this


_NARROW = frozenset("iljtfrI.,:;()[]-/'\"!|")
_WIDE = frozenset("mwMW")


def _char_em(c: str) -> float:
    """A slightly generous width of one NanumGothic character in em (measured, rounded up)."""
    if ord(c) >= 0x1100:
        return 0.96  # Hangul, CJK and symbols
    if c in _NARROW:
        return 0.38
    if c in _WIDE:
        return 1.0
    return 0.75 if c.isupper() else 0.63


def _word_mm(text: str, size: float, latin_only: bool = False) -> float:
    """The printed width of the longest word of ``text`` in mm at ``size`` pt (an estimate).

    With ``latin_only``, words holding Hangul are skipped: Korean may break between any two syllables.
    """
    words = [w for w in text.split() if not (latin_only and any(ord(c) >= 0x1100 for c in w))]
    if not words:
        return 0.0
    return max(sum(_char_em(c) for c in w) for w in words) * size * 25.4 / 72


def fit_widths(
    widths: tuple[float, ...],
    samples: tuple[tuple[str, ...], ...],
    size: float,
    body: tuple[tuple[str, ...], ...] = (),
) -> tuple[float, ...]:
    """Widen a column until its longest word fits unbroken; the wide text columns give way.

    ``widths`` are in mm for the landscape frame. ``samples`` holds, per column, the texts that must
    never break inside a word (the header, code labels, dates); ``body`` the column's cell texts, which
    may widen it up to ``MAX_WORD_MM`` (a longer word, e.g. a file name, breaks).
    """
    need: list[float] = []
    for i, (w, texts) in enumerate(zip(widths, samples, strict=True)):
        fixed = max((_word_mm(s, size) for s in texts), default=0.0) + PAD_MM
        free = (
            max((_word_mm(s, size, latin_only=True) for s in body[i]), default=0.0) + PAD_MM
            if i < len(body)
            else 0.0
        )
        need.append(max(w, fixed, min(free, MAX_WORD_MM)))
    extra = sum(need) - sum(widths)
    donors = [i for i, w in enumerate(widths) if need[i] == w and w >= 24]
    room = sum(widths[i] for i in donors)
    if extra <= 0 or room <= 0:
        return tuple(need)  # (relative widths: the renderer scales them to the frame)
    for i in donors:
        need[i] -= extra * widths[i] / room
    return tuple(need)


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # mm on A4 landscape
    codes: tuple[str, ...] = ()  # short texts of the column that must not break inside a word


def _table(
    sheet: Sheet,
    columns: list[Column],
    rows: list[tuple[CellValue, ...]],
    group_header: tuple[tuple[str, int], ...],
    empty_text: str,
) -> Table:
    scale = sheet.scale
    widths = fit_widths(
        tuple(c.width for c in columns),
        tuple((*c.header.split("\n"), *c.codes) for c in columns),
        TABLE_FONT,
        tuple(
            tuple(v.text if isinstance(v, Cell) else v for v in column) for column in zip(*rows, strict=True)
        )
        if rows
        else (),
    )
    return Table(
        group_header=group_header,
        headers=tuple(c.header for c in columns),
        rows=tuple(rows),
        widths=widths,
        tones=tuple(band_tone(scale, r.current.band_code) if r.current else None for r in sheet.rows),
        font_size=TABLE_FONT,
        empty_text=empty_text,
    )


def _class_labels(sheet: Sheet) -> tuple[str, ...]:
    return tuple({label(r.item.hazard_class, sheet.lang, HAZARD_CLASS_LABELS) for r in sheet.rows})


def _band_labels(sheet: Sheet) -> tuple[str, ...]:
    return tuple(_pick(sheet.lang, b.label_ko, b.label_en) for b in sheet.scale.bands)


def _hazard_columns(
    sheet: Sheet, situation: str, widths: tuple[float, float, float, float, float, float]
) -> list[Column]:
    t = fmt.translator(sheet.lang)
    return [
        Column(t(N_("No.")), widths[0], (str(len(sheet.rows)),)),
        Column(t(N_("Task detail")), widths[1]),
        Column(t(N_("Hazard class")), widths[2], _class_labels(sheet)),
        Column(situation, widths[3]),
        Column(t(N_("Legal basis")), widths[4]),
        Column(t(N_("Current controls")), widths[5]),
    ]


def _follow_up_columns(sheet: Sheet) -> list[Column]:
    t = fmt.translator(sheet.lang)
    statuses = tuple(label(r.item.action_status, sheet.lang) for r in sheet.rows if r.item.action_status)
    return [
        Column(t(N_("Planned date")), 17.5, ("2026-01-01",)),
        Column(t(N_("Completed on")), 17.5, ("2026-01-01", *statuses)),
        Column(t(N_("Owner")), 13),
        Column(t(N_("Remarks")), 13),
    ]


def _hazard_cells(rated: Rated, lang: str) -> list[CellValue]:
    item = rated.item
    return [
        Cell(str(rated.number), align="centre"),
        item.task,
        label(item.hazard_class, lang, HAZARD_CLASS_LABELS),
        item.situation,
        item.legal_basis,
        item.current_controls,
    ]


def _follow_up_cells(rated: Rated, lang: str) -> list[CellValue]:
    item = rated.item
    return [
        Cell(fmt.day(item.planned_on), align="centre"),
        Cell(_done_text(item, lang), align="centre"),
        item.owner_name,
        item.remarks,
    ]


def matrix_table(sheet: Sheet) -> Table:
    """KRAS 11 columns; column 6 (current risk) split into likelihood, severity and risk."""
    lang = sheet.lang
    t = fmt.translator(lang)
    scale = sheet.scale
    bands = _band_labels(sheet)
    columns = [
        *_hazard_columns(sheet, t(N_("Hazard situation and result")), (7, 22, 18, 30, 22, 24)),
        Column(t(N_("Likeli-\nhood")), 11),
        Column(t(N_("Sever-\nity")), 11),
        Column(t(N_("Risk")), 16, bands),
        Column(t(N_("Reduction measures")), 30),
        Column(t(N_("Risk after improvement")), 19, bands),
        *_follow_up_columns(sheet),
    ]
    rows: list[tuple[CellValue, ...]] = []
    for r in sheet.rows:
        item = r.item
        rows.append(
            (
                *_hazard_cells(r, lang),
                Cell("" if item.likelihood is None else str(item.likelihood), align="centre"),
                Cell("" if item.severity is None else str(item.severity), align="centre"),
                _risk_cell(scale, r.current, _score_text(scale, r.current, lang)),
                _measure_text(item, lang),
                _risk_cell(scale, r.residual, _residual_text(scale, r, lang)),
                *_follow_up_cells(r, lang),
            )
        )
    return _table(
        sheet,
        columns,
        rows,
        (("", 2), (t(N_("Hazard identification")), 2), ("", 2), (t(N_("Current risk")), 3), ("", 6)),
        t(N_("No hazards recorded in this assessment.")),
    )


def levels_table(sheet: Sheet) -> Table:
    """The three-level method: the level judged directly (상/중/하) instead of likelihood × severity."""
    lang = sheet.lang
    t = fmt.translator(lang)
    scale = sheet.scale
    bands = _band_labels(sheet)
    columns = [
        *_hazard_columns(sheet, t(N_("Hazard situation and result")), (7, 24, 18, 36, 22, 28)),
        Column(t(N_("Current risk level")), 18, bands),
        Column(t(N_("Reduction measures")), 36),
        Column(t(N_("Risk level after improvement")), 19, bands),
        *_follow_up_columns(sheet),
    ]
    rows: list[tuple[CellValue, ...]] = []
    for r in sheet.rows:
        rows.append(
            (
                *_hazard_cells(r, lang),
                _risk_cell(scale, r.current, _score_text(scale, r.current, lang)),
                _measure_text(r.item, lang),
                _risk_cell(scale, r.residual, _residual_text(scale, r, lang)),
                *_follow_up_cells(r, lang),
            )
        )
    return _table(
        sheet,
        columns,
        rows,
        (("", 2), (t(N_("Hazard identification")), 2), ("", 9)),
        t(N_("No hazards recorded in this assessment.")),
    )


def _tick(scale: RiskScale, level: ScaleLevel) -> str:
    """○ for a result the scale accepts (적정), × for one that needs improvement (보완)."""
    return "○" if scale.band_for(level.value).acceptable else "×"


def checklist_table(sheet: Sheet) -> Table:
    """The checklist method: each check item ticked (○) in one of the scale's result columns (적정 / 보완)."""
    lang = sheet.lang
    t = fmt.translator(lang)
    scale = sheet.scale
    levels = scale.levels
    columns = [
        *_hazard_columns(sheet, t(N_("Check item")), (7, 22, 18, 34, 20, 26)),
        *(Column(_pick(lang, lv.label_ko, lv.label_en), 12) for lv in levels),
        Column(t(N_("Improvement (reduction measures)")), 32),
        Column(t(N_("Result after improvement")), 19, _band_labels(sheet)),
        *_follow_up_columns(sheet),
    ]
    rows: list[tuple[CellValue, ...]] = []
    for r in sheet.rows:
        item = r.item
        tone = band_tone(scale, r.current.band_code) if r.current else None
        marks = tuple(
            Cell(_tick(scale, lv), tone=tone, bold=True, align="centre")
            if item.level == lv.code
            else Cell("", align="centre")
            for lv in levels
        )
        rows.append(
            (
                *_hazard_cells(r, lang),
                *marks,
                _measure_text(item, lang),
                _risk_cell(scale, r.residual, _residual_text(scale, r, lang)),
                *_follow_up_cells(r, lang),
            )
        )
    return _table(
        sheet,
        columns,
        rows,
        (
            ("", 2),
            (t(N_("Hazard identification")), 2),
            ("", 2),
            (t(N_("Checklist result")), len(levels)),
            ("", 6),
        ),
        t(N_("No check items recorded in this assessment.")),
    )


# -- OPS ----------------------------------------------------------------------------------------------


def ops_index(sheet: Sheet) -> Table:
    lang = sheet.lang
    t = fmt.translator(lang)
    scale = sheet.scale
    rows: list[tuple[CellValue, ...]] = []
    tones: list[Tone] = []
    for r in sheet.rows:
        item = r.item
        rows.append(
            (
                Cell(str(r.number), align="centre"),
                item.task,
                f"{label(item.hazard_class, lang, HAZARD_CLASS_LABELS)}\n{item.situation}",
                _risk_cell(scale, r.current, _score_text(scale, r.current, lang)),
                item.owner_name,
                Cell(fmt.day(item.planned_on), align="centre"),
                Cell(_done_text(item, lang), align="centre"),
            )
        )
        tones.append(band_tone(scale, r.current.band_code) if r.current else None)
    return Table(
        headers=(
            t(N_("No.")),
            t(N_("Task detail")),
            t(N_("Hazard (class, situation)")),
            t(N_("Judgement")),
            t(N_("Owner")),
            t(N_("Planned date")),
            t(N_("Completed on")),
        ),
        rows=tuple(rows),
        widths=(0.7, 2.6, 4.5, 1.8, 1.3, 1.4, 1.4),
        tones=tuple(tones),
        font_size=8,
        empty_text=t(N_("No hazards recorded in this assessment.")),
    )


def ops_sheet(sheet: Sheet, r: Rated) -> list[Block]:
    """One page: the key questions of the OPS method and their answers, then the item's photos."""
    lang = sheet.lang
    t = fmt.translator(lang)
    scale = sheet.scale
    item = r.item
    h = sheet.detail.header
    done = _done_text(item, lang)
    who = fmt.names(
        (
            item.owner_name,
            t(N_("Planned date")) + " " + fmt.day(item.planned_on) if item.planned_on else "",
            t(N_("Completed on")) + " " + done if done else "",
        ),
        sep=" · ",
    )
    lines: list[tuple[str, CellValue, Tone]] = [
        (t(N_("Process (task)")), " · ".join(p for p in (h.title, sheet.area_name) if p), None),
        (t(N_("Task detail")), item.task, None),
        (t(N_("What is hazardous?")), label(item.hazard_class, lang, HAZARD_CLASS_LABELS), None),
        (t(N_("Who gets hurt, and how?")), item.situation, None),
        (t(N_("Legal basis")), item.legal_basis or "—", None),
        (t(N_("What is done now?")), item.current_controls or "—", None),
        (
            t(N_("Are the current measures enough?")),
            _risk_cell(scale, r.current, _score_text(scale, r.current, lang) or t(N_("not rated"))),
            band_tone(scale, r.current.band_code) if r.current else None,
        ),
        (t(N_("What more is needed?")), _measure_text(item, lang) or "—", None),
        (t(N_("Who, and by when?")), who or "—", None),
        (
            t(N_("After the measures")),
            _risk_cell(scale, r.residual, _residual_text(scale, r, lang) or "—"),
            band_tone(scale, r.residual.band_code) if r.residual else None,
        ),
    ]
    if item.remarks:
        lines.append((t(N_("Remarks")), item.remarks, None))
    blocks: list[Block] = [
        PageBreak(),
        Heading(f"OPS {r.number}. {item.task}"),
        Table(
            headers=(t(N_("Key question")), t(N_("What the assessment found"))),
            rows=tuple((Cell(q, bold=True), a) for q, a, _tone in lines),
            widths=(1.0, 3.2),
            tones=tuple(tone for _q, _a, tone in lines),
            font_size=9.5,
        ),
    ]
    photos = sheet.photos.get(item.id or "", ())
    if photos:
        shown = photos[:MAX_PHOTOS_PER_SHEET]
        blocks.append(
            Photos(tuple(PhotoRef(p.sha256, _photo_caption(sheet, r, p)) for p in shown), 2, max_height_mm=55)
        )
        if len(photos) > len(shown):
            blocks.append(
                Para(
                    t(N_("{n} more photos are kept with the record in the workspace.")).format(
                        n=len(photos) - len(shown)
                    ),
                    "note",
                )
            )
    return blocks


# -- the report ----------------------------------------------------------------------------------------


def build_risk_assessment(ws: Workspace, request: ReportRequest) -> Report:
    assert request.record_id is not None
    lang = request.lang
    t = fmt.translator(lang)
    sheet = _load(ws, request.record_id, lang)
    scale = sheet.scale
    method = scale.method
    landscape = method is not ScaleMethod.OPS
    blocks: list[Block] = header_blocks(sheet, columns=3 if landscape else 2)
    if method is ScaleMethod.OPS:
        blocks.append(Heading(t(N_("One Point Sheets")), 2))
        blocks.append(ops_index(sheet))
        blocks.append(summary_line(sheet))
        blocks.extend(legend(scale, lang))
        blocks.extend(signatures(sheet))
        for r in sheet.rows:
            blocks.extend(ops_sheet(sheet, r))
    else:
        table = {
            ScaleMethod.MATRIX: matrix_table,
            ScaleMethod.LEVELS: levels_table,
            ScaleMethod.CHECKLIST: checklist_table,
        }[method](sheet)
        blocks.append(table)
        blocks.append(summary_line(sheet))
        blocks.extend(legend(scale, lang))
        blocks.extend(signatures(sheet))
        blocks.extend(photo_blocks(sheet))
    h = sheet.detail.header
    return Report(
        kind="risk-assessment",
        title=t(TITLES[method]),
        lang=lang,
        blocks=tuple(blocks),
        record=("risk_assessments", sheet.detail.id),
        subtitle=" · ".join(p for p in (h.title, sheet.area_name, fmt.day(h.assessed_on)) if p),
        landscape=landscape,
        file_stem=f"risk_assessment_{fmt.day(h.assessed_on)}",
    )


KINDS = (
    ReportKind(
        "risk-assessment",
        N_("Risk assessment table"),
        "record",
        build_risk_assessment,
        entity="risk_assessments",
        description=N_(
            "The KRAS risk assessment table, or the sheet of the assessment's method (3-level, checklist, OPS)"
        ),
    ),
)
