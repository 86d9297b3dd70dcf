"""Errors the register raises; messages are Chinese first, then English."""

from __future__ import annotations


class RegisterError(Exception):
    """A request the register refuses; the message says why in Chinese and English."""


class NotFound(RegisterError):
    pass


class Ambiguous(RegisterError):
    pass


class ConflictError(RegisterError):
    """An update based on a stale version: someone else changed the row first."""


class InputError(RegisterError):
    """Bad input file: the message names file, row and column."""


class Forbidden(RegisterError):
    """The actor's role or department does not allow this action; `reason` says which rule
    ("forbidden", or "own_submission" for the four-eyes rule)."""

    def __init__(self, message: str, reason: str = "forbidden") -> None:
        super().__init__(message)
        self.reason = reason


class FieldError(RegisterError):
    """Bad input, one field or several: each carries the field name, a Chinese and an English message,
    so a form shows it beside the field, the API lists it, and a sheet names it by column.

    The one bilingual error type: raise it for one field, or `FieldError.collect([...])` for all at once."""

    def __init__(self, field: str, zh: str, en: str,
                 more: tuple[tuple[str, str, str], ...] = ()) -> None:
        self.errors: tuple[tuple[str, str, str], ...] = ((field, zh, en), *more)
        super().__init__("; ".join(f"{f}: {z} / {e}" for f, z, e in self.errors))
        self.field = field
        self.zh = zh
        self.en = en

    @classmethod
    def collect(cls, errors: list[FieldError]) -> FieldError:
        """One error carrying every field's problems (the first field's message leads)."""
        flat = [e for err in errors for e in err.errors]
        if not flat:
            raise ValueError("no errors to collect")
        (field, zh, en), *rest = flat
        return cls(field, zh, en, tuple(rest))

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def by_field(self, lang: str) -> dict[str, str]:
        """field → message in `lang` (the first message per field)."""
        out: dict[str, str] = {}
        for f, zh, en in self.errors:
            out.setdefault(f, zh if lang == "zh" else en)
        return out
