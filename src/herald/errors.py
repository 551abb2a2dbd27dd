"""Herald's exceptions: one base class, one subclass per kind of failure."""


class HeraldError(Exception):
    """Base of every error Herald raises on purpose."""


class ConfigError(HeraldError):
    """The configuration is invalid; the message says where and what would be valid."""


class SourceError(HeraldError):
    """A source could not be read as a whole (missing file, network error, undecodable bytes)."""


class RefusedError(SourceError):
    """The server refused the request (401 or 403): it wants credentials it did not get."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class ParseError(HeraldError):
    """A source's bytes could not be turned into items at all."""


class PublishError(HeraldError):
    """The output directory could not be written (a full disk, no permission); what was
    published before stays as it was."""


class StoreError(HeraldError):
    """The store is unusable (newer schema, locked by another scheduler)."""


class TranslationError(HeraldError):
    """A translation engine failed; the entry is published untranslated and tried again."""
