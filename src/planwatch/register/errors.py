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
