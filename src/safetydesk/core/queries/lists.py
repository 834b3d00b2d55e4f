"""Paged, sorted, filtered lists for the screens — all of it done in SQL.

A screen names a list (``"corrective_actions"``) and asks for a page with filters and a sort; it
never sees SQLAlchemy. Each ``ListDef`` says which columns exist (with their header text), which
filters it understands and what free-text search looks at. Pages come back as plain tuples.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
from sqlalchemy.sql import FromClause

from safetydesk.core.workspace.workspace import Workspace

Filter = Callable[[Any], ColumnElement[bool]]


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: str  # English msgid; the UI translates
    expr: ColumnElement[Any]
    kind: str = "text"  # text | date | datetime | number | percent | status | bool
    width: int = 120


@dataclass(frozen=True)
class ListDef:
    name: str
    source: FromClause
    id_expr: ColumnElement[Any]
    columns: tuple[ListColumn, ...]
    base_where: tuple[ColumnElement[bool], ...] = ()
    filters: Mapping[str, Filter] = field(default_factory=dict)
    search: tuple[ColumnElement[Any], ...] = ()
    default_sort: tuple[str, bool] = ("", False)  # (column key, descending)

    def column(self, key: str) -> ListColumn:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"list {self.name} has no column {key!r}")


@dataclass(frozen=True)
class ListQuery:
    name: str
    filters: Mapping[str, Any] = field(default_factory=dict)
    search: str = ""
    sort_key: str | None = None
    descending: bool = False


@dataclass(frozen=True)
class Page:
    offset: int
    ids: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


_REGISTRY: dict[str, ListDef] = {}


def register(definition: ListDef) -> ListDef:
    _REGISTRY[definition.name] = definition
    return definition


def get_list(name: str) -> ListDef:
    if not _REGISTRY:
        _load_definitions()
    try:
        return _REGISTRY[name]
    except KeyError:
        _load_definitions()
        return _REGISTRY[name]


def headers(name: str) -> tuple[tuple[str, str, str, int], ...]:
    """(key, header msgid, kind, width) of each column, for the screen's model."""
    return tuple((c.key, c.header, c.kind, c.width) for c in get_list(name).columns)


def default_sort(name: str) -> tuple[str, bool]:
    return get_list(name).default_sort


def _where(definition: ListDef, query: ListQuery) -> list[ColumnElement[bool]]:
    clauses = list(definition.base_where)
    for key, value in query.filters.items():
        if value in (None, "", ()):
            continue
        flt = definition.filters.get(key)
        if flt is None:
            raise KeyError(f"list {definition.name} has no filter {key!r}")
        clauses.append(flt(value))
    text = query.search.strip()
    if text and definition.search:
        pattern = f"%{text}%"
        clauses.append(or_(*(expr.ilike(pattern) for expr in definition.search)))
    return clauses


def _select(definition: ListDef, query: ListQuery) -> Select[Any]:
    stmt = select(definition.id_expr, *(c.expr for c in definition.columns)).select_from(definition.source)
    clauses = _where(definition, query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    sort_key = query.sort_key or definition.default_sort[0]
    descending = query.descending if query.sort_key else definition.default_sort[1]
    if sort_key:
        expr = definition.column(sort_key).expr
        stmt = stmt.order_by(expr.desc() if descending else expr.asc(), definition.id_expr)
    return stmt


def count(ws: Workspace, query: ListQuery) -> int:
    definition = get_list(query.name)
    stmt = select(func.count()).select_from(definition.source)
    clauses = _where(definition, query)
    if clauses:
        stmt = stmt.where(and_(*clauses))
    with ws.reader() as conn:
        return int(conn.execute(stmt).scalar_one())


def page(ws: Workspace, query: ListQuery, offset: int, limit: int) -> Page:
    definition = get_list(query.name)
    stmt = _select(definition, query).offset(offset).limit(limit)
    with ws.reader() as conn:
        result = conn.execute(stmt).all()
    return Page(offset, tuple(str(r[0]) for r in result), tuple(tuple(r[1:]) for r in result))


def first_page(ws: Workspace, query: ListQuery, limit: int) -> tuple[int, Page]:
    """Count and first page in one read transaction (one trip to the database lane)."""
    return count(ws, query), page(ws, query, 0, limit)


def today_iso() -> str:
    return date.today().isoformat()


def true() -> ColumnElement[bool]:
    return literal(True).is_(True)


# Modules that define lists, one per topic; listed explicitly (no discovery by side effect).
LIST_MODULES = (
    "safetydesk.core.queries.list_defs",
    "safetydesk.core.queries.lists_plant",
    "safetydesk.core.queries.lists_inspections",
    "safetydesk.core.queries.lists_risk",
    "safetydesk.core.queries.lists_emergency",
)


def _load_definitions() -> None:
    import importlib

    for module in LIST_MODULES:
        importlib.import_module(module)
