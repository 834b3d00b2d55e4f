"""PySide6 user interface: screens call ui.operations, which run core services on the task runner."""

from safetydesk.ui import qt_compat

qt_compat.apply()
