"""Turn a published plan document into the extraction-contract JSON.

The package is a functional core: readers turn a file into a `Document`
(plain text lines), every other module takes lines and returns plain data.
"""

from planwatch.extract.document import Document, ExtractError
from planwatch.extract.pipeline import extract_document, extract_path, extract_text

__all__ = ["Document", "ExtractError", "extract_document", "extract_path", "extract_text"]
