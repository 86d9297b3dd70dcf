"""The plain-text rendering of a plan document that every extractor reads."""

from __future__ import annotations

from dataclasses import dataclass, field


class ExtractError(Exception):
    """A document could not be read or is not a plan; the message names the reason."""

    def __init__(self, path: str | None, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}" if path else reason)


@dataclass(frozen=True)
class Document:
    """Decoded text split on "\\n"; line numbers are 1-based as in the contract."""

    text: str
    path: str | None = None
    format: str = "txt"  # txt | html | docx | pdf
    lines: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", self.text.split("\n"))

    def line(self, number: int) -> str:
        return self.lines[number - 1]
