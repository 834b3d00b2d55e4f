"""The floor plan: the site's image with each area's outline, and drawing an outline by clicking.

Scene coordinates are the image's own pixels (a reduced preview is scaled back up), so outlines saved
as ``[[x, y], ...]`` stay right whatever size the plan is shown at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from safetydesk.core.i18n import _

AREA_ROLE = 0  # QGraphicsItem.data key holding the area id
BASE_COLOUR = QColor(27, 79, 138)
HIGHLIGHT_COLOUR = QColor(249, 168, 37)
DRAW_COLOUR = QColor(198, 40, 40)


def score_colour(score: float) -> QColor:
    """0.0 → green, 0.5 → yellow, 1.0 → red (hue 120° → 0°); out-of-range scores are clamped."""
    value = min(1.0, max(0.0, score))
    return QColor.fromHsvF((1.0 - value) * 120.0 / 360.0, 0.85, 0.85)


class AreaLabel(QGraphicsSimpleTextItem):
    """The area's name on a pale tag, the same size at any zoom, centred on its anchor point."""

    def __init__(self, text: str, parent: QGraphicsItem) -> None:
        super().__init__(text, parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        font = QFont()
        font.setBold(True)
        font.setPointSize(9)
        self.setFont(font)
        self.setBrush(QBrush(QColor(20, 20, 20)))
        rect = super().boundingRect()
        self.setTransform(QTransform.fromTranslate(-rect.width() / 2, -rect.height() / 2))

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-4, -2, 4, 2)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 200))
        painter.drawRoundedRect(self.boundingRect(), 4, 4)
        super().paint(painter, option, widget)  # type: ignore[arg-type]


class AreaShape(QGraphicsPolygonItem):
    """One area's outline with its name at the centre, drawn translucent over the plan."""

    def __init__(self, area_id: str, name: str, points: Sequence[tuple[float, float]]) -> None:
        super().__init__(QPolygonF([QPointF(x, y) for x, y in points]))
        self.area_id = area_id
        self.setData(AREA_ROLE, area_id)
        self.setZValue(1)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(name)
        self.label = AreaLabel(name, self)
        self.label.setData(AREA_ROLE, area_id)
        self.label.setPos(_label_point(self.polygon()))
        self.colour = BASE_COLOUR
        self.highlighted = False
        self.restyle()

    def set_colour(self, colour: QColor) -> None:
        self.colour = colour
        self.restyle()

    def set_highlighted(self, on: bool) -> None:
        self.highlighted = on
        self.setZValue(2 if on else 1)
        self.restyle()

    def restyle(self) -> None:
        fill = QColor(self.colour)
        fill.setAlpha(140 if self.highlighted else 70)
        pen = QPen(HIGHLIGHT_COLOUR if self.highlighted else self.colour.darker(130))
        pen.setCosmetic(True)
        pen.setWidthF(4.0 if self.highlighted else 1.8)
        self.setPen(pen)
        self.setBrush(QBrush(fill))


def _label_point(polygon: QPolygonF) -> QPointF:
    """The area centroid (shoelace formula); for an L-shaped outline whose centroid falls outside,
    the inside grid point nearest to it."""
    twice_area = cx = cy = 0.0
    count = polygon.count()
    for i in range(count):
        a, b = polygon.at(i), polygon.at((i + 1) % count)
        cross = a.x() * b.y() - b.x() * a.y()
        twice_area += cross
        cx += (a.x() + b.x()) * cross
        cy += (a.y() + b.y()) * cross
    box = polygon.boundingRect()
    if abs(twice_area) < 1e-9:
        return box.center()
    centroid = QPointF(cx / (3 * twice_area), cy / (3 * twice_area))
    if polygon.containsPoint(centroid, Qt.FillRule.OddEvenFill):
        return centroid
    inside = [
        QPointF(box.left() + box.width() * (i + 0.5) / 12, box.top() + box.height() * (j + 0.5) / 12)
        for i in range(12)
        for j in range(12)
    ]
    inside = [p for p in inside if polygon.containsPoint(p, Qt.FillRule.OddEvenFill)]
    if not inside:
        return box.center()
    return min(inside, key=lambda p: (p - centroid).manhattanLength())


class FloorPlanView(QGraphicsView):
    """Shows the plan and the area outlines; in drawing mode, clicks add corners of a new outline.

    Click to add a corner, double-click or Enter to close (three corners at least), Backspace to take
    the last corner back, Esc to stop. Outside drawing mode the wheel zooms, dragging pans and a
    click on an outline emits ``area_clicked``.
    """

    area_clicked = Signal(str)
    outline_drawn = Signal(str, list)  # area id, [[x, y], ...] in image pixels
    drawing_finished = Signal()  # after an outline is drawn or drawing is cancelled

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("floorPlan")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#eef1f4")))
        self.setMinimumSize(320, 240)
        self.plan: QGraphicsPixmapItem | None = None
        self.shapes: dict[str, AreaShape] = {}
        self.names: dict[str, str] = {}
        self.scores: dict[str, float] = {}
        self.tips: dict[str, str] = {}
        self.selected_area: str | None = None
        self.drawing_area: str | None = None
        self.points: list[QPointF] = []
        self.sketch = QGraphicsPathItem()
        pen = QPen(DRAW_COLOUR)
        pen.setCosmetic(True)
        pen.setWidthF(2.0)
        pen.setStyle(Qt.PenStyle.DashLine)
        self.sketch.setPen(pen)
        self.sketch.setZValue(10)
        self.scene().addItem(self.sketch)
        self.empty_text = self.scene().addSimpleText(
            _("No floor plan yet — import an image of the site layout.")
        )
        self.empty_text.setBrush(QBrush(QColor("#555")))
        self._user_zoomed = False  # once the user zooms, resizing keeps their zoom

    # -- content -------------------------------------------------------------------------------

    def has_plan(self) -> bool:
        return self.plan is not None

    def set_plan(self, pixmap: QPixmap | None, scale: float = 1.0) -> None:
        """Show a plan (``scale`` = image pixels per pixmap pixel), or the empty hint for None."""
        if self.plan is not None:
            self.scene().removeItem(self.plan)
            self.plan = None
        if pixmap is not None and not pixmap.isNull():
            self.plan = QGraphicsPixmapItem(pixmap)
            self.plan.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
            self.plan.setScale(scale)
            self.plan.setZValue(0)
            self.scene().addItem(self.plan)
        self.empty_text.setVisible(self.plan is None)
        self._update_scene_rect()
        self.fit()

    def set_areas(self, areas: Iterable[tuple[str, str, Sequence[tuple[float, float]]]]) -> None:
        """Replace the outlines: (area id, name to show, points) — areas without points are skipped."""
        for shape in self.shapes.values():
            self.scene().removeItem(shape)
        self.shapes = {}
        self.names = {}
        for area_id, name, points in areas:
            self.names[area_id] = name
            if len(points) >= 3:
                shape = AreaShape(area_id, name, points)
                self.scene().addItem(shape)
                self.shapes[area_id] = shape
        self._apply_colours()
        self.highlight(self.selected_area, centre=False)
        self._update_scene_rect()

    def set_area_scores(self, scores: dict[str, float], tips: dict[str, str] | None = None) -> None:
        """Colour outlines by risk, 0.0 green → 1.0 red; areas without a score keep the plain colour.

        ``tips`` replaces an outline's tooltip (its name) with, e.g., the score and its reasons.
        """
        self.scores = dict(scores)
        self.tips = dict(tips or {})
        self._apply_colours()

    def _apply_colours(self) -> None:
        for area_id, shape in self.shapes.items():
            score = self.scores.get(area_id)
            shape.set_colour(BASE_COLOUR if score is None else score_colour(score))
            shape.setToolTip(self.tips.get(area_id) or self.names.get(area_id, ""))

    def highlight(self, area_id: str | None, *, centre: bool = True) -> None:
        self.selected_area = area_id
        for key, shape in self.shapes.items():
            shape.set_highlighted(key == area_id)
        chosen = self.shapes.get(area_id or "")
        if chosen is not None and centre:
            self.ensureVisible(chosen, 40, 40)

    def _update_scene_rect(self) -> None:
        rect = QRectF()
        if self.plan is not None:
            rect = self.plan.sceneBoundingRect()
        for shape in self.shapes.values():
            rect = rect.united(shape.sceneBoundingRect())
        if rect.isEmpty():
            rect = self.empty_text.sceneBoundingRect()
        self.scene().setSceneRect(rect.adjusted(-20, -20, 20, 20))

    def fit(self) -> None:
        """Show the whole plan (the Fit button, a new plan, and resizing until the user zooms)."""
        self._user_zoomed = False
        self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    # -- drawing -------------------------------------------------------------------------------

    def start_drawing(self, area_id: str) -> None:
        self.drawing_area = area_id
        self.points = []
        self.sketch.setPath(QPainterPath())
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.setMouseTracking(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_drawing(self) -> bool:
        return self.drawing_area is not None

    def cancel_drawing(self) -> None:
        if self.drawing_area is None:
            return
        self._stop_drawing()
        self.drawing_finished.emit()

    def _stop_drawing(self) -> None:
        self.drawing_area = None
        self.points = []
        self.sketch.setPath(QPainterPath())
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.viewport().unsetCursor()

    def finish_drawing(self) -> bool:
        """Close the outline if it has three corners; True when an outline was emitted."""
        if self.drawing_area is None or len(self.points) < 3:
            return False
        area_id = self.drawing_area
        polygon = [[round(p.x(), 1), round(p.y(), 1)] for p in self.points]
        self._stop_drawing()
        self.outline_drawn.emit(area_id, polygon)
        self.drawing_finished.emit()
        return True

    def _redraw_sketch(self, cursor: QPointF | None = None) -> None:
        path = QPainterPath()
        if self.points:
            path.moveTo(self.points[0])
            for point in self.points[1:]:
                path.lineTo(point)
            if cursor is not None:
                path.lineTo(cursor)
            if len(self.points) >= 2:
                path.lineTo(self.points[0])
            for point in self.points:
                size = 4.0 / max(self.transform().m11(), 1e-6)
                path.addEllipse(point, size, size)
        self.sketch.setPath(path)

    # -- events --------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.drawing_area is not None:
            if event.button() == Qt.MouseButton.LeftButton:
                point = self.mapToScene(event.position().toPoint())
                if not self.points or (point - self.points[-1]).manhattanLength() > 0.5:
                    self.points.append(point)
                self._redraw_sketch()
            elif event.button() == Qt.MouseButton.RightButton:
                self.finish_drawing()
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.itemAt(event.position().toPoint())
            while item is not None and item.data(AREA_ROLE) is None:
                item = item.parentItem()
            if item is not None:
                area_id = str(item.data(AREA_ROLE))
                self.highlight(area_id, centre=False)
                self.area_clicked.emit(area_id)
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self.drawing_area is not None:
            # the press before a double-click normally added this corner already; add it if not
            point = self.mapToScene(event.position().toPoint())
            if not self.points or (point - self.points[-1]).manhattanLength() > 0.5:
                self.points.append(point)
            self.finish_drawing()
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self.drawing_area is not None and self.points:
            self._redraw_sketch(self.mapToScene(event.position().toPoint()))
        super().mouseMoveEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.drawing_area is not None:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.finish_drawing()
                return
            if key == Qt.Key.Key_Escape:
                self.cancel_drawing()
                return
            if key == Qt.Key.Key_Backspace and self.points:
                self.points.pop()
                self._redraw_sketch()
                return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            factor = 1.15**steps
            current = self.transform().m11()
            if 0.02 < current * factor < 40:
                self.scale(factor, factor)
                self._user_zoomed = True
        event.accept()
