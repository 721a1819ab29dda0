"""The exception tree. Subclass names say how a caller should handle the error.

    ReputationError
    ├── ConfigError                 bad or missing setting: fix the config, nothing to retry
    ├── SourceError                 a review source failed
    │   ├── RetriableSourceError    429 / 5xx / timeout: try again later (carries retry_after)
    │   ├── FatalSourceError        the source cannot work until someone fixes it
    │   │   └── SourceAuthError     credentials rejected
    │   └── SkippableRecordError    one malformed record: quarantine it, keep the rest
    ├── StorageError                MongoDB unreachable, or the embedded server cannot start
    ├── ModelError                  the sentiment model cannot be loaded or run
    ├── ApprovalError               a draft cannot move that way (tell the person why)
    └── NotifyError                 an alert could not be delivered (it stays in the outbox)

Third-party exceptions are translated at package boundaries with ``raise ... from exc``.
"""

from __future__ import annotations


class ReputationError(Exception):
    """Root of every error this project raises on purpose."""


class ConfigError(ReputationError):
    """A setting is invalid or missing; the message names the key."""


class SourceError(ReputationError):
    """A review source failed."""


class RetriableSourceError(SourceError):
    """A temporary failure; ``retry_after`` is the delay the source asked for, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FatalSourceError(SourceError):
    """The source cannot work until someone changes its configuration."""


class SourceAuthError(FatalSourceError):
    """The source rejected our credentials."""


class SkippableRecordError(SourceError):
    """One record is malformed; it goes to quarantine and the batch goes on."""


class StorageError(ReputationError):
    """MongoDB is unreachable or refused an operation."""


class ModelError(ReputationError):
    """The sentiment model cannot be loaded or run."""


class ApprovalError(ReputationError):
    """A draft cannot be approved, edited, discarded or posted as asked (already approved,
    needs a person, not editable at the source...); nothing changed."""


class NotifyError(ReputationError):
    """An alert could not be delivered; it stays pending in the outbox."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
