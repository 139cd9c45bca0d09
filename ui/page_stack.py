"""A stack of pages sized as the page shown.

Qt's ``QStackedWidget`` is as large as its largest page, and as tall, for a width, as the
tallest page would like: in a scroll area (the desk's pages, at a large text size) the
widest or tallest page would make every page scroll. :class:`PageStack` asks the page shown
only, for its least size.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStackedWidget, QWidget


class PageStack(QStackedWidget):
    """Pages one at a time, the stack sized as the page shown."""

    def setCurrentIndex(self, index: int) -> None:
        """Show page ``index``; the stack takes its size."""
        super().setCurrentIndex(index)
        self.updateGeometry()  # not on currentChanged: emitted too while being deleted

    def setCurrentWidget(self, page: QWidget) -> None:
        """Show ``page``; the stack takes its size."""
        super().setCurrentWidget(page)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        """The size the page shown prefers."""
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        """The least the page shown needs."""
        page = self.currentWidget()
        if page is None:
            return super().minimumSizeHint()
        return page.minimumSizeHint().expandedTo(page.minimumSize())

    def hasHeightForWidth(self) -> bool:
        """No: Qt's stack would answer for its tallest page (a nested stack too). The page
        shown gets its least size, or more when there is room; less, and it scrolls."""
        return False

    def heightForWidth(self, _width: int) -> int:
        """None (see :meth:`hasHeightForWidth`)."""
        return -1
