"""Reading spreadsheets robustly, the problem list, and the preview every import shows first.

A file is read into plain ``Sheet`` values (rows of Python cell values, 1-based row numbers as Excel
shows them). Nothing here writes: an import kind turns sheets into a ``Preview`` that lists every
problem as (sheet, row, column, problem) in the user's language, and applies only a preview without
problems, in one transaction (all or nothing).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_, _

if TYPE_CHECKING:
    from safetydesk.core.services.base import Changes, Tx

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
TEXT_LIMIT = 4000  # a free-text cell (Text columns have no database limit; a sane one for people)
MAX_PROBLEMS = 500  # listed; the count says how many more


# -- problems -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` and ``column`` as the spreadsheet shows them."""

    sheet: str
    row: int | None
    column: str | None
    message_id: str
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str | None = None) -> str:
        return _(self.message_id, lang).format(**self.params)

    def text(self, lang: str | None = None) -> str:
        where = [self.sheet] if self.sheet else []
        if self.row is not None:
            where.append(_("row {n}", lang).format(n=self.row))
        if self.column:
            where.append(_("column {name}", lang).format(name=self.column))
        prefix = ", ".join(where)
        return f"{prefix}: {self.message(lang)}" if prefix else self.message(lang)


class ImportRejectedError(UserError):
    """An import refused because of problems in the file; nothing was changed."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None) -> None:
        super().__init__(
            N_("The file was not imported: {n} problems. Nothing was changed."),
            N_("Correct the file and import it again."),
            n=total if total is not None else len(problems),
        )
        self.problems = tuple(problems)

    def message(self, lang: str | None = None) -> str:
        lines = [super().message(lang)]
        lines += ["  " + p.text(lang) for p in self.problems[:MAX_PROBLEMS]]
        return "\n".join(lines)


class FileProblemError(Exception):
    """Raised while reading a file that cannot be read at all; carries the one problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message_id)
        self.problem = problem


# -- sheets -------------------------------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]  # rows[i] is spreadsheet row i + 1
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # min_row, min_col, max_row, max_col
    no_cached_value: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 1-based


def column_letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(col))


def read_file(path: Path) -> list[Sheet]:
    """The sheets of an .xlsx or .csv file; raises ``FileProblemError`` when it cannot be read at all."""
    name = path.name
    if not path.is_file():
        raise FileProblemError(Problem(name, None, None, N_("The file does not exist.")))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise FileProblemError(
            Problem(
                name, None, None, N_("The file is too large ({mb} MB); at most 200 MB."), {"mb": size >> 20}
            )
        )
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it drops
            return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return [_read_csv(path)]
    raise FileProblemError(
        Problem(
            name,
            None,
            None,
            N_("Only .xlsx and .csv files can be imported (not {suffix})."),
            {"suffix": suffix or "?"},
        )
    )


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), else CP949/EUC-KR as Korean Windows Excel writes it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp949")  # a superset of EUC-KR


def _read_csv(path: Path) -> Sheet:
    data = path.read_bytes()
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblemError(Problem(path.name, None, None, N_("This is not a text (CSV) file.")))
    try:
        text = decode_csv(data)
    except UnicodeError:
        raise FileProblemError(
            Problem(path.name, None, None, N_("The text encoding is not UTF-8, CP949 or EUC-KR."))
        ) from None
    try:
        dialect: type[csv.Dialect] | Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append([c if c.strip() else None for c in row])
            if len(rows) > MAX_ROWS:
                raise FileProblemError(Problem(path.name, None, None, N_("More than 200,000 rows.")))
    except csv.Error as exc:
        raise FileProblemError(
            Problem(
                path.name,
                len(rows) + 1,
                None,
                N_("The CSV text is malformed: {detail}"),
                {"detail": str(exc)},
            )
        ) from None
    return Sheet(path.stem, rows)


_MERGE = re.compile(rb'<mergeCell[^>]*\sref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.cell import range_boundaries

    try:
        zipped = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise FileProblemError(
            Problem(path.name, None, None, N_("The file is not a valid Excel (.xlsx) workbook."))
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for damaged packages
        zipped.close()
        raise FileProblemError(
            Problem(path.name, None, None, N_("The file is not a valid Excel (.xlsx) workbook."))
        ) from None
    sheets: list[Sheet] = []
    formulas = None
    try:
        parts = _sheet_parts(zipped, book.sheetnames)
        for title in book.sheetnames:
            ws = book[title]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows: list[list[Any]] = []
            for row in ws.iter_rows(values_only=True):
                rows.append(list(row))
                if len(rows) > MAX_ROWS:
                    raise FileProblemError(Problem(title, None, None, N_("More than 200,000 rows.")))
            while rows and all(v is None for v in rows[-1]):
                rows.pop()
            sheet = Sheet(title, rows)
            xml = zipped.read(parts[title]) if title in parts else b""
            for ref in _MERGE.findall(xml):
                min_col, min_row, max_col, max_row = range_boundaries(ref.decode())
                sheet.merged.append((int(min_row), int(min_col), int(max_row), int(max_col)))
            if _FORMULA.search(xml):
                if formulas is None:
                    formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
                for r, frow in enumerate(formulas[title].iter_rows(values_only=True), start=1):
                    for c, value in enumerate(frow, start=1):
                        if _no_value(rows, r, c, value):
                            sheet.no_cached_value.add((r, c))
            sheets.append(sheet)
    except FileProblemError:
        raise
    except Exception:
        raise FileProblemError(
            Problem(path.name, None, None, N_("The file is not a valid Excel (.xlsx) workbook."))
        ) from None
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
        zipped.close()
    return sheets


def _no_value(rows: list[list[Any]], r: int, c: int, formula: object) -> bool:
    """A formula cell whose cached (last calculated) value is missing."""
    if not (isinstance(formula, str) and formula.startswith("=")):
        return False
    return r > len(rows) or c > len(rows[r - 1]) or rows[r - 1][c - 1] is None


def _sheet_parts(zipped: zipfile.ZipFile, names: Sequence[str]) -> dict[str, str]:
    """Sheet title → its XML part, from workbook.xml and its relationships."""
    try:
        wb = zipped.read("xl/workbook.xml")
        rels = zipped.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {
        m.group(1).decode(): m.group(2).decode()
        for m in re.finditer(rb'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels)
    }
    targets.update(
        {
            m.group(2).decode(): m.group(1).decode()
            for m in re.finditer(rb'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)
        }
    )
    out: dict[str, str] = {}
    for m in re.finditer(rb'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        import html

        title = html.unescape(m.group(1).decode())
        target = targets.get(m.group(2).decode(), "")
        target = target.lstrip("/")
        out[title] = target if target.startswith("xl/") else "xl/" + target
    return {k: v for k, v in out.items() if k in names}


# -- columns and values -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an exchange layout: the field it fills and the headers that name it."""

    key: str
    header: str  # English, N_()-marked; the Korean header is its translation
    kind: str = "text"  # text | date | int | float | bool | choice
    max_len: int | None = None
    required: bool = False
    choices: Mapping[str, str] | None = None  # code → English label (N_)
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        out = {norm(self.header), norm(_(self.header, "ko")), norm(self.key), *map(norm, self.aliases)}
        return out - {""}

    def title(self, lang: str | None = None) -> str:
        return _(self.header, lang)


def norm(text: object) -> str:
    return re.sub(r"[\s·.,:/()\[\]_\-]+", "", str(text)).lower()


class BadValueError(Exception):
    """A cell value that does not fit; carries the message id and parameters."""

    def __init__(self, message_id: str, **params: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params


_DATE_TEXT = re.compile(
    r"(\d{4})\s*[.\-/년]\s*(\d{1,2})\s*[.\-/월]\s*(\d{1,2})\s*[.일]?\s*(?:0{1,2}:00(?::00)?)?"
)
_EXCEL_EPOCH = date(1899, 12, 30)


def to_date(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise BadValueError(N_("'{value}' is not a date."), value=value)
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:
            raise BadValueError(N_("'{value}' is not a date."), value=value)
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip()
    if not text:
        return None
    m = _DATE_TEXT.fullmatch(text)
    if m is None and re.fullmatch(r"\d{8}", text):
        m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if m is None and re.fullmatch(r"\d{5}(\.0+)?", text):
        return to_date(float(text))
    if m is None:
        raise BadValueError(N_("'{value}' is not a date (e.g. 2026-03-02 or 2026.3.2)."), value=_short(text))
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise BadValueError(
            N_("'{value}' is not a date (e.g. 2026-03-02 or 2026.3.2)."), value=_short(text)
        ) from None


def to_text(value: Any, limit: int | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        value = value.isoformat()
    text = str(value).strip()
    if not text:
        return None
    if "\x00" in text:
        raise BadValueError(N_("The text contains a NUL character."))
    limit = limit or TEXT_LIMIT
    if len(text) > limit:
        raise BadValueError(N_("The text is {n} characters long; at most {limit}."), n=len(text), limit=limit)
    return text


def to_int(value: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise BadValueError(N_("'{value}' is not a whole number."), value=value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    text = str(value).strip()
    if re.fullmatch(r"[+-]?\d{1,15}(\.0+)?", text):
        return int(float(text))
    raise BadValueError(N_("'{value}' is not a whole number."), value=_short(str(value)))


_TRUE = {"y", "yes", "true", "1", "o", "○", "예", "네", "참", "v", "✓", "✔"}
_FALSE = {"n", "no", "false", "0", "x", "×", "아니오", "아니요", "거짓", "-"}


def to_bool(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise BadValueError(N_("'{value}' is not yes or no (예/아니오, Y/N)."), value=_short(str(value)))


def to_choice(value: Any, choices: Mapping[str, str]) -> str | None:
    text = to_text(value, 200)
    if text is None:
        return None
    key = norm(text)
    for code, label in choices.items():
        if key in (norm(code), norm(label), norm(_(label, "ko"))):
            return code
    raise BadValueError(
        N_("'{value}' is not one of: {choices}."),
        value=_short(text),
        choices=", ".join(_(label) for label in choices.values()),
    )


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "…"


def convert(column: Column, value: Any) -> Any:
    if column.kind == "date":
        return to_date(value)
    if column.kind == "int":
        return to_int(value)
    if column.kind == "bool":
        return to_bool(value)
    if column.kind == "choice":
        return to_choice(value, column.choices or {})
    return to_text(value, column.max_len)


# -- tables in sheets ---------------------------------------------------------------------------------


@dataclass
class Table:
    """The data rows under a header row: field values per row, and the problems found in cells."""

    sheet: str
    header_row: int
    columns: dict[str, int]  # field key → 1-based column
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row, field → converted value)
    problems: list[Problem]


def find_header(
    sheet: Sheet, columns: Sequence[Column], *, search: int = 40
) -> tuple[int, dict[str, int]] | None:
    """The first row naming every required column (and at least two columns); (row, key → column)."""
    required = [c for c in columns if c.required]
    names = [(c.key, c.names()) for c in columns]
    for r, row in enumerate(sheet.rows[:search], start=1):
        found: dict[str, int] = {}
        for c, cell in enumerate(row, start=1):
            if cell is None:
                continue
            key = norm(cell)
            for field_key, known in names:
                if key in known and field_key not in found:
                    found[field_key] = c
                    break
        if len(found) >= min(2, len(columns)) and all(c.key in found for c in required):
            return r, found
    return None


def read_table(
    sheet: Sheet,
    columns: Sequence[Column],
    header: tuple[int, dict[str, int]] | None = None,
    *,
    check_row: Callable[[int, dict[str, Any], list[Problem]], None] | None = None,
    ignore_alone: tuple[str, ...] = ("no",),
) -> Table:
    """Convert every data row under the header; an empty sheet or no header is a problem, not a crash."""
    problems: list[Problem] = []
    if header is None:
        header = find_header(sheet, columns)
    if header is None:
        if not any(any(v is not None for v in row) for row in sheet.rows):
            problems.append(Problem(sheet.name, None, None, N_("The sheet is empty.")))
        else:
            problems.append(
                Problem(
                    sheet.name,
                    None,
                    None,
                    N_("No header row found; the first rows must name the columns: {names}."),
                    {"names": ", ".join(_(c.header) for c in columns if c.required)},
                )
            )
        return Table(sheet.name, 0, {}, [], problems)
    header_row, where = header
    by_col = {col: key for key, col in where.items()}
    spec = {c.key: c for c in columns}
    rows = _unmerge(sheet, header_row, problems)
    out: list[tuple[int, dict[str, Any]]] = []
    for r in range(header_row + 1, len(rows) + 1):
        raw = rows[r - 1]
        filled = [
            c for c, v in enumerate(raw, start=1) if not (v is None or (isinstance(v, str) and not v.strip()))
        ]
        if all(by_col.get(c) in ignore_alone for c in filled):
            continue  # empty, or only a pre-printed row number (KRAS forms come with numbered blank rows)
        values: dict[str, Any] = {}
        for c, key in by_col.items():
            value = raw[c - 1] if c - 1 < len(raw) else None
            column = spec[key]
            if (r, c) in sheet.no_cached_value:
                problems.append(
                    Problem(
                        sheet.name,
                        r,
                        column.title(),
                        N_(
                            "A formula without a saved value; open the file in Excel, save it and import again."
                        ),
                    )
                )
                continue
            try:
                values[key] = convert(column, value)
            except BadValueError as bad:
                problems.append(Problem(sheet.name, r, column.title(), bad.message_id, bad.params))
                continue
            if column.required and values[key] is None:
                problems.append(Problem(sheet.name, r, column.title(), N_("This column must not be empty.")))
        if check_row is not None:
            check_row(r, values, problems)
        out.append((r, values))
    return Table(sheet.name, header_row, dict(where), out, problems)


def _unmerge(sheet: Sheet, header_row: int, problems: list[Problem]) -> list[list[Any]]:
    """Rows with vertically merged cells filled down (the KRAS habit of one task over several hazards).

    A merge across columns below the header is ambiguous (which field holds the value?): a problem.
    """
    if not sheet.merged:
        return sheet.rows
    rows = [list(r) for r in sheet.rows]
    for min_row, min_col, max_row, max_col in sheet.merged:
        if max_row <= header_row:
            continue
        if max_col > min_col:
            problems.append(
                Problem(
                    sheet.name,
                    max(min_row, header_row + 1),
                    f"{column_letter(min_col)}–{column_letter(max_col)}",
                    N_("Cells merged across columns; unmerge them so that every column has its own value."),
                )
            )
            continue
        top = (
            rows[min_row - 1][min_col - 1]
            if min_row - 1 < len(rows) and min_col - 1 < len(rows[min_row - 1])
            else None
        )
        for r in range(max(min_row, header_row + 1), min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            if len(row) < min_col:
                row.extend([None] * (min_col - len(row)))
            row[min_col - 1] = top
    return rows


def duplicate_check(table: Table, key: str, label: str) -> None:
    """A key that appears twice in the file is a problem on the second row."""
    seen: dict[str, int] = {}
    for r, values in table.rows:
        value = values.get(key)
        if value is None:
            continue
        k = str(value).strip().lower()
        if k in seen:
            table.problems.append(
                Problem(
                    table.sheet,
                    r,
                    _(label),
                    N_("'{value}' appears twice in the file (also row {other})."),
                    {"value": _short(str(value)), "other": seen[k]},
                )
            )
        else:
            seen[k] = r


# -- preview ------------------------------------------------------------------------------------------


@dataclass
class Preview:
    """What an import would do; ``apply_import`` writes it only when ``problems`` is empty."""

    kind: str
    path: Path
    rows: int = 0
    create: int = 0
    update: int = 0
    problems: list[Problem] = field(default_factory=list)
    sample: list[dict[str, Any]] = field(default_factory=list)  # the first rows, for the dialog
    payload: Any = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self, lang: str | None = None) -> str:
        return _(
            "{rows} rows read: {create} to create, {update} to update, {problems} problems.", lang
        ).format(rows=self.rows, create=self.create, update=self.update, problems=len(self.problems))


# -- writing ------------------------------------------------------------------------------------------


def write_rows(
    path: Path, sheet_name: str, rows: Sequence[Sequence[Any]], *, header_row: int | None = None
) -> None:
    """Write rows to .xlsx (bold header) or .csv (UTF-8 with BOM, which Korean Excel opens correctly)."""
    if path.suffix.lower() == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        for row in rows:
            writer.writerow(["" if v is None else (v.isoformat() if isinstance(v, date) else v) for v in row])
        _atomic_write(path, b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
        return
    if path.suffix.lower() != ".xlsx":
        raise UserError(
            N_("Export to .xlsx or .csv (not {suffix})."),
            N_("Give the file name the right ending."),
            suffix=path.suffix,
        )
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name[:31])
    bold = Font(bold=True)
    from openpyxl.cell import WriteOnlyCell

    for i, row in enumerate(rows, start=1):
        if header_row is not None and i == header_row:
            cells = []
            for v in row:
                cell = WriteOnlyCell(sheet, value=v)
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        else:
            sheet.append([_xlsx_value(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    _atomic_write(path, out.getvalue())


def _xlsx_value(sheet: Any, value: Any) -> Any:
    """Dates as ISO text; text that starts with "=" stays text (never becomes a formula in Excel)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _atomic_write(path: Path, data: bytes) -> None:
    import os

    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)


# -- bulk writes --------------------------------------------------------------------------------------


def bulk_create(tx: Tx, entity: str, rows: Sequence[Mapping[str, Any]], *, chunk: int = 500) -> list[str]:
    """Insert many new records with executemany, each with its audit event and outbox row.

    The same result as ``tx.insert`` per row (checked values, one "create" event hashing the row as
    stored, one outbox row with the whole record), without compiling a statement per row: 10,000
    risk items would otherwise take several seconds. Runs inside the caller's transaction.
    """
    from sqlalchemy import insert, select

    from safetydesk.core.audit import chain
    from safetydesk.core.canonical import children_digest, row_digest
    from safetydesk.core.clock import new_id
    from safetydesk.core.services.base import _has_children, table_for, validate_values

    if not rows:
        return []
    table = table_for(entity)
    prepared: list[dict[str, Any]] = []
    for values in rows:
        row = validate_values(table, values, creating=True)
        row.update(id=new_id(), created_at=tx.now, updated_at=tx.now, created_by=tx.actor)
        prepared.append(row)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in prepared:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    for group in groups.values():
        tx.conn.execute(insert(table), group)
    ids = [str(r["id"]) for r in prepared]
    stored: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        for found in tx.conn.execute(select(table).where(table.c.id.in_(part))).mappings():
            stored[str(found["id"])] = dict(found)
    kids = chain.children_of_many(tx.conn, entity, ids) if _has_children(entity) else {}
    chain.append_many(
        tx.conn,
        [
            {
                "event_id": new_id(),
                "at": tx.now,
                "actor": tx.actor,
                "action": "create",
                "entity": entity,
                "record_id": rid,
                "row_digest": row_digest(stored[rid]),
                "children_digest": children_digest(kids[rid]) if kids.get(rid) else None,
                "summary": "import",
            }
            for rid in ids
        ],
    )
    for rid in ids:
        tx.touch_outbox_only(entity, rid, stored[rid])
    return ids


Writes = list[tuple[str | None, dict[str, Any]]]  # (id of the record to update, or None to create; values)


def finish_rows_preview(out: Preview, table: Table, writes: Writes) -> Preview:
    """Fill a row-per-record preview (workers, equipment) from the checked writes."""
    out.rows = len(table.rows)
    out.create = sum(1 for target, _values in writes if target is None)
    out.update = len(writes) - out.create
    out.sample = [values for _target, values in writes[:20]]
    out.payload = writes
    return out


def apply_rows(tx: Tx, entity: str, payload: Writes) -> Changes:
    """Update the matched records one by one and create the new ones in bulk, in the caller's transaction."""
    for target, values in payload:
        if target is not None:
            tx.update(entity, target, values)
    bulk_create(tx, entity, [values for target, values in payload if target is None])
    return tx.finish()
