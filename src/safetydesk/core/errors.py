"""Expected problems the user can act on, in the user's language (DESIGN.md §10).

A ``UserError`` says what is wrong and what to do. Anything else that escapes is a bug and goes to the
crash dialog with a copyable report.
"""

from __future__ import annotations

from safetydesk.core.i18n import _, current_language


class UserError(Exception):
    def __init__(self, message: str, hint: str = "", **params: object) -> None:
        super().__init__(message)
        self.message_id = message
        self.hint_id = hint
        self.params = params

    def message(self, lang: str | None = None) -> str:
        return _(self.message_id, lang).format(**self.params)

    def hint(self, lang: str | None = None) -> str:
        return _(self.hint_id, lang).format(**self.params) if self.hint_id else ""

    def text(self, lang: str | None = None) -> str:
        hint = self.hint(lang)
        return f"{self.message(lang)}\n{hint}" if hint else self.message(lang)

    def __str__(self) -> str:
        return self.text(current_language())


class WorkspaceLockedError(UserError):
    pass


class SchemaTooNewError(UserError):
    pass


class CorruptWorkspaceError(UserError):
    pass


class RecordLockedError(UserError):
    pass


class LegalHoldError(UserError):
    pass


class NotFoundError(UserError):
    pass


class ValidationError(UserError):
    pass
