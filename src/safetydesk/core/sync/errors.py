"""What can go wrong while syncing, in words the user can act on (SYNC.md §6.4).

Every error is a ``UserError`` (bilingual message and hint). Local work always continues: nothing
here ever touches the records or the outbox.
"""

from __future__ import annotations

from safetydesk.core.errors import UserError
from safetydesk.core.i18n import N_


class SyncError(UserError):
    """Base of every sync problem."""


class SyncNotEnrolled(SyncError):  # noqa: N818 (the contract's names)
    def __init__(self) -> None:
        super().__init__(
            N_("This workspace is not connected to a sync server."),
            N_("Enrol this PC with a code from your administrator (Settings → Sync)."),
        )


class SyncDisabled(SyncError):  # noqa: N818 (the contract's names)
    def __init__(self) -> None:
        super().__init__(
            N_("Sync is switched off for this workspace."),
            N_("Enrol this PC again with a new code to switch it back on; nothing was lost."),
        )


class SyncUnauthorized(SyncError):  # noqa: N818 (the contract's names)
    """401: the token is unknown or the device was revoked."""

    def __init__(self) -> None:
        super().__init__(
            N_("The sync server no longer accepts this PC (its access was revoked or is unknown)."),
            N_(
                "Your local work is safe and keeps being saved. Ask your administrator for a new "
                "enrolment code and enrol this PC again; unsent changes are sent then."
            ),
        )


class SyncUpgradeRequired(SyncError):  # noqa: N818 (the contract's names)
    """426: this client's schema is older than the server accepts."""

    def __init__(self, min_schema: object = "?") -> None:
        super().__init__(
            N_("The sync server needs a newer SafetyDesk (data version {min_schema} or later)."),
            N_("Install the current SafetyDesk; your unsent changes are kept and sent after the update."),
            min_schema=min_schema,
        )


class SyncUnreachable(SyncError):  # noqa: N818 (the contract's names)
    """Transport errors or 5xx/429 after every retry."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_("The sync server cannot be reached: {reason}."),
            N_(
                "Your changes are kept on this PC and are sent at the next sync. Check the internet "
                "connection and the server address."
            ),
            reason=reason,
        )


class SyncCertificateError(SyncError):
    """TLS verification failed: not retried (waiting does not make a certificate trusted)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_("The sync server's certificate is not trusted: {reason}."),
            N_(
                "If your firm runs its own sync server, choose its CA certificate file in Settings → Sync; "
                "otherwise check the server address. Nothing was sent; your changes are kept on this PC."
            ),
            reason=reason,
        )


class SyncStorageUnavailable(SyncError):  # noqa: N818 (the contract's names)
    """503 storage_unavailable after every retry: the server's photo storage is down."""

    def __init__(self) -> None:
        super().__init__(
            N_("The sync server cannot store photos right now."),
            N_(
                "Your photos and changes stay on this PC; the next sync sends them. Tell your administrator if it lasts."
            ),
        )


class SyncDeviceRewound(SyncError):  # noqa: N818 (the contract's names)
    """409 device_rewound: this workspace was restored from an old backup or copied to another PC."""

    def __init__(self) -> None:
        super().__init__(
            N_(
                "The sync server has already received newer changes from this PC: this workspace was "
                "restored from an older backup or copied from another PC."
            ),
            N_(
                "Enrol this PC again with a new code (Settings → Sync). Your unsent changes are kept "
                "and sent under the new enrolment; nothing is applied twice."
            ),
        )


class SyncCursorAhead(SyncError):  # noqa: N818 (the contract's names)
    """409 cursor_ahead: the server was restored from a backup. Handled inside ``sync_now``."""

    def __init__(self, head: int) -> None:
        super().__init__(
            N_("The sync server was restored from an older backup."),
            N_("SafetyDesk sends this PC's records to it again; sync once more."),
        )
        self.head = head


class SyncRejected(SyncError):  # noqa: N818 (the contract's names)
    """A 4xx the client cannot fix by retrying (malformed change, too large for the server)."""

    def __init__(self, reason: str) -> None:
        super().__init__(
            N_("The sync server refused a change: {reason}."),
            N_("Your change is kept on this PC. Report this problem; it is not fixed by trying again."),
            reason=reason,
        )


class SyncJoinNotEmpty(SyncError):  # noqa: N818 (the contract's names)
    def __init__(self, tenant: str, records: int) -> None:
        super().__init__(
            N_(
                "This workspace already holds {records} records of its own, and {tenant} already has "
                "data on the sync server; the two cannot be joined."
            ),
            N_(
                "Enrol from a new, empty workspace (its records then come from the server), or ask for a "
                "new firm on the server to send this workspace's records there. A new code is needed: "
                "this one was used."
            ),
            tenant=tenant,
            records=records,
        )


class SyncCancelled(SyncError):  # noqa: N818 (the contract's names)
    def __init__(self) -> None:
        super().__init__(
            N_("The sync was stopped."),
            N_("What was sent or received so far is kept; the next sync continues from there."),
        )
