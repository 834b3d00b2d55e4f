"""The KRAS 11-column risk table as an editable Qt model, scored live with the assessment's scale.

Rows are frozen ``RiskItemData`` values replaced on every edit, so what the screen saves is exactly
what the table shows. Scores are computed with ``core.domain.risk`` on the fly (cheap), and the
service scores again on save; the table is never the authority.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from safetydesk.core.domain.risk import RiskResult, RiskScale, ScaleLevel, ScaleMethod
from safetydesk.core.domain.risk_assessment import (
    HAZARD_CLASSES,
    HIERARCHY,
    CompletionBlocker,
    RiskItemData,
    completion_blockers,
    safe_rate,
)
from safetydesk.core.forms.schema import HAZARD_GROUPS
from safetydesk.core.i18n import N_, _, current_language
from safetydesk.core.labels import label
from safetydesk.ui.screens.risk.codes import HAZARD_CLASS_LABELS, code_label

AnyIndex = QModelIndex | QPersistentModelIndex
KIND_ROLE = Qt.ItemDataRole.UserRole + 1  # which editor a cell wants (see Column.kind)
CHOICES_ROLE = Qt.ItemDataRole.UserRole + 2  # [(text, value, tooltip)] for combo cells

ACCEPTABLE_COLOUR = "#d6efd6"
UNACCEPTABLE_COLOURS = ("#fff0b3", "#ffd699", "#ffb98a", "#f79c8f", "#ee7f7f")
NOT_OK_TEXT = "#a00018"


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid
    kind: str  # text | hazard | group | likelihood | severity | level | result | accept | hierarchy | date | owner | action
    width: int
    residual: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("task", N_("Task detail"), "text", 150),
    Column("hazard_class", N_("Hazard class"), "hazard", 120),
    Column("situation", N_("Hazard situation and result"), "text", 230),
    Column("hazard_group", N_("Hazard group"), "group", 110),
    Column("legal_basis", N_("Legal basis"), "text", 120),
    Column("current_controls", N_("Current controls"), "text", 170),
    Column("likelihood", N_("Likelihood"), "likelihood", 84),
    Column("severity", N_("Severity of harm"), "severity", 96),
    Column("level", N_("Risk level"), "level", 100),
    Column("current_result", N_("Current risk"), "result", 110),
    Column("acceptable", N_("Acceptable"), "accept", 76),
    Column("reduction_measures", N_("Reduction measures"), "text", 210),
    Column("hierarchy", N_("Control"), "hierarchy", 105),
    Column("residual_likelihood", N_("Likelihood after"), "likelihood", 84, residual=True),
    Column("residual_severity", N_("Severity after"), "severity", 96, residual=True),
    Column("residual_level", N_("Level after"), "level", 100, residual=True),
    Column("residual_result", N_("Risk after improvement"), "result", 110, residual=True),
    Column("residual_acceptable", N_("Acceptable after"), "accept", 76, residual=True),
    Column("planned_on", N_("Planned date"), "date", 92),
    Column("completed_on", N_("Completed on"), "date", 92),
    Column("owner_name", N_("Owner"), "owner", 90),
    Column("remarks", N_("Remarks"), "text", 140),
    Column("action", N_("Corrective action"), "action", 100),
)
COLUMN_INDEX = {c.key: i for i, c in enumerate(COLUMNS)}
READ_ONLY_KINDS = frozenset({"result", "accept", "action"})


def _ko() -> bool:
    return current_language() == "ko"


def level_text(level: ScaleLevel, with_value: bool) -> str:
    name = level.label_ko if _ko() else level.label_en
    return f"{level.value} {name}" if with_value else name


def result_text(result: RiskResult | None) -> str:
    if result is None:
        return ""
    name = result.label_ko if _ko() else result.label_en
    return f"{result.score} · {name}" if result.score is not None else name


def band_colour(scale: RiskScale, band_code: str) -> str:
    """Green for acceptable bands; yellow → red through the unacceptable ones."""
    bad = [b.code for b in scale.bands if not b.acceptable]
    if band_code not in bad:
        return ACCEPTABLE_COLOUR
    if len(bad) == 1:
        return UNACCEPTABLE_COLOURS[3]
    step = (len(UNACCEPTABLE_COLOURS) - 1) / (len(bad) - 1)
    return UNACCEPTABLE_COLOURS[round(bad.index(band_code) * step)]


def hidden_columns(scale: RiskScale | None) -> frozenset[int]:
    """A matrix scale rates likelihood × severity; the others choose one level."""
    matrix = scale is None or scale.method is ScaleMethod.MATRIX
    kinds = {"level"} if matrix else {"likelihood", "severity"}
    return frozenset(i for i, c in enumerate(COLUMNS) if c.kind in kinds)


class RiskItemsModel(QAbstractTableModel):
    edited = Signal()  # any change the person made (cells, rows)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.scale: RiskScale | None = None
        self.rows: list[RiskItemData] = []
        self.read_only = False
        self.owner_names: tuple[str, ...] = ()
        # The model suggestion on screen for a row's situation (set by the screen's hazard hint):
        # a group chosen in the cell is stored with it, as accepted or corrected.
        self.suggestion_for: Callable[[int], Mapping[str, Any] | None] | None = None

    # -- content -------------------------------------------------------------------------------

    def load(self, scale: RiskScale, items: Sequence[RiskItemData], *, read_only: bool) -> None:
        self.beginResetModel()
        self.scale = scale
        self.rows = list(items)
        self.read_only = read_only
        self.endResetModel()

    def set_scale(self, scale: RiskScale) -> None:
        """Switch scale; ratings made on the old scale are cleared (they mean nothing on the new one)."""
        self.beginResetModel()
        self.scale = scale
        self.rows = [
            replace(
                r,
                likelihood=None,
                severity=None,
                level=None,
                residual_likelihood=None,
                residual_severity=None,
                residual_level=None,
            )
            for r in self.rows
        ]
        self.endResetModel()
        self.edited.emit()

    def has_ratings(self) -> bool:
        return any(
            v is not None
            for r in self.rows
            for v in (
                r.likelihood,
                r.severity,
                r.level,
                r.residual_likelihood,
                r.residual_severity,
                r.residual_level,
            )
        )

    def items(self) -> tuple[RiskItemData, ...]:
        return tuple(self.rows)

    def item(self, row: int) -> RiskItemData:
        return self.rows[row]

    def set_group(self, row: int, group: str, suggestion: Mapping[str, Any] | None) -> bool:
        """The hazard group a person accepted from a suggestion, remembered with that suggestion."""
        if self.read_only or not 0 <= row < len(self.rows) or group not in HAZARD_GROUPS:
            return False
        item = self.rows[row]
        if item.hazard_group == group and item.model_suggestion == suggestion:
            return True
        self.rows[row] = replace(item, hazard_group=group, model_suggestion=suggestion)
        column = COLUMN_INDEX["hazard_group"]
        self.dataChanged.emit(
            self.index(row, column),
            self.index(row, column),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole],
        )
        self.edited.emit()
        return True

    def current(self, row: int) -> RiskResult | None:
        item = self.rows[row]
        if self.scale is None:
            return None
        return safe_rate(self.scale, item.likelihood, item.severity, item.level)

    def residual(self, row: int) -> RiskResult | None:
        item = self.rows[row]
        if self.scale is None:
            return None
        return safe_rate(self.scale, item.residual_likelihood, item.residual_severity, item.residual_level)

    def blockers(self) -> tuple[CompletionBlocker, ...]:
        return completion_blockers(self.scale, self.rows) if self.scale is not None else ()

    def unacceptable_count(self) -> int:
        return sum(
            1 for i in range(len(self.rows)) if (r := self.current(i)) is not None and not r.acceptable
        )

    # -- rows ----------------------------------------------------------------------------------

    def add_row(self, at: int | None = None) -> int:
        row = len(self.rows) if at is None else max(0, min(at, len(self.rows)))
        self.insertRows(row, 1)
        return row

    def insertRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self.read_only or count < 1 or not 0 <= row <= len(self.rows):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self.rows[row:row] = [RiskItemData() for _ in range(count)]
        self.endInsertRows()
        self.edited.emit()
        return True

    def removeRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self.read_only or count < 1 or row < 0 or row + count > len(self.rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self.rows[row : row + count]
        self.endRemoveRows()
        self.edited.emit()
        return True

    def moveRows(
        self,
        sourceParent: AnyIndex,
        sourceRow: int,
        count: int,
        destinationParent: AnyIndex,
        destinationChild: int,
    ) -> bool:
        if sourceParent.isValid() or destinationParent.isValid() or self.read_only or count < 1:
            return False
        if sourceRow < 0 or sourceRow + count > len(self.rows):
            return False
        if not 0 <= destinationChild <= len(self.rows):
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # a move onto itself
        if not self.beginMoveRows(
            QModelIndex(), sourceRow, sourceRow + count - 1, QModelIndex(), destinationChild
        ):
            return False
        moving = self.rows[sourceRow : sourceRow + count]
        del self.rows[sourceRow : sourceRow + count]
        target = destinationChild - count if destinationChild > sourceRow else destinationChild
        self.rows[target:target] = moving
        self.endMoveRows()
        self.edited.emit()
        return True

    def move_row(self, row: int, delta: int) -> int:
        """Move one row up (-1) or down (+1); returns where it ended up."""
        target = row + delta
        if not 0 <= row < len(self.rows) or not 0 <= target < len(self.rows):
            return row
        destination = target if delta < 0 else target + 1
        return target if self.moveRows(QModelIndex(), row, 1, QModelIndex(), destination) else row

    # -- Qt model API --------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section].header)
            if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].residual:
                return _("Re-decided risk after the reduction measures")
            return None
        if (
            orientation == Qt.Orientation.Vertical
            and 0 <= section < len(self.rows)
            and role == Qt.ItemDataRole.DisplayRole
        ):
            return section + 1
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = COLUMNS[index.column()]
        if self.read_only or column.kind in READ_ONLY_KINDS:
            return base
        if index.column() in hidden_columns(self.scale):
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            not index.isValid()
            or not 0 <= index.row() < len(self.rows)
            or not 0 <= index.column() < len(COLUMNS)
        ):
            return None
        column = COLUMNS[index.column()]
        item = self.rows[index.row()]
        if role == KIND_ROLE:
            return column.kind
        if role == CHOICES_ROLE:
            return self._choices(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(column, item, index.row())
        if role == Qt.ItemDataRole.EditRole:
            value = getattr(item, column.key, None)
            return "" if value is None and column.kind in ("text", "owner") else value
        if role == Qt.ItemDataRole.BackgroundRole and column.kind == "result":
            result = self.residual(index.row()) if column.residual else self.current(index.row())
            if result is not None and self.scale is not None:
                return QBrush(QColor(band_colour(self.scale, result.band_code)))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column.kind == "accept":
            result = self.residual(index.row()) if column.residual else self.current(index.row())
            if result is not None and not result.acceptable:
                return QBrush(QColor(NOT_OK_TEXT))
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(column, item, index.row())
        if role == Qt.ItemDataRole.TextAlignmentRole and column.kind in ("accept", "date"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _display(self, column: Column, item: RiskItemData, row: int) -> str:
        kind = column.kind
        if kind == "result":
            return result_text(self.residual(row) if column.residual else self.current(row))
        if kind == "accept":
            result = self.residual(row) if column.residual else self.current(row)
            if result is None:
                return ""
            return _("Yes") if result.acceptable else _("No")
        if kind == "action":
            if not item.action_id:
                return ""
            return label(item.action_status) if item.action_status else _("Linked")
        value = getattr(item, column.key)
        if value is None or value == "":
            return ""
        if kind == "hazard":
            return code_label(value, HAZARD_CLASS_LABELS)
        if kind in ("hierarchy", "group"):
            return label(value)
        if kind in ("likelihood", "severity", "level"):
            found = self._level(kind, value)
            return level_text(found, kind != "level") if found else str(value)
        return str(value)

    def _tooltip(self, column: Column, item: RiskItemData, row: int) -> str | None:
        if column.kind == "result":
            result = self.residual(row) if column.residual else self.current(row)
            if result is None:
                return None
            return result.action_ko if _ko() else result.action_en
        if column.kind in ("likelihood", "severity", "level"):
            found = self._level(column.kind, getattr(item, column.key))
            if found is not None:
                return found.description_ko if _ko() else found.description_en
        if column.kind == "text":
            value = getattr(item, column.key)
            return str(value) if value else None
        return None

    def _levels(self, kind: str) -> tuple[ScaleLevel, ...]:
        if self.scale is None:
            return ()
        if kind == "likelihood":
            return tuple(reversed(self.scale.likelihood))
        if kind == "severity":
            return tuple(reversed(self.scale.severity))
        return tuple(reversed(self.scale.levels))

    def _level(self, kind: str, value: object) -> ScaleLevel | None:
        for level in self._levels(kind):
            if value in (level.value, level.code):
                return level
        return None

    def _choices(self, column: Column) -> list[tuple[str, object, str]]:
        ko = _ko()
        if column.kind in ("likelihood", "severity"):
            return [
                (level_text(lv, True), lv.value, lv.description_ko if ko else lv.description_en)
                for lv in self._levels(column.kind)
            ]
        if column.kind == "level":
            return [
                (level_text(lv, False), lv.code, lv.description_ko if ko else lv.description_en)
                for lv in self._levels("level")
            ]
        if column.kind == "hazard":
            return [(code_label(c, HAZARD_CLASS_LABELS), c, "") for c in HAZARD_CLASSES]
        if column.kind == "hierarchy":
            return [(label(c), c, "") for c in HIERARCHY]
        if column.kind == "group":
            return [(label(c), c, "") for c in HAZARD_GROUPS]
        if column.kind == "owner":
            return [(name, name, "") for name in self.owner_names]
        return []

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        column = COLUMNS[index.column()]
        try:
            stored = self._coerce(column, value)
        except ValueError:
            return False
        item = self.rows[index.row()]
        if getattr(item, column.key) == stored:
            return True
        changes: dict[str, Any] = {column.key: stored}
        if column.key == "situation":
            changes["model_suggestion"] = None  # a suggestion read from the old text no longer applies
        elif column.key == "hazard_group" and self.suggestion_for is not None:
            suggestion = self.suggestion_for(index.row())
            if suggestion is not None:  # else keep the one stored for this text, if any
                changes["model_suggestion"] = suggestion
        self.rows[index.row()] = replace(item, **changes)
        self.dataChanged.emit(
            self.index(index.row(), 0),
            self.index(index.row(), len(COLUMNS) - 1),
            [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.BackgroundRole],
        )
        self.edited.emit()
        return True

    def _coerce(self, column: Column, value: Any) -> Any:
        kind = column.kind
        empty = value is None or (isinstance(value, str) and not value.strip())
        if kind in ("text", "owner"):
            return "" if value is None else str(value)
        if empty:
            return None
        if kind in ("likelihood", "severity"):
            number = int(value)
            if self._level(kind, number) is None:
                raise ValueError(value)
            return number
        if kind == "level":
            found = self._level(kind, value)
            if found is None:
                raise ValueError(value)
            return found.code
        if kind == "date":
            text = value.toString("yyyy-MM-dd") if hasattr(value, "toString") else str(value)
            return date.fromisoformat(text.strip()).isoformat()
        if kind == "hazard":
            return str(value)
        if kind == "hierarchy":
            if value not in HIERARCHY:
                raise ValueError(value)
            return str(value)
        if kind == "group":
            if value not in HAZARD_GROUPS:
                raise ValueError(value)
            return str(value)
        raise ValueError(kind)
