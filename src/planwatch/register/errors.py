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


class FieldError(RegisterError):
    """One bad input field; `field` names it so a form can show the message beside it."""

    def __init__(self, field: str, zh: str, en: str) -> None:
        super().__init__(f"{field}: {zh} / {en}")
        self.field = field
        self.zh = zh
        self.en = en
