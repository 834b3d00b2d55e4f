"""Photos and signatures on a form: thumbnails, drag-and-drop, a signature pad.

Files never touch the GUI thread: storing goes through the operations on the database lane (which
also enforce the 25 MB photo limit) and decoding happens on the CPU lane.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QPoint, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from safetydesk.core.i18n import _
from safetydesk.ui.context import AppContext
from safetydesk.ui.operations import inspections as ops
from safetydesk.ui.screens.inspections.texts import show_error

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"})
THUMB = 64


def image_filter() -> str:
    return _("Images (*.jpg *.jpeg *.png *.bmp *.gif *.webp)")


def image_paths(mime: QMimeData) -> list[Path]:
    """Local image files in a drag (other files and web links are ignored)."""
    if not mime.hasUrls():
        return []
    paths = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
    return [p for p in paths if p.suffix.lower() in IMAGE_SUFFIXES]


class FormIO:
    """The form widgets' door to storage; the preview of a template has none."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def attach(
        self,
        owner: QWidget,
        path: Path,
        on_done: Callable[[ops.StoredFile], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        ops.attach_photo(self.ctx, owner, path, on_done, on_error)

    def store_signature(
        self,
        owner: QWidget,
        png: bytes,
        on_done: Callable[[str], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        ops.store_signature(self.ctx, owner, png, on_done, on_error)

    def load_image(
        self,
        owner: QWidget,
        sha256: str,
        size: int | None,
        on_done: Callable[[QImage], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        ops.load_image(self.ctx, owner, sha256, size, on_done, on_error)


class ImageViewer(QDialog):
    """A stored photo at a readable size."""

    def __init__(self, io: FormIO, sha256: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Photo"))
        layout = QVBoxLayout(self)
        self.picture = QLabel(_("Loading…"))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setMinimumSize(320, 240)
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(960, 720)
        io.load_image(self, sha256, 900, self._show, self._failed)

    def _show(self, image: QImage) -> None:
        if image.isNull():
            self.picture.setText(_("This file cannot be shown as an image."))
        else:
            self.picture.setPixmap(QPixmap.fromImage(image))

    def _failed(self, exc: Exception) -> None:
        self.picture.setText(str(exc))


class PhotoStrip(QWidget):
    """Thumbnails of a question's photos, an "Add photos…" button, and a drop target hint."""

    changed = Signal()

    def __init__(self, io: FormIO | None, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.io = io
        self.read_only = read_only or io is None
        self._shas: list[str] = []
        self._pending = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.thumbs = QHBoxLayout()
        self.thumbs.setSpacing(4)
        row.addLayout(self.thumbs)
        self.add_button = QPushButton(_("Add photos…"))
        self.add_button.setObjectName("addPhotos")
        self.add_button.clicked.connect(self._pick)
        self.hint = QLabel(_("or drop photos onto the question"))
        self.hint.setObjectName("help")
        self.status = QLabel("")
        self.status.setObjectName("help")
        row.addWidget(self.add_button)
        row.addWidget(self.hint)
        row.addWidget(self.status)
        row.addStretch(1)
        self.add_button.setVisible(not self.read_only)
        self.hint.setVisible(not self.read_only)

    # -- state ---------------------------------------------------------------------------------

    def shas(self) -> tuple[str, ...]:
        return tuple(self._shas)

    def set_shas(self, shas: Iterable[str]) -> None:
        self._shas = list(dict.fromkeys(shas))
        self._rebuild()

    def pending(self) -> int:
        return self._pending

    # -- adding --------------------------------------------------------------------------------

    def _pick(self) -> None:
        names, _filter = QFileDialog.getOpenFileNames(self, _("Attach photos"), "", image_filter())
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: Sequence[Path]) -> None:
        """Store each file (the picker and drag-and-drop both end here) and show its thumbnail."""
        if self.read_only or self.io is None:
            return
        for path in paths:
            self._pending += 1
            self.io.attach(self, path, self._stored, self._failed)
        self._show_status()

    def _stored(self, stored: ops.StoredFile) -> None:
        self._pending -= 1
        if stored.sha256 not in self._shas:
            self._shas.append(stored.sha256)
            self._rebuild()
            self.changed.emit()
        self._show_status()

    def _failed(self, exc: Exception) -> None:
        self._pending -= 1
        self._show_status()
        show_error(self.window(), exc, _("Photo not attached"))

    def _show_status(self) -> None:
        self.status.setText(_("Saving {n} photo(s)…").format(n=self._pending) if self._pending else "")

    def remove(self, sha256: str) -> None:
        if sha256 in self._shas:
            self._shas.remove(sha256)
            self._rebuild()
            self.changed.emit()

    # -- thumbnails ----------------------------------------------------------------------------

    def _rebuild(self) -> None:
        while self.thumbs.count():
            item = self.thumbs.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for sha in self._shas:
            self.thumbs.addWidget(self._thumb(sha))

    def _thumb(self, sha256: str) -> QToolButton:
        button = QToolButton()
        button.setObjectName(f"thumb-{sha256[:12]}")
        button.setFixedSize(THUMB + 8, THUMB + 8)
        button.setIconSize(QSize(THUMB, THUMB))
        button.setText("…")
        button.setToolTip(
            _("Click to enlarge") if self.read_only else _("Click to enlarge; right-click to remove")
        )
        if self.io is not None:
            button.clicked.connect(lambda: self._view(sha256))
            # the strip owns the job: a thumbnail button is rebuilt freely while its image loads
            self.io.load_image(self, sha256, THUMB, lambda image: _set_icon(button, image))
        if not self.read_only:
            button.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            button.customContextMenuRequested.connect(lambda pos: self._menu(button, sha256, pos))
        return button

    def _menu(self, button: QToolButton, sha256: str, pos: QPoint) -> None:
        menu = QMenu(button)
        menu.addAction(_("Remove photo"), lambda: self.remove(sha256))
        menu.popup(button.mapToGlobal(pos))

    def _view(self, sha256: str) -> None:
        if self.io is not None:
            viewer = ImageViewer(self.io, sha256, self.window())
            viewer.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            viewer.open()


def _set_icon(button: QToolButton, image: QImage) -> None:
    if shiboken6.isValid(button) and not image.isNull():
        button.setText("")
        button.setIcon(QIcon(QPixmap.fromImage(image)))


class SignaturePad(QWidget):
    """Sign with the mouse or a pen; the strokes become a PNG."""

    drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signaturePad")
        self.setFixedSize(480, 160)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.image = QImage(self.size(), QImage.Format.Format_ARGB32)
        self._last: QPointF | None = None
        self.clear()

    def clear(self) -> None:
        self.image.fill(QColor("white"))
        self._empty = True
        self.update()

    def is_empty(self) -> bool:
        return self._empty

    def stroke(self, points: Sequence[QPointF]) -> None:
        """Draw one stroke through ``points`` (the mouse handlers and tests both use it)."""
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#111111"), 2.6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        for start, end in itertools.pairwise(points):
            painter.drawLine(start, end)
        painter.end()
        if len(points) > 1:
            self._empty = False
            self.drawn.emit()
        self.update()

    def png_bytes(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; only str works
        buffer.close()
        return bytes(data.data())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._last = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is not None:
            point = event.position()
            self.stroke([self._last, point])
            self._last = point

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._last = None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.drawImage(0, 0, self.image)
        painter.setPen(QPen(QColor("#c9ced6"), 1, Qt.PenStyle.DashLine))
        baseline = self.height() - 36
        painter.drawLine(16, baseline, self.width() - 16, baseline)
        painter.setPen(QColor("#9aa3ad"))
        painter.drawText(18, baseline - 6, "✕")
        painter.setPen(QPen(QColor("#8a939e"), 1))
        painter.drawRect(0, 0, self.width() - 1, self.height() - 1)
        painter.end()


class SignatureDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Sign"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Sign in the box with the mouse or a pen.")))
        self.pad = SignaturePad()
        layout.addWidget(self.pad)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        clear = buttons.addButton(_("Clear"), QDialogButtonBox.ButtonRole.ResetRole)
        clear.clicked.connect(self.pad.clear)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.pad.drawn.connect(lambda: ok.setEnabled(True))
        clear.clicked.connect(lambda: ok.setEnabled(False))
        layout.addWidget(buttons)


class SignatureEditor(QWidget):
    """A signature answer: drawn on the pad or loaded from an image file."""

    changed = Signal()

    def __init__(self, io: FormIO | None, read_only: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.io = io
        self.read_only = read_only or io is None
        self._sha: str | None = None
        self._busy = False
        self.dialog: SignatureDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.preview = QLabel(_("Not signed"))
        self.preview.setObjectName("signaturePreview")
        self.preview.setFixedSize(210, 70)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("background: white; border: 1px solid #c9ced6; color: #8a939e;")
        row.addWidget(self.preview)
        self.sign_button = QPushButton(_("Sign…"))
        self.sign_button.clicked.connect(self.open_pad)
        self.load_button = QPushButton(_("Load image…"))
        self.load_button.clicked.connect(self._pick)
        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.clicked.connect(lambda: self.set_sha(None, notify=True))
        for button in (self.sign_button, self.load_button, self.clear_button):
            button.setVisible(not self.read_only)
            row.addWidget(button)
        row.addStretch(1)

    def sha(self) -> str | None:
        return self._sha

    def busy(self) -> bool:
        return self._busy

    def set_sha(self, sha256: str | None, *, notify: bool = False) -> None:
        self._sha = sha256
        self.preview.setPixmap(QPixmap())
        self.preview.setText(_("Not signed") if sha256 is None else "…")
        if sha256 is not None and self.io is not None:
            self.io.load_image(self, sha256, 200, self._show)
        if notify:
            self.changed.emit()

    def _show(self, image: QImage) -> None:
        if not image.isNull():
            self.preview.setPixmap(
                QPixmap.fromImage(image).scaled(
                    self.preview.size() - QSize(6, 6),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )

    def open_pad(self) -> SignatureDialog:
        self.dialog = SignatureDialog(self.window())
        self.dialog.accepted.connect(
            lambda: self.store_png(self.dialog.pad.png_bytes()) if self.dialog else None
        )
        self.dialog.open()
        return self.dialog

    def store_png(self, png: bytes) -> None:
        if self.io is None:
            return
        self._busy = True
        self.io.store_signature(self, png, self._stored, self._failed)

    def _pick(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Load signature image"), "", image_filter())
        if name and self.io is not None:
            self._busy = True
            self.io.attach(self, Path(name), lambda stored: self._stored(stored.sha256), self._failed)

    def _stored(self, sha256: str) -> None:
        self._busy = False
        self.set_sha(sha256, notify=True)

    def _failed(self, exc: Exception) -> None:
        self._busy = False
        show_error(self.window(), exc, _("Signature not saved"))
